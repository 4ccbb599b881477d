import BN254
import BigInt
import Curves
import Fields
import PropertyBased
import TestSupport
import Testing

// MARK: - Generators

extension Arbitrary {
    static var fq2: Generator<Fq2, Shrink.None<Fq2>> { Generator { rng in Fq2.random(using: &rng) } }
    static var fq6: Generator<Fq6, Shrink.None<Fq6>> { Generator { rng in Fq6.random(using: &rng) } }
    static var fq12: Generator<Fq12, Shrink.None<Fq12>> { Generator { rng in Fq12.random(using: &rng) } }
}

// MARK: - Axioms

@Suite("Extension field axioms")
struct ExtensionFieldAxiomTests {
    static func checkAxioms<F: Field>(_ generator: Generator<F, Shrink.None<F>>, count: Int) async {
        await propertyCheck(count: count, input: generator, generator, generator) { a, b, c in
            #expect(a + b == b + a)
            #expect(a * b == b * a)
            #expect((a * b) * c == a * (b * c))
            #expect(a * (b + c) == a * b + a * c)
            #expect(a - b + b == a)
            #expect(a + (-a) == .zero)
            #expect(a * .one == a)
            #expect(a.squared() == a * a)
            #expect(a.doubled() == a + a)
            #expect(a.isZero ? a.inverse() == nil : a * a.inverse()! == .one)
        }
    }

    @Test func fq2Axioms() async { await Self.checkAxioms(Arbitrary.fq2, count: 100) }
    @Test func fq6Axioms() async { await Self.checkAxioms(Arbitrary.fq6, count: 40) }
    @Test func fq12Axioms() async { await Self.checkAxioms(Arbitrary.fq12, count: 15) }

    @Test func fq2FollowsTheDefiningPolynomial() {
        let u = Fq2(c0: .zero, c1: .one)
        #expect(u.squared() == -Fq2.one)
        #expect(Fq2.zero.inverse() == nil && Fq6.zero.inverse() == nil && Fq12.zero.inverse() == nil)
    }

    @Test func nonResidueMultiplicationsMatchDenseProducts() async {
        let xi = Fq2(c0: Fq(9), c1: .one)
        let v = Fq6(c0: .zero, c1: .one, c2: .zero)
        // v³ = ξ and w² = v define the tower.
        #expect(v.squared() * v == Fq6(c0: xi, c1: .zero, c2: .zero))
        let w = Fq12(c0: .zero, c1: .one)
        #expect(w.squared() == Fq12(c0: v, c1: .zero))
        await propertyCheck(count: 50, input: Arbitrary.fq2, Arbitrary.fq6) { a, b in
            #expect(a.multipliedByNonResidue() == a * xi)
            #expect(b.multipliedByNonResidue() == b * v)
        }
    }

    @Test func sparseProductsMatchDenseProducts() async {
        await propertyCheck(count: 30, input: Arbitrary.fq12, Arbitrary.fq2, Arbitrary.fq2, Arbitrary.fq2) {
            f, d0, d3, d4 in
            let line = Fq12(c0: Fq6(c0: d0, c1: .zero, c2: .zero), c1: Fq6(c0: d3, c1: d4, c2: .zero))
            #expect(f.multiplied(by034: d0, d3, d4) == f * line)
            #expect(f.c0.multiplied(by01: d0, d3) == f.c0 * Fq6(c0: d0, c1: d3, c2: .zero))
            #expect(f.c0.multiplied(by1: d4) == f.c0 * Fq6(c0: .zero, c1: d4, c2: .zero))
        }
    }
}

// MARK: - Frobenius and the cyclotomic subgroup

@Suite("Frobenius maps and cyclotomic arithmetic")
struct FrobeniusTests {
    static let p = Fq.modulusLimbs

    @Test func frobeniusIsThePPowerMap() async {
        await propertyCheck(count: 3, input: Arbitrary.fq2, Arbitrary.fq6, Arbitrary.fq12) { a, b, c in
            #expect(a.frobenius(1) == a.pow(Self.p))
            #expect(b.frobenius(1) == b.pow(Self.p))
            #expect(c.frobenius(1) == c.pow(Self.p))
        }
    }

