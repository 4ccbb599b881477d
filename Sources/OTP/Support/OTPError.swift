// MARK: - OTPError

/// An error from the OTP layer: a stable machine-readable ``code`` and a sentence a person can act on.
///
/// The message never contains secret material (secrets, codes); at most it names a position or a parameter.
public struct OTPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable `snake_case` identifier, safe to match on in scripts and APIs.
    public let code: String
    /// What was wrong and what to do about it.
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

// MARK: - Catalogue

extension OTPError {
    static func invalidBase32Character(_ character: Character, position: Int) -> OTPError {
        let shown = character.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F })
            ? "'\(character)'" : "U+" + character.unicodeScalars.map { String($0.value, radix: 16, uppercase: true) }.joined(separator: "+U+")
        return OTPError(
            code: "invalid_base32_character",
            message: "The Base32 secret contains \(shown) at position \(position), which is not in the RFC 4648 alphabet (A–Z, 2–7); check for typos such as 0/O or 1/I/L."
        )
    }

    static func invalidBase32Padding(position: Int) -> OTPError {
        OTPError(
            code: "invalid_base32_padding",
            message: "The Base32 secret has misplaced '=' padding at position \(position); padding may appear only at the end, and it is optional."
        )
    }

    static func invalidBase32Length(_ count: Int) -> OTPError {
        OTPError(
            code: "invalid_base32_length",
            message: "The Base32 secret has \(count) significant characters, a length no byte string encodes to (a remainder of 1, 3 or 6 characters mod 8 is impossible); a character is probably missing or extra."
        )
    }

    static func secretTooShort(_ count: Int) -> OTPError {
        OTPError(
            code: "secret_too_short",
            message: "The secret is \(count) bytes long; at least \(OTPSecret.minimumByteCount) bytes (128 bits, RFC 4226 §4 R6) are required. Generate a new secret with the default length."
        )
    }

    static func invalidDigits(_ digits: Int) -> OTPError {
        OTPError(
            code: "invalid_digits",
            message: "\(digits) digits is not supported; use 6 to 10 digits (6 is the common choice)."
        )
    }

    static func invalidPeriod(_ period: Int) -> OTPError {
        OTPError(
            code: "invalid_period",
            message: "A period of \(period) seconds is not allowed; the period must be a positive number of seconds (30 is the common choice)."
        )
    }

    static func timeBeforeEpoch(_ time: Int64, t0: Int64) -> OTPError {
        OTPError(
            code: "time_before_t0",
            message: "The time \(time) is before the TOTP start time T0 = \(t0); no time step exists for it. Check the clock and the T0 setting."
        )
    }

    static func invalidWindow(_ window: Int) -> OTPError {
        OTPError(
            code: "invalid_window",
            message: "A verification window of \(window) steps is not allowed; use 0 to 10 steps on each side (1 is the RFC 6238 §5.2 recommendation)."
        )
    }
}
