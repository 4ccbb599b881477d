import ChainKit
import Crypto
import TestSupport
import Testing

@Suite("Solana off-chain messages")
struct OffchainMessageTests {
    struct Vectors: Decodable {
        struct Valid: Decodable {
            let name: String
            let source: String
            let application_domain: String
            let signers: [String]
            let text: String
            let format: UInt8
            let sha256_base58: String?
            let serialized_hex: String
        }
        struct Reject: Decodable {
            let name: String
            let code: String
            let serialized_hex: String
        }
        let valid: [Valid]
        let reject: [Reject]
    }

    @Test("Published vectors (solana-sdk hash, @solana/kit bytes) encode and parse")
    func validVectors() throws {
        let vectors = try TestResources.load("offchain_vectors", as: Vectors.self)
        for vector in vectors.valid {
            let message = try SolanaOffchainMessage(
                applicationDomain: try SolanaPublicKey(base58: vector.application_domain),
                signers: try vector.signers.map { try SolanaPublicKey(base58: $0) },
                text: vector.text)
            #expect(message.format.rawValue == vector.format, "\(vector.name)")
            #expect(message.serializedBytes.hex == vector.serialized_hex, "\(vector.name)")
            if let hash = vector.sha256_base58 {
                #expect(Base58.encode(Array(SHA256.hash(data: message.serializedBytes))) == hash, "\(vector.name)")
            }
            #expect(try SolanaOffchainMessage(serialized: [UInt8](hex: vector.serialized_hex)) == message)
        }
    }

