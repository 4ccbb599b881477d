import EVMKit
import Fields
import Foundation
import TestSupport
import Testing

@Suite("secp256k1 ECDSA against libsecp256k1 (coincurve)")
struct Secp256k1Tests {
    struct SignCase: Codable {
        let key: String
        let digest: String
    }
    struct VerifyCase: Codable {
        let pub: String
        let digest: String
        let sig: String
    }
    struct RecoverCase: Codable {
        let digest: String
        let sig: String
    }
    struct PeerRequest: Encodable {
        var cases: [SignCase] = []
        var verify: [VerifyCase] = []
        var recover: [RecoverCase] = []
    }
    struct PeerReply: Decodable {
        let signatures: [String]
        let publicKeys: [String]
        let verified: [Bool]
        let recovered: [String?]
    }

    static func peer(_ request: PeerRequest) throws -> PeerReply {
        try ExternalPeer.python(script: TestVectors.url("secp256k1_peer.py", in: .module), request: request)
    }

    static func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes, prefix: false) }

    @Test(
        "500 random keys and digests: the same public key, the same RFC 6979 signature and recovery id as libsecp256k1")
    func signaturesEqualLibsecp256k1() throws {
        var (random, seed) = SplitMix64.seeded()
        var keys = [Secp256k1PrivateKey]()
        var digests = [[UInt8]]()
        // Edge keys first: 1, 2, n − 1; then random ones.
        for edge: [UInt8] in [
            [UInt8](repeating: 0, count: 31) + [1], [UInt8](repeating: 0, count: 31) + [2],
            ECDSASignature.groupOrder.subtractingReportingOverflow(UInt256(1)).partialValue.bigEndianBytes,
        ] {
            keys.append(try Secp256k1PrivateKey(bytes: edge))
        }
        while keys.count < 500 { if let key = try? Secp256k1PrivateKey(bytes: random.bytes(32)) { keys.append(key) } }
        for index in 0..<keys.count {
            digests.append(
                index == 0
                    ? [UInt8](repeating: 0, count: 32)
                    : index == 1 ? [UInt8](repeating: 0xFF, count: 32) : random.bytes(32))
        }
        let reply = try Self.peer(
            PeerRequest(cases: zip(keys, digests).map { SignCase(key: Self.hex($0.bytes), digest: Self.hex($1)) }))
        for (index, (key, digest)) in zip(keys, digests).enumerated() {
            #expect(
                Self.hex(key.publicKey.uncompressed) == reply.publicKeys[index], "public key \(index), seed \(seed)")
            let signature = try key.sign(digest: digest)
            let ours = Self.hex(signature.r.bigEndianBytes + signature.s.bigEndianBytes + [signature.yParity])
            #expect(ours == reply.signatures[index], "signature \(index), seed \(seed)")
            #expect(signature.hasLowS)
            #expect(key.publicKey.isValidSignature(signature, digest: digest))
            #expect(try Secp256k1PublicKey.recover(digest: digest, signature: signature) == key.publicKey)
        }
    }

    @Test("libsecp256k1's signatures verify and recover here; tampered ones fail in both")
    func theirSignaturesVerifyHere() throws {
        var (random, seed) = SplitMix64.seeded()
        var cases = [SignCase]()
        while cases.count < 200 {
            let key = random.bytes(32)
            if (try? Secp256k1PrivateKey(bytes: key)) != nil {
                cases.append(SignCase(key: Self.hex(key), digest: Self.hex(random.bytes(32))))
            }
        }
        let signed = try Self.peer(PeerRequest(cases: cases))
        var verify = [VerifyCase]()
        var recover = [RecoverCase]()
        for (index, signature) in signed.signatures.enumerated() {
            var bytes = Hex.decode(signature)!
            var digest = Hex.decode(cases[index].digest)!
            switch index % 4 {  // 0: untouched; 1: flip a bit of r or s; 2: other digest; 3: wrong recovery id
            case 1: bytes[Int(random.next() % 64)] ^= 1 << UInt8(random.next() % 8)
            case 2: digest[0] ^= 0x80
            case 3: bytes[64] ^= 1
            default: break
            }
            verify.append(
                VerifyCase(pub: signed.publicKeys[index], digest: Self.hex(digest), sig: Self.hex(Array(bytes[0..<64])))
            )
            recover.append(RecoverCase(digest: Self.hex(digest), sig: Self.hex(bytes)))
        }
        let reply = try Self.peer(PeerRequest(verify: verify, recover: recover))
        for index in 0..<cases.count {
            let sig = Hex.decode(recover[index].sig)!
            let digest = Hex.decode(recover[index].digest)!
            let key = try Secp256k1PublicKey(bytes: Hex.decode(signed.publicKeys[index])!)
            let signature = try? ECDSASignature(rsv: sig)
            let ourVerdict = signature.map { key.isValidSignature($0, digest: digest) } ?? false
            #expect(ourVerdict == reply.verified[index], "verify \(index) (variant \(index % 4)), seed \(seed)")
            #expect(ourVerdict == (index % 4 == 0 || index % 4 == 3), "verify \(index), seed \(seed)")
            let ours = signature.flatMap { try? Secp256k1PublicKey.recover(digest: digest, signature: $0) }
            #expect(ours.map { Self.hex($0.uncompressed) } == reply.recovered[index], "recover \(index), seed \(seed)")
        }
    }

    @Test("public keys parse in all three encodings and refuse points off the curve")
    func publicKeyEncodings() throws {
        let key = Secp256k1PrivateKey.generate().publicKey
        #expect(try Secp256k1PublicKey(bytes: key.uncompressed) == key)
        #expect(try Secp256k1PublicKey(bytes: key.compressed) == key)
        #expect(try Secp256k1PublicKey(bytes: Array(key.uncompressed.dropFirst())) == key)
        var offCurve = key.uncompressed
        offCurve[64] ^= 1
        #expect(throws: EVMError.self) { try Secp256k1PublicKey(bytes: offCurve) }
        #expect(throws: EVMError.self) { try Secp256k1PublicKey(bytes: [0x04] + [UInt8](repeating: 0xFF, count: 64)) }
        #expect(throws: EVMError.self) { try Secp256k1PublicKey(bytes: [0x05] + key.compressed.dropFirst()) }
    }

    @Test("private keys: zero, n and above refused; the description never shows the key")
    func privateKeyRange() throws {
        #expect(throws: EVMError.self) { try Secp256k1PrivateKey(bytes: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: EVMError.self) { try Secp256k1PrivateKey(bytes: ECDSASignature.groupOrder.bigEndianBytes) }
        #expect(throws: EVMError.self) { try Secp256k1PrivateKey(bytes: [UInt8](repeating: 0xFF, count: 32)) }
        #expect(throws: EVMError.self) { try Secp256k1PrivateKey(bytes: [1]) }
        let key = try Secp256k1PrivateKey(bytes: [UInt8](repeating: 0x11, count: 32))
        #expect(!"\(key)".contains("1111"))
    }

    @Test("a high-s copy of a valid signature is refused by verify and by recovery (EIP-2)")
    func highSIsRefused() throws {
        let key = Secp256k1PrivateKey.generate()
        let digest = Keccak256.hash(Array("malleable".utf8))
        let signature = try key.sign(digest: digest)
        let highS = ECDSASignature.groupOrder.subtractingReportingOverflow(signature.s).partialValue
        let malleated = try ECDSASignature(r: signature.r, s: highS, yParity: signature.yParity ^ 1)
        #expect(!malleated.hasLowS)
        #expect(!key.publicKey.isValidSignature(malleated, digest: digest))
        #expect(throws: EVMError.self) { try Secp256k1PublicKey.recover(digest: digest, signature: malleated) }
    }
}
