import EVMKit
import Foundation
import TestSupport
import Testing

@Suite("Web3 Secret Storage v3 keystores")
struct KeystoreTests {
    /// Asks keystore_peer.py (eth-account) with a JSON tree: keystores travel as opaque JSON objects.
    static func peer(
        encrypt: [[String: Any]] = [], decrypt: [[String: Any]] = [], addresses: [String] = []
    ) throws -> (keystores: [Any], keys: [[String: String]], addresses: [String]) {
        let reply = try JSONPeer.run(
            "keystore_peer.py", ["encrypt": encrypt, "decrypt": decrypt, "addresses": addresses], bundle: .module)
        guard let object = reply as? [String: Any], let keystores = object["keystores"] as? [Any],
            let keys = object["keys"] as? [[String: String]], let addresses = object["addresses"] as? [String]
        else { throw ExternalPeer.Failure(description: "keystore_peer.py answered with an unexpected shape") }
        return (keystores, keys, addresses)
    }

    /// Light parameters for speed: scrypt n = 2¹⁰ and 1 000 PBKDF2 rounds (eth-account accepts both).
    static let lightScrypt = Keystore.KDF.scrypt(n: 1024, r: 8, p: 1)
    static let lightPBKDF2 = Keystore.KDF.pbkdf2(iterations: 1000)

    static func randomKey() -> [UInt8] {
        var random = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    static func passwords(_ random: inout SplitMix64) -> [String] {
        [
            "", "correct horse battery staple", "pässwörd ✓ 🔑", String(repeating: "x", count: 200),
            Hex.encode(random.bytes(12), prefix: false),
        ]
    }

    @Test("eth-account encrypts random keys (scrypt and pbkdf2, various passwords); we decrypt to the same key")
    func ethAccountEncryptsWeDecrypt() throws {
        var (random, seed) = SplitMix64.seeded()
        var items: [(key: String, password: String, kdf: String)] = []
        for password in Self.passwords(&random) {
            items.append((Hex.encode(random.bytes(32), prefix: false), password, "scrypt"))
            items.append((Hex.encode(random.bytes(32), prefix: false), password, "pbkdf2"))
        }
        let reply = try Self.peer(
            encrypt: items.map {
                ["key": $0.key, "password": $0.password, "kdf": $0.kdf, "iterations": $0.kdf == "scrypt" ? 1024 : 1000]
            },
            addresses: items.map(\.key))
        #expect(reply.keystores.count == items.count)
        for ((item, file), address) in zip(zip(items, reply.keystores), reply.addresses) {
            let opened = try Keystore.decrypt(try JSONSerialization.data(withJSONObject: file), password: item.password)
            #expect(Hex.encode(opened.privateKey, prefix: false) == item.key, "\(item.kdf), seed \(seed)")
            #expect(opened.address == (try EthereumAddress(address)), "seed \(seed)")
            #expect(opened.id?.count == 36)
        }
    }

    @Test("we encrypt random keys (scrypt and pbkdf2); eth-account decrypts to the same key; the file's shape")
    func weEncryptEthAccountDecrypts() throws {
        var (random, seed) = SplitMix64.seeded()
        let passwords = Self.passwords(&random)
        let keys = passwords.map { _ in random.bytes(32) }
        let addresses = try Self.peer(addresses: keys.map { Hex.encode($0, prefix: false) }).addresses
        var decrypts: [[String: Any]] = []
        for (index, (key, password)) in zip(keys, passwords).enumerated() {
            let kdf = index % 2 == 0 ? Self.lightScrypt : Self.lightPBKDF2
            let file = try Keystore.encrypt(
                privateKey: key, address: try EthereumAddress(addresses[index]), password: password, kdf: kdf)
            decrypts.append(["keystore": try JSONSerialization.jsonObject(with: file), "password": password])

            let object = try #require(try JSONSerialization.jsonObject(with: file) as? [String: Any])
            #expect(object["version"] as? Int == 3)
            #expect(object["address"] as? String == String(addresses[index].dropFirst(2)))
            let id = try #require(object["id"] as? String)
            #expect(id.count == 36 && id == id.lowercased() && Array(id)[14] == "4", "a version 4 UUID: \(id)")
            let crypto = try #require(object["crypto"] as? [String: Any])
            let params = try #require(crypto["kdfparams"] as? [String: Any])
            #expect((params["salt"] as? String)?.count == 64, "32-byte salt")
            #expect(((crypto["cipherparams"] as? [String: Any])?["iv"] as? String)?.count == 32, "16-byte IV")
            #expect(crypto["cipher"] as? String == "aes-128-ctr")
            #expect(params["dklen"] as? Int == 32)
        }
        let reply = try Self.peer(decrypt: decrypts)
        #expect(reply.keys.count == keys.count)
        for (key, opened) in zip(keys, reply.keys) {
            #expect(opened["error"] == nil, "seed \(seed)")
            #expect(opened["key"] == Hex.encode(key, prefix: false), "seed \(seed)")
        }
    }

    @Test("two encryptions of one key differ (fresh salt, IV and id) and both open")
    func freshRandomness() throws {
        let key = [UInt8](repeating: 0x42, count: 32)
        let address = try EthereumAddress(bytes: [UInt8](repeating: 0x11, count: 20))
        let a = try Keystore.encrypt(privateKey: key, address: address, password: "pw", kdf: Self.lightPBKDF2)
        let b = try Keystore.encrypt(privateKey: key, address: address, password: "pw", kdf: Self.lightPBKDF2)
        #expect(a != b)
        #expect(try Keystore.decrypt(a, password: "pw").privateKey == key)
        #expect(try Keystore.decrypt(b, password: "pw").privateKey == key)
        #expect(Keystore.KDF.standardScrypt == .scrypt(n: 262_144, r: 8, p: 1))
    }

    @Test("a wrong password is refused with wrong_password, and the message holds no secret")
    func wrongPassword() throws {
        let key = Self.randomKey()
        let address = try EthereumAddress(bytes: [UInt8](repeating: 0x22, count: 20))
        for kdf in [Self.lightScrypt, Self.lightPBKDF2] {
            let file = try Keystore.encrypt(privateKey: key, address: address, password: "right-password", kdf: kdf)
            let error = try #require(throws: EVMError.self) {
                try Keystore.decrypt(file, password: "wrong-password")
            }
            #expect(error.code == .wrongPassword)
            #expect(error.message.contains("password does not open this keystore"))
            for secret in ["right-password", "wrong-password", Hex.encode(key, prefix: false)] {
                #expect(!error.description.contains(secret))
            }
        }
    }

