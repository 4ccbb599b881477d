// MARK: - ZKTOTPError

/// Why a ZK-TOTP operation refused its input. `code` is stable and machine-readable (snake_case); `message` says what
/// was wrong and what to do.
public struct ZKTOTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable, machine-readable codes (snake_case raw values).
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case keyForAnotherCircuit = "key_for_another_circuit"
        case publicSignalCount = "public_signal_count"
        case invalidLength = "invalid_length"
        case invalidTime = "invalid_time"
    }

    /// The stable failure code.
    public let code: Code
    /// What was wrong and what to do about it.
    public let message: String

    /// Creates an error; prefer the named constructors below.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// The proving key belongs to another circuit (or another version of this one).
    public static let keyForAnotherCircuit = ZKTOTPError(
        code: .keyForAnotherCircuit,
        message: "the proving key was not generated for the ChronoVault TOTP circuit of this build; run "
            + "`chronoguard zk setup` again and use the new keys")

    /// The public inputs do not have the statement's four signals.
    public static func publicSignalCount(_ count: Int) -> ZKTOTPError {
        ZKTOTPError(
            code: .publicSignalCount,
            message: "the TOTP statement has 4 public signals (totpCode, timeCounter, secretHash, txCommitment), "
                + "but \(count) were given")
    }

    /// A byte string that must have a fixed length did not.
    public static func invalidLength(_ what: String, expected: Int, got: Int) -> ZKTOTPError {
        ZKTOTPError(
            code: .invalidLength,
            message: "\(what) must be \(expected) bytes but is \(got); pass the full value")
    }

    /// A Unix time before the epoch or too large for a time counter.
    public static func invalidTime(_ time: Int64) -> ZKTOTPError {
        ZKTOTPError(
            code: .invalidTime,
            message: "the Unix time \(time) is negative; give seconds since 1970-01-01T00:00:00Z")
    }
}
