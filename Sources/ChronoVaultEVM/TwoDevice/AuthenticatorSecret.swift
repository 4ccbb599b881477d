import BN254
import Crypto
import EVMKit
import Fields
import Foundation
import ZKTOTP

// MARK: - The authenticator's secret at rest

/// The ZK-TOTP secret of an air-gapped authenticator (device B of the two-device flow, docs/two-device.md),
/// encrypted under a passphrase: scrypt (RFC 7914) derives a 256-bit key from the passphrase and a random salt, and
/// AES-256-GCM (NIST SP 800-38D) seals the 32-byte big-endian secret. The secret hash — Poseidon(secret), public, the
/// value the wallet is deployed with — is stored in clear so the file says which wallet it belongs to, and is
/// authenticated as part of the GCM additional data together with the format and the KDF parameters: tampering with
/// any of them makes opening fail. Opening also recomputes Poseidon(secret) and compares it with the stored hash.
///
/// The file (UTF-8 JSON, keys sorted):
/// ```json
/// {"cipher": {"ciphertext": "…", "name": "aes-256-gcm", "nonce": "…", "tag": "…"},
///  "format": "chronoguard-authenticator-secret", "kdf": {"n": 262144, "name": "scrypt", "p": 1, "r": 8,
///  "salt": "…"}, "secretHash": "…", "version": 1}
/// ```
public struct AuthenticatorSecretFile: Sendable, Hashable, Codable {
    /// The format's name, the `format` field.
    public static let formatName = "chronoguard-authenticator-secret"
    /// The only version written and read.
    public static let currentVersion = 1

    /// scrypt parameters (RFC 7914 §2): cost `n` (a power of two), block size `r`, parallelism `p`, and the salt.
    public struct KDFParameters: Sendable, Hashable, Codable {
        public var name: String
        public var n: Int
        public var r: Int
        public var p: Int
        public var salt: String

        /// n = 2¹⁸, r = 8, p = 1 (256 MiB, about a second): the cost geth and eth-account use for key files.
        public static func standard(salt: [UInt8]) -> KDFParameters {
            KDFParameters(name: "scrypt", n: 1 << 18, r: 8, p: 1, salt: Hex.encode(salt, prefix: false))
        }
    }

    /// AES-256-GCM's output: 12-byte nonce, ciphertext, 16-byte tag (hex).
    public struct CipherParameters: Sendable, Hashable, Codable {
        public var name: String
        public var nonce: String
        public var ciphertext: String
        public var tag: String
    }

    public var format: String
    public var version: Int
    /// Poseidon(secret) in decimal.
    public var secretHash: String
    public var kdf: KDFParameters
    public var cipher: CipherParameters

    /// Encrypts `secret` under `passphrase` with a fresh salt and nonce from the system CSPRNG.
    ///
    /// - Parameters:
    ///   - cost: scrypt's `n`; the default 2¹⁸ unless you have a reason (tests use less).
    public static func seal(secret: Fr, passphrase: String, cost: Int = 1 << 18) throws(ChronoVaultError)
        -> AuthenticatorSecretFile
    {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        var kdf = KDFParameters.standard(salt: salt)
        kdf.n = cost
        var file = AuthenticatorSecretFile(
            format: formatName, version: currentVersion, secretHash: ZKTOTP.secretHash(secret).decimalString,
            kdf: kdf, cipher: CipherParameters(name: "aes-256-gcm", nonce: "", ciphertext: "", tag: ""))
        let key = try file.derivedKey(passphrase: passphrase)
        do {
            let sealed = try AES.GCM.seal(
                secret.bigEndianBytes, using: key, nonce: AES.GCM.Nonce(), authenticating: file.additionalData)
            file.cipher.nonce = Hex.encode(Array(sealed.nonce), prefix: false)
            file.cipher.ciphertext = Hex.encode(Array(sealed.ciphertext), prefix: false)
            file.cipher.tag = Hex.encode(Array(sealed.tag), prefix: false)
        } catch {
            throw .invalidSecretFile("AES-GCM refused to seal (\(error))")
        }
        return file
    }