    @Test("a flipped bit in the ciphertext or the MAC is refused (MAC mismatch)")
    func tampering() throws {
        let key = Self.randomKey()
        let address = try EthereumAddress(bytes: [UInt8](repeating: 0x33, count: 20))
        let file = try Keystore.encrypt(privateKey: key, address: address, password: "pw", kdf: Self.lightPBKDF2)
        for field in ["ciphertext", "mac"] {
            var object = try #require(try JSONSerialization.jsonObject(with: file) as? [String: Any])
            var crypto = try #require(object["crypto"] as? [String: Any])
            var hex = Array(try #require(crypto[field] as? String))
            hex[5] = hex[5] == "0" ? "1" : "0"
            crypto[field] = String(hex)
            object["crypto"] = crypto
            let tampered = try JSONSerialization.data(withJSONObject: object)
            let error = try #require(throws: EVMError.self) { try Keystore.decrypt(tampered, password: "pw") }
            #expect(error.code == .wrongPassword, "\(field)")
        }
    }

    @Test("geth's legacy capitalised \"Crypto\" key and a 0x-prefixed address are read")
    func legacySpelling() throws {
        let key = Self.randomKey()
        let address = try EthereumAddress(bytes: [UInt8](repeating: 0x44, count: 20))
        let file = try Keystore.encrypt(privateKey: key, address: address, password: "pw", kdf: Self.lightPBKDF2)
        var object = try #require(try JSONSerialization.jsonObject(with: file) as? [String: Any])
        object["Crypto"] = object.removeValue(forKey: "crypto")
        object["address"] = address.checksummed
        let legacy = try JSONSerialization.data(withJSONObject: object)
        let opened = try Keystore.decrypt(legacy, password: "pw")
        #expect(opened.privateKey == key)
        #expect(opened.address == address)
    }

    @Test("absurd or unsupported parameters and malformed files are refused with invalid_keystore, at once")
    func hostileFiles() throws {
        let key = Self.randomKey()
        let address = try EthereumAddress(bytes: [UInt8](repeating: 0x55, count: 20))
        let scryptFile = try Keystore.encrypt(privateKey: key, address: address, password: "pw", kdf: Self.lightScrypt)
        let pbkdf2File = try Keystore.encrypt(privateKey: key, address: address, password: "pw", kdf: Self.lightPBKDF2)

        func edit(_ file: Data, _ change: (inout [String: Any], inout [String: Any], inout [String: Any]) -> Void)
            throws -> Data
        {
            var object = try #require(try JSONSerialization.jsonObject(with: file) as? [String: Any])
            var crypto = try #require(object["crypto"] as? [String: Any])
            var params = try #require(crypto["kdfparams"] as? [String: Any])
            change(&object, &crypto, &params)
            crypto["kdfparams"] = params
            object["crypto"] = crypto
            return try JSONSerialization.data(withJSONObject: object)
        }

        let cases: [(String, Data)] = [
            ("scrypt n = 2^30 (128 GiB)", try edit(scryptFile) { _, _, p in p["n"] = 1 << 30 }),
            ("scrypt n = 2^62", try edit(scryptFile) { _, _, p in p["n"] = 1 << 62 }),
            ("scrypt r = 2^40", try edit(scryptFile) { _, _, p in p["r"] = 1 << 40 }),
            ("scrypt p = 2^40", try edit(scryptFile) { _, _, p in p["p"] = 1 << 40 }),
            ("scrypt p = 64 (work)", try edit(scryptFile) { _, _, p in p.merge(["n": 1 << 18, "p": 64]) { $1 } }),
            ("scrypt n = 1000 (not a power of two)", try edit(scryptFile) { _, _, p in p["n"] = 1000 }),
            ("scrypt r = 0", try edit(scryptFile) { _, _, p in p["r"] = 0 }),
            ("scrypt n negative", try edit(scryptFile) { _, _, p in p["n"] = -1024 }),
            ("scrypt n as a string", try edit(scryptFile) { _, _, p in p["n"] = "1024" }),
            ("scrypt n fractional", try edit(scryptFile) { _, _, p in p["n"] = 1024.5 }),
            ("scrypt n missing", try edit(scryptFile) { _, _, p in p["n"] = nil }),
            ("pbkdf2 c = 10^12", try edit(pbkdf2File) { _, _, p in p["c"] = 1_000_000_000_000 }),
            ("pbkdf2 c = 0", try edit(pbkdf2File) { _, _, p in p["c"] = 0 }),
            ("pbkdf2 prf hmac-sha512", try edit(pbkdf2File) { _, _, p in p["prf"] = "hmac-sha512" }),
            ("dklen 16", try edit(pbkdf2File) { _, _, p in p["dklen"] = 16 }),
            ("empty salt", try edit(pbkdf2File) { _, _, p in p["salt"] = "" }),
            ("kdf argon2", try edit(pbkdf2File) { _, c, _ in c["kdf"] = "argon2" }),
            ("cipher aes-128-cbc", try edit(pbkdf2File) { _, c, _ in c["cipher"] = "aes-128-cbc" }),
            ("iv of 8 bytes", try edit(pbkdf2File) { _, c, _ in c["cipherparams"] = ["iv": "0011223344556677"] }),
            ("ciphertext not hex", try edit(pbkdf2File) { _, c, _ in c["ciphertext"] = "zz" }),
            ("mac missing", try edit(pbkdf2File) { _, c, _ in c["mac"] = nil }),
            ("version 1", try edit(pbkdf2File) { o, _, _ in o["version"] = 1 }),
            (
                "address with a bad checksum",
                try edit(pbkdf2File) { o, _, _ in
                    o["address"] = "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
                }
            ),
            ("not JSON", Data("not json".utf8)),
            ("a JSON array", Data("[]".utf8)),
            (
                "deeply nested JSON",
                Data((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8)
            ),
        ]
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for (name, file) in cases {
                let error = try #require(throws: EVMError.self, "\(name)") {
                    try Keystore.decrypt(file, password: "pw")
                }
                #expect(error.code == .invalidKeystore, "\(name): \(error)")
            }
        }
        #expect(elapsed < .seconds(5))
        // Writing refuses what reading would refuse.
        #expect(throws: EVMError.self) {
            try Keystore.encrypt(
                privateKey: key, address: address, password: "pw", kdf: .scrypt(n: 1 << 30, r: 8, p: 1))
        }
        #expect(throws: EVMError.self) {
            try Keystore.encrypt(privateKey: [1, 2, 3], address: address, password: "pw", kdf: Self.lightPBKDF2)
        }
    }
}
