import Crypto
import Foundation

// MARK: - Master key

/// The key-encryption key at the top of the envelope hierarchy: it wraps every wallet's data key and the audit MAC
/// key with AES-256-GCM, and encrypts nothing else. It never touches the database.
///
/// Its ``id`` (a keyed fingerprint) is stored next to every wrapped key so the service knows which master key to use
/// and can tell a wrong key from a corrupt database.
public struct MasterKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// 256-bit keys: AES-256 (FIPS 197) in GCM (NIST SP 800-38D).
    public static let byteCount = 32

    let key: SymmetricKey
    /// First 8 bytes of HMAC-SHA256(key, "chronoguard/master-key-id/v1") as hex: identifies the key without revealing
    /// it (a PRF output under the key itself says nothing about the key).
    public let id: String

    /// Wraps existing key bytes (from a key file, an environment variable or a KMS).
    /// - Throws: ``GuardianError`` `key_provider_failed` when `bytes` is not 32 bytes long.
    public init(bytes: [UInt8]) throws(GuardianError) {
        guard bytes.count == Self.byteCount else {
            throw GuardianError(
                .keyProviderFailed,
                "A master key is exactly \(Self.byteCount) bytes (AES-256); the provided key has \(bytes.count). Generate one with `openssl rand -base64 32`."
            )
        }
        let key = SymmetricKey(data: bytes)
        self.key = key
        let tag = HMAC<SHA256>.authenticationCode(for: Array("chronoguard/master-key-id/v1".utf8), using: key)
        self.id = Hex.encode(Array(tag).prefix(8))
    }

    /// A fresh random master key from the system CSPRNG.
    public static func generate() -> MasterKey {
        var bytes = SecureRandom.bytes(byteCount)
        defer { wipe(&bytes) }
        return try! MasterKey(bytes: bytes)  // 32 bytes by construction
    }

    /// Parses the text form used by key files and environment variables: standard Base64 (RFC 4648 §4) of 32 bytes,
    /// or 64 hex digits; surrounding whitespace is ignored.
    public init(text: String) throws(GuardianError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 2 * Self.byteCount, var bytes = Hex.decode(trimmed) {
            defer { wipe(&bytes) }
            try self.init(bytes: bytes)
        } else if var data = Data(base64Encoded: trimmed) {
            var bytes = [UInt8](data)
            defer {
                wipe(&bytes)
                wipe(&data)
            }
            try self.init(bytes: bytes)
        } else {
            throw GuardianError(
                .keyProviderFailed,
                "The master key is neither Base64 nor hex text; store it as the Base64 of 32 random bytes (`openssl rand -base64 32`)."
            )
        }
    }

    public var description: String { "MasterKey(id: \(id), redacted)" }
    public var debugDescription: String { description }

    /// The key as Base64 text, for writing a key file or handing to an operator. Handle as a secret.
    public func exportBase64() -> String {
        key.withUnsafeBytes { Data($0).base64EncodedString() }
    }
}

// MARK: - Key ring

/// The master keys the service can unwrap with (the current one first), plus the audit sealer. Older keys stay in
/// memory after a rotation so that requests which read a row just before the rewrap committed can still finish.
struct KeyRing: Sendable {
    var current: MasterKey
    var byID: [String: MasterKey]
    var auditSealer: AuditSealer

    init(current: MasterKey, others: [MasterKey] = [], auditSealer: AuditSealer) {
        self.current = current
        self.byID = [current.id: current]
        for key in others { byID[key.id] = key }
        self.auditSealer = auditSealer
    }

    func key(id: String) -> MasterKey? { byID[id] }
}
