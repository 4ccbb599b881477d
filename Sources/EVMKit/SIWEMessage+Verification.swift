import Foundation

// MARK: - Signatures and time window

extension SIWEMessage {
    /// The address whose key made `signature` over ``messageBytes`` under EIP-191 `personal_sign`.
    ///
    /// - Throws: ``EVMError`` `invalid_signature` when no key recovers (for instance a high s).
    public func signer(of signature: ECDSASignature) throws(EVMError) -> EthereumAddress {
        try PersonalMessage.signer(of: messageBytes, signature: signature)
    }

    /// Whether `signature` is ``address``'s `personal_sign` signature over the text. Externally owned accounts only:
    /// contract accounts (ERC-1271) are not supported.
    public func isValidSignature(_ signature: ECDSASignature) -> Bool {
        (try? signer(of: signature)) == address
    }

    /// Checks the time window at `now`: not issued in the future, not before ``notBefore``, not at or after
    /// ``expirationTime``, and, when `maximumAge` is given, issued at most that many seconds ago; `clockSkew` seconds
    /// of tolerance are allowed each way.
    ///
    /// - Throws: ``EVMError`` `siwe_issued_in_future`, `siwe_not_yet_valid` or `siwe_expired`.
    public func checkValidity(at now: Date, clockSkew: TimeInterval = 0, maximumAge: TimeInterval? = nil)
        throws(EVMError)
    {
        guard issuedAt.date <= now.addingTimeInterval(clockSkew) else {
            throw EVMError(
                .siweIssuedInFuture,
                "the message was issued at \(issuedAt), after the current time; check the issuer's clock")
        }
        if let notBefore, notBefore.date > now.addingTimeInterval(clockSkew) {
            throw EVMError(.siweNotYetValid, "the message is not valid before \(notBefore); try again later")
        }
        if let expirationTime, now.addingTimeInterval(-clockSkew) >= expirationTime.date {
            throw EVMError(.siweExpired, "the message expired at \(expirationTime); request a new sign-in")
        }
        if let maximumAge, now.addingTimeInterval(-clockSkew) > issuedAt.date.addingTimeInterval(maximumAge) {
            throw EVMError(
                .siweExpired,
                "the message was issued at \(issuedAt), more than \(Int(maximumAge)) s ago; request a new sign-in")
        }
    }
}

// MARK: - Verifier

/// The relying party's side of Sign-In with Ethereum (EIP-4361 §"Verifying a signed Message"): a signed message is
/// accepted only when it names this verifier's origin (scheme and domain), URI and chain, carries the nonce issued for
/// this sign-in, is inside its time window at the injected clock's time, and its `personal_sign` signature recovers
/// to the message's address.
///
/// Checks, in this order, each with its own code: `siwe_domain_mismatch` (scheme or domain; a message without a
/// scheme means `https`), `siwe_uri_mismatch`, `siwe_chain_id_mismatch`, `siwe_nonce_mismatch`,
/// `siwe_issued_in_future`, `siwe_not_yet_valid`, `siwe_expired`, then `invalid_signature` (no key recovers) or
/// `siwe_signer_mismatch` (another key signed). Parsing text first adds the `siwe_…` format codes.
///
/// The nonce must come from the server's own store, be issued for one sign-in and be consumed by it: this type checks
/// equality, the store provides single use.
public struct SIWEVerifier: Sendable {
    /// The origin's scheme; a message without a scheme matches only `https`.
    public let scheme: String
    /// The origin's authority (host and optional port), compared exactly.
    public let domain: String
    /// The URI the sign-in must be for, compared exactly.
    public let uri: String
    /// The chain the session is bound to.
    public let chainID: UInt64
    /// Seconds of tolerance each way for the time checks.
    public let clockSkew: TimeInterval
    /// When set, messages issued longer ago than this are refused even without an expiration time.
    public let maximumAge: TimeInterval?
    /// The current time (injected, so tests and replayed logs can fix it).
    public let clock: @Sendable () -> Date

    /// A verifier for one origin, URI and chain.
    public init(
        domain: String, uri: String, chainID: UInt64, scheme: String = "https", clockSkew: TimeInterval = 0,
        maximumAge: TimeInterval? = nil, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.scheme = scheme
        self.domain = domain
        self.uri = uri
        self.chainID = chainID
        self.clockSkew = clockSkew
        self.maximumAge = maximumAge
        self.clock = clock
    }

    /// Checks a parsed message and its signature against this verifier and the issued `nonce`.
    ///
    /// - Returns: the signed-in address.
    @discardableResult
    public func verify(_ message: SIWEMessage, signature: ECDSASignature, nonce: String) throws(EVMError)
        -> EthereumAddress
    {
        guard (message.scheme ?? "https") == scheme, message.domain == domain else {
            let origin = (message.scheme.map { $0 + "://" } ?? "") + message.domain
            throw EVMError(
                .siweDomainMismatch,
                "the message is for \"\(origin.prefix(80))\", not \"\(scheme)://\(domain)\"; it may come from a phishing site"
            )
        }
        guard message.uri == uri else {
            throw EVMError(.siweURIMismatch, "the message is for URI \"\(message.uri.prefix(80))\", not \"\(uri)\"")
        }
        guard message.chainID == chainID else {
            throw EVMError(
                .siweChainIDMismatch, "the message is bound to chain \(message.chainID), not chain \(chainID)")
        }
        guard message.nonce == nonce else {
            throw EVMError(
                .siweNonceMismatch, "the message nonce is not the one issued for this sign-in; it may be a replay")
        }
        try message.checkValidity(at: clock(), clockSkew: clockSkew, maximumAge: maximumAge)
        let signer = try message.signer(of: signature)
        guard signer == message.address else {
            throw EVMError(
                .siweSignerMismatch,
                "the signature is by \(signer), not by the message's address \(message.address): the text or signature was altered"
            )
        }
        return signer
    }

    /// Parses `text` strictly, then verifies it with the 65-byte `r ‖ s ‖ v` `signature` (v 27/28 or 0/1).
    ///
    /// - Returns: the parsed message, whose ``SIWEMessage/address`` signed in.
    @discardableResult
    public func verify(text: String, signature: [UInt8], nonce: String) throws(EVMError) -> SIWEMessage {
        let message = try SIWEMessage(text: text)
        try verify(message, signature: try ECDSASignature(rsv: signature), nonce: nonce)
        return message
    }
}
