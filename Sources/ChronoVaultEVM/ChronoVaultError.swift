// MARK: - Errors of the two-device flow

/// Why a step of ChronoVault's two-device flow failed — the authenticator's secret file, a request or a proof passed
/// between the devices: a stable ``code-swift.property`` (snake_case raw value, safe to match on and to log) and a
/// ``message`` sentence saying what was wrong and what to do. (Chain and contract failures stay `EVMError`; proving
/// failures `ZKTOTPError`.)
public struct ChronoVaultError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable, machine-readable codes.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A secret file that is not Chronoguard's authenticator format, or whose parameters are out of range.
        case invalidSecretFile = "invalid_secret_file"
        /// The passphrase does not open the secret file (its AES-GCM tag does not verify).
        case wrongPassphrase = "wrong_passphrase"
        /// A request that is not a well-formed `chronoguard-request` (docs/two-device.md).
        case invalidRequest = "invalid_request"
        /// A proof message that is not a well-formed `chronoguard-proof`.
        case invalidProofMessage = "invalid_proof_message"
        /// A proof that answers another request (its request hash differs).
        case requestMismatch = "request_mismatch"
        /// A proof whose public signals do not match the request (secret hash, commitment) or that does not verify.
        case proofRejected = "proof_rejected"
        /// A proof for a time step the wallet would refuse as stale or from the future.
        case staleProof = "stale_proof"
    }

    /// The stable failure code.
    public let code: Code
    /// A sentence saying what was wrong and what to do about it.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The code and the message, e.g. `wrong_passphrase: The passphrase does not open …`.
    public var description: String { "\(code.rawValue): \(message)" }

    static func invalidSecretFile(_ reason: String) -> ChronoVaultError {
        ChronoVaultError(
            .invalidSecretFile,
            "The authenticator's secret file cannot be read: \(reason); use a file written by "
                + "`chronoguard authenticator init`.")
    }

    public static func invalidRequest(_ reason: String) -> ChronoVaultError {
        ChronoVaultError(
            .invalidRequest,
            "The request is not a valid ChronoVault request: \(reason); scan the request again from the device "
                + "that made it (`chronoguard vault evm request`).")
    }

    public static func invalidProofMessage(_ reason: String) -> ChronoVaultError {
        ChronoVaultError(
            .invalidProofMessage,
            "The proof message is not a valid ChronoVault proof: \(reason); scan the proof again from the "
                + "authenticator (`chronoguard authenticator approve`).")
    }
}
