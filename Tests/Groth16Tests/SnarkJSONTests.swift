import BN254
import Curves
import Fields
import Foundation
import Groth16
import Testing

// MARK: - snarkjs JSON

@Suite struct SnarkJSONTests {
    let f = Fixture.shared

    /// The JSON tree of one of our documents.
    func tree(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    func json(_ object: Any) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    @Test func proofRoundTripsInSnarkJSShape() throws {
        let text = f.proof.snarkJSON
        #expect(try Groth16.Proof(snarkJSON: Data(text.utf8)) == f.proof)
        // Member order and shape as snarkjs writes them (JSON.stringify(proof, null, 1)).
        let keys = ["\"pi_a\"", "\"pi_b\"", "\"pi_c\"", "\"protocol\"", "\"curve\""].map {
            text.range(of: $0)!.lowerBound
        }
        #expect(keys == keys.sorted())
        #expect(text.hasPrefix("{\n \"pi_a\": [\n  \""))
        let root = try #require(try tree(text) as? [String: Any])
        #expect(root["protocol"] as? String == "groth16" && root["curve"] as? String == "bn128")
        let a = try #require(root["pi_a"] as? [String])
        #expect(a == [f.proof.a.x.decimalString, f.proof.a.y.decimalString, "1"])
        let b = try #require(root["pi_b"] as? [[String]])
        #expect(
            b == [
                [f.proof.b.x.c0.decimalString, f.proof.b.x.c1.decimalString],
                [f.proof.b.y.c0.decimalString, f.proof.b.y.c1.decimalString], ["1", "0"],
            ])
    }

    @Test func publicSignalsRoundTrip() throws {
        let text = Groth16.publicSignalsJSON(f.publicInputs)
        #expect(try Groth16.publicSignals(snarkJSON: Data(text.utf8)) == f.publicInputs)
        #expect(try tree(text) as? [String] == f.publicInputs.map(\.decimalString))
        let edge = [Fr.zero, -Fr.one, Fr(999_999)]
        #expect(try Groth16.publicSignals(snarkJSON: Data(Groth16.publicSignalsJSON(edge).utf8)) == edge)
    }

    @Test func verifyingKeyRoundTripsWithAllMembers() throws {
        let vk = f.key.verifyingKey
        let text = vk.snarkJSON
        #expect(try Groth16.VerifyingKey(snarkJSON: Data(text.utf8)) == vk)
        let order = [
            "protocol", "curve", "nPublic", "vk_alpha_1", "vk_beta_2", "vk_gamma_2", "vk_delta_2",
            "vk_alphabeta_12", "IC",
        ].map { text.range(of: "\"\($0)\"")!.lowerBound }
        #expect(order == order.sorted())
        let root = try #require(try tree(text) as? [String: Any])
        #expect(root["nPublic"] as? Int == vk.publicInputCount)
        #expect((root["IC"] as? [[String]])?.count == vk.publicInputCount + 1)
        let alphaBeta = try #require(root["vk_alphabeta_12"] as? [[[String]]])
        #expect(alphaBeta.count == 2 && alphaBeta.allSatisfy { $0.count == 3 && $0.allSatisfy { $0.count == 2 } })
    }

