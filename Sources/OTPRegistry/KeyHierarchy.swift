import Crypto
import Foundation

// MARK: - The HKDF key hierarchy

/// The issuer's key hierarchy (seed 002, §9), every step one HKDF-SHA256 (RFC 5869) with an empty salt (RFC 5869
/// §2.2: a string of `HashLen` zeros) and the label as `info` (§3.2: binds the output to its context):
///
/// ```
/// master key  --HKDF(info = "otp/seed/<app>")-->      issuer seed
/// issuer seed --HKDF(info = "otp/user/<userId>")-->   user seed    (the user's TOTP secret, HMAC-SHA256, 32 bytes)
/// user seed   --HKDF(info = "otp/action/<scope>")-->  action seed  (the key that seals that scope's salts at rest)
/// ```
///
/// No per-user secret is stored: enrollment derives the user seed again whenever it is needed. Each level is a
/// one-way function of its parent, so a leaked action seed reveals neither the user seed nor another scope's seed,
/// and a leaked user seed reveals no other user's (RFC 5869 §3.3: HKDF outputs are independent PRF outputs). Every
/// seed is 32 bytes (SHA-256's output length, RFC 5869 §3.3's recommendation for keys used with HMAC-SHA256).
public struct RegistryKeyHierarchy: Sendable {
    /// The length of every seed and of the master key.
    public static let seedByteCount = 32

    private let issuerSeed: SymmetricKey

    /// - Parameters:
    ///   - masterKey: 32 CSPRNG bytes (the data directory's key file or the environment).
    ///   - app: the application name in the issuer seed's label (`otp/seed/<app>`).
    public init(masterKey: [UInt8], app: String) throws(RegistryError) {
        guard masterKey.count == Self.seedByteCount else {
            throw RegistryError(.internalError, "The master key must be 32 bytes.")
        }
        issuerSeed = Self.derive(SymmetricKey(data: masterKey), label: "otp/seed/" + app)
    }

    /// The user's seed, `HKDF(issuerSeed, info: "otp/user/<userId>")`: the TOTP secret of their authenticator.
    public func userSeed(userID: String) -> SymmetricKey {
        Self.derive(issuerSeed, label: "otp/user/" + userID)
    }

    /// The action seed of `scope` for a user, `HKDF(userSeed, info: "otp/action/<scope>")`.
    public func actionSeed(userID: String, scope: String) -> SymmetricKey {
        Self.derive(userSeed(userID: userID), label: "otp/action/" + scope)
    }

    static func derive(_ key: SymmetricKey, label: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key, info: Array(label.utf8), outputByteCount: seedByteCount)
    }

    /// RFC 5869 HKDF-SHA256 on raw bytes (extract with `salt`, expand with `info` to `length` bytes), as the
    /// hierarchy uses it; exposed for the RFC 5869 Appendix A test vectors and the interop tests.
    public static func hkdfSHA256(ikm: [UInt8], salt: [UInt8], info: [UInt8], length: Int) throws(RegistryError)
        -> [UInt8]
    {
        // RFC 5869 §2.3: L <= 255 * HashLen.
        guard (1...(255 * 32)).contains(length) else {
            throw RegistryError(.invalidRequest, "HKDF-SHA256 output length must be 1…8160 bytes.")
        }
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: ikm), salt: salt, info: info, outputByteCount: length)
        return key.withUnsafeBytes { Array($0) }
    }
}

// MARK: - Salts at rest

/// Seals a request's salt for the store with AES-256-GCM under the action seed of its user and scope, the request id
/// as associated data (so a sealed salt cannot be moved to another request). Salts are thus never stored in the
/// clear, and no key is stored: the action seed is derived again to open them.
public enum SaltSealer {
    public static func seal(_ salt: [UInt8], key: SymmetricKey, requestID: [UInt8]) throws(RegistryError) -> [UInt8] {
        do {
            let box = try AES.GCM.seal(salt, using: key, authenticating: requestID)
            guard let combined = box.combined else { throw RegistryError(.internalError, "Sealing failed.") }
            return Array(combined)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.internalError, "Sealing a salt failed.", internalDetail: "AES-GCM seal failed")
        }
    }

    public static func open(_ sealed: [UInt8], key: SymmetricKey, requestID: [UInt8]) throws(RegistryError) -> [UInt8] {
        do {
            return Array(try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: requestID))
        } catch {
            throw RegistryError(
                .internalError, "A stored salt cannot be opened.",
                internalDetail: "AES-GCM open failed (wrong master key or a modified row)")
        }
    }
}

// MARK: - CSPRNG

enum SecureRandom {
    /// `count` bytes from the system CSPRNG (`SystemRandomNumberGenerator`: getrandom(2) on Linux).
    static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// A token of `count` characters from [A-Za-z0-9] (SIWE nonces: EIP-4361 wants ≥ 8 alphanumerics).
    static func alphanumeric(_ count: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
