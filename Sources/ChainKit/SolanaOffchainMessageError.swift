// MARK: - Errors

/// A Solana off-chain message that cannot be built, parsed or signed.
public struct SolanaOffchainMessageError: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable {
        /// The input ends before a preamble field is complete.
        case truncated = "truncated"
        /// The input does not start with `"\xffsolana offchain"`.
        case invalidSigningDomain = "invalid_signing_domain"
        /// A header version other than 0.
        case unsupportedVersion = "unsupported_version"
        /// A message format byte other than 0, 1 or 2.
        case invalidFormat = "invalid_format"
        /// A signer count of zero.
        case noSigners = "no_signers"
        /// More than 255 signers.
        case tooManySigners = "too_many_signers"
        /// The all-zero key among several signers.
        case zeroSigner = "zero_signer"
        /// A message length of zero.
        case emptyMessage = "empty_message"
        /// The body is shorter or longer than the declared length.
        case lengthMismatch = "length_mismatch"
        /// The body is not valid UTF-8.
        case invalidUTF8 = "invalid_utf8"
        /// The declared format differs from the one the content determines.
        case formatMismatch = "format_mismatch"
        /// Preamble and body exceed 65535 bytes.
        case messageTooLong = "message_too_long"
        /// The signing key is not among the message's signers.
        case signerNotListed = "signer_not_listed"
    }

    /// The stable failure code.
    public let code: Code
    /// Byte offset in the parsed input, when parsing.
    public let offset: Int?
    /// A sentence saying what was wrong and what to do.
    public let reason: String

    init(_ code: Code, at offset: Int? = nil, _ reason: String) {
        self.code = code
        self.offset = offset
        self.reason = reason
    }
}
