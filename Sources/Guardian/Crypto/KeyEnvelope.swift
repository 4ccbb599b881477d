import ChainKit
import Crypto
import Foundation

// MARK: - Envelope encryption

/// Envelope encryption of the guardian's secrets with AES-256-GCM (NIST SP 800-38D):
///
/// ```
/// master key ──wraps──▶ wallet data key ──encrypts──▶ TOTP secret, guardian Ed25519 seed
/// master key ──wraps──▶ audit MAC key
/// ```
///
/// Every ciphertext is bound by its associated data to its purpose and its wallet (and a wrapped data key also to the
/// master key's id), so a ciphertext copied into another wallet's row, or into another column, fails authentication
/// instead of decrypting. Sealed form: `version (1) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`; nonces are random 96-bit
/// values, safe for the at most a few encryptions each key ever performs (NIST SP 800-38D §8.3 bounds random nonces
/// at 2^32 messages per key).
public enum KeyEnvelope {
    /// Format version byte leading every sealed box.
    public static let formatVersion: UInt8 = 1
    /// 96-bit GCM nonce (NIST SP 800-38D §5.2.1.1 recommends exactly 96 bits).
    public static let nonceByteCount = 12
    /// 128-bit GCM tag (the full tag; NIST SP 800-38D §5.2.1.2).
    public static let tagByteCount = 16
    /// Size of the per-wallet data key and the audit key: AES-256 / HMAC-SHA256 keys of 256 bits.
    public static let dataKeyByteCount = 32

    /// What a ciphertext is, written into its associated data.
    public enum Purpose: String, Sendable, CaseIterable {
        case dataKey = "wallet-data-key"
        case totpSecret = "totp-secret"
        case guardianSeed = "guardian-ed25519-seed"
        /// The next guardian key of a scheduled rotation: a distinct purpose, so it cannot be swapped in for the
        /// current seed by editing the database — only an executed rotation reseals it as ``guardianSeed``.
        case pendingGuardianSeed = "pending-guardian-ed25519-seed"
        case auditKey = "audit-mac-key"
    }

    /// Associated data: `"chronoguard/v1" ‖ 0 ‖ purpose ‖ 0 ‖ wallet (32 bytes, or empty) ‖ 0 ‖ master key id (or empty)`.
    /// The zero separators keep the fields unambiguous (no field contains a zero byte except the raw wallet, which has
    /// a fixed length).
    public static func associatedData(_ purpose: Purpose, wallet: SolanaPublicKey?, masterKeyID: String? = nil)
        -> [UInt8]
    {
        var aad = Array("chronoguard/v1".utf8)
        aad.append(0)
        aad += Array(purpose.rawValue.utf8)
        aad.append(0)
        if let wallet { aad += wallet.bytes }
        aad.append(0)
        if let masterKeyID { aad += Array(masterKeyID.utf8) }
        return aad
    }

    /// Encrypts `plaintext` under `key` with associated data `aad`.
    public static func seal(_ plaintext: [UInt8], key: SymmetricKey, aad: [UInt8]) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(), authenticating: aad)
        var out = [UInt8]()
        out.reserveCapacity(1 + nonceByteCount + plaintext.count + tagByteCount)
        out.append(formatVersion)
        out += box.nonce
        out += box.ciphertext
        out += box.tag
        return out
    }

    /// Decrypts a sealed box; throws when the version, key, associated data or any byte is wrong.
    public static func open(_ sealed: [UInt8], key: SymmetricKey, aad: [UInt8]) throws -> [UInt8] {
        guard sealed.count >= 1 + nonceByteCount + tagByteCount, sealed[0] == formatVersion else {
            throw EnvelopeError.malformed
        }
        let box = try AES.GCM.SealedBox(
            nonce: AES.GCM.Nonce(data: sealed[1..<(1 + nonceByteCount)]),
            ciphertext: sealed[(1 + nonceByteCount)..<(sealed.count - tagByteCount)],
            tag: sealed[(sealed.count - tagByteCount)...])
        var plaintext = try AES.GCM.open(box, using: key, authenticating: aad)
        defer { wipe(&plaintext) }
        return [UInt8](plaintext)
    }

    enum EnvelopeError: Error { case malformed }

    // MARK: Wallet keys

    /// Wraps a wallet's data key under the master key.
    public static func wrapDataKey(_ dataKey: SymmetricKey, wallet: SolanaPublicKey, under master: MasterKey) throws
        -> [UInt8]
    {
        var raw = dataKey.withUnsafeBytes { [UInt8]($0) }
        defer { wipe(&raw) }
        return try seal(raw, key: master.key, aad: associatedData(.dataKey, wallet: wallet, masterKeyID: master.id))
    }

    /// Unwraps a wallet's data key.
    public static func unwrapDataKey(_ wrapped: [UInt8], wallet: SolanaPublicKey, master: MasterKey) throws
        -> SymmetricKey
    {
        var raw = try open(
            wrapped, key: master.key, aad: associatedData(.dataKey, wallet: wallet, masterKeyID: master.id))
        defer { wipe(&raw) }
        return SymmetricKey(data: raw)
    }

    /// Encrypts one of a wallet's secrets (`purpose` `.totpSecret` or `.guardianSeed`) under its data key.
    public static func sealSecret(_ secret: [UInt8], purpose: Purpose, wallet: SolanaPublicKey, dataKey: SymmetricKey)
        throws -> [UInt8]
    {
        try seal(secret, key: dataKey, aad: associatedData(purpose, wallet: wallet))
    }

    /// Decrypts one of a wallet's secrets. The caller owns the plaintext and should ``wipe`` it after use.
    public static func openSecret(_ sealed: [UInt8], purpose: Purpose, wallet: SolanaPublicKey, dataKey: SymmetricKey)
        throws -> [UInt8]
    {
        try open(sealed, key: dataKey, aad: associatedData(purpose, wallet: wallet))
    }

    /// Wraps the audit MAC key under the master key.
    public static func wrapAuditKey(_ auditKey: SymmetricKey, under master: MasterKey) throws -> [UInt8] {
        var raw = auditKey.withUnsafeBytes { [UInt8]($0) }
        defer { wipe(&raw) }
        return try seal(raw, key: master.key, aad: associatedData(.auditKey, wallet: nil, masterKeyID: master.id))
    }

    /// Unwraps the audit MAC key; failing here means the master key does not belong to this database.
    public static func unwrapAuditKey(_ wrapped: [UInt8], master: MasterKey) throws -> SymmetricKey {
        var raw = try open(
            wrapped, key: master.key, aad: associatedData(.auditKey, wallet: nil, masterKeyID: master.id))
        defer { wipe(&raw) }
        return SymmetricKey(data: raw)
    }
}
