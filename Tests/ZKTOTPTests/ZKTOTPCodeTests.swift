import BN254
import BigInt
import Curves
import Fields
import Foundation
import Poseidon
import Testing
import ZKTOTP

// MARK: - Poseidon-TOTP codes, secrets and commitments against light-poseidon

@Suite struct ZKTOTPCodeTests {
    @Test func codesSecretHashesAndCommitmentsMatchThePeer() throws {
        var cases = [[String: Any]]()
        var expectations = [(kind: String, expected: Any)]()
        // Codes: random secrets, times from 1970 to 2106 and edges; secrets with small and maximal values.
        let secrets = (0..<60).map { _ in ZKTOTP.newSecret() } + [.zero, .one, -Fr.one]
        for (i, secret) in secrets.enumerated() {
            let time: UInt64 = i % 7 == 0 ? UInt64(i) : UInt64.random(in: 0...UInt64(UInt32.max))
            let counter = ZKTOTP.timeCounter(unixTime: time)
            cases.append(["op": "code", "secret": secret.decimalString, "counter": counter])
            expectations.append(
                (
                    "code",
                    (
                        ZKTOTP.code(secret: secret, time: time),
                        ZKTOTP.codeHash(secret: secret, timeCounter: counter).decimalString
                    )
                ))
            cases.append(["op": "secretHash", "secret": secret.decimalString])
            expectations.append(("secretHash", ZKTOTP.secretHash(secret).decimalString))
        }
        for i in 0..<20 {
            let wallet = (0..<20).map { _ in UInt8.random(in: 0...255) }
            let hash = i == 0 ? [UInt8](repeating: 0xff, count: 32) : (0..<32).map { _ in UInt8.random(in: 0...255) }
            let chain = [1, 10, 8453, 11_155_111, UInt64.max][i % 5]
            let nonce = UInt64.random(in: 0...UInt64.max)
            let hex = { (b: [UInt8]) in b.map { String(format: "%02x", $0) }.joined() }
            cases.append([
                "op": "commitment", "chainId": String(chain), "wallet": hex(wallet), "txHash": hex(hash),
                "nonce": String(nonce),
            ])
            let ours = try ZKTOTP.transactionCommitment(
                chainID: chain, wallet: wallet, transactionHash: hash, nonce: nonce)
            expectations.append(("commitment", ours.decimalString))
        }
        let reply = try #require(try PythonPeer.run("zktotp_peer.py", ["cases": cases]) as? [String: Any])
        let results = try #require(reply["results"] as? [Any])
        #expect(results.count == cases.count)
        for (result, expectation) in zip(results, expectations) {
            switch expectation.kind {
            case "code":
                let (code, hash) = expectation.expected as! (String, String)
                let peer = try #require(result as? [String: String])
                #expect(peer["hash"] == hash)
                #expect(peer["code"] == code)
            default:
                #expect(result as? String == expectation.expected as? String, "\(expectation.kind)")
            }
        }
    }

    @Test func codesAreSixZeroPaddedDigitsOfTheCanonicalHash() throws {
        for _ in 0..<200 {
            let secret = ZKTOTP.newSecret()
            let time = UInt64.random(in: 0...4_000_000_000)
            let code = ZKTOTP.code(secret: secret, time: time)
            #expect(code.count == 6 && code.allSatisfy(\.isASCII) && code.allSatisfy(\.isNumber))
            let hash = BigUInt(ZKTOTP.codeHash(secret: secret, timeCounter: time / 30))
            #expect(UInt32(code) == UInt32(hash % 1_000_000))
        }
        #expect(ZKTOTP.format(code: 42) == "000042" && ZKTOTP.format(code: 0) == "000000")
        #expect(ZKTOTP.format(code: 999_999) == "999999")
    }

    @Test func timeCountersAreThirtySecondSteps() throws {
        #expect(ZKTOTP.timeCounter(unixTime: UInt64(0)) == 0)
        #expect(ZKTOTP.timeCounter(unixTime: UInt64(29)) == 0)
        #expect(ZKTOTP.timeCounter(unixTime: UInt64(30)) == 1)
        #expect(try ZKTOTP.timeCounter(unixTime: Int64(1_700_000_015)) == 56_666_667)
        let secret = ZKTOTP.newSecret()
        #expect(ZKTOTP.code(secret: secret, time: 1_700_000_010) == ZKTOTP.code(secret: secret, time: 1_700_000_039))
        let error = #expect(throws: ZKTOTPError.self) { try ZKTOTP.timeCounter(unixTime: Int64(-1)) }
        #expect(error?.code.rawValue == "invalid_time")
    }

    @Test func secretsAreFreshFullFieldElements() {
        let secrets = (0..<64).map { _ in ZKTOTP.newSecret() }
        #expect(Set(secrets).count == 64)
        // A full field element: with 64 draws, some must exceed 2²⁴⁰ (a 20-digit decimal secret never would).
        #expect(secrets.contains { BigUInt($0) > BigUInt(1) << 240 })
    }

    @Test func commitmentInputsAreLengthChecked() {
        let wallet = [UInt8](repeating: 1, count: 20)
        let hash = [UInt8](repeating: 2, count: 32)
        #expect(throws: ZKTOTPError.self) {
            try ZKTOTP.transactionCommitment(
                chainID: 1, wallet: Array(wallet.dropLast()), transactionHash: hash, nonce: 0)
        }
        #expect(throws: ZKTOTPError.self) {
            try ZKTOTP.transactionCommitment(chainID: 1, wallet: wallet, transactionHash: hash + [0], nonce: 0)
        }
        // Each input is bound: changing any one changes the commitment (chain id and wallet per SEEDS-NOTES 6).
        let base = try! ZKTOTP.transactionCommitment(chainID: 1, wallet: wallet, transactionHash: hash, nonce: 7)
        var otherHash = hash
        otherHash[0] ^= 1
        let variants = [
            try! ZKTOTP.transactionCommitment(chainID: 137, wallet: wallet, transactionHash: hash, nonce: 7),
            try! ZKTOTP.transactionCommitment(
                chainID: 1, wallet: [0] + wallet.dropFirst(), transactionHash: hash, nonce: 7),
            try! ZKTOTP.transactionCommitment(chainID: 1, wallet: wallet, transactionHash: otherHash, nonce: 7),
            try! ZKTOTP.transactionCommitment(chainID: 1, wallet: wallet, transactionHash: hash, nonce: 8),
        ]
        #expect(variants.allSatisfy { $0 != base })
    }
}
