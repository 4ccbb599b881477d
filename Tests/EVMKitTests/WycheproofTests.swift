import Crypto
import EVMKit
import Foundation
import TestSupport
import Testing

/// Wycheproof's `ecdsa_secp256k1_sha256_bitcoin_test.json` (C2SP/wycheproof, testvectors_v1): ECDSA verification with
/// Bitcoin's non-malleability rule — high s is invalid — which is EIP-2's rule too. Loaded with a Codable model, as
/// swift-crypto loads its Wycheproof files.
@Suite("Wycheproof ECDSA secp256k1 (SHA-256, low s)")
struct WycheproofTests {
    struct File: Decodable {
        let numberOfTests: Int
        let testGroups: [Group]
    }
    struct Group: Decodable {
        struct Key: Decodable { let uncompressed: String }
        let publicKey: Key
        let tests: [Case]
    }
    struct Case: Decodable {
        let tcId: Int
        let comment: String
        let msg: String
        let sig: String
        let result: String
    }

    /// Strict DER `SEQUENCE { INTEGER r, INTEGER s }` (X.690 §8.3: minimal, positive); `nil` for anything else.
    static func parseDER(_ bytes: [UInt8]) -> (r: [UInt8], s: [UInt8])? {
        var index = 0
        func length() -> Int? {
            guard index < bytes.count else { return nil }
            let first = bytes[index]
            index += 1
            if first < 0x80 { return Int(first) }
            guard first == 0x81, index < bytes.count, bytes[index] >= 0x80 else { return nil }
            index += 1
            return Int(bytes[index - 1])
        }
        func integer() -> [UInt8]? {
            guard index < bytes.count, bytes[index] == 0x02 else { return nil }
            index += 1
            guard let count = length(), count > 0, index + count <= bytes.count else { return nil }
            let value = Array(bytes[index..<(index + count)])
            index += count
            guard value[0] & 0x80 == 0 else { return nil }  // negative
            if value.count > 1, value[0] == 0, value[1] & 0x80 == 0 { return nil }  // non-minimal
            let magnitude = Array(value.drop { $0 == 0 })
            return magnitude.count <= 32 ? [UInt8](repeating: 0, count: 32 - magnitude.count) + magnitude : nil
        }
        guard bytes.first == 0x30 else { return nil }
        index = 1
        guard let total = length(), index + total == bytes.count, let r = integer(), let s = integer(),
            index == bytes.count
        else { return nil }
        return (r, s)
    }

    @Test("all 463 vectors: our verdict equals Wycheproof's (DER parsed strictly by the test)")
    func vectors() throws {
        let file = try TestVectors.load(File.self, resource: "ecdsa_secp256k1_sha256_bitcoin_test", in: .module)
        var count = 0
        for group in file.testGroups {
            let key = try Secp256k1PublicKey(bytes: Hex.decode(group.publicKey.uncompressed)!)
            for test in group.tests {
                count += 1
                let digest = Array(SHA256.hash(data: Hex.decode(test.msg)!))
                var verdict = false
                if let (r, s) = Self.parseDER(Hex.decode(test.sig)!),
                    let signature = try? ECDSASignature(
                        r: UInt256(bigEndian: r)!, s: UInt256(bigEndian: s)!, yParity: 0)
                {
                    verdict = key.isValidSignature(signature, digest: digest)
                }
                #expect(verdict == (test.result == "valid"), "tcId \(test.tcId): \(test.comment)")
            }
        }
        #expect(count == file.numberOfTests)
    }
}
