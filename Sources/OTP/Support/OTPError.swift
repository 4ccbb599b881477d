// MARK: - OTPError

/// An error from the OTP layer: a stable machine-readable ``code`` and a sentence a person can act on.
///
/// The message never contains secret material (secrets, codes); at most it names a position or a parameter.
public struct OTPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable `snake_case` codes, safe to match on in scripts and APIs.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case invalidBase32Character = "invalid_base32_character"
        case invalidBase32Padding = "invalid_base32_padding"
        case invalidBase32Length = "invalid_base32_length"
        case secretTooShort = "secret_too_short"
        case invalidDigits = "invalid_digits"
        case invalidPeriod = "invalid_period"
        case timeBeforeT0 = "time_before_t0"
        case invalidWindow = "invalid_window"
        // Key URIs (Google Authenticator's Key Uri Format).
        case invalidURIScheme = "invalid_uri_scheme"
        case invalidURIType = "invalid_uri_type"
        case invalidURILabel = "invalid_uri_label"
        case invalidURIIssuer = "invalid_uri_issuer"
        case invalidURIParameter = "invalid_uri_parameter"
        case invalidURISecret = "invalid_uri_secret"
        case invalidURIAlgorithm = "invalid_uri_algorithm"
        case invalidURIDigits = "invalid_uri_digits"
        case invalidURIPeriod = "invalid_uri_period"
        case invalidURICounter = "invalid_uri_counter"
        case invalidURIEncoding = "invalid_uri_encoding"
    }

    /// The stable failure code.
    public let code: Code
    /// What was wrong and what to do about it.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

// MARK: - Catalogue

extension OTPError {
    public static func invalidBase32Character(_ character: Character, position: Int) -> OTPError {
        let shown =
            character.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F })
            ? "'\(character)'"
            : "U+"
                + character.unicodeScalars.map { String($0.value, radix: 16, uppercase: true) }.joined(separator: "+U+")
        return OTPError(
            .invalidBase32Character,
            "The Base32 secret contains \(shown) at position \(position), which is not in the RFC 4648 alphabet (A–Z, 2–7); check for typos such as 0/O or 1/I/L."
        )
    }

    public static func invalidBase32Padding(position: Int) -> OTPError {
        OTPError(
            .invalidBase32Padding,
            "The Base32 secret has misplaced '=' padding at position \(position); padding may appear only at the end, and it is optional."
        )
    }

    public static func invalidBase32Length(_ count: Int) -> OTPError {
        OTPError(
            .invalidBase32Length,
            "The Base32 secret has \(count) significant characters, a length no byte string encodes to (a remainder of 1, 3 or 6 characters mod 8 is impossible); a character is probably missing or extra."
        )
    }

    public static func secretTooShort(_ count: Int) -> OTPError {
        OTPError(
            .secretTooShort,
            "The secret is \(count) bytes long; at least \(OTPSecret.minimumByteCount) bytes (128 bits, RFC 4226 §4 R6) are required. Generate a new secret with the default length."
        )
    }

    public static func invalidDigits(_ digits: Int) -> OTPError {
        OTPError(
            .invalidDigits,
            "\(digits) digits is not supported; use 6 to 10 digits (6 is the common choice)."
        )
    }

    public static func invalidPeriod(_ period: Int) -> OTPError {
        OTPError(
            .invalidPeriod,
            "A period of \(period) seconds is not allowed; the period must be a positive number of seconds (30 is the common choice)."
        )
    }

    public static func timeBeforeEpoch(_ time: Int64, t0: Int64) -> OTPError {
        OTPError(
            .timeBeforeT0,
            "The time \(time) is before the TOTP start time T0 = \(t0); no time step exists for it. Check the clock and the T0 setting."
        )
    }

    public static func invalidWindow(_ window: Int) -> OTPError {
        OTPError(
            .invalidWindow,
            "A verification window of \(window) steps is not allowed; use 0 to 10 steps on each side (1 is the RFC 6238 §5.2 recommendation)."
        )
    }
}
