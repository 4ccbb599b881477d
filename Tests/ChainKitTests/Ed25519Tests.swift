import ChainKit
import TestSupport
import Testing

@Suite("Ed25519")
struct Ed25519Tests {
    struct Vectors: Decodable {
        struct Vector: Decodable {
            let name: String
            let seed: String
            let public_key: String
            let message: String
            let signature: String
        }
        let vectors: [Vector]
    }

    @Test("RFC 8032 §7.1 test vectors")
    func rfc8032() throws {
        let vectors = try TestResources.load("ed25519_vectors", as: Vectors.self).vectors
        #expect(vectors.count == 3)
        for vector in vectors {
            let keypair = try SolanaKeypair(seed: [UInt8](hex: vector.seed))
            #expect(keypair.publicKey.bytes == [UInt8](hex: vector.public_key), "\(vector.name)")
            let message = [UInt8](hex: vector.message)
            let expected = try SolanaSignature(bytes: [UInt8](hex: vector.signature))
            #expect(keypair.publicKey.isValidSignature(expected, for: message), "\(vector.name)")
            // Our own signature verifies (CryptoKit may randomise it, so compare by verification).
            #expect(keypair.publicKey.isValidSignature(try keypair.sign(message), for: message))
            var wrong = message
            wrong.append(0)
            #expect(!keypair.publicKey.isValidSignature(expected, for: wrong))
        }
    }

    @Test("Keypair bytes are checked")
    func keypairBytes() throws {
        let keypair = SolanaKeypair()
        let bytes = keypair.seed + keypair.publicKey.bytes
        #expect(try SolanaKeypair(keypairBytes: bytes).publicKey == keypair.publicKey)
        var mismatched = bytes
        mismatched[40] ^= 1
        let error = #expect(throws: SolanaSigningError.self) { try SolanaKeypair(keypairBytes: mismatched) }
        #expect(error?.code == .keypairMismatch)
        #expect(
            (#expect(throws: SolanaSigningError.self) { try SolanaKeypair(seed: [1, 2, 3]) })?.code == .invalidSeed)
    }

    @Test("PyNaCl verifies ChainKit signatures and ChainKit verifies PyNaCl's (300 random messages)")
    func naclInterop() throws {
        var rng = SplitMix64(seed: 8032)
        let messages = (0..<300).map { _ in rng.bytes(Int.random(in: 0...600, using: &rng)) }
        let ours = (0..<300).map { _ in SolanaKeypair() }
        let ourSignatures = try zip(ours, messages).map { try $0.sign($1) }
        var items = zip(ours, zip(messages, ourSignatures)).map { ($0.publicKey.bytes, $1.0, $1.1.bytes) }
        // Every tenth signature corrupted: PyNaCl must reject exactly those.
        for index in stride(from: 0, to: items.count, by: 10) { items[index].2[index % 64] ^= 0x80 }
        let verdicts = try naclVerify(items)
        for (index, verdict) in verdicts.enumerated() { #expect(verdict == (index % 10 != 0), "item \(index)") }

        let seeds = (0..<300).map { _ in rng.bytes(32) }
        let theirs = try naclSign(seeds: seeds, messages: messages)
        for ((seed, message), signed) in zip(zip(seeds, messages), theirs) {
            let key = try SolanaPublicKey(bytes: signed.publicKey)
            #expect(try SolanaKeypair(seed: seed).publicKey == key)
            #expect(key.isValidSignature(try SolanaSignature(bytes: signed.signature), for: message))
            #expect(!key.isValidSignature(try SolanaSignature(bytes: signed.signature), for: message + [1]))
        }
    }
}
