import BN254
import Curves
import Fields
import TestSupport
import Testing

@testable import Circuit

// MARK: - Bit decomposition

@Suite("Bit decomposition and comparison with constants")
struct BitsGadgetTests {
    /// Constraints of the strict (≤ r − 1) check, from the bit pattern of r − 1 and the documented costs: one
    /// per 0 bit; per run of 1 bits, k-ary AND of the run plus the running flag (free for a single operand,
    /// 1 for two, 2 for more).
    static var canonicalCheckCost: Int {
        let bits = (-Fr.one).bits(254)
        var cost = 0
        var run = 0
        var flagIsConstant = true
        for i in stride(from: 253, through: 0, by: -1) {
            if bits[i] {
                run += 1
                continue
            }
            if run > 0 {
                let operands = run + (flagIsConstant ? 0 : 1)
                cost += operands == 1 ? 0 : operands == 2 ? 1 : 2
                flagIsConstant = false
                run = 0
            }
            cost += 1
        }
        return cost
    }

    @Test(
        "n-bit decomposition of random and edge values: bits, n + 1 constraints (+ strict check at 254)",
        arguments: [1, 2, 8, 31, 64, 128, 200, 253, 254])
    func decomposition(bitCount: Int) throws {
        var (generator, seed) = SplitMix64.seeded()
        let top = bitCount == 254 ? -Fr.one : Fr(2).pow([UInt64(bitCount)]) - .one
        let values = [Fr.zero, top, .one] + (0..<6).map { _ in Fr.random(bitCount: bitCount, using: &generator) }
        for x in values {
            let cs = ConstraintSystem(mode: .proving)
            let input = LinearCombination(try cs.allocateWitness { x })
            let bits = try cs.decomposeIntoBits(input, bitCount: bitCount)
            #expect(bits.map { cs.value(of: $0)! } == x.bits(bitCount), "seed \(seed): \(x)")
            #expect(cs.value(of: cs.packBits(bits)) == x)
            #expect(cs.constraintCount == bitCount + 1 + (bitCount == 254 ? Self.canonicalCheckCost : 0))
            try GadgetHarness.expectTamperingDetected(
                cs, witnesses: 1..<cs.witnessCount, sample: 24, using: &generator,
                context: "seed \(seed): \(bitCount)-bit decomposition of \(x)"
            ) { bits.map { cs.value(of: $0)! } == x.bits(bitCount) }
        }
    }

    @Test("values of 2ⁿ or more have no n-bit decomposition", arguments: [1, 8, 64, 200, 253])
    func tooLarge(bitCount: Int) throws {
        var (generator, seed) = SplitMix64.seeded()
        let twoToN = Fr(2).pow([UInt64(bitCount)])
        for extra in [Fr.zero, .one] + (0..<5).map({ _ in Fr.random(using: &generator) }) {
            let x = extra == .zero || extra == .one ? twoToN + extra : extra
            guard !Fr.integerLess(x.canonicalLimbs, twoToN.canonicalLimbs) else { continue }
            let cs = ConstraintSystem(mode: .proving)
            try cs.decomposeIntoBits(LinearCombination(try cs.allocateWitness { x }), bitCount: bitCount)
            #expect(try !cs.isSatisfied(), "seed \(seed): \(x) accepted as a \(bitCount)-bit value")
        }
    }

