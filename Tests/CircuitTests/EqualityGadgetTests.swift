import BN254
import Curves
import Fields
import TestSupport
import Testing

@testable import Circuit

// MARK: - Equality and selection

@Suite("Equality and selection gadgets")
struct EqualityGadgetTests {
    /// Random pairs, half of them equal.
    static func pairs(using generator: inout SplitMix64) -> [(Fr, Fr)] {
        (0..<30).map { i in
            let a = i % 5 == 0 ? Fr(generator.next() % 3) : Fr.random(using: &generator)
            return (a, i % 2 == 0 ? a : (i % 6 == 1 ? a + .one : Fr.random(using: &generator)))
        }
    }

    @Test("isEqual / isZero: 2 constraints, right bit, tampering detected")
    func isEqual() throws {
        var (generator, seed) = SplitMix64.seeded()
        for (x, y) in Self.pairs(using: &generator) {
            let cs = ConstraintSystem(mode: .proving)
            let a = LinearCombination(try cs.allocateWitness { x })
            let b = LinearCombination(try cs.allocateWitness { y })
            let result = try cs.isEqual(a, b)
            let zero = try cs.isZero(a - b)
            #expect(cs.constraintCount == 4)
            try GadgetHarness.expectTamperingDetected(
                cs, witnesses: 2..<cs.witnessCount, using: &generator, context: "seed \(seed): \(x) == \(y)"
            ) { cs.value(of: result) == (x == y) && cs.value(of: zero) == (x == y) }
        }
        let cs = ConstraintSystem(mode: .proving)
        #expect(try cs.isEqual(.constant(Fr(3)), .constant(Fr(3))).constantValue == true)
        #expect(try cs.isEqual(.constant(Fr(3)), .constant(Fr(4))).constantValue == false)
        #expect(cs.constraintCount == 0)
    }

    @Test("enforceEqual and enforceNotEqual accept exactly the right pairs")
    func enforceEquality() throws {
        var (generator, _) = SplitMix64.seeded()
        for (x, y) in Self.pairs(using: &generator) {
            let equal = ConstraintSystem(mode: .proving)
            equal.enforceEqual(
                LinearCombination(try equal.allocateWitness { x }),
                LinearCombination(try equal.allocateInstance { y }))
            #expect(try equal.isSatisfied() == (x == y) && equal.constraintCount == 1)

            let different = ConstraintSystem(mode: .proving)
            try different.enforceNotEqual(
                LinearCombination(try different.allocateWitness { x }),
                LinearCombination(try different.allocateWitness { y }))
            #expect(try different.isSatisfied() == (x != y) && different.constraintCount == 1)
            if x != y {
                try GadgetHarness.expectTamperingDetected(
                    different, witnesses: 2..<3, using: &generator, context: "not-equal inverse"
                ) { true }
            }
        }
        let cs = ConstraintSystem(mode: .proving)
        let v = LinearCombination(try cs.allocateWitness { Fr(9) })
        cs.enforceEqual(v + v, v.scaled(by: Fr(2)))
        #expect(cs.constraintCount == 0, "an identity needs no constraint")
    }

    @Test("select: 1 constraint, right branch, tampering detected, constant conditions fold")
    func select() throws {
        var (generator, seed) = SplitMix64.seeded()
        for (x, y) in Self.pairs(using: &generator) {
            for condition in [false, true] {
                let cs = ConstraintSystem(mode: .proving)
                let c = try cs.allocateBoolean { condition }
                let a = LinearCombination(try cs.allocateWitness { x })
                let b = LinearCombination(try cs.allocateWitness { y })
                let before = (cs.constraintCount, cs.witnessCount)
                let out = try cs.select(c, a, b)
                #expect(cs.constraintCount - before.0 == 1)
                try GadgetHarness.expectTamperingDetected(
                    cs, witnesses: before.1..<cs.witnessCount, using: &generator,
                    context: "seed \(seed): \(condition) ? \(x) : \(y)"
                ) { cs.value(of: out) == (condition ? x : y) }
            }
        }
        let cs = ConstraintSystem(mode: .proving)
        let a = LinearCombination(try cs.allocateWitness { Fr(1) })
        #expect(try cs.select(.true, a, .zero) == a && (try cs.select(.false, a, .zero)) == .zero)
        #expect(cs.constraintCount == 0)
    }
}
