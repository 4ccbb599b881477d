import Foundation

// MARK: - Verification

extension SIWSMessage {
    /// Whether `signature` is a valid Ed25519 signature by ``address`` over the UTF-8 text.
    public func isValidSignature(_ signature: SolanaSignature) -> Bool {
        address.isValidSignature(signature, for: messageBytes)
    }

    /// Checks the time window at `now`: not issued in the future, not before ``notBefore``, not at
    /// or after ``expirationTime``; `clockSkew` seconds of tolerance are allowed each way.
    ///
    /// - Throws: ``SIWSError`` `issued_in_future`, `not_yet_valid` or `expired`.
    public func checkValidity(at now: Date, clockSkew: TimeInterval = 0) throws(SIWSError) {
        guard issuedAt.date <= now.addingTimeInterval(clockSkew) else {
            throw SIWSError(
                .issuedInFuture,
                "The message was issued at \(issuedAt), after the current time; check the issuer's clock.")
        }
        if let notBefore, notBefore.date > now.addingTimeInterval(clockSkew) {
            throw SIWSError(.notYetValid, "The message is not valid before \(notBefore); try again later.")
        }
        guard now.addingTimeInterval(-clockSkew) < expirationTime.date else {
            throw SIWSError(.expired, "The message expired at \(expirationTime); request a new sign-in.")
        }
    }

    /// Full server-side check of a signed sign-in: the domain and nonce are the ones this server
    /// issued, the time window holds at `now`, and the signature is valid.
    ///
    /// - Throws: ``SIWSError`` `domain_mismatch`, `nonce_mismatch`, `issued_in_future`,
    ///   `not_yet_valid`, `expired` or `invalid_signature`.
    public func verify(
        signature: SolanaSignature, expectedDomain: String, expectedNonce: String, at now: Date,
        clockSkew: TimeInterval = 0
    ) throws(SIWSError) {
        guard domain == expectedDomain else {
            throw SIWSError(
                .domainMismatch,
                "The message is for domain \"\(domain)\", not \"\(expectedDomain)\"; it may come from a phishing site.")
        }
        guard nonce == expectedNonce else {
            throw SIWSError(
                .nonceMismatch, "The message nonce is not the one issued for this sign-in; it may be a replay.")
        }
        try checkValidity(at: now, clockSkew: clockSkew)
        guard isValidSignature(signature) else {
            throw SIWSError(
                .invalidSignature, "The signature is not a valid Ed25519 signature by \(address) over the message text."
            )
        }
    }
}
