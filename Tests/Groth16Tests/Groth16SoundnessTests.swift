import BN254
import Circuit
import Curves
import Fields
import Groth16
import Testing

// MARK: - Soundness: tampered statements and proofs are rejected

@Suite struct Groth16SoundnessTests {
    let f = Fixture.shared

    func verify(_ proof: Groth16.Proof, _ inputs: [Fr]? = nil) throws -> Bool {
        try Groth16.verify(f.prepared, proof: proof, publicInputs: inputs ?? f.publicInputs)
    }

    @Test func theUntamperedProofVerifies() throws {
        #expect(try verify(f.proof))
    }

    @Test func everyTamperedPublicInputIsRejected() throws {
        for i in f.publicInputs.indices {
            for delta in [Fr.one, -Fr.one, Fr.random()] {
                var inputs = f.publicInputs
                inputs[i] += delta
                #expect(try !verify(f.proof, inputs), "changing public input \(i) must invalidate the proof")
            }
            var swapped = f.publicInputs
            swapped[i] = .zero
            #expect(try !verify(f.proof, swapped))
        }
        #expect(try !verify(f.proof, f.publicInputs.reversed()))
    }

    @Test func swappedNegatedAndReplacedPointsAreRejected() throws {
        let p = f.proof
        let tampered: [(String, Groth16.Proof)] = [
            ("A ↔ C", try .init(a: p.c, b: p.b, c: p.a)),
            ("−A", try .init(a: -p.a, b: p.b, c: p.c)),
            ("−B", try .init(a: p.a, b: -p.b, c: p.c)),
            ("−C", try .init(a: p.a, b: p.b, c: -p.c)),
            ("−A, −C", try .init(a: -p.a, b: p.b, c: -p.c)),
            ("random A", try .init(a: randomG1(), b: p.b, c: p.c)),
            ("random B", try .init(a: p.a, b: randomG2(), c: p.c)),
            ("random C", try .init(a: p.a, b: p.b, c: randomG1())),
            ("A = C = ∞", try .init(a: .infinity, b: p.b, c: .infinity)),
            ("B = ∞", try .init(a: p.a, b: .infinity, c: p.c)),
            ("A + G", try .init(a: (p.a + G1Affine.generator).affine, b: p.b, c: p.c)),
        ]
        for (name, proof) in tampered {
            #expect(try !verify(proof), "the proof with \(name) must be rejected")
        }
    }

    @Test func aProofUnderAnotherKeyIsRejected() throws {
        let otherKey = try Groth16.unsafeSinglePartySetup(for: f.matrices)
        let proof = try Groth16.prove(otherKey, matrices: f.matrices, assignment: f.assignment)
        #expect(try Groth16.verify(otherKey.verifyingKey, proof: proof, publicInputs: f.publicInputs))
        #expect(try !verify(proof))
    }

    @Test func wrongInputCountThrows() throws {
        let error = #expect(throws: Groth16Error.self) { try verify(f.proof, Array(f.publicInputs.dropLast())) }
        #expect(error?.code.rawValue == "public_input_count")
        #expect(throws: Groth16Error.self) { try verify(f.proof, f.publicInputs + [.zero]) }
    }

    @Test func anUnsatisfyingAssignmentCannotBeProven() throws {
        for column in [1, f.matrices.instanceColumnCount, f.matrices.columnCount - 1] {
            var assignment = f.assignment
            assignment[column] += .one
            let error = #expect(throws: Groth16Error.self) {
                try Groth16.prove(f.key, matrices: f.matrices, assignment: assignment)
            }
            #expect(error?.code.rawValue == "unsatisfied_constraint")
        }
        var notOne = f.assignment
        notOne[0] = Fr(2)
        #expect(throws: Groth16Error.self) { try Groth16.prove(f.key, matrices: f.matrices, assignment: notOne) }
        #expect(throws: Groth16Error.self) {
            try Groth16.prove(f.key, matrices: f.matrices, assignment: Array(f.assignment.dropLast()))
        }
    }

    @Test func aKeyForAnotherCircuitIsRefused() throws {
        var rng = SystemRandomNumberGenerator()
        let other = try RandomCircuit(publicCount: 2, secretCount: 1, steps: 5, using: &rng).build(proving: true)
        let error = #expect(throws: Groth16Error.self) {
            try Groth16.prove(f.key, matrices: other.matrices(), assignment: try other.fullAssignment())
        }
        #expect(error?.code.rawValue == "key_circuit_mismatch")
        #expect(f.key.matches(f.matrices))
        #expect(!f.key.matches(other.matrices()))
    }

    @Test func pointsOutsideTheGroupCannotFormAProof() throws {
        // A twist point that is not in G2 (the G2 cofactor is not 1).
        var x = Fq2.random()
        while G2Affine.twistPoint(x: x) == nil || G2Affine.twistPoint(x: x)!.isInPrimeOrderSubgroup { x = .random() }
        let outside = G2Affine.twistPoint(x: x)!
        let error = #expect(throws: Groth16Error.self) { try Groth16.Proof(a: f.proof.a, b: outside, c: f.proof.c) }
        #expect(error?.code.rawValue == "invalid_point")
        let offCurve = G1Affine(uncheckedX: f.proof.a.x, y: f.proof.a.y + .one)
        #expect(throws: Groth16Error.self) { try Groth16.Proof(a: offCurve, b: f.proof.b, c: f.proof.c) }
    }
}