    @Test("254-bit decomposition rejects the non-canonical representation x + r")
    func rejectsNonCanonical() throws {
        var (generator, seed) = SplitMix64.seeded()
        let r = Fr.modulusLimbs
        let twoTo254 = [UInt64(0), 0, 0, 1 << 62]
        var candidates: [Fr] = [.zero, .one, Fr(12345)]
        while candidates.count < 20 { candidates.append(Fr.random(using: &generator)) }
        var checked = 0
        for x in candidates {
            let shifted = Fr.integerSum(x.canonicalLimbs, r)  // x + r as an integer
            guard Fr.integerLess(shifted, twoTo254) else { continue }  // only x < 2²⁵⁴ − r has such bits
            checked += 1
            let claimed = Fr.bits(ofLimbs: shifted, 254)
            let cheat = ConstraintSystem(mode: .proving)
            _ = try cheat.decomposeIntoBits(
                LinearCombination(try cheat.allocateWitness { x }), bitCount: 254,
                claimedBits: claimed)
            let failing = try cheat.firstUnsatisfiedConstraint()
            #expect(failing != nil, "seed \(seed): bits of \(x) + r accepted")
            #expect(
                (failing ?? 0) > 254,
                "seed \(seed): the bits are boolean and pack to x; the strict check must catch them")

            let honest = ConstraintSystem(mode: .proving)
            _ = try honest.decomposeIntoBits(
                LinearCombination(try honest.allocateWitness { x }), bitCount: 254,
                claimedBits: x.bits(254))
            #expect(try honest.isSatisfied(), "seed \(seed): canonical bits of \(x) rejected")
        }
        #expect(checked >= 5)
    }

    @Test("bits ≤ constant, exhaustive for n ≤ 6 against every constant below 2⁷")
    func lessOrEqualConstantExhaustive() throws {
        for n in 1...6 {
            for value in 0..<(1 << n) {
                for constant in 0..<(1 << 7) {
                    let cs = ConstraintSystem(mode: .proving)
                    let bits = try (0..<n).map { i in try cs.allocateBoolean { (value >> i) & 1 == 1 } }
                    try cs.enforceLessThanOrEqual(bits, constant: Fr(UInt64(constant)))
                    #expect(try cs.isSatisfied() == (value <= constant), "\(value) ≤ \(constant) with \(n) bits")
                }
            }
        }
    }

    @Test("bits ≤ constant for wide random values near random constants", arguments: [64, 130, 200, 254])
    func lessOrEqualConstantWide(bitCount: Int) throws {
        var (generator, seed) = SplitMix64.seeded()
        for _ in 0..<12 {
            let constant = Fr.random(bitCount: bitCount, using: &generator)
            let offsets: [Fr] = [
                .zero, .one, -Fr.one, Fr.random(bitCount: 40, using: &generator),
                -Fr.random(bitCount: 40, using: &generator),
            ]
            for offset in offsets {
                let value = constant + offset
                guard
                    Fr.integerLess(value.canonicalLimbs, Fr(2).pow([UInt64(bitCount)]).canonicalLimbs)
                        || bitCount == 254
                else { continue }
                let cs = ConstraintSystem(mode: .proving)
                let bits = try value.bits(bitCount).map { b in try cs.allocateBoolean { b } }
                let before = cs.witnessCount
                try cs.enforceLessThanOrEqual(bits, constant: constant)
                let expected = !Fr.integerLess(constant.canonicalLimbs, value.canonicalLimbs)
                #expect(try cs.isSatisfied() == expected, "seed \(seed): \(value) ≤ \(constant)")
                if expected {
                    try GadgetHarness.expectTamperingDetected(
                        cs, witnesses: before..<cs.witnessCount, sample: 10, using: &generator,
                        context: "seed \(seed): \(value) ≤ \(constant)"
                    ) { true }
                }
            }
        }
    }

    @Test("bit widths outside the supported range are rejected")
    func invalidWidths() throws {
        let cs = ConstraintSystem(mode: .proving)
        let x = LinearCombination(try cs.allocateWitness { Fr(1) })
        for width in [0, -1, 255] {
            #expect { try cs.decomposeIntoBits(x, bitCount: width) } throws: {
                ($0 as? CircuitError)?.code.rawValue == "invalid_bit_width"
            }
        }
        let tooMany = [Boolean](repeating: .false, count: 255)
        #expect { try cs.enforceLessThanOrEqual(tooMany, constant: .one) } throws: {
            ($0 as? CircuitError)?.code.rawValue == "invalid_bit_width"
        }
    }
}