    @Test("Malformed and non-conforming messages are rejected with stable codes")
    func rejectVectors() throws {
        let vectors = try TestResources.load("offchain_vectors", as: Vectors.self)
        #expect(vectors.reject.count >= 15)
        for vector in vectors.reject {
            let error = #expect(throws: SolanaOffchainMessageError.self, "\(vector.name)") {
                try SolanaOffchainMessage(serialized: [UInt8](hex: vector.serialized_hex))
            }
            #expect(error?.code.rawValue == vector.code, "\(vector.name): \(String(describing: error))")
        }
    }

    @Test("Format follows content and size, with exact 1232/65535-byte boundaries")
    func formatBoundaries() throws {
        let signer = SolanaKeypair().publicKey
        // Whole message = 53 fixed + 32 per signer + body; with one signer the body limit is 1232 - 85.
        let ledgerBody = 1232 - 53 - 32
        func make(_ body: [UInt8], signers: Int = 1) throws -> SolanaOffchainMessage {
            try SolanaOffchainMessage(
                applicationDomain: .zero,
                signers: (0..<signers).map { _ in signers == 1 ? signer : SolanaKeypair().publicKey }, body: body)
        }
        #expect(try make([UInt8](repeating: 0x41, count: ledgerBody)).format == .restrictedASCII)
        #expect(try make([UInt8](repeating: 0x41, count: ledgerBody + 1)).format == .extendedUTF8)
        #expect(try make(Array("é".utf8) + [UInt8](repeating: 0x41, count: ledgerBody - 2)).format == .limitedUTF8)
        #expect(try make([UInt8](repeating: 0x41, count: ledgerBody - 32), signers: 2).format == .restrictedASCII)
        #expect(try make([UInt8](repeating: 0x41, count: ledgerBody - 31), signers: 2).format == .extendedUTF8)
        #expect(try make([0x7E, 0x20]).format == .restrictedASCII)
        #expect(try make([0x0A]).format == .limitedUTF8)  // newline is not restricted ASCII in v0
        #expect(try make([0x7F]).format == .limitedUTF8)  // DEL neither
        let extendedMax = 65535 - 53 - 32
        let largest = try make([UInt8](repeating: 0x61, count: extendedMax))
        #expect(largest.serializedBytes.count == 65535)
        #expect(try SolanaOffchainMessage(serialized: largest.serializedBytes) == largest)
        #expect(
            (#expect(throws: SolanaOffchainMessageError.self) {
                try make([UInt8](repeating: 0x61, count: extendedMax + 1))
            })?.code == .messageTooLong)
        #expect((#expect(throws: SolanaOffchainMessageError.self) { try make([]) })?.code == .emptyMessage)
        #expect((#expect(throws: SolanaOffchainMessageError.self) { try make([0xFF]) })?.code == .invalidUTF8)
        #expect(
            (#expect(throws: SolanaOffchainMessageError.self) {
                try SolanaOffchainMessage(applicationDomain: .zero, signers: [], text: "hi")
            })?.code == .noSigners)
        #expect(
            (#expect(throws: SolanaOffchainMessageError.self) {
                try SolanaOffchainMessage(applicationDomain: .zero, signers: (0..<256).map { _ in signer }, text: "hi")
            })?.code == .tooManySigners)
    }

    @Test("Bytes match an independent encoder written from the spec table (200 random messages)")
    func independentEncoder() throws {
        struct Request: Encodable {
            struct Item: Encodable {
                let domain: String
                let format: UInt8
                let signers: [String]
                let body: String
            }
            let command = "offchain_encode"
            let items: [Item]
        }
        struct Response: Decodable { let results: [String] }
        var rng = SplitMix64(seed: 0xFF)
        let alphabet = Array("abc XYZ 012 !~ é ✌🏿 Тест 😀\n")
        var messages: [SolanaOffchainMessage] = []
        for index in 0..<200 {
            let length =
                index % 20 == 0 ? Int.random(in: 1100...3000, using: &rng) : Int.random(in: 1...120, using: &rng)
            let text = String(
                (0..<length).map { _ in index % 3 == 0 ? Character("a") : alphabet.randomElement(using: &rng)! })
            let signers = (0..<Int.random(in: 1...4, using: &rng)).map { _ in try! SolanaPublicKey(bytes: rng.bytes(32))
            }
            messages.append(
                try SolanaOffchainMessage(
                    applicationDomain: try SolanaPublicKey(bytes: rng.bytes(32)), signers: signers, text: text))
        }
        #expect(Set(messages.map(\.format)).count == 3, "all three formats exercised")
        let request = Request(
            items: messages.map {
                .init(
                    domain: $0.applicationDomain.bytes.hex, format: $0.format.rawValue,
                    signers: $0.signers.map(\.bytes.hex), body: $0.body.base64)
            })
        let encoded = try PythonPeer.call("message_peer", request, as: Response.self).results
        for (message, theirs) in zip(messages, encoded) {
            #expect(message.serializedBytes == bytes(base64: theirs))
            #expect(try SolanaOffchainMessage(serialized: message.serializedBytes) == message)
        }
    }

    @Test("Signatures interoperate with PyNaCl both ways; truncation never crashes")
    func signatures() throws {
        var rng = SplitMix64(seed: 0x0FFC)
        let keypairs = (0..<100).map { _ in SolanaKeypair() }
        let messages = try keypairs.enumerated().map { index, keypair in
            try SolanaOffchainMessage(
                applicationDomain: try SolanaPublicKey(bytes: rng.bytes(32)),
                signers: [keypair.publicKey, SolanaKeypair().publicKey].shuffled(using: &rng),
                text: "Chronoguard approval #\(index) ✓")
        }
        let signatures = try zip(keypairs, messages).map { try $1.sign(with: $0) }
        let verdicts = try naclVerify(
            zip(keypairs, zip(messages, signatures)).map { ($0.publicKey.bytes, $1.0.serializedBytes, $1.1.bytes) })
        #expect(verdicts == Array(repeating: true, count: 100))
        for (keypair, pair) in zip(keypairs, zip(messages, signatures)) {
            #expect(pair.0.isValidSignature(pair.1, by: keypair.publicKey))
            // The signature does not verify over the bare text: the domain separation works.
            #expect(!keypair.publicKey.isValidSignature(pair.1, for: pair.0.body))
        }
        // Not a listed signer.
        let outsider = SolanaKeypair()
        #expect(
            (#expect(throws: SolanaOffchainMessageError.self) { try messages[0].sign(with: outsider) })?.code
                == .signerNotListed)
        #expect(!messages[0].isValidSignature(signatures[0], by: outsider.publicKey))

        // PyNaCl signs, ChainKit verifies.
        let seeds = (0..<100).map { _ in rng.bytes(32) }
        let theirMessages = try seeds.map { seed in
            try SolanaOffchainMessage(
                applicationDomain: .zero, signers: [try SolanaKeypair(seed: seed).publicKey],
                text: "login \(seed.hex.prefix(8))")
        }
        let theirs = try naclSign(seeds: seeds, messages: theirMessages.map(\.serializedBytes))
        for (message, signed) in zip(theirMessages, theirs) {
            #expect(
                message.isValidSignature(
                    try SolanaSignature(bytes: signed.signature), by: try SolanaPublicKey(bytes: signed.publicKey)))
        }

        // Every prefix of a valid message is a clean error.
        let sample = messages[0].serializedBytes
        for length in 0..<sample.count {
            #expect(throws: SolanaOffchainMessageError.self) {
                try SolanaOffchainMessage(serialized: sample.prefix(length))
            }
        }
        // An off-chain message is never a transaction message.
        let asMessage = #expect(throws: SolanaWireError.self) { try SolanaMessage(wireBytes: sample) }
        #expect(asMessage?.code == .unsupportedVersion)
    }
}
