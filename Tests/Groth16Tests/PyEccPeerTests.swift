import BN254
import Curves
import Fields
import Foundation
import Groth16
import Testing

// MARK: - Interop with py_ecc

/// py_ecc (Ethereum Foundation, pure Python) evaluates the Groth16 pairing equation on our snarkjs JSON files and
/// emulates the generated contract on our calldata. Each check costs ~1.5 s of Python, so the batch is small.
@Suite struct PyEccPeerTests {
    @Test func pyEccAcceptsOurProofsAndRejectsTamperedOnes() throws {
        let f = Fixture.shared
        var rng = SystemRandomNumberGenerator()
        let circuit = RandomCircuit(publicCount: 2, secretCount: 1, steps: 9, using: &rng)
        let cs = try circuit.build(proving: true)
        let key = try Groth16.unsafeSinglePartySetup(for: cs.matrices())
        let proof = try Groth16.prove(key, matrices: cs.matrices(), assignment: try cs.fullAssignment())

        let vk = try PythonPeer.tree(f.key.verifyingKey.snarkJSON)
        let otherVK = try PythonPeer.tree(key.verifyingKey.snarkJSON)
        var tamperedInputs = f.publicInputs
        tamperedInputs[0] += .one
        let swapped = try Groth16.Proof(a: f.proof.c, b: f.proof.b, c: f.proof.a)
        func verifyCase(_ vk: Any, _ proof: Groth16.Proof, _ inputs: [Fr]) throws -> [String: Any] {
            [
                "op": "verify", "vk": vk, "proof": try PythonPeer.tree(proof.snarkJSON),
                "public": try PythonPeer.tree(Groth16.publicSignalsJSON(inputs)),
            ]
        }
        let cases: [[String: Any]] = [
            try verifyCase(vk, f.proof, f.publicInputs),
            try verifyCase(otherVK, proof, cs.instanceValues),
            try verifyCase(vk, f.proof, tamperedInputs),
            try verifyCase(vk, swapped, f.publicInputs),
            [
                "op": "verify_calldata", "vk": vk,
                "calldata": Groth16.solidityCalldata(proof: f.proof, publicInputs: f.publicInputs),
            ],
            [
                "op": "verify_calldata", "vk": vk,
                "calldata": Groth16.solidityCalldata(proof: f.proof, publicInputs: tamperedInputs),
            ],
            ["op": "alphabeta", "vk": vk],
        ]
        let reply = try #require(try PythonPeer.run("groth16_peer.py", ["cases": cases]) as? [String: Any])
        let results = try #require(reply["results"] as? [Any])
        #expect(results.count == cases.count)
        #expect(results[0] as? Bool == true, "py_ecc must accept our proof")
        #expect(results[1] as? Bool == true, "py_ecc must accept a proof for a second circuit")
        #expect(results[2] as? Bool == false, "py_ecc must reject a tampered public input")
        #expect(results[3] as? Bool == false, "py_ecc must reject A and C swapped")
        #expect(results[4] as? Bool == true, "the contract's pairing input from our calldata must verify")
        #expect(results[5] as? Bool == false, "calldata with a tampered signal must not verify")
        let ours = try #require(try PythonPeer.tree(f.key.verifyingKey.snarkJSON) as? [String: Any])
        let alphaBeta = try #require(ours["vk_alphabeta_12"] as? [[[String]]])
        #expect(results[6] as? [[[String]]] == alphaBeta, "vk_alphabeta_12 must be e(α, β) as py_ecc computes it")
    }
}
