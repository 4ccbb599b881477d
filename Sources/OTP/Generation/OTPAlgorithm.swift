import Crypto

// MARK: - OTPAlgorithm

/// The HMAC hash behind an OTP (RFC 6238 §1.2 allows SHA-1, SHA-256 and SHA-512).
public enum OTPAlgorithm: String, CaseIterable, Sendable, Hashable, Codable {
    case sha1 = "SHA1"
    case sha256 = "SHA256"
    case sha512 = "SHA512"

    /// Parses an algorithm name case-insensitively, with or without a hyphen (`sha1`, `SHA-256`, …).
    public init?(name: String) {
        let normalized = name.uppercased().replacingOccurrences(of: "-", with: "")
        guard let value = OTPAlgorithm(rawValue: normalized) else { return nil }
        self = value
    }

    /// The hash output length in bytes, which is also the default secret length (RFC 4226 §4 R6 asks for at least
    /// 128 bits and recommends 160; RFC 6238 Appendix B seeds match the hash length).
    public var outputByteCount: Int {
        switch self {
        case .sha1: Insecure.SHA1.byteCount
        case .sha256: SHA256.byteCount
        case .sha512: SHA512.byteCount
        }
    }

    /// The name as `otpauth://` URIs spell it.
    public var uriName: String { rawValue }
}
