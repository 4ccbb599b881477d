import Crypto
import CryptoExtras
import Foundation

// MARK: - Keystore

/// Encrypted private-key files in the Web3 Secret Storage Definition, version 3 (ethereum.org, "Web3 Secret Storage
/// Definition"; the format geth, Clef, MetaMask exports and eth-account read and write).
///
/// A key file is JSON: `version` 3, a UUID `id`, an optional `address` (40 hex digits, no `0x`), and a `crypto` object
/// holding the KDF (`scrypt` with `n`, `r`, `p`, `dklen`, `salt`, or `pbkdf2` with `c`, `prf` = `hmac-sha256`,
/// `dklen`, `salt`), the cipher (`aes-128-ctr` with `cipherparams.iv`), the `ciphertext` and the `mac`.
///
/// - The KDF turns the password into a derived key `DK` of `dklen` ≥ 32 bytes.
/// - The private key is AES-128-CTR encrypted with key `DK[0..<16]` and the 16-byte IV as the initial counter block.
/// - `mac = keccak256(DK[16..<32] ‖ ciphertext)`; a wrong password shows as a MAC mismatch (compared in constant time).
///
/// Reading bounds the KDF parameters (``Limits``) before deriving anything, so a hostile file cannot make decryption
/// take minutes or gigabytes. Error messages never contain the password, the derived key or the private key.
///
/// ```swift
/// let json = try Keystore.encrypt(privateKey: key, address: address, password: "correct horse")
/// let opened = try Keystore.decrypt(json, password: "correct horse")  // opened.privateKey == key
/// ```
public enum Keystore {
    /// The key-derivation function and its cost, for writing a key file.
    public enum KDF: Sendable, Hashable {
        /// scrypt (RFC 7914) with cost `n` (a power of two), block size `r` and parallelism `p`.
        case scrypt(n: Int, r: Int, p: Int)
        /// PBKDF2 (RFC 8018 §5.2) with HMAC-SHA256 and `iterations` rounds.
        case pbkdf2(iterations: Int)

        /// geth's and eth-account's "standard" scrypt: n = 2¹⁸, r = 8, p = 1 (256 MiB, about a second).
        public static let standardScrypt = KDF.scrypt(n: 262_144, r: 8, p: 1)
        /// geth's "light" scrypt: n = 2¹², r = 8, p = 6, for constrained devices (weaker against guessing).
        public static let lightScrypt = KDF.scrypt(n: 4096, r: 8, p: 6)
    }

    /// The largest KDF costs a key file may ask for when it is read; anything above is refused with
    /// `invalid_keystore` before any work is done.
    public struct Limits: Sendable, Hashable {
        /// Most scrypt memory, `128 · r · (n + p)` bytes.
        public var maxScryptMemory: Int
        /// Most scrypt work, `n · r · p` (block-mix operations, each about 128 bytes of Salsa20/8).
        public var maxScryptWork: Int
        /// Most PBKDF2 iterations.
        public var maxPBKDF2Iterations: Int

        /// Creates limits.
        public init(maxScryptMemory: Int, maxScryptWork: Int, maxPBKDF2Iterations: Int) {
            self.maxScryptMemory = maxScryptMemory
            self.maxScryptWork = maxScryptWork
            self.maxPBKDF2Iterations = maxPBKDF2Iterations
        }

        /// 512 MiB of scrypt memory (twice the standard parameters' 256 MiB), scrypt work n·r·p ≤ 2²³ (the standard
        /// parameters four times over) and 10 000 000 PBKDF2 iterations: every parameter set that geth, Clef,
        /// eth-account and MetaMask write, and at most seconds of work.
        public static let `default` = Limits(
            maxScryptMemory: 512 << 20, maxScryptWork: 1 << 23, maxPBKDF2Iterations: 10_000_000)
    }

    /// What a key file opened to.
    public struct DecryptedKey: Sendable {
        /// The 32-byte secp256k1 private key. Keep it out of logs.
        public let privateKey: [UInt8]
        /// The `address` the file declares, if any. It is not covered by the MAC: derive the address from
        /// ``privateKey`` and compare before trusting it.
        public let address: EthereumAddress?
        /// The file's `id` (a UUID by convention; kept as written).
        public let id: String?
    }

    // MARK: Reading

