import SignInMessages

// MARK: - Sign-In with Ethereum message

/// A Sign-In with Ethereum message (EIP-4361, §"ABNF Message Format"): the text an account signs with EIP-191
/// `personal_sign` to log in to an off-chain service.
///
/// Canonical text (each optional part is omitted when absent; with no statement, two blank lines follow the address):
/// ```
/// ${scheme}://${domain} wants you to sign in with your Ethereum account:
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
/// Values are checked against the ABNF: the scheme is an RFC 3986 scheme, the domain an RFC 3986 authority, the
/// address EIP-55 checksummed, the statement one line of RFC 3986 `reserved` / `unreserved` characters and spaces, the
/// URI and resources RFC 3986 URIs, the nonce at least 8 ASCII letters and digits, times RFC 3339. Where the ABNF
/// admits two spellings of one value, only the one this type renders is accepted, so that every accepted text
/// round-trips byte for byte: the chain id is canonical decimal without leading zeros and at least 1 (EIP-155), and an
/// empty statement or request id is refused (it is written as none). `Resources:` with no items is kept apart from no
/// `Resources:` line (`[]` versus `nil`).
public struct SIWEMessage: Hashable, Sendable {
    // MARK: Constants

    /// Text after the domain on the first line.
    static let headerSuffix = " wants you to sign in with your Ethereum account:"

    /// The only `Version` value the ABNF allows (`version = "1"`).
    public static let supportedVersion = "1"

    /// Fewest nonce characters: `nonce = 8*( ALPHA / DIGIT )`.
    public static let minimumNonceLength = 8

    // MARK: Fields

    /// The URI scheme of the request's origin, when the message names it (`https` is assumed when absent).
    public let scheme: String?
    /// The RFC 3986 authority (host and optional port) requesting the sign-in.
    public let domain: String
    /// The account signing in.
    public let address: EthereumAddress
    /// Optional human-readable assertion, one line.
    public let statement: String?
    /// The RFC 3986 URI of the resource the sign-in is for.
    public let uri: String
    /// The message version, always `"1"`.
    public var version: String { Self.supportedVersion }
    /// The EIP-155 chain id the session is bound to.
    public let chainID: UInt64
    /// A random value against replay: at least 8 ASCII letters and digits.
    public let nonce: String
    /// When the message was issued.
    public let issuedAt: SIWETimestamp
    /// When the message stops being valid, if it does.
    public let expirationTime: SIWETimestamp?
    /// When the message starts being valid, if later than ``issuedAt``.
    public let notBefore: SIWETimestamp?
    /// An optional request identifier (RFC 3986 `pchar`s).
    public let requestID: String?
    /// Optional list of RFC 3986 URIs the user is made aware of (`nil`: no `Resources:` line).
    public let resources: [String]?

    // MARK: Initialiser

    /// Builds a message, checking every field against the EIP-4361 ABNF.
    ///
    /// - Throws: ``EVMError`` naming the first invalid field (`siwe_invalid_scheme`, `siwe_invalid_domain`,
    ///   `siwe_invalid_statement`, `siwe_invalid_uri`, `siwe_invalid_chain_id`, `siwe_invalid_nonce`,
    ///   `siwe_invalid_request_id`, `siwe_invalid_resource`).
    public init(
        scheme: String? = nil,
        domain: String,
        address: EthereumAddress,
        statement: String? = nil,
        uri: String,
        chainID: UInt64,
        nonce: String,
        issuedAt: SIWETimestamp,
        expirationTime: SIWETimestamp? = nil,
        notBefore: SIWETimestamp? = nil,
        requestID: String? = nil,
        resources: [String]? = nil
    ) throws(EVMError) {
        if let scheme, !SignInGrammar.isScheme(scheme) {
            throw EVMError(
                .siweInvalidScheme,
                "scheme \"\(scheme.prefix(40))\" is not an RFC 3986 scheme (a letter, then letters, digits, + - or .)")
        }
        let invalid = SignInMessageFields.firstInvalid(
            domain: domain, statement: statement, uri: uri, nonce: nonce, minimumNonceLength: Self.minimumNonceLength,
            requestID: requestID, resources: resources)
        switch invalid {
        case .domain?:
            throw EVMError(
                .siweInvalidDomain,
                "domain \"\(domain.prefix(80))\" is not an RFC 3986 authority (host[:port], no spaces, scheme or path)")
        case .statement?:
            throw EVMError(
                .siweInvalidStatement,
                "the statement must be one non-empty line of letters, digits, spaces and RFC 3986 reserved/unreserved punctuation (no line breaks, quotes, % or non-ASCII)"
            )
        case .uri?:
            throw EVMError(
                .siweInvalidURI,
                "URI \"\(uri.prefix(80))\" is not an RFC 3986 URI (scheme \":\" followed by URI characters)")
        case .nonce?, .requestID?, .resource?, nil:
            break
        }
        // EIP-4361 checks the chain id between the URI and the nonce.
        guard chainID >= 1 else {
            throw EVMError(.siweInvalidChainID, "the chain id must be an EIP-155 chain id, 1 or more; got 0")
        }
        switch invalid {
        case .nonce?:
            throw EVMError(
                .siweInvalidNonce,
                "the nonce must be at least 8 ASCII letters and digits; generate it from a secure random source")
        case .requestID?:
            throw EVMError(
                .siweInvalidRequestID,
                "the request id must be one or more RFC 3986 path characters (letters, digits, -._~!$&'()*+,;=:@ or %XX)"
            )
        case .resource(let index, let resource)?:
            throw EVMError(.siweInvalidResource, "resource \(index) \"\(resource.prefix(80))\" is not an RFC 3986 URI")
        case .domain?, .statement?, .uri?, nil:
            break
        }
        self.scheme = scheme
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
        var out = (scheme.map { $0 + "://" } ?? "") + domain + Self.headerSuffix + "\n" + address.checksummed + "\n\n"
        if let statement { out += statement + "\n" }
        out +=
            "\n"
            + SignInMessageFields.render(
                uri: uri, version: version, chainID: String(chainID), nonce: nonce, issuedAt: issuedAt.text,
                expirationTime: expirationTime?.text, notBefore: notBefore?.text, requestID: requestID,
                resources: resources)
        return out
    }

    /// The bytes an account signs (EIP-191 `personal_sign` adds its prefix): the UTF-8 encoding of ``text``.
    public var messageBytes: [UInt8] { Array(text.utf8) }
}
