// MARK: - HOTP (RFC 4226)

/// An HMAC-based one-time password generator (RFC 4226 §5).
///
/// The HMAC key schedule (the ipad/opad blocks of RFC 2104) is computed once at initialisation and reused for every
/// counter, which is what makes window verification cheap (see `PrecomputedHMAC`).
public struct HOTP: Sendable {
    public let algorithm: OTPAlgorithm
    public let digits: Int
    @usableFromInline let mac: PrecomputedHMAC

    /// - Parameters:
    ///   - secret: the shared secret K.
    ///   - algorithm: SHA-1 for RFC 4226; RFC 6238 adds SHA-256 and SHA-512.
    ///   - digits: code length, 6…10 (RFC 4226 §5.3 requires at least 6; a 31-bit value has at most 10 digits).
    public init(secret: OTPSecret, algorithm: OTPAlgorithm = .sha1, digits: Int = 6) throws(OTPError) {
        guard (6...10).contains(digits) else { throw .invalidDigits(digits) }
        self.algorithm = algorithm
        self.digits = digits
        self.mac = PrecomputedHMAC(algorithm: algorithm, key: secret.bytes)
    }

    /// The code for a counter value, zero-padded to ``digits`` characters.
    public func code(counter: UInt64) -> String {
        OTPCode.format(value(counter: counter), digits: digits)
    }

    /// The numeric code value: `DT(HMAC(K, C)) mod 10^digits` (RFC 4226 §5.3–5.4).
    @inlinable
    public func value(counter: UInt64) -> UInt32 {
        mac.truncatedValue(counter: counter) % OTPCode.powersOfTen[digits]
    }
}

// MARK: - Code formatting

/// Helpers for codes as fixed-width decimal strings (never integers: leading zeros matter).
public enum OTPCode {
    /// 10^0 … 10^10 truncated to UInt32 where it fits; index = digits. 10^10 exceeds UInt32, but a 31-bit
    /// truncated value is always below it, so `UInt32.max` is a correct stand-in for "no reduction".
    @usableFromInline static let powersOfTen: [UInt32] = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, UInt32.max,
    ]

    /// Formats a code value zero-padded to `digits` characters.
    public static func format(_ value: UInt32, digits: Int) -> String {
        var characters = [UInt8](repeating: UInt8(ascii: "0"), count: digits)
        var remaining = value
        var index = digits - 1
        while remaining > 0, index >= 0 {
            characters[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
            index -= 1
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Parses a code of exactly `digits` ASCII decimal digits (surrounding spaces and inner spaces from grouped display
    /// such as "123 456" allowed). Returns nil when the shape is wrong: the shape is not secret, so this may branch.
    public static func parse(_ code: String, digits: Int) -> UInt32? {
        var value: UInt64 = 0
        var count = 0
        for byte in code.utf8 {
            if byte == UInt8(ascii: " ") { continue }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
            count += 1
            if count > digits { return nil }
        }
        guard count == digits, value <= UInt64(UInt32.max) else { return nil }
        return UInt32(value)
    }
}