    /// Decrypts a version-3 key file with `password` (UTF-8, unnormalised, as geth and eth-account use it).
    ///
    /// - Throws: `invalid_keystore` for JSON that is not a v3 key file, an unsupported cipher or KDF, or KDF
    ///   parameters beyond `limits`; `wrong_password` when the MAC does not match.
    public static func decrypt(
        _ json: some DataProtocol, password: String, limits: Limits = .default
    ) throws(EVMError) -> DecryptedKey {
        let file: KeyFile
        do {
            file = try JSONDecoder().decode(KeyFile.self, from: Data(json))
        } catch {
            throw invalid("it is not Web3 Secret Storage v3 JSON (\(describe(error)))")
        }
        guard file.version == 3 else {
            throw invalid("its version is \(file.version); only version 3 is supported")
        }
        let crypto = file.crypto
        guard crypto.cipher == "aes-128-ctr" else {
            throw invalid("its cipher is \"\(crypto.cipher.prefix(40))\"; only aes-128-ctr is supported")
        }
        let iv = try hexField(crypto.cipherparams.iv, "crypto.cipherparams.iv", count: 16)
        let ciphertext = try hexField(crypto.ciphertext, "crypto.ciphertext", count: 32)
        let mac = try hexField(crypto.mac, "crypto.mac", count: 32)
        let kdf = try parseKDF(crypto.kdf, crypto.kdfparams, limits: limits)
        let address: EthereumAddress?
        if let text = file.address {
            let prefixed = text.hasPrefix("0x") || text.hasPrefix("0X") ? "0x" + text.dropFirst(2) : "0x" + text
            do {
                address = try EthereumAddress(prefixed)
            } catch {
                throw invalid("its address is not 40 hex digits with a valid EIP-55 checksum (\(error.message))")
            }
        } else {
            address = nil
        }

        let derived = try deriveKey(password: password, kdf: kdf)
        let expected = Keccak256.hash(derived[16..<32] + ciphertext)
        guard constantTimeEqual(expected, mac) else {
            throw EVMError(
                .wrongPassword,
                "the password does not open this keystore (its MAC does not match); check the password and the file")
        }
        let privateKey = try aes128CTR(key: Array(derived[0..<16]), iv: iv, ciphertext)
        return DecryptedKey(privateKey: privateKey, address: address, id: file.id)
    }

    // MARK: Writing

    /// Encrypts a 32-byte private key into a version-3 key file (UTF-8 JSON, keys sorted).
    ///
    /// A fresh 32-byte salt and 16-byte IV come from `SystemRandomNumberGenerator` (the OS CSPRNG), the `id` is a
    /// random (version 4) UUID, and `address` is written as geth writes it: 40 lowercase hex digits without `0x`. The
    /// address is the caller's to supply: this file does not derive it from the key.
    ///
    /// - Parameter kdf: ``KDF/standardScrypt`` unless you have a reason; lighter parameters are for tests.
    /// - Throws: `invalid_private_key` unless the key is 32 bytes; `invalid_keystore` for KDF parameters that are out
    ///   of range (scrypt n not a power of two above 1, r or p below 1, iterations below 1) or beyond
    ///   ``Limits/default`` (a file ``decrypt(_:password:limits:)`` would refuse to open).
    public static func encrypt(
        privateKey: [UInt8], address: EthereumAddress, password: String, kdf: KDF = .standardScrypt
    ) throws(EVMError) -> Data {
        guard privateKey.count == 32 else {
            throw EVMError(.invalidPrivateKey, "a secp256k1 private key is 32 bytes; got \(privateKey.count)")
        }
        try validate(kdf, limits: .default)
        var random = SystemRandomNumberGenerator()
        let salt = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let iv = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        let parameters = ResolvedKDF(kdf: kdf, salt: salt, dklen: 32)
        let derived = try deriveKey(password: password, kdf: parameters)
        let ciphertext = try aes128CTR(key: Array(derived[0..<16]), iv: iv, privateKey)
        let mac = Keccak256.hash(derived[16..<32] + ciphertext)

        var kdfparams: [String: Any] = ["dklen": 32, "salt": Hex.encode(salt, prefix: false)]
        let kdfName: String
        switch kdf {
        case .scrypt(let n, let r, let p):
            kdfName = "scrypt"
            kdfparams["n"] = n
            kdfparams["r"] = r
            kdfparams["p"] = p
        case .pbkdf2(let iterations):
            kdfName = "pbkdf2"
            kdfparams["c"] = iterations
            kdfparams["prf"] = "hmac-sha256"
        }
        let object: [String: Any] = [
            "version": 3,
            "id": UUID().uuidString.lowercased(),
            "address": Hex.encode(address.bytes, prefix: false),
            "crypto": [
                "cipher": "aes-128-ctr",
                "cipherparams": ["iv": Hex.encode(iv, prefix: false)],
                "ciphertext": Hex.encode(ciphertext, prefix: false),
                "kdf": kdfName,
                "kdfparams": kdfparams,
                "mac": Hex.encode(mac, prefix: false),
            ] as [String: Any],
        ]
        do {
            return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        } catch {
            throw EVMError(.invalidKeystore, "the key file could not be serialised as JSON")
        }
    }

