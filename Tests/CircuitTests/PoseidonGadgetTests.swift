import BN254
import Curves
import Fields
import Poseidon
import TestSupport
import Testing

@testable import Circuit

// MARK: - Poseidon gadget

@Suite("Poseidon gadget")
struct PoseidonGadgetTests {
    /// 3 constraints per S-box on a non-constant lane: 8 full rounds × t lanes + R_P partial rounds, less the
    /// first-round S-box of the constant capacity lane.
    static func expectedConstraints(inputs: Int) -> Int {
        let t = inputs + 1
        return 3 * (8 * t + PoseidonParameters.partialRoundCounts[t - 2]) - 3
    }

    @Test("equals Poseidon.hash on random private inputs for every input count 1…16")
    func matchesNative() throws {
        var (generator, seed) = SplitMix64.seeded()
        for count in 1...16 {
            for _ in 0..<(count <= 4 ? 3 : 1) {
                let values = (0..<count).map { _ in Fr.random(using: &generator) }
                let cs = ConstraintSystem(mode: .proving)
                let inputs = try values.map { v in LinearCombination(try cs.allocateWitness { v }) }
                let output = try cs.poseidon(inputs)
                #expect(cs.value(of: output) == (try Poseidon.hash(values)), "seed \(seed): \(values)")
                #expect(cs.constraintCount == Self.expectedConstraints(inputs: count))
                #expect(cs.witnessCount == count + cs.constraintCount, "one witness per S-box constraint")
                #expect(try cs.isSatisfied(), "seed \(seed)")
            }
        }
    }

    @Test("constraint counts: 213 (1 input), 240 (2 inputs, circom Poseidon(2)), 297 (4 inputs)")
    func documentedCounts() {
        #expect(Self.expectedConstraints(inputs: 1) == 213)
        #expect(Self.expectedConstraints(inputs: 2) == 240)
        #expect(Self.expectedConstraints(inputs: 4) == 297)
    }

    @Test("known answer Poseidon([1, 2]) bound to a public input")
    func knownAnswerAsPublicInput() throws {
        let expected = Fr(
            decimalString: "7853200120776062878684798364095072458815029376092732009249414926327459813530")!
        for claimed in [expected, expected + .one] {
            let cs = ConstraintSystem(mode: .proving)
            let a = LinearCombination(try cs.allocateInstance { Fr(1) })
            let b = LinearCombination(try cs.allocateInstance { Fr(2) })
            let digest = LinearCombination(try cs.allocateInstance { claimed })
            cs.enforceEqual(try cs.poseidon([a, b]), digest)
            #expect(try cs.isSatisfied() == (claimed == expected))
        }
    }

    @Test("the permutation gadget equals Poseidon.permute on every lane", arguments: [2, 3, 5, 9, 17])
    func permutationMatchesNative(width: Int) throws {
        var (generator, seed) = SplitMix64.seeded()
        let values = (0..<width).map { _ in Fr.random(using: &generator) }
        let cs = ConstraintSystem(mode: .proving)
        let lanes = try values.map { v in LinearCombination(try cs.allocateWitness { v }) }
        let output = try cs.poseidonPermutation(lanes)
        var expected = values
        try Poseidon.permute(&expected)
        #expect(output.map { cs.value(of: $0)! } == expected, "seed \(seed)")
        #expect(cs.constraintCount == 3 * (8 * width + PoseidonParameters.partialRoundCounts[width - 2]))
        #expect(try cs.isSatisfied())
    }

    @Test("every sampled S-box witness is bound: tampering is detected (2 and 5 inputs)", arguments: [2, 5])
    func tampering(inputCount: Int) throws {
        var (generator, seed) = SplitMix64.seeded()
        let values = (0..<inputCount).map { _ in Fr.random(using: &generator) }
        let cs = ConstraintSystem(mode: .proving)
        let inputs = try values.map { v in LinearCombination(try cs.allocateWitness { v }) }
        let output = try cs.poseidon(inputs)
        let expected = try Poseidon.hash(values)
        try GadgetHarness.expectTamperingDetected(
            cs, witnesses: inputCount..<cs.witnessCount, sample: 30, using: &generator,
            context: "seed \(seed): Poseidon of \(inputCount)"
        ) { cs.value(of: output) == expected }
    }

    @Test("constant inputs fold to a constant with no constraints")
    func constantInputs() throws {
        let cs = ConstraintSystem(mode: .setup)
        let output = try cs.poseidon([.constant(Fr(3)), .constant(Fr(4))])
        #expect(cs.constraintCount == 0)
        #expect(output.constantValue == Poseidon.hash(Fr(3), Fr(4)))
    }

    @Test("setup mode builds the same matrices as proving mode")
    func setupMatchesProving() throws {
        let setup = ConstraintSystem(mode: .setup)
        _ = try setup.poseidon(try (0..<3).map { _ in LinearCombination(try setup.allocateWitness { nil }) })
        let proving = ConstraintSystem(mode: .proving)
        _ = try proving.poseidon(
            try (0..<3).map { _ in LinearCombination(try proving.allocateWitness { Fr.random() }) })
        #expect(setup.matrices() == proving.matrices())
    }

    @Test("input counts outside 1…16 and widths outside 2…17 are rejected")
    func arity() throws {
        let cs = ConstraintSystem(mode: .setup)
        for count in [0, 17] {
            #expect { try cs.poseidon([LinearCombination](repeating: .one, count: count)) } throws: {
                ($0 as? CircuitError)?.code.rawValue == "invalid_poseidon_arity"
            }
        }
        for width in [1, 18] {
            #expect { try cs.poseidonPermutation([LinearCombination](repeating: .one, count: width)) } throws: {
                ($0 as? CircuitError)?.code.rawValue == "invalid_poseidon_arity"
            }
        }
    }
}