    @Test func malformedProofsAreRejectedWithClearErrors() throws {
        let good = try #require(try tree(f.proof.snarkJSON) as? [String: Any])
        func attempt(_ mutate: (inout [String: Any]) -> Void) throws -> Groth16Error? {
            var copy = good
            mutate(&copy)
            return #expect(throws: Groth16Error.self) { try Groth16.Proof(snarkJSON: try json(copy)) }
        }
        let p = Fq.modulusLimbs
        _ = p
        let modulus = "21888242871839275222246405745257275088696311157297823662689037894645226208583"
        let cases: [(String, String, (inout [String: Any]) -> Void)] = [
            ("missing pi_c", "malformed_json", { $0["pi_c"] = nil }),
            ("pi_a too short", "malformed_json", { $0["pi_a"] = Array(($0["pi_a"] as! [String]).prefix(2)) }),
            ("number instead of string", "malformed_json", { $0["pi_a"] = [1, 2, 1] }),
            ("hex coordinate", "invalid_field_element", { $0["pi_a"] = ["0x1", "0x2", "1"] }),
            ("negative coordinate", "invalid_field_element", { $0["pi_a"] = ["-1", "2", "1"] }),
            ("coordinate = p", "invalid_field_element", { $0["pi_a"] = [modulus, "2", "1"] }),
            ("leading zero", "invalid_field_element", { $0["pi_a"] = ["01", "2", "1"] }),
            ("off the curve", "invalid_point", { $0["pi_a"] = ["1", "3", "1"] }),
            ("projective z = 2", "invalid_point", { $0["pi_a"] = ["1", "2", "2"] }),
            ("bad infinity", "invalid_point", { $0["pi_c"] = ["1", "1", "0"] }),
            ("B off the twist", "invalid_point", { $0["pi_b"] = [["1", "0"], ["1", "0"], ["1", "0"]] }),
            ("B pair of three", "malformed_json", { $0["pi_b"] = [["1", "0", "0"], ["1", "0"], ["1", "0"]] }),
            ("wrong protocol", "malformed_json", { $0["protocol"] = "plonk" }),
            ("wrong curve", "malformed_json", { $0["curve"] = "bls12381" }),
        ]
        for (name, code, mutate) in cases {
            let error = try attempt(mutate)
            #expect(error?.code.rawValue == code, "\(name): got \(String(describing: error))")
            #expect((error?.message.count ?? 0) > 20, "\(name) needs a sentence")
        }
        for text in ["", "not json", "[]", "{\"pi_a\": ", String(repeating: "[", count: 100_000)] {
            #expect(throws: Groth16Error.self) { try Groth16.Proof(snarkJSON: Data(text.utf8)) }
        }
    }

    @Test func aG2PointOutsideTheSubgroupIsRejected() throws {
        var x = Fq2.random()
        while G2Affine.twistPoint(x: x) == nil || G2Affine.twistPoint(x: x)!.isInPrimeOrderSubgroup { x = .random() }
        let outside = G2Affine.twistPoint(x: x)!
        var root = try #require(try tree(f.proof.snarkJSON) as? [String: Any])
        root["pi_b"] = [
            [outside.x.c0.decimalString, outside.x.c1.decimalString],
            [outside.y.c0.decimalString, outside.y.c1.decimalString], ["1", "0"],
        ]
        let error = #expect(throws: Groth16Error.self) { try Groth16.Proof(snarkJSON: try json(root)) }
        #expect(error?.code.rawValue == "invalid_point")
        #expect(error?.message.contains("subgroup") == true)
    }

    @Test func malformedPublicSignalsAreRejected() throws {
        let r = "21888242871839275222246405745257275088548364400416034343698204186575808495617"
        for text in ["{}", "[1, 2]", "[\"1\", \"x\"]", "[\"\(r)\"]", "[\" 1\"]", "[\"+1\"]", "[\"1e3\"]", "[null]"] {
            let error = #expect(throws: Groth16Error.self) { try Groth16.publicSignals(snarkJSON: Data(text.utf8)) }
            #expect(error != nil, "\(text) must be rejected")
        }
    }

    @Test func malformedVerifyingKeysAreRejected() throws {
        let good = try #require(try tree(f.key.verifyingKey.snarkJSON) as? [String: Any])
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("nPublic too large", { $0["nPublic"] = ($0["nPublic"] as! Int) + 1 }),
            ("nPublic as string", { $0["nPublic"] = "3" }),
            (
                "IC empty",
                {
                    $0["IC"] = [[String]]()
                    $0["nPublic"] = -1
                }
            ),
            ("alpha off curve", { $0["vk_alpha_1"] = ["1", "3", "1"] }),
            ("gamma off twist", { $0["vk_gamma_2"] = [["1", "0"], ["1", "0"], ["1", "0"]] }),
            (
                "wrong alphabeta",
                {
                    var ab = $0["vk_alphabeta_12"] as! [[[String]]]
                    ab[0][0][0] = "1"
                    $0["vk_alphabeta_12"] = ab
                }
            ),
            ("missing delta", { $0["vk_delta_2"] = nil }),
        ]
        for (name, mutate) in cases {
            var copy = good
            mutate(&copy)
            let error = #expect(throws: Groth16Error.self, "\(name)") {
                try Groth16.VerifyingKey(snarkJSON: try json(copy))
            }
            #expect(error != nil)
        }
        // vk_alphabeta_12 is optional (it is redundant), but checked when present.
        var without = good
        without["vk_alphabeta_12"] = nil
        #expect(try Groth16.VerifyingKey(snarkJSON: try json(without)) == f.key.verifyingKey)
    }
}