    // MARK: - Internals

    /// The KDF as a file describes it, after validation.
    struct ResolvedKDF {
        let kdf: KDF
        let salt: [UInt8]
        let dklen: Int
    }

    private static func invalid(_ reason: String) -> EVMError {
        EVMError(.invalidKeystore, "the keystore cannot be read: \(reason)")
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \(path(context.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(path(context.codingPath))"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "malformed JSON" : "bad value at \(path(context.codingPath))"
        default:
            return "malformed JSON"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the top level" : keys.map(\.stringValue).joined(separator: ".")
    }

    private static func hexField(_ text: String, _ name: String, count: Int) throws(EVMError) -> [UInt8] {
        guard let bytes = Hex.decode(text), bytes.count == count else {
            throw invalid("\(name) must be \(count) bytes of hex (\(count * 2) digits)")
        }
        return bytes
    }

    /// Derives `byteCount` bytes from a password with scrypt after checking the parameters against `limits`: the
    /// password-based key derivation the keystore uses, shared with Chronoguard's other password-encrypted files.
    package static func scrypt(
        password: String, salt: [UInt8], n: Int, r: Int, p: Int, byteCount: Int, limits: Limits = .default
    ) throws(EVMError) -> [UInt8] {
        try validate(.scrypt(n: n, r: r, p: p), limits: limits)
        guard (1...1024).contains(salt.count), (32...64).contains(byteCount) else {
            throw invalid("scrypt needs a salt of 1…1024 bytes and 32…64 output bytes")
        }
        return try deriveKey(
            password: password, kdf: ResolvedKDF(kdf: .scrypt(n: n, r: r, p: p), salt: salt, dklen: byteCount))
    }

    /// Checks that the parameters are well-formed and within `limits`.
    private static func validate(_ kdf: KDF, limits: Limits) throws(EVMError) {
        switch kdf {
        case .scrypt(let n, let r, let p):
            guard n > 1, n & (n - 1) == 0, r >= 1, p >= 1 else {
                throw invalid("scrypt needs n a power of two above 1, and r and p at least 1")
            }
            // BoringSSL's scrypt holds 128·r·(n + p) bytes: V (n blocks) and B (p blocks).
            let (blocks, overflow) = n.addingReportingOverflow(p)
            guard !overflow, let memory = checkedProduct([128, r, blocks]), memory <= limits.maxScryptMemory else {
                throw invalid(
                    "scrypt n = \(n), r = \(r), p = \(p) needs more than \(limits.maxScryptMemory >> 20) MiB of memory; "
                        + "refusing a key file that could exhaust memory")
            }
            guard let work = checkedProduct([n, r, p]), work <= limits.maxScryptWork else {
                throw invalid(
                    "scrypt n·r·p = \(n)·\(r)·\(p) is above the limit of \(limits.maxScryptWork); "
                        + "refusing a key file that would take minutes to open")
            }
        case .pbkdf2(let iterations):
            guard iterations >= 1 else { throw invalid("pbkdf2 needs at least one iteration") }
            guard iterations <= limits.maxPBKDF2Iterations else {
                throw invalid(
                    "pbkdf2 c = \(iterations) is above the limit of \(limits.maxPBKDF2Iterations) iterations; "
                        + "refusing a key file that would take minutes to open")
            }
        }
    }

    private static func parseKDF(_ name: String, _ params: KDFParams, limits: Limits) throws(EVMError) -> ResolvedKDF {
        let salt = Hex.decode(params.salt) ?? []
        guard !salt.isEmpty, salt.count <= 1024 else {
            throw invalid("crypto.kdfparams.salt must be 1…1024 bytes of hex")
        }
        guard (32...64).contains(params.dklen) else {
            throw invalid("crypto.kdfparams.dklen is \(params.dklen); it must be 32…64 (the MAC uses bytes 16..<32)")
        }
        switch name {
        case "scrypt":
            guard let n = params.n, let r = params.r, let p = params.p else {
                throw invalid("scrypt needs crypto.kdfparams n, r and p")
            }
            try validate(.scrypt(n: n, r: r, p: p), limits: limits)
            return ResolvedKDF(kdf: .scrypt(n: n, r: r, p: p), salt: salt, dklen: params.dklen)
        case "pbkdf2":
            guard let c = params.c, let prf = params.prf else {
                throw invalid("pbkdf2 needs crypto.kdfparams c and prf")
            }
            guard prf == "hmac-sha256" else {
                throw invalid("its pbkdf2 prf is \"\(prf.prefix(40))\"; only hmac-sha256 is supported")
            }
            try validate(.pbkdf2(iterations: c), limits: limits)
            return ResolvedKDF(kdf: .pbkdf2(iterations: c), salt: salt, dklen: params.dklen)
        default:
            throw invalid("its kdf is \"\(name.prefix(40))\"; only scrypt and pbkdf2 are supported")
        }
    }

    private static func deriveKey(password: String, kdf: ResolvedKDF) throws(EVMError) -> [UInt8] {
        let passwordBytes = Array(password.utf8)
        let key: SymmetricKey
        do {
            switch kdf.kdf {
            case .scrypt(let n, let r, let p):
                key = try CryptoExtras.KDF.Scrypt.deriveKey(
                    from: passwordBytes, salt: kdf.salt, outputByteCount: kdf.dklen, rounds: n, blockSize: r,
                    parallelism: p)
            case .pbkdf2(let iterations):
                key = try CryptoExtras.KDF.Insecure.PBKDF2.deriveKey(
                    from: passwordBytes, salt: kdf.salt, using: .sha256, outputByteCount: kdf.dklen,
                    unsafeUncheckedRounds: iterations)
            }
        } catch {
            throw invalid("the key-derivation function refused its parameters")
        }
        let bytes = key.withUnsafeBytes { Array($0) }
        guard bytes.count >= 32 else { throw invalid("the key-derivation function returned too few bytes") }
        return bytes
    }

    private static func aes128CTR(key: [UInt8], iv: [UInt8], _ input: [UInt8]) throws(EVMError) -> [UInt8] {
        do {
            let nonce = try AES._CTR.Nonce(nonceBytes: iv)
            return Array(try AES._CTR.encrypt(input, using: SymmetricKey(data: key), nonce: nonce))
        } catch {
            throw invalid("AES-128-CTR refused the key or IV")
        }
    }

    /// The product of positive integers, or `nil` if it overflows `Int`.
    private static func checkedProduct(_ factors: [Int]) -> Int? {
        var product = 1
        for factor in factors {
            let (next, overflow) = product.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            product = next
        }
        return product
    }

    /// Compares two byte strings in time that depends only on their lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

// MARK: - The file's JSON

/// The JSON shape of a v3 key file. geth before 1.4 wrote `Crypto` with a capital C; both spellings are read.
private struct KeyFile: Decodable {
    let version: Int
    let id: String?
    let address: String?
    let crypto: CryptoSection

    enum CodingKeys: String, CodingKey {
        case version, id, address, crypto
        case legacyCrypto = "Crypto"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        address = try container.decodeIfPresent(String.self, forKey: .address)
        if let section = try container.decodeIfPresent(CryptoSection.self, forKey: .crypto) {
            crypto = section
        } else {
            crypto = try container.decode(CryptoSection.self, forKey: .legacyCrypto)
        }
    }
}

private struct CryptoSection: Decodable {
    struct CipherParams: Decodable {
        let iv: String
    }
    let cipher: String
    let cipherparams: CipherParams
    let ciphertext: String
    let kdf: String
    let kdfparams: KDFParams
    let mac: String
}

private struct KDFParams: Decodable {
    let dklen: Int
    let salt: String
    let n: Int?
    let r: Int?
    let p: Int?
    let c: Int?
    let prf: String?
}
