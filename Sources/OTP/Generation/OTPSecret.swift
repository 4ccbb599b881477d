import Crypto

// MARK: - OTPSecret

/// The shared secret K of RFC 4226 §5.1.
///
/// Its `description` is redacted so that a secret printed by accident (a log line, an error) reveals nothing.
public struct OTPSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// RFC 4226 §4 requirement R6: the shared secret must be at least 128 bits.
    public static let minimumByteCount = 16

    /// The raw secret bytes. Treat as sensitive: never log or persist them unencrypted.
    public let bytes: [UInt8]

    /// Wraps existing secret bytes.
    /// - Throws: ``OTPError`` `secret_too_short` when fewer than ``minimumByteCount`` bytes are given.
    public init(bytes: [UInt8]) throws(OTPError) {
        guard bytes.count >= Self.minimumByteCount else { throw .secretTooShort(bytes.count) }
        self.bytes = bytes
    }

    /// Decodes a Base32 secret as shown by authenticator apps (see ``Base32/decode(_:)``).
    public init(base32: String) throws(OTPError) {
        try self.init(bytes: Base32.decode(base32))
    }

    /// Generates a secret from the system CSPRNG (BoringSSL `RAND_bytes` / CryptoKit), by default as long as the
    /// hash output of `algorithm` (20, 32 or 64 bytes), as RFC 4226 §4 R6 recommends and RFC 6238 Appendix B uses.
    public static func generate(for algorithm: OTPAlgorithm = .sha1, byteCount: Int? = nil) throws(OTPError)
        -> OTPSecret
    {
        let count = byteCount ?? algorithm.outputByteCount
        guard count >= minimumByteCount else { throw .secretTooShort(count) }
        let key = SymmetricKey(size: SymmetricKeySize(bitCount: count * 8))
        return try OTPSecret(bytes: key.withUnsafeBytes { Array($0) })
    }

    /// The secret in unpadded upper-case Base32, the form Key URIs and authenticator apps use.
    public var base32: String { Base32.encode(bytes) }

    public var description: String { "OTPSecret(\(bytes.count) bytes, redacted)" }
    public var debugDescription: String { description }
}
