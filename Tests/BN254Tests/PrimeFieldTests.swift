import BN254
import BigInt
import Curves
import Foundation
import PropertyBased
import TestSupport
import Testing

@testable import Fields

// MARK: - Field axioms (property tests)

@Suite("Prime field axioms")
struct PrimeFieldAxiomTests {
    static func checkAxioms<F: MontgomeryPrimeField>(_ generator: Generator<F, Shrink.None<F>>) async {
        await propertyCheck(count: 200, input: generator, generator, generator) { a, b, c in
            #expect(a + b == b + a)
            #expect(a * b == b * a)
            #expect((a + b) + c == a + (b + c))
            #expect((a * b) * c == a * (b * c))
            #expect(a * (b + c) == a * b + a * c)
            #expect(a + .zero == a)
            #expect(a * .one == a)
            #expect(a + (-a) == .zero)
            #expect(a - b == a + (-b))
            #expect(a - b + b == a)
            #expect(a.squared() == a * a)
            #expect(a.doubled() == a + a)
            var d = a
            d += b
            d *= c
            d -= a
            #expect(d == (a + b) * c - a)
            if a.isZero {
                #expect(a.inverse() == nil)
            } else {
                #expect(a * a.inverse()! == .one)
            }
            // Round trips through every encoding.
            #expect(F(canonicalLimbs: a.canonicalLimbs) == a)
            #expect(F(bigEndianBytes: a.bigEndianBytes) == a)
            #expect(F(decimalString: a.decimalString) == a)
            #expect(F(reducingBigEndianBytes: a.bigEndianBytes) == a)
            #expect(a.description == a.decimalString)
        }
    }

    @Test func fqAxioms() async { await Self.checkAxioms(Arbitrary.fq) }
    @Test func frAxioms() async { await Self.checkAxioms(Arbitrary.fr) }
}

// MARK: - BigInt reference

@Suite("Prime field vs BigInt reference")
struct PrimeFieldReferenceTests {
    static func checkAgainstBigInt<F: MontgomeryPrimeField>(_: F.Type, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let p = Reference.modulus(F.self)
        for _ in 0..<500 {
            let a = F.random(using: &rng)
            let b = F.random(using: &rng)
            let x = Reference.big(a)
            let y = Reference.big(b)
            #expect(x < p && y < p)
            #expect(Reference.big(a * b) == (x * y) % p)
            #expect(Reference.big(a + b) == (x + y) % p)
            #expect(Reference.big(a - b) == (x + p - y) % p)
            #expect(Reference.big(-a) == (p - x) % p)
            #expect(a.decimalString == String(x))
        }
        for _ in 0..<40 {
            let a = F.random(using: &rng)
            let e = [rng.next(), rng.next(), rng.next(), rng.next()]
            let x = Reference.big(a)
            #expect(Reference.big(a.pow(e)) == x.power(BigUInt(words: e.map { UInt($0) }), modulus: p))
            if let inv = a.inverse() {
                #expect(Reference.big(inv) == x.inverse(p))
            }
        }
        // reducingBigEndianBytes for many lengths, including 48 and 64 (hash-to-field sizes).
        for length in [0, 1, 7, 8, 9, 31, 32, 33, 48, 64, 100] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(Reference.big(F(reducingBigEndianBytes: bytes)) == BigUInt(Data(bytes)) % p)
        }
    }

    @Test func fqMatchesBigInt() { Self.checkAgainstBigInt(Fq.self, seed: 1) }
    @Test func frMatchesBigInt() { Self.checkAgainstBigInt(Fr.self, seed: 2) }

    @Test func canonicalEncodingsRejectNonCanonical() {
        for modulusLimbs in [Fq.modulusLimbs, Fr.modulusLimbs] {
            let p = BigUInt(words: modulusLimbs.map { UInt($0) })
            let isFq = modulusLimbs == Fq.modulusLimbs
            func decodes(_ v: BigUInt) -> (limbs: Bool, bytes: Bool, decimal: Bool) {
                var bytes = [UInt8](v.serialize())
                bytes = [UInt8](repeating: 0, count: max(0, 32 - bytes.count)) + bytes
                let limbs = Reference.limbs(v)
                if isFq {
                    return (
                        Fq(canonicalLimbs: limbs) != nil, Fq(bigEndianBytes: bytes) != nil,
                        Fq(decimalString: String(v)) != nil
                    )
                }
                return (
                    Fr(canonicalLimbs: limbs) != nil, Fr(bigEndianBytes: bytes) != nil,
                    Fr(decimalString: String(v)) != nil
                )
            }
            let below = decodes(p - 1)
            #expect(below.limbs && below.bytes && below.decimal)
            for v in [p, p + 1, (BigUInt(1) << 256) - 1] {
                let r = decodes(v)
                #expect(!r.limbs && !r.bytes && !r.decimal)
            }
        }
        #expect(Fr(decimalString: "") == nil)
        #expect(Fr(decimalString: "-1") == nil)
        #expect(Fr(decimalString: "12a") == nil)
        #expect(Fr(decimalString: " 1") == nil)
        #expect(Fr(decimalString: String(repeating: "9", count: 100)) == nil)
        #expect(Fr(bigEndianBytes: [UInt8](repeating: 0, count: 31)) == nil)
        #expect(Fr(canonicalLimbs: [1, 2, 3]) == nil)
        #expect(Fr(decimalString: "0") == .zero)
        #expect(Fr(decimalString: "1") == .one)
    }

    @Test func moduliMatchTheirDecimalValues() {
        #expect(
            Reference.modulus(Fq.self) == BigUInt(
                "21888242871839275222246405745257275088696311157297823662689037894645226208583", radix: 10)!)
        #expect(
            Reference.modulus(Fr.self) == BigUInt(
                "21888242871839275222246405745257275088548364400416034343698204186575808495617", radix: 10)!)
    }

    @Test func batchInversionMatchesSingleInversions() {
        var rng = SplitMix64(seed: 3)
        var values = (0..<33).map { i in i % 7 == 0 ? Fq.zero : Fq.random(using: &rng) }
        let expected = values.map { $0.inverse() ?? .zero }
        Fq.batchInvert(&values)
        #expect(values == expected)
    }
}