    @Test func higherFrobeniusPowersCompose() async {
        await propertyCheck(count: 3, input: Arbitrary.fq12) { c in
            var iterated = c
            for i in 0..<12 {
                #expect(c.frobenius(i) == iterated, "power \(i)")
                #expect(c.c0.frobenius(i) == iterated.c0, "Fq6 power \(i)")
                iterated = iterated.frobenius(1)
            }
            #expect(iterated == c, "the 12th power of Frobenius is the identity on 𝔽ₚ¹²")
        }
    }

    /// Maps x into the cyclotomic subgroup: x^((p⁶ − 1)(p² + 1)).
    static func cyclotomic(_ x: Fq12) -> Fq12 {
        let t = x.conjugate * x.inverse()!
        return t.frobenius(2) * t
    }

    @Test func cyclotomicSquaringAndPowerByU() async {
        await propertyCheck(count: 10, input: Arbitrary.fq12) { x in
            let c = Self.cyclotomic(x)
            #expect(c.cyclotomicSquared() == c.squared())
            #expect(c.conjugate * c == .one, "conjugation inverts in the cyclotomic subgroup")
        }
        let c = Self.cyclotomic(Fq12.random())
        #expect(c.cyclotomicPowerByU() == c.pow([BNParameters.u]))
    }

    @Test func finalExponentiationMatchesPlainPower() {
        // Reference: f^(m·(p¹² − 1)/r), m = 2u(6u² + 3u + 1) (the multiple computed by the
        // Fuentes-Castañeda hard part), by plain square-and-multiply.
        let p = Reference.modulus(Fq.self)
        let r = Reference.modulus(Fr.self)
        let u = BigUInt(BNParameters.u)
        let m = 2 * u * (6 * u * u + 3 * u + 1)
        let exponent = (p.power(12) - 1) / r * m
        var rng = SplitMix64(seed: 31)
        for _ in 0..<2 {
            let f = Fq12.random(using: &rng)
            #expect(Pairing.finalExponentiation(f) == f.pow(exponent.words.map { UInt64($0) }))
        }
        #expect(Pairing.finalExponentiation(.zero) == .zero)
    }

    @Test func signedDigitExpansionsSumToTheirValues() {
        func value(_ digits: [Int8]) -> BigInt {
            digits.reduce(BigInt(0)) { $0 * 2 + BigInt(Int($1)) }
        }
        let u = BigInt(BNParameters.u)
        #expect(value(BNParameters.uNAF) == u)
        #expect(value(BNParameters.ateLoopCountNAF) == 6 * u + 2)
        for digits in [BNParameters.uNAF, BNParameters.ateLoopCountNAF] {
            for (x, y) in zip(digits, digits.dropFirst()) { #expect(x == 0 || y == 0, "non-adjacent") }
        }
        // p and r from the BN polynomials in u.
        let p = 36 * u.power(4) + 36 * u.power(3) + 24 * u.power(2) + 6 * u + 1
        let r = 36 * u.power(4) + 36 * u.power(3) + 18 * u.power(2) + 6 * u + 1
        #expect(p == BigInt(Reference.modulus(Fq.self)) && r == BigInt(Reference.modulus(Fr.self)))
    }
}

// MARK: - Square roots in Fq2

@Suite("Fq2 square roots")
struct Fq2SquareRootTests {
    @Test func squaresHaveRoots() async {
        await propertyCheck(count: 30, input: Arbitrary.fq2) { a in
            let root = a.squared().squareRoot()
            #expect(root == a || root == -a)
        }
    }

    @Test func nonResidueHasNoRoot() {
        // ξ = 9 + u is a quadratic (indeed sextic) non-residue, which is what makes the tower work.
        #expect(Fq2(c0: Fq(9), c1: .one).squareRoot() == nil)
        #expect(Fq2.zero.squareRoot() == .zero)
    }
}
