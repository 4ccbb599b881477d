import BN254
import Curves
import Fields
import TestSupport
import Testing

@testable import Circuit

// MARK: - Boolean gadgets

@Suite("Boolean gadgets")
struct BooleanGadgetTests {
    @Test("allocated bits: honest 0/1 satisfy, any other value violates booleanity")
    func allocation() throws {
        var (generator, seed) = SplitMix64.seeded()
        for bit in [false, true] {
            let cs = ConstraintSystem(mode: .proving)
            let b = try cs.allocateBoolean { bit }
            #expect(cs.constraintCount == 1 && cs.value(of: b) == bit)
            #expect(
                cs.value(of: b.not) == !bit && cs.value(of: !b) == !bit && cs.constraintCount == 1,
                "negation is free")
            #expect(try cs.isSatisfied())
            let variable = Variable(kind: .witness, index: 0)
            for _ in 0..<10 {
                let other = Fr(2) + Fr.random(bitCount: 200, using: &generator)
                cs.overrideValue(of: variable, with: other)
                #expect(try !cs.isSatisfied(), "seed \(seed): \(other) accepted as a bit")
            }
            cs.overrideValue(of: variable, with: bit ? .zero : .one)
            #expect(try cs.isSatisfied(), "the other bit is a different but valid input")
        }
    }

    @Test("AND, OR, XOR truth tables, each 1 constraint, tampering detected")
    func binaryOperations() throws {
        var (generator, seed) = SplitMix64.seeded()
        let operations: [(String, (ConstraintSystem, Boolean, Boolean) throws -> Boolean, (Bool, Bool) -> Bool)] = [
            ("and", { try $0.and($1, $2) }, { $0 && $1 }),
            ("or", { try $0.or($1, $2) }, { $0 || $1 }),
            ("xor", { try $0.xor($1, $2) }, { $0 != $1 }),
        ]
        for (name, gadget, truth) in operations {
            for x in [false, true] {
                for y in [false, true] {
                    let cs = ConstraintSystem(mode: .proving)
                    let a = try cs.allocateBoolean { x }
                    let b = try cs.allocateBoolean { y }
                    let before = cs.witnessCount
                    let result = try gadget(cs, a, b)
                    #expect(cs.constraintCount == 3, "\(name) costs one constraint")
                    try GadgetHarness.expectTamperingDetected(
                        cs, witnesses: before..<cs.witnessCount, using: &generator,
                        context: "seed \(seed): \(x) \(name) \(y)"
                    ) { cs.value(of: result) == truth(x, y) }
                }
            }
        }
    }

    @Test("constant operands fold without constraints")
    func constantFolding() throws {
        let cs = ConstraintSystem(mode: .proving)
        let v = try cs.allocateBoolean { true }
        for constant in [Boolean.true, Boolean.false] {
            let c = constant.constantValue!
            #expect(cs.value(of: try cs.and(v, constant)) == c)
            #expect(cs.value(of: try cs.or(constant, v)) == true)
            #expect(cs.value(of: try cs.xor(v, constant)) == !c)
            #expect(try cs.and(constant, constant).constantValue == c)
        }
        #expect(cs.constraintCount == 1, "only the allocation's booleanity constraint")
        #expect(try cs.and([]).constantValue == true && (try cs.and([.true, v, .true])) == v)
        #expect(try cs.and([v, .false, v]).constantValue == false)
    }

    @Test("k-ary AND of 0…12 random bits: value, cost ≤ 2, tampering detected")
    func manyAnd() throws {
        var (generator, seed) = SplitMix64.seeded()
        for _ in 0..<40 {
            let count = Int(generator.next() % 13)
            let allOnes = generator.next() % 2 == 0
            let values = (0..<count).map { _ in allOnes || generator.next() % 4 != 0 }
            let cs = ConstraintSystem(mode: .proving)
            let bits = try values.map { v in try cs.allocateBoolean { v } }
            let (constraints, before) = (cs.constraintCount, cs.witnessCount)
            let result = try cs.and(bits)
            #expect(cs.constraintCount - constraints == (count < 2 ? 0 : count == 2 ? 1 : 2))
            try GadgetHarness.expectTamperingDetected(
                cs, witnesses: before..<cs.witnessCount, using: &generator, context: "seed \(seed): AND \(values)"
            ) { cs.value(of: result) == values.allSatisfy { $0 } }
        }
    }

    @Test("enforcing a bit's value")
    func enforceValue() throws {
        for bit in [false, true] {
            for required in [false, true] {
                let cs = ConstraintSystem(mode: .proving)
                cs.enforce(try cs.allocateBoolean { bit }, is: required)
                #expect(try cs.isSatisfied() == (bit == required))
            }
        }
        let cs = ConstraintSystem(mode: .proving)
        cs.enforce(.true, is: true)
        #expect(cs.constraintCount == 0)
        cs.enforce(.true, is: false)
        #expect(try !cs.isSatisfied(), "a constant contradiction must make the system unsatisfiable")
    }
}
