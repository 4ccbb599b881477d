import Crypto
import Foundation

// MARK: - Secure random values

/// Random values from a CSPRNG — swift-crypto's (BoringSSL `RAND_bytes`, seeded from `getrandom(2)`, on Linux;
/// `SecRandomCopyBytes` on Apple platforms) — never from `Math.random`-style generators (see SEEDS-NOTES §4).
public enum SecureRandom {
    /// `count` random bytes (one call into the generator, not a system call per word).
    public static func bytes(_ count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        return SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { Array($0) }
    }

    /// The 62 ASCII letters and digits: the SIWS nonce alphabet (`message-nonce = 8*( ALPHA / DIGIT )`).
    static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// A string of `length` uniformly random ASCII letters and digits (rejection sampling: bytes ≥ 248 = 4·62 are
    /// redrawn so every character has probability exactly 1/62; log2(62) ≈ 5.95 bits each).
    public static func alphanumeric(_ length: Int) -> String {
        var out = [UInt8]()
        out.reserveCapacity(length)
        while out.count < length {
            for byte in bytes(length) where out.count < length && byte < 248 {
                out.append(alphanumerics[Int(byte % 62)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `byteCount` random bytes as lowercase hex (identifiers: challenge ids, operation ids).
    public static func hexIdentifier(byteCount: Int = 16) -> String { Hex.encode(bytes(byteCount)) }
}
