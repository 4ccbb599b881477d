import Crypto
import CryptoExtras
import Foundation
import OTP

// MARK: - Recovery codes

/// Break-glass recovery codes (seed 001 §5 "Recovery Code Generation", §10): shown once, single-use, stored only as
/// scrypt hashes (RFC 7914).
///
/// A code is 16 characters of the RFC 4648 §6 Base32 alphabet in lower case — 80 bits from the CSPRNG — written in
/// four groups (`k3vq-7xtd-pm2a-wh4c`). Input is normalised (case, hyphens and spaces ignored), so a code read over
/// the phone or typed on a small keyboard still matches.
public enum RecoveryCodes {
    /// Characters per code: 16 × 5 bits = 80 bits (the issue asks for ≥ 60).
    public static let characterCount = 16
    /// Bits of entropy per code: log2(32^16).
    public static let entropyBits = 80
    /// scrypt output length: 32 bytes.
    static let hashByteCount = 32
    /// Salt length: 16 bytes (RFC 7914 §2 leaves it free; 128 bits makes collisions across sets irrelevant).
    static let saltByteCount = 16
    /// RFC 4648 §6 alphabet, lower case.
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// A freshly generated set: the plaintext codes (to show once) and the record to store.
    public struct Issued: Sendable, CustomStringConvertible {
        /// The codes, formatted in groups of four. Secret: show once, never log.
        public let codes: [String]
        /// What the store keeps: hashes only.
        public let set: RecoveryCodeSet

        public var description: String { "RecoveryCodes.Issued(\(codes.count) codes redacted, set: \(set.id))" }
    }

    /// Generates `count` codes and their scrypt hashes under one fresh salt.
    public static func issue(count: Int, parameters: ScryptParameters, at date: Date) throws -> Issued {
        let salt = SecureRandom.bytes(saltByteCount)
        var codes: [String] = []
        var hashes: [[UInt8]] = []
        for _ in 0..<count {
            let raw = randomCode()
            codes.append(format(raw))
            hashes.append(try hash(raw, salt: salt, parameters: parameters))
        }
        let set = RecoveryCodeSet(
            id: SecureRandom.hexIdentifier(), salt: salt, parameters: parameters, hashes: hashes,
            usedAt: Array(repeating: nil, count: count), createdAt: date)
        return Issued(codes: codes, set: set)
    }

    /// The index of the set's code that `input` is, whether used or not; nil when it is none of them (or is not
    /// shaped like a code). One scrypt evaluation, then a constant-time comparison with every hash.
    public static func match(_ input: String, in set: RecoveryCodeSet) throws -> Int? {
        guard let normalised = normalise(input) else { return nil }
        let candidate = try hash(normalised, salt: set.salt, parameters: set.parameters)
        var found: Int?
        for (index, stored) in set.hashes.enumerated() where constantTimeCompare(candidate, stored) {
            found = index
        }
        return found
    }

    /// Lower-cases, drops hyphens and white space; nil unless 16 alphabet characters remain.
    public static func normalise(_ input: String) -> String? {
        guard input.utf8.count <= 64 else { return nil }
        let kept = input.lowercased().utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") }
        guard kept.count == characterCount, kept.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return String(decoding: kept, as: UTF8.self)
    }

    /// scrypt(code, salt, N, r, p, 32) — the same value Python's `hashlib.scrypt` computes.
    static func hash(_ normalisedCode: String, salt: [UInt8], parameters: ScryptParameters) throws -> [UInt8] {
        guard (1...22).contains(parameters.logN), parameters.r > 0, parameters.p > 0 else {
            throw GuardianError(
                .invalidConfiguration,
                "The scrypt parameters for recovery codes are out of range (log2 N 1–22, r ≥ 1, p ≥ 1).")
        }
        let key = try KDF.Scrypt.deriveKey(
            from: Array(normalisedCode.utf8), salt: salt, outputByteCount: hashByteCount,
            rounds: 1 << parameters.logN, blockSize: parameters.r, parallelism: parameters.p)
        return key.withUnsafeBytes { Array($0) }
    }

    private static func randomCode() -> String {
        // 16 bytes → 16 characters, 5 bits each from the low bits: 256 is a multiple of 32, so no modulo bias.
        var bytes = SecureRandom.bytes(characterCount)
        defer { wipe(&bytes) }
        return String(decoding: bytes.map { alphabet[Int($0 & 31)] }, as: UTF8.self)
    }

    private static func format(_ raw: String) -> String {
        let characters = Array(raw)
        return stride(from: 0, to: characters.count, by: 4).map {
            String(characters[$0..<min($0 + 4, characters.count)])
        }.joined(separator: "-")
    }
}
