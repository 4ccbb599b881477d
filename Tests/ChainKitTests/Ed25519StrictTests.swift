import ChainKit
import TestSupport
import Testing

/// Strict Ed25519 verification (SolanaPublicKey.isValidSignature): the verdicts of libsodium's
/// `crypto_sign_verify_detached` on the ed25519-speccheck edge cases and on forged small-order signatures.
@Suite("Ed25519 strict verification")
struct Ed25519StrictTests {
    struct Vectors: Decodable {
        struct Case: Decodable {
            let name: String
            let message: String
            let public_key: String
            let signature: String
            let libsodium: Bool
        }
        struct Encoding: Decodable {
            let name: String
            let hex: String
            let canonical: Bool
        }
        let cases: [Case]
        let small_order_encodings: [Encoding]
    }

    static func vectors() throws -> Vectors { try TestResources.load("ed25519_edge_vectors", as: Vectors.self) }

    @Test("speccheck and forged cases: same verdict as libsodium (recorded and live through PyNaCl)")
    func edgeCasesMatchLibsodium() throws {
        let cases = try Self.vectors().cases
        #expect(cases.count >= 25)
        let items = cases.map { ([UInt8](hex: $0.public_key), [UInt8](hex: $0.message), [UInt8](hex: $0.signature)) }
        let live = try naclVerify(items.map { (publicKey: $0.0, message: $0.1, signature: $0.2) })
        for (index, vector) in cases.enumerated() {
            let key = try SolanaPublicKey(bytes: items[index].0)
            let signature = try SolanaSignature(bytes: items[index].2)
            let ours = key.isValidSignature(signature, for: items[index].1)
            #expect(ours == vector.libsodium, "\(vector.name)")
            #expect(ours == live[index], "\(vector.name): PyNaCl now says \(live[index])")
        }
    }

    @Test("The all-zero address cannot be signed for: S = 0 with each small-order R, for many messages")
    func allZeroAddressForgeryFails() throws {
        let zero = SolanaPublicKey.zero
        #expect(!zero.isStrictSigningKey)
        let smallOrder = try Self.vectors().small_order_encodings.map { [UInt8](hex: $0.hex) }
        var rng = SplitMix64(seed: 25519)
        for _ in 0..<64 {
            let message = rng.bytes(Int.random(in: 0...200, using: &rng))
            for r in smallOrder {
                let forged = try SolanaSignature(bytes: r + [UInt8](repeating: 0, count: 32))
                #expect(!zero.isValidSignature(forged, for: message))
            }
        }
    }

    @Test("Small-order and non-canonical keys are not strict signing keys; real keys are")
    func strictSigningKeys() throws {
        for encoding in try Self.vectors().small_order_encodings {
            #expect(!(try SolanaPublicKey(bytes: [UInt8](hex: encoding.hex))).isStrictSigningKey, "\(encoding.name)")
        }
        // y = p + 2 (non-canonical encoding of y = 2) is refused; a canonical y = 2 is not small order.
        var nonCanonical = [UInt8](repeating: 0xff, count: 32)
        nonCanonical[0] = 0xef
        nonCanonical[31] = 0x7f
        #expect(!(try SolanaPublicKey(bytes: nonCanonical)).isStrictSigningKey)
        for _ in 0..<100 { #expect(SolanaKeypair().publicKey.isStrictSigningKey) }
    }

    @Test("A non-canonical S (S + L) is refused even though S mod L verifies")
    func nonCanonicalScalar() throws {
        let keypair = SolanaKeypair()
        let message = Array("strict".utf8)
        let signature = try keypair.sign(message)
        #expect(keypair.publicKey.isValidSignature(signature, for: message))
        // S + L, little-endian, over the low 32 bytes (S < L < 2^253, so no overflow out of 256 bits).
        let order: [UInt8] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ]
        var bytes = signature.bytes
        var carry = 0
        for index in 0..<32 {
            let sum = Int(bytes[32 + index]) + Int(order[index]) + carry
            bytes[32 + index] = UInt8(sum & 0xff)
            carry = sum >> 8
        }
        #expect(!keypair.publicKey.isValidSignature(try SolanaSignature(bytes: bytes), for: message))
    }
}
