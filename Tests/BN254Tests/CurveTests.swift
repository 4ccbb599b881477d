import BN254
import BigInt
import Curves
import Fields
import PropertyBased
import TestSupport
import Testing

// MARK: - G1

@Suite("G1 group law")
struct G1Tests {
    @Test func generatorDoublingMatchesKnownValue() {
        // 2·(1, 2), as listed by EIP-196 test vectors / py_ecc.
        let doubled = G1Projective.generator.doubled().affine
        #expect(
            doubled.x.bigEndianBytes == Hex.bytes("030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3"))
        #expect(
            doubled.y.bigEndianBytes == Hex.bytes("15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4"))
        #expect((G1Affine.generator + G1Affine.generator).affine == doubled)
        #expect((G1Affine.generator * Fr(2)).affine == doubled)
    }

    @Test func generatorIsOnCurveAndOrderIsR() {
        #expect(G1Affine.generator.isOnCurve)
        #expect(G1Projective.generator.multiplied(byLimbs: Fr.modulusLimbs).isInfinity)
        #expect(
            !(G1Projective.generator.multiplied(byLimbs: Reference.limbs(Reference.modulus(Fr.self) - 1))).isInfinity)
    }

    @Test func groupLaws() async {
        await propertyCheck(count: 30, input: Arbitrary.fr, Arbitrary.fr, Arbitrary.fr) { a, b, c in
            let g = G1Projective.generator
            let p = g * a
            let q = g * b
            let s = g * c
            #expect(p + q == q + p)
            #expect((p + q) + s == p + (q + s))
            #expect(p + G1Projective.infinity == p)
            #expect(p - p == .infinity)
            #expect(p + p == p.doubled())
            #expect(g * (a + b) == p + q)
            #expect(g * (a * b) == p * b)
            #expect(p + q.affine == p + q)  // mixed addition
            #expect(p.isOnCurve && p.affine.isOnCurve)
            #expect(-(p.affine) == (-p).affine)
        }
    }

    @Test func scalarMultiplicationMatchesRepeatedAddition() {
        var accumulator = G1Projective.infinity
        for k in 0...40 {
            #expect(G1Projective.generator * Fr(UInt64(k)) == accumulator)
            #expect(G1Projective.generator.multiplied(byLimbs: [UInt64(k)]) == accumulator)
            accumulator += G1Affine.generator
        }
        // Scalars near r exercise the wNAF carry: (r − 1)·G = −G.
        #expect(G1Projective.generator * (-Fr.one) == -G1Projective.generator)
    }

    @Test func infinityIsHandledEverywhere() {
        let o = G1Projective.infinity
        let g = G1Projective.generator
        #expect(o.doubled().isInfinity)
        #expect(o + o == o)
        #expect(o + g == g && g + o == g)
        #expect(o + G1Affine.infinity == o)
        #expect(g + G1Affine.infinity == g)
        #expect(o + G1Affine.generator == g)
        #expect((o * Fr(5)).isInfinity)
        #expect((g * Fr.zero).isInfinity)
        #expect(o.affine.isInfinity)
        #expect(G1Projective(G1Affine.infinity).isInfinity)
        #expect((-G1Affine.infinity).isInfinity)
        #expect(G1Projective.batchNormalize([o, g, o]) == [.infinity, .generator, .infinity])
    }

    @Test func batchNormalizationMatchesSingleConversion() {
        var rng = SplitMix64(seed: 11)
        let points = (0..<20).map { i in
            i % 5 == 0 ? G1Projective.infinity : G1Projective.generator * Fr.random(using: &rng)
        }
        #expect(G1Projective.batchNormalize(points) == points.map(\.affine))
    }

    @Test func checkedInitializerRejectsOffCurvePoints() {
        #expect(throws: CurvePointError.notOnCurve) { try G1Affine(x: Fq(1), y: Fq(3)) }
        #expect((try? G1Affine(x: Fq(1), y: Fq(2))) == G1Affine.generator)
    }
}

// MARK: - G2

@Suite("G2 group law and subgroup")
struct G2Tests {
    @Test func generatorIsOnCurveAndInSubgroup() {
        #expect(G2Affine.generator.isOnCurve)
        #expect(G2Affine.generator.isInPrimeOrderSubgroup)
        #expect(G2Projective.generator.multiplied(byLimbs: Fr.modulusLimbs).isInfinity)
    }

    @Test func groupLaws() async {
        await propertyCheck(count: 10, input: Arbitrary.fr, Arbitrary.fr) { a, b in
            let g = G2Projective.generator
            let p = g * a
            let q = g * b
            #expect(p + q == q + p)
            #expect(p - p == .infinity)
            #expect(p + p == p.doubled())
            #expect(g * (a + b) == p + q)
            #expect(p + q.affine == p + q)
            #expect(p.isOnCurve && p.isInPrimeOrderSubgroup)
            // ψ acts as multiplication by p on G2.
            #expect(p.psi() == p.multiplied(byLimbs: Fq.modulusLimbs))
        }
    }

    @Test func scalarMultiplicationMatchesRepeatedAddition() {
        var accumulator = G2Projective.infinity
        for k in 0...20 {
            #expect(G2Projective.generator * Fr(UInt64(k)) == accumulator)
            accumulator += G2Affine.generator
        }
    }

    @Test func subgroupCheckRejectsTwistPointsOutsideG2() {
        var rng = SplitMix64(seed: 12)
        var found = 0
        while found < 4 {
            guard let point = G2Affine.twistPoint(x: Fq2.random(using: &rng)) else { continue }
            found += 1
            #expect(point.isOnCurve)
            // Reference: membership ⇔ [r]P = O. A random twist point is outside G2 except with
            // probability 1/h ≈ 2⁻²⁵⁴.
            let rTimes = Projective(point).multiplied(byLimbs: Fr.modulusLimbs)
            #expect(!rTimes.isInfinity)
            #expect(!point.isInPrimeOrderSubgroup)
            #expect(throws: CurvePointError.notInSubgroup) { try G2Affine(x: point.x, y: point.y) }
            // Clearing the cofactor lands in G2, and both checks agree.
            let cleared = Projective(point).clearingCofactor()
            #expect(cleared.isInPrimeOrderSubgroup)
            #expect(cleared.multiplied(byLimbs: Fr.modulusLimbs).isInfinity)
        }
    }

    @Test func infinityIsHandled() {
        let o = G2Projective.infinity
        #expect(o.doubled().isInfinity)
        #expect(o + G2Projective.generator == G2Projective.generator)
        #expect(o.isInPrimeOrderSubgroup)
        #expect(G2Affine.infinity.isInPrimeOrderSubgroup)
        #expect(G2Projective.batchNormalize([o, .generator]) == [.infinity, .generator])
    }
}

// MARK: - Hex helper

enum Hex {
    static func bytes(_ hex: String) -> [UInt8] {
        var out = [UInt8]()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }
}