// MARK: - Fr FFT constants

@Suite("Fr FFT constants")
struct FrFFTConstantTests {
    @Test func twoAdicRootOfUnityIsPrimitive() {
        let r = Reference.modulus(Fr.self)
        #expect((r - 1) % (BigUInt(1) << 28) == 0)
        #expect(((r - 1) >> 28) % 2 == 1, "2-adicity must be exactly 28")
        // ω = g^((r−1)/2²⁸) with g = 5.
        let omega = Fr.multiplicativeGenerator.pow(Reference.limbs((r - 1) >> 28))
        #expect(omega == Fr.twoAdicRootOfUnity)
        #expect(
            Fr.twoAdicRootOfUnity.decimalString
                == "19103219067921713944291392827692070036145651957329286315305642004821462161904")
        // Order exactly 2²⁸: ω^(2²⁷) = −1, hence ω^(2²⁸) = 1.
        var x = Fr.twoAdicRootOfUnity
        for _ in 0..<27 { x = x.squared() }
        #expect(x == -Fr.one)
        #expect(x.squared() == .one)
        #expect(Fr.rootOfUnity(log2Size: 0) == .one)
        #expect(Fr.rootOfUnity(log2Size: 1) == -Fr.one)
        #expect(Fr.rootOfUnity(log2Size: 29) == nil)
    }

    @Test func generatorIsANonResidue() {
        // Euler's criterion: 5^((r−1)/2) = −1, so 5 generates the full 2-Sylow subgroup.
        let r = Reference.modulus(Fr.self)
        #expect(Fr.multiplicativeGenerator.pow(Reference.limbs((r - 1) / 2)) == -Fr.one)
    }
}

// MARK: - Fq square roots

@Suite("Fq square roots")
struct FqSquareRootTests {
    @Test func squareRootsOfSquares() async {
        await propertyCheck(count: 100, input: Arbitrary.fq) { a in
            let s = a.squared()
            let root = s.squareRoot()
            #expect(root != nil)
            #expect(root.map { $0 == a || $0 == -a } == true)
        }
    }

    @Test func nonResiduesHaveNoRoot() {
        // −1 is a non-residue because p ≡ 3 (mod 4).
        #expect((-Fq.one).squareRoot() == nil)
    }
}

// MARK: - The 32-bit-limb multiply (the WebAssembly build's)

/// `Montgomery.multiply29` (nine 29-bit limbs, wasm32's multiply) equals the 64-bit CIOS for both BN254
/// moduli and for a modulus with no spare bit (secp256k1's p), on random and edge values.
@Suite struct Multiply29Tests {
    /// −p⁻¹ mod 2⁶⁴ by Newton's iteration (each step doubles the correct low bits; p odd).
    static func negatedInverse(_ p0: UInt64) -> UInt64 {
        var x: UInt64 = 1
        for _ in 0..<6 { x = x &* (2 &- p0 &* x) }
        return 0 &- x
    }

    static func check(_ p: FieldLimbs, seed: UInt64) {
        let inv = negatedInverse(p.l0)
        #expect(p.l0 &* (0 &- inv) == 1)
        var random = SplitMix64(seed: seed)
        func below() -> FieldLimbs {
            while true {
                let value = FieldLimbs(
                    random.next(), random.next(), random.next(), random.next() >> (p.l3 >> 63 == 0 ? 2 : 0))
                if value.isLess(than: p) { return value }
            }
        }
        let pMinusOne = p.subtractingReportingBorrow(FieldLimbs(1, 0, 0, 0)).difference
        let edges = [FieldLimbs.zero, FieldLimbs(1, 0, 0, 0), pMinusOne, FieldLimbs(0xFFFF_FFFF, 0, 0, 0)]
        var pairs = edges.flatMap { a in edges.map { (a, $0) } }
        for _ in 0..<2000 { pairs.append((below(), below())) }
        for (a, b) in pairs {
            #expect(Montgomery.multiply29(a, b, p, inv) == Montgomery.multiply64(a, b, p, inv), "seed \(seed)")
        }
    }

    @Test func equalsTheSixtyFourBitMultiply() {
        let seed = UInt64.random(in: 0...UInt64.max)
        Self.check(Fq.modulus, seed: seed)
        Self.check(Fr.modulus, seed: seed)
        // secp256k1: p = 2²⁵⁶ − 2³² − 977 (SEC 2 v2 §2.4.1), no spare top bit.
        Self.check(FieldLimbs(0xFFFF_FFFE_FFFF_FC2F, .max, .max, .max), seed: seed)
    }
}
