import BN254
import Circuit
import Curves
import Fields
import Foundation
import Groth16
import TestSupport

// MARK: - Python peers

/// The JSON-tree peers of `TestSupport` (a batch per process call; a missing package fails with the install hint).
enum PythonPeer {
    static func run(_ script: String, _ request: Any) throws -> Any { try JSONPeer.run(script, request) }
    static func tree(_ text: String) throws -> Any { try JSONPeer.tree(text) }
}

// MARK: - Random circuits

/// A random arithmetic circuit: `publicCount − 1` free public inputs and `secretCount` private inputs, `steps`
/// multiplication gates wᵢ = (random linear combination) · (random linear combination) of earlier variables, and a
/// last public input constrained equal to the final gate. Its structure is fixed at creation; ``build(_:)``
/// synthesizes it with random input values.
struct RandomCircuit {
    struct Gate {
        var left: [(source: Int, coefficient: UInt64)]
        var right: [(source: Int, coefficient: UInt64)]
    }

    let freePublicCount: Int
    let secretCount: Int
    let gates: [Gate]

    init<R: RandomNumberGenerator>(publicCount: Int, secretCount: Int, steps: Int, using rng: inout R) {
        precondition(publicCount >= 1)
        freePublicCount = publicCount - 1
        self.secretCount = secretCount
        var gates = [Gate]()
        // Sources: 0 = the constant one, then free public inputs, secrets, earlier gate outputs.
        var available = 1 + freePublicCount + secretCount
        for _ in 0..<steps {
            func lc() -> [(Int, UInt64)] {
                (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                    (Int.random(in: 0..<available, using: &rng), UInt64.random(in: 1...UInt64.max, using: &rng))
                }
            }
            gates.append(Gate(left: lc(), right: lc()))
            available += 1
        }
        self.gates = gates
    }

    /// The system in setup mode (`values == nil`) or proving mode with random inputs.
    func build(proving: Bool) throws -> ConstraintSystem {
        let cs = ConstraintSystem(mode: proving ? .proving : .setup)
        var sources: [LinearCombination] = [.one]
        var values: [Fr] = [.one]
        for _ in 0..<freePublicCount {
            let v = Fr.random()
            sources.append(LinearCombination(try cs.allocateInstance { proving ? v : nil }))
            values.append(v)
        }
        for _ in 0..<secretCount {
            let v = Fr.random()
            sources.append(LinearCombination(try cs.allocateWitness { proving ? v : nil }))
            values.append(v)
        }
        for gate in gates {
            func combine(_ terms: [(source: Int, coefficient: UInt64)]) -> (LinearCombination, Fr) {
                terms.reduce((LinearCombination.zero, Fr.zero)) { acc, term in
                    (
                        acc.0 + sources[term.source] * Fr(term.coefficient),
                        acc.1 + values[term.source] * Fr(term.coefficient)
                    )
                }
            }
            let (a, av) = combine(gate.left)
            let (b, bv) = combine(gate.right)
            let product = av * bv
            let out = LinearCombination(try cs.allocateWitness { proving ? product : nil })
            cs.enforce(a, b, out)
            sources.append(out)
            values.append(product)
        }
        let output = values.last!
        let outputVariable = LinearCombination(try cs.allocateInstance { proving ? output : nil })
        cs.enforceEqual(outputVariable, sources.last!)
        return cs
    }
}

// MARK: - A shared fixture

/// One random circuit with a key and a valid proof, built once for the tests that tamper with proofs.
enum Fixture {
    struct Value: Sendable {
        let matrices: R1CSMatrices
        let key: Groth16.ProvingKey
        let prepared: Groth16.PreparedVerifyingKey
        let proof: Groth16.Proof
        let publicInputs: [Fr]
        let assignment: [Fr]
    }

    static let shared: Value = {
        var rng = SystemRandomNumberGenerator()
        let circuit = RandomCircuit(publicCount: 3, secretCount: 2, steps: 24, using: &rng)
        let cs = try! circuit.build(proving: true)
        let matrices = cs.matrices()
        let key = try! Groth16.unsafeSinglePartySetup(for: matrices)
        let assignment = try! cs.fullAssignment()
        let proof = try! Groth16.prove(key, matrices: matrices, assignment: assignment)
        return Value(
            matrices: matrices, key: key, prepared: key.verifyingKey.prepared(), proof: proof,
            publicInputs: cs.instanceValues, assignment: assignment)
    }()
}

/// A random point of G1 (a random multiple of the generator).
func randomG1() -> G1Affine { (G1Projective.generator * Fr.random()).affine }

/// A random point of G2 (a random multiple of the generator).
func randomG2() -> G2Affine { (G2Projective.generator * Fr.random()).affine }
