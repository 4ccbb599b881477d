import SignInMessages

// MARK: - Sign In With Solana message

/// A Sign In With Solana (SIWS) message: the text a wallet signs to log in, as specified by
/// Phantom's "Sign In With Solana" (github.com/phantom/sign-in-with-solana, §"ABNF Message
/// Format"), modelled on EIP-4361 / CAIP-122, and produced by `createSignInMessageText` in
/// `@solana/wallet-standard-util`.
///
/// Canonical text (each optional line is omitted when absent):
/// ```
/// ${domain} wants you to sign in with your Solana account:
/// ${address}
///
/// ${statement}
///
/// URI: ${uri}
/// Version: 1
/// Chain ID: ${chainID}
/// Nonce: ${nonce}
/// Issued At: ${issuedAt}
/// Expiration Time: ${expirationTime}
/// Not Before: ${notBefore}
/// Request ID: ${requestID}
/// Resources:
/// - ${resources[0]}
/// ```
///
/// The spec makes every field but domain and address optional. For a guardian that accepts logins,
/// a message without a URI, chain, nonce, issue and expiry time cannot be checked for replay or
/// staleness, so this type **requires** them; statement, not-before, request id and resources stay
/// optional. Values are checked against the ABNF: the statement is one line of RFC 3986 `reserved`
/// / `unreserved` characters and spaces, the nonce at least 8 ASCII letters and digits, times are
/// RFC 3339, the version is `1`, the chain id one of the seven listed values.
public struct SIWSMessage: Hashable, Sendable {
    // MARK: Nested types

    /// The `Chain ID` values the SIWS ABNF allows (`message-chain-id`).
    public enum ChainID: String, Hashable, Sendable, CaseIterable {
        /// Solana mainnet-beta.
        case mainnet = "mainnet"
        /// Solana testnet.
        case testnet = "testnet"
        /// Solana devnet.
        case devnet = "devnet"
        /// A local test validator.
        case localnet = "localnet"
        /// Solana mainnet-beta, CAIP-2 style.
        case solanaMainnet = "solana:mainnet"
        /// Solana testnet, CAIP-2 style.
        case solanaTestnet = "solana:testnet"
        /// Solana devnet, CAIP-2 style.
        case solanaDevnet = "solana:devnet"
    }

    // MARK: Constants

    /// Text after the domain on the first line.
    static let headerSuffix = " wants you to sign in with your Solana account:"

    /// The only `Version` value the ABNF allows (`message-version = "1"`).
    public static let supportedVersion = "1"

    /// Fewest nonce characters: `message-nonce = 8*( ALPHA / DIGIT )`.
    public static let minimumNonceLength = 8

    // MARK: Fields

    /// The RFC 3986 authority (host and optional port) requesting the sign-in.
    public let domain: String
    /// The account signing in.
    public let address: SolanaPublicKey
    /// Optional human-readable assertion, one line.
    public let statement: String?
    /// The RFC 3986 URI of the resource the sign-in is for.
    public let uri: String
    /// The message version, always `"1"`.
    public var version: String { Self.supportedVersion }
    /// The Solana cluster.
    public let chainID: ChainID
    /// A random value against replay: at least 8 ASCII letters and digits.
    public let nonce: String
    /// When the message was issued.
    public let issuedAt: SIWSTimestamp
    /// When the message stops being valid.
    public let expirationTime: SIWSTimestamp
    /// When the message starts being valid, if later than ``issuedAt``.
    public let notBefore: SIWSTimestamp?
    /// An optional request identifier (RFC 3986 `pchar`s).
    public let requestID: String?
    /// Optional list of RFC 3986 URIs the user is made aware of (`nil`: no `Resources:` line).
    public let resources: [String]?

    // MARK: Initialiser

    /// Builds a message, checking every field against the SIWS ABNF.
    ///
    /// - Throws: ``SIWSError`` naming the first invalid field.
    public init(
        domain: String,
        address: SolanaPublicKey,
        statement: String? = nil,
        uri: String,
        chainID: ChainID,
        nonce: String,
        issuedAt: SIWSTimestamp,
        expirationTime: SIWSTimestamp,
        notBefore: SIWSTimestamp? = nil,
        requestID: String? = nil,
        resources: [String]? = nil
    ) throws(SIWSError) {
        let invalid = SignInMessageFields.firstInvalid(
            domain: domain, statement: statement, uri: uri, nonce: nonce, minimumNonceLength: Self.minimumNonceLength,
            requestID: requestID, resources: resources)
        switch invalid {
        case .domain?:
            throw SIWSError(
                .invalidDomain,
                "Domain \"\(domain.prefix(80))\" is not an RFC 3986 authority (host[:port], no spaces, scheme or path)."
            )
        case .statement?:
            throw SIWSError(
                .invalidStatement,
                "The statement must be one non-empty line of letters, digits, spaces and RFC 3986 reserved/unreserved punctuation (no line breaks, quotes, % or non-ASCII)."
            )
        case .uri?:
            throw SIWSError(
                .invalidURI,
                "URI \"\(uri.prefix(80))\" is not an RFC 3986 URI (scheme \":\" followed by URI characters).")
        case .nonce?:
            throw SIWSError(
                .invalidNonce,
                "The nonce must be at least 8 ASCII letters and digits; generate it from a secure random source.")
        case .requestID?:
            throw SIWSError(
                .invalidRequestID,
                "The request id must be one or more RFC 3986 path characters (letters, digits, -._~!$&'()*+,;=:@ or %XX)."
            )
        case .resource(let index, let resource)?:
            throw SIWSError(.invalidResource, "Resource \(index) \"\(resource.prefix(80))\" is not an RFC 3986 URI.")
        case nil:
            break
        }
        self.domain = domain
        self.address = address
        self.statement = statement
        self.uri = uri
        self.chainID = chainID
        self.nonce = nonce
        self.issuedAt = issuedAt
        self.expirationTime = expirationTime
        self.notBefore = notBefore
        self.requestID = requestID
        self.resources = resources
    }

    // MARK: Rendering

    /// The canonical message text (the exact string to sign, as UTF-8).
    public var text: String {
        var out = domain + Self.headerSuffix + "\n" + address.base58
        if let statement { out += "\n\n" + statement }
        out +=
            "\n\n"
            + SignInMessageFields.render(
                uri: uri, version: version, chainID: chainID.rawValue, nonce: nonce, issuedAt: issuedAt.text,
                expirationTime: expirationTime.text, notBefore: notBefore?.text, requestID: requestID,
                resources: resources)
        return out
    }

    /// The bytes a wallet signs: the UTF-8 encoding of ``text``.
    public var messageBytes: [UInt8] { Array(text.utf8) }
}
