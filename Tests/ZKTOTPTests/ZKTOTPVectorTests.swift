import BN254
import Curves
import Fields
import Foundation
import Testing
import ZKTOTP

// MARK: - Known-answer vectors (light-poseidon, scripts/generate-zktotp-vectors.py)

struct ZKTOTPVectors: Decodable {
    struct Code: Decodable {
        let secret: String
        let unixTime: UInt64
        let timeCounter: UInt64
        let secretHash: String
        let codeHash: String
        let code: String
    }

    struct Commitment: Decodable {
        let chainId: String
        let wallet: String
        let txHash: String
        let nonce: String
        let commitment: String
    }

    let codes: [Code]
    let commitments: [Commitment]

    static func load() throws -> ZKTOTPVectors {
        let url = try #require(Bundle.module.url(forResource: "Resources/zktotp-vectors", withExtension: "json"))
        return try JSONDecoder().decode(ZKTOTPVectors.self, from: Data(contentsOf: url))
    }
}

@Suite struct ZKTOTPVectorTests {
    func bytes(_ hex: String) -> [UInt8] {
        stride(from: 0, to: hex.count, by: 2).map {
            let start = hex.index(hex.startIndex, offsetBy: $0)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
    }

    @Test func codesAndSecretHashes() throws {
        let vectors = try ZKTOTPVectors.load()
        #expect(vectors.codes.count >= 40)
        for v in vectors.codes {
            let secret = try #require(Fr(decimalString: v.secret))
            #expect(ZKTOTP.timeCounter(unixTime: v.unixTime) == v.timeCounter)
            #expect(ZKTOTP.secretHash(secret).decimalString == v.secretHash)
            #expect(ZKTOTP.codeHash(secret: secret, timeCounter: v.timeCounter).decimalString == v.codeHash)
            #expect(ZKTOTP.code(secret: secret, time: v.unixTime) == v.code, "secret \(v.secret) at \(v.unixTime)")
        }
    }

    @Test func commitments() throws {
        let vectors = try ZKTOTPVectors.load()
        #expect(vectors.commitments.count >= 10)
        for v in vectors.commitments {
            let ours = try ZKTOTP.transactionCommitment(
                chainID: try #require(UInt64(v.chainId)), wallet: bytes(v.wallet), transactionHash: bytes(v.txHash),
                nonce: try #require(UInt64(v.nonce)))
            #expect(ours.decimalString == v.commitment)
        }
    }
}
