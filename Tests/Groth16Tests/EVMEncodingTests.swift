import BN254
import Curves
import Fields
import Foundation
import Groth16
import Testing

// MARK: - EVM bytes, calldata, Solidity

@Suite struct EVMEncodingTests {
    let f = Fixture.shared

    @Test func proofBytesAreTheEIP197WordsInOrder() throws {
        let bytes = f.proof.evmBytes
        #expect(bytes.count == 256)
        let p = f.proof
        let words = [p.a.x, p.a.y, p.b.x.c1, p.b.x.c0, p.b.y.c1, p.b.y.c0, p.c.x, p.c.y]
        for (i, word) in words.enumerated() {
            #expect(Array(bytes[(32 * i)..<(32 * i + 32)]) == word.bigEndianBytes, "word \(i)")
        }
        #expect(try Groth16.Proof(evmBytes: bytes) == p)
    }

    @Test func malformedProofBytesAreRejected() throws {
        let bytes = f.proof.evmBytes
        let short = #expect(throws: Groth16Error.self) { try Groth16.Proof(evmBytes: Array(bytes.dropLast())) }
        #expect(short?.code.rawValue == "invalid_length")
        var offCurve = bytes
        offCurve[63] ^= 1  // A.y
        #expect(
            (#expect(throws: Groth16Error.self) { try Groth16.Proof(evmBytes: offCurve) })?.code.rawValue
                == "invalid_point")
        var aboveP = bytes
        for i in 0..<32 { aboveP[i] = 0xff }
        #expect(throws: Groth16Error.self) { try Groth16.Proof(evmBytes: aboveP) }
        var swappedG2 = bytes  // c0 before c1 is a different (here invalid) point
        swappedG2.replaceSubrange(64..<128, with: Array(bytes[96..<128]) + Array(bytes[64..<96]))
        #expect(throws: Groth16Error.self) { try Groth16.Proof(evmBytes: swappedG2) }
    }

    @Test func calldataHasSnarkJSShape() throws {
        let calldata = Groth16.solidityCalldata(proof: f.proof, publicInputs: f.publicInputs)
        // It is the body of a JSON array: [pA, pB, pC, pubSignals].
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data("[\(calldata)]".utf8)) as? [Any])
        #expect(parsed.count == 4)
        func word<F: PrimeField>(_ x: F) -> String {
            "0x" + x.bigEndianBytes.map { String(format: "%02x", $0) }.joined()
        }
        let p = f.proof
        #expect(parsed[0] as? [String] == [word(p.a.x), word(p.a.y)])
        #expect(parsed[1] as? [[String]] == [[word(p.b.x.c1), word(p.b.x.c0)], [word(p.b.y.c1), word(p.b.y.c0)]])
        #expect(parsed[2] as? [String] == [word(p.c.x), word(p.c.y)])
        #expect(parsed[3] as? [String] == f.publicInputs.map { word($0) })
        #expect(calldata.hasPrefix("[\"0x") && calldata.contains("],[[\"0x") && !calldata.contains("\n"))
    }

    @Test func solidityVerifierEmbedsTheKey() throws {
        let vk = f.key.verifyingKey
        let source = vk.solidityVerifier()
        let n = vk.publicInputCount
        #expect(source.contains("pragma solidity >=0.8.4 <0.9.0;"))
        #expect(source.contains("uint256[\(n)] calldata pubSignals"))
        #expect(
            source.contains(
                "function verifyProof(\n        uint256[2] calldata pA,\n        uint256[2][2] calldata pB,"))
        #expect(source.contains("uint256 internal constant ALPHA_X = \(vk.alpha1.x.decimalString);"))
        #expect(source.contains("uint256 internal constant BETA_X1 = \(vk.beta2.x.c1.decimalString);"))
        #expect(source.contains("uint256 internal constant DELTA_Y0 = \(vk.delta2.y.c0.decimalString);"))
        for (i, point) in vk.ic.enumerated() {
            #expect(source.contains("uint256 internal constant IC\(i)_Y = \(point.y.decimalString);"))
        }
        #expect(source.contains("mulAdd(x, y, IC\(n)_X, IC\(n)_Y, pubSignals[\(n - 1)])"))
        #expect(!source.contains("IC\(n + 1)_X"))
        #expect(
            source.contains("address(8).staticcall") && source.contains("address(7).staticcall")
                && source.contains("address(6).staticcall"))
        // Balanced braces and parentheses: a cheap syntax sanity check (solc is not available to the tests).
        #expect(source.filter { $0 == "{" }.count == source.filter { $0 == "}" }.count)
        #expect(source.filter { $0 == "(" }.count == source.filter { $0 == ")" }.count)
        #expect(source.filter { $0 == "[" }.count == source.filter { $0 == "]" }.count)
    }
}