    init(format: String, version: Int, secretHash: String, kdf: KDFParameters, cipher: CipherParameters) {
        self.format = format
        self.version = version
        self.secretHash = secretHash
        self.kdf = kdf
        self.cipher = cipher
    }

    /// Reads a file's JSON (no decryption yet; ``open(passphrase:)`` does that).
    public init(json: Data) throws(ChronoVaultError) {
        do {
            self = try JSONDecoder().decode(AuthenticatorSecretFile.self, from: json)
        } catch {
            throw .invalidSecretFile("it is not the authenticator's JSON format")
        }
        guard format == Self.formatName, version == Self.currentVersion else {
            throw .invalidSecretFile("its format is \"\(format.prefix(60))\" version \(version)")
        }
        guard Fr(decimalString: secretHash) != nil else {
            throw .invalidSecretFile("its secretHash is not a decimal BN254 scalar")
        }
    }

    /// The file as JSON, keys sorted, newline-terminated.
    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return ((try? encoder.encode(self)) ?? Data()) + Data("\n".utf8)
    }

    /// The secret hash the file declares (authenticated once ``open(passphrase:)`` succeeds).
    public var declaredSecretHash: Fr? { Fr(decimalString: secretHash) }

    /// Decrypts the secret and checks Poseidon(secret) against the stored hash.
    ///
    /// - Throws: `wrong_passphrase` when the tag does not verify (wrong passphrase, or any authenticated field was
    ///   changed); `invalid_secret_file` for malformed fields or parameters beyond EVMKit's keystore limits.
    public func open(passphrase: String) throws(ChronoVaultError) -> Fr {
        guard cipher.name == "aes-256-gcm" else {
            throw .invalidSecretFile("its cipher is \"\(cipher.name.prefix(40))\"; only aes-256-gcm is supported")
        }
        guard let nonce = Hex.decode(cipher.nonce), nonce.count == 12,
            let ciphertext = Hex.decode(cipher.ciphertext), ciphertext.count == 32,
            let tag = Hex.decode(cipher.tag), tag.count == 16
        else {
            throw .invalidSecretFile("its nonce, ciphertext or tag is not 12, 32 or 16 bytes of hex")
        }
        let key = try derivedKey(passphrase: passphrase)
        let plaintext: [UInt8]
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
            plaintext = Array(try AES.GCM.open(box, using: key, authenticating: additionalData))
        } catch {
            throw ChronoVaultError(
                .wrongPassphrase,
                "The passphrase does not open this secret file (or the file was changed); check the passphrase.")
        }
        guard let secret = Fr(bigEndianBytes: plaintext), let declared = declaredSecretHash,
            ZKTOTP.secretHash(secret) == declared
        else {
            throw .invalidSecretFile("the decrypted secret does not hash to the file's secretHash")
        }
        return secret
    }

    /// The format, version, secret hash and KDF parameters, bound to the ciphertext as GCM additional data.
    var additionalData: [UInt8] {
        Array("\(format)/v\(version)|\(secretHash)|\(kdf.name)|\(kdf.n)|\(kdf.r)|\(kdf.p)|\(kdf.salt)".utf8)
    }

    func derivedKey(passphrase: String) throws(ChronoVaultError) -> SymmetricKey {
        guard kdf.name == "scrypt" else {
            throw .invalidSecretFile("its kdf is \"\(kdf.name.prefix(40))\"; only scrypt is supported")
        }
        guard let salt = Hex.decode(kdf.salt) else { throw .invalidSecretFile("its kdf.salt is not hex") }
        do {
            return SymmetricKey(
                data: try Keystore.scrypt(
                    password: passphrase, salt: salt, n: kdf.n, r: kdf.r, p: kdf.p, byteCount: 32))
        } catch {
            throw .invalidSecretFile("its scrypt parameters are refused (\(error.message))")
        }
    }
}
