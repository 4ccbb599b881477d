// MARK: - Errors

/// A SIWS message that cannot be built, parsed or accepted.
public struct SIWSError: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable {
        /// The first line is not "<domain> wants you to sign in with your Solana account:".
        case invalidHeaderLine = "invalid_header_line"
        /// The domain is not an RFC 3986 authority.
        case invalidDomain = "invalid_domain"
        /// The address line is not a Base58 32-byte Solana key.
        case invalidAddress = "invalid_address"
        /// The statement breaks `1*( reserved / unreserved / " " )`.
        case invalidStatement = "invalid_statement"
        /// The URI is not an RFC 3986 URI.
        case invalidURI = "invalid_uri"
        /// The version is not `1`.
        case unsupportedVersion = "unsupported_version"
        /// The chain id is not one of the seven SIWS values.
        case invalidChainID = "invalid_chain_id"
        /// The nonce is not at least 8 ASCII letters and digits.
        case invalidNonce = "invalid_nonce"
        /// A time is not an RFC 3339 date-time.
        case invalidTimestamp = "invalid_timestamp"
        /// The request id is empty or has characters outside RFC 3986 `pchar`.
        case invalidRequestID = "invalid_request_id"
        /// A resource is not an RFC 3986 URI.
        case invalidResource = "invalid_resource"
        /// A required field is absent (or out of order).
        case missingField = "missing_field"
        /// A line that the grammar does not allow at that place.
        case unexpectedLine = "unexpected_line"
        /// The message names another domain than the expected one.
        case domainMismatch = "domain_mismatch"
        /// The message nonce differs from the issued one.
        case nonceMismatch = "nonce_mismatch"
        /// The issue time lies after the verification time.
        case issuedInFuture = "issued_in_future"
        /// The verification time lies before `Not Before`.
        case notYetValid = "not_yet_valid"
        /// The verification time is at or after `Expiration Time`.
        case expired = "expired"
        /// The signature does not verify for the address and text.
        case invalidSignature = "invalid_signature"
    }

    /// The stable failure code.
    public let code: Code
    /// A sentence saying what was wrong and what to do.
    public let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }
}
