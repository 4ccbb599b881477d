// MARK: - Errors

/// A signing failure.
public struct SolanaSigningError: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable {
        /// The seed or keypair bytes have the wrong length.
        case invalidSeed = "invalid_seed"
        /// The public key half of a 64-byte keypair does not match its seed.
        case keypairMismatch = "keypair_mismatch"
        /// The crypto backend reported a failure.
        case signingFailed = "signing_failed"
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
