import BN254
import Curves
import Fields
import TestSupport
import Testing

@testable import Circuit

// MARK: - Comparisons of bounded values

@Suite("Comparison gadgets")
struct ComparisonGadgetTests {
    static func pairs(bitWidth: Int, using generator: inout SplitMix64) -> [(Fr, Fr)] {
        let maximum = Fr(2).pow([UInt64(bitWidth)]) - .one
        var result: [(Fr, Fr)] = [(.zero, .zero), (.zero, maximum), (maximum, .zero), (maximum, maximum)]
        for _ in 0..<10 {
            let a = Fr.random(bitCount: bitWidth, using: &generator)
            let b = Fr.random(bitCount: bitWidth, using: &generator)
            result += [(a, b), (a, a)]
            if a != maximum { result.append((a, a + .one)) }
        }
        return result
    }

    static func less(_ a: Fr, _ b: Fr) -> Bool { Fr.integerLess(a.canonicalLimbs, b.canonicalLimbs) }

    @Test(
        "<, ≤, >, ≥ on random n-bit values: right bits, n + 2 constraints each, tampering detected",
        arguments: [1, 4, 16, 64, 252])
    func comparisons(bitWidth: Int) throws {
        var (generator, seed) = SplitMix64.seeded()
        for (x, y) in Self.pairs(bitWidth: bitWidth, using: &generator) {
            let cs = ConstraintSystem(mode: .proving)
            let a = LinearCombination(try cs.allocateWitness { x })
            let b = LinearCombination(try cs.allocateInstance { y })
            let lt = try cs.isLessThan(a, b, bitWidth: bitWidth)
            #expect(cs.constraintCount == bitWidth + 2)
            let le = try cs.isLessThanOrEqual(a, b, bitWidth: bitWidth)
            let gt = try cs.isGreaterThan(a, b, bitWidth: bitWidth)
            let ge = try cs.isGreaterThanOrEqual(a, b, bitWidth: bitWidth)
            let constant = try cs.isLessThan(a, .constant(y), bitWidth: bitWidth)
            try GadgetHarness.expectTamperingDetected(
                cs, witnesses: 1..<cs.witnessCount, sample: 20, using: &generator,
                context: "seed \(seed): compare \(x), \(y) on \(bitWidth) bits"
            ) {
                cs.value(of: lt) == Self.less(x, y) && cs.value(of: le) == !Self.less(y, x)
                    && cs.value(of: gt) == Self.less(y, x) && cs.value(of: ge) == !Self.less(x, y)
                    && cs.value(of: constant) == Self.less(x, y)
            }
        }
    }

    @Test("enforceLessThan / enforceLessThanOrEqual accept exactly the right pairs", arguments: [1, 16, 64, 252])
    func enforcedComparisons(bitWidth: Int) throws {
        var (generator, seed) = SplitMix64.seeded()
        for (x, y) in Self.pairs(bitWidth: bitWidth, using: &generator) {
            let strict = ConstraintSystem(mode: .proving)
            try strict.enforceLessThan(
                LinearCombination(try strict.allocateWitness { x }),
                LinearCombination(try strict.allocateWitness { y }), bitWidth: bitWidth)
            #expect(try strict.isSatisfied() == Self.less(x, y), "seed \(seed): \(x) < \(y)")
            #expect(strict.constraintCount == bitWidth + 1)

            let loose = ConstraintSystem(mode: .proving)
            try loose.enforceLessThanOrEqual(
                LinearCombination(try loose.allocateWitness { x }),
                LinearCombination(try loose.allocateWitness { y }), bitWidth: bitWidth)
            #expect(try loose.isSatisfied() == !Self.less(y, x), "seed \(seed): \(x) ≤ \(y)")
        }
    }

    @Test("an input outside [0, 2ⁿ) cannot pass as smaller")
    func outOfRangeInputs() throws {
        var (generator, seed) = SplitMix64.seeded()
        for _ in 0..<20 {
            // a = b − (small) mod r, i.e. "negative": a < b would hold only if a wrapped around.
            let b = Fr.random(bitCount: 32, using: &generator)
            let a = b - Fr(1 + generator.next() % 1000) - Fr(1 << 32)
            let cs = ConstraintSystem(mode: .proving)
            try cs.enforceLessThan(
                LinearCombination(try cs.allocateWitness { a }),
                LinearCombination(try cs.allocateWitness { b }), bitWidth: 32)
            #expect(try !cs.isSatisfied(), "seed \(seed): \(a) < \(b) accepted")
        }
    }

    @Test("comparison widths outside 1…252 are rejected", arguments: [0, 253, 254])
    func invalidWidth(bitWidth: Int) throws {
        let cs = ConstraintSystem(mode: .proving)
        #expect { try cs.isLessThan(.zero, .one, bitWidth: bitWidth) } throws: {
            ($0 as? CircuitError)?.code.rawValue == "invalid_bit_width"
        }
        #expect { try cs.enforceLessThan(.zero, .one, bitWidth: bitWidth) } throws: {
            ($0 as? CircuitError)?.code.rawValue == "invalid_bit_width"
        }
    }
}
