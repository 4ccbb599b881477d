import BN254
import Circuit
import Curves
import Fields
import Groth16
import Testing

// MARK: - Completeness

@Suite struct Groth16CompletenessTests {
    @Test(arguments: [(1, 0, 1), (1, 1, 6), (2, 3, 17), (4, 1, 40), (3, 5, 70)])
    func randomCircuitsProveAndVerify(publicCount: Int, secretCount: Int, steps: Int) throws {
        var rng = SystemRandomNumberGenerator()
        let circuit = RandomCircuit(publicCount: publicCount, secretCount: secretCount, steps: steps, using: &rng)
        let setupMatrices = try circuit.build(proving: false).matrices()
        let key = try Groth16.unsafeSinglePartySetup(for: setupMatrices)
        #expect(key.verifyingKey.publicInputCount == publicCount)
        let prepared = key.verifyingKey.prepared()
        for _ in 0..<2 {
            let cs = try circuit.build(proving: true)
            #expect(try cs.isSatisfied())
            #expect(cs.matrices() == setupMatrices, "setup and proving modes must build the same matrices")
            let proof = try Groth16.prove(key, matrices: setupMatrices, assignment: try cs.fullAssignment())
            #expect(try Groth16.verify(prepared, proof: proof, publicInputs: cs.instanceValues))
            #expect(try Groth16.verify(key.verifyingKey, proof: proof, publicInputs: cs.instanceValues))
        }
    }

    @Test func proofsAreFreshlyBlinded() throws {
        let f = Fixture.shared
        let first = try Groth16.prove(f.key, matrices: f.matrices, assignment: f.assignment)
        let second = try Groth16.prove(f.key, matrices: f.matrices, assignment: f.assignment)
        #expect(first != second, "r and s must be fresh for every proof")
        #expect(first.a != second.a && first.b != second.b && first.c != second.c)
        #expect(try Groth16.verify(f.prepared, proof: first, publicInputs: f.publicInputs))
        #expect(try Groth16.verify(f.prepared, proof: second, publicInputs: f.publicInputs))
    }

    @Test func aCircuitWithoutConstraintsStillBindsItsInputs() throws {
        // Public inputs that no constraint mentions are still bound through the instance rows of the QAP.
        let cs = ConstraintSystem(mode: .proving)
        let x = Fr.random()
        let y = Fr.random()
        _ = try cs.allocateInstance { x }
        _ = try cs.allocateInstance { y }
        let matrices = cs.matrices()
        let key = try Groth16.unsafeSinglePartySetup(for: matrices)
        let proof = try Groth16.prove(key, matrices: matrices, assignment: try cs.fullAssignment())
        #expect(try Groth16.verify(key.verifyingKey, proof: proof, publicInputs: [x, y]))
        #expect(try !Groth16.verify(key.verifyingKey, proof: proof, publicInputs: [x + .one, y]))
        #expect(try !Groth16.verify(key.verifyingKey, proof: proof, publicInputs: [y, x]))
    }
}
