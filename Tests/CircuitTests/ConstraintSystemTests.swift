import BN254
import Curves
import Fields
import Poseidon
import TestSupport
import Testing

@testable import Circuit

// MARK: - Constraint system

@Suite("ConstraintSystem")
struct ConstraintSystemTests {
    /// A circuit using every gadget, written once for both modes: in setup mode every argument is nil.
    static func compositeCircuit(_ cs: ConstraintSystem, secret: Fr?, small: Fr?, digest: Fr?) throws {
        let s = LinearCombination(try cs.allocateWitness { secret })
        let d = LinearCombination(try cs.allocateInstance { digest })
        let m = LinearCombination(try cs.allocateWitness { small })
        cs.enforceEqual(try cs.poseidon([s, m]), d)
        let bits = try cs.decomposeIntoBits(m, bitCount: 32)
        let low = cs.packBits(Array(bits.prefix(16)))
        let below = try cs.isLessThan(low, .constant(Fr(1000)), bitWidth: 16)
        let same = try cs.isEqual(s, m)
        let chosen = try cs.select(below, s, m)
        let flag = try cs.xor(below, try cs.or(same, bits[3]))
        try cs.enforceLessThanOrEqual(low, .constant(Fr(65535)), bitWidth: 16)
        try cs.enforceNotEqual(chosen, .constant(Fr(7)))
        cs.enforce(try cs.or(flag, !flag), is: true)
        try cs.decomposeIntoBits(s, bitCount: 254)
        _ = try cs.and(bits)
    }

    static func provingSystem(using generator: inout SplitMix64) throws -> ConstraintSystem {
        let secret = Fr.random(using: &generator)
        let small = Fr.random(bitCount: 32, using: &generator)
        let cs = ConstraintSystem(mode: .proving)
        try compositeCircuit(cs, secret: secret, small: small, digest: Poseidon.hash(secret, small))
        return cs
    }

    @Test("setup and proving build identical matrices from the same circuit function")
    func setupMatchesProving() throws {
        var (generator, seed) = SplitMix64.seeded()
        let proving = try Self.provingSystem(using: &generator)
        let setup = ConstraintSystem(mode: .setup)
        try Self.compositeCircuit(setup, secret: nil, small: nil, digest: nil)
        #expect(try proving.isSatisfied(), "seed \(seed)")
        #expect(setup.matrices() == proving.matrices(), "seed \(seed)")
        #expect(setup.constraintCount == proving.constraintCount)
        #expect(setup.instanceCount == 1 && setup.witnessCount == proving.witnessCount)
        #expect(setup.instanceValues.isEmpty && setup.witnessValues.isEmpty)
    }

    @Test("matrix export agrees with the system on satisfaction, honest and tampered")
    func matricesAgreeWithSystem() throws {
        var (generator, seed) = SplitMix64.seeded()
        let cs = try Self.provingSystem(using: &generator)
        let matrices = cs.matrices()
        #expect(matrices.constraintCount == cs.constraintCount)
        #expect(matrices.instanceColumnCount == 2 && matrices.witnessColumnCount == cs.witnessCount)
        #expect(matrices.firstUnsatisfiedRow(assignment: try cs.fullAssignment()) == nil, "seed \(seed)")
        for _ in 0..<20 {
            let variable = Variable(kind: .witness, index: Int(generator.next() % UInt64(cs.witnessCount)))
            let original = cs.value(of: variable)!
            cs.overrideValue(of: variable, with: original + Fr.random(using: &generator))
            #expect(
                matrices.firstUnsatisfiedRow(assignment: try cs.fullAssignment())
                    == (try cs.firstUnsatisfiedConstraint()), "seed \(seed): \(variable)")
            cs.overrideValue(of: variable, with: original)
        }
    }

    @Test("columns: one, then public inputs, then witnesses, whatever the allocation order")
    func columnOrder() throws {
        let cs = ConstraintSystem(mode: .proving)
        let w0 = try cs.allocateWitness { Fr(5) }
        let i0 = try cs.allocateInstance { Fr(3) }
        let w1 = try cs.allocateWitness { Fr(24) }
        let i1 = try cs.allocateInstance { Fr(3) }
        cs.enforce(LinearCombination(w0) + i1, LinearCombination(i0), LinearCombination(w1), label: "(w0 + i1)·i0 = w1")
        #expect(try cs.fullAssignment() == [Fr(1), Fr(3), Fr(3), Fr(5), Fr(24)])
        #expect(cs.instanceValues == [Fr(3), Fr(3)] && cs.witnessValues == [Fr(5), Fr(24)])
        let m = cs.matrices()
        #expect(m.instanceColumnCount == 3 && m.witnessColumnCount == 2 && m.columnCount == 5)
        #expect(m.a == [[.init(column: 2, coefficient: .one), .init(column: 3, coefficient: .one)]])
        #expect(m.b == [[.init(column: 1, coefficient: .one)]])
        #expect(m.c == [[.init(column: 4, coefficient: .one)]])
        #expect(try cs.isSatisfied())
        #expect(cs.label(ofConstraint: 0) == "(w0 + i1)·i0 = w1")
    }

    @Test("the first failing constraint is reported by index")
    func firstFailingIndex() throws {
        var (generator, seed) = SplitMix64.seeded()
        let cs = ConstraintSystem(mode: .proving)
        let values = (0..<12).map { _ in Fr.random(using: &generator) }
        let variables = try values.map { v in try cs.allocateWitness { v } }
        for (variable, value) in zip(variables, values) {
            cs.enforce(LinearCombination(variable), .one, .constant(value))
        }
        #expect(try cs.firstUnsatisfiedConstraint() == nil)
        let target = Int(generator.next() % 12)
        cs.overrideValue(of: variables[target], with: values[target] + .one)
        #expect(try cs.firstUnsatisfiedConstraint() == target, "seed \(seed)")
        #expect(try !cs.isSatisfied())
    }

    @Test("setup mode never evaluates value closures and has no values")
    func setupMode() throws {
        let cs = ConstraintSystem(mode: .setup)
        var evaluated = false
        let w = try cs.allocateWitness {
            evaluated = true
            return nil
        }
        let i = try cs.allocateInstance {
            evaluated = true
            return nil
        }
        #expect(!evaluated)
        #expect(cs.value(of: w) == nil && cs.value(of: LinearCombination(i)) == nil && !cs.hasValues)
        #expect { try cs.isSatisfied() } throws: { ($0 as? CircuitError)?.code.rawValue == "values_unavailable" }
        #expect { try cs.fullAssignment() } throws: { ($0 as? CircuitError)?.code.rawValue == "values_unavailable" }
    }

    @Test("proving mode requires every value")
    func missingAssignment() {
        let cs = ConstraintSystem(mode: .proving)
        #expect { try cs.allocateWitness { nil } } throws: {
            ($0 as? CircuitError)?.code.rawValue == "missing_assignment"
        }
        #expect { try cs.allocateInstance { nil } } throws: {
            ($0 as? CircuitError)?.code.rawValue == "missing_assignment"
        }
        #expect(cs.witnessCount == 0 && cs.instanceCount == 0)
    }
}
