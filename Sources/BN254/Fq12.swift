import Curves
import Fields

// MARK: - Fq12

/// The quadratic extension 𝔽ₚ¹² = 𝔽ₚ⁶[w]/(w² − v) (arkworks `ark_bn254::Fq12`); an element is
/// `c0 + c1·w`. The pairing's target group 𝔾_T is the order-r subgroup of 𝔽ₚ¹²*.
public struct Fq12: Field {
    /// The constant coefficient.
    public var c0: Fq6
    /// The coefficient of w.
    public var c1: Fq6

    /// Creates `c0 + c1·w`.
    @inlinable @inline(__always)
    public init(c0: Fq6, c1: Fq6) {
        self.c0 = c0
        self.c1 = c1
    }

    @inlinable
    public static var zero: Fq12 { Fq12(c0: .zero, c1: .zero) }

    @inlinable
    public static var one: Fq12 { Fq12(c0: .one, c1: .zero) }

    @inlinable
    public var isZero: Bool { c0.isZero && c1.isZero }

    /// `true` for the multiplicative identity (the value a successful pairing check produces).
    @inlinable
    public var isOne: Bool { self == .one }

    public var description: String { "Fq12(\(c0), \(c1))" }

    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> Fq12 {
        Fq12(c0: .random(using: &generator), c1: .random(using: &generator))
    }
}

// MARK: - Arithmetic

extension Fq12 {
    @inlinable @inline(__always)
    public static func + (a: Fq12, b: Fq12) -> Fq12 { Fq12(c0: a.c0 + b.c0, c1: a.c1 + b.c1) }

    @inlinable @inline(__always)
    public static func - (a: Fq12, b: Fq12) -> Fq12 { Fq12(c0: a.c0 - b.c0, c1: a.c1 - b.c1) }

    @inlinable @inline(__always)
    public static prefix func - (a: Fq12) -> Fq12 { Fq12(c0: -a.c0, c1: -a.c1) }

    /// Karatsuba over 𝔽ₚ⁶: 3 𝔽ₚ⁶ products.
    @inlinable
    public static func * (a: Fq12, b: Fq12) -> Fq12 {
        let aa = a.c0 * b.c0
        let bb = a.c1 * b.c1
        let c1 = (a.c0 + a.c1) * (b.c0 + b.c1) - aa - bb
        return Fq12(c0: bb.multipliedByNonResidue() + aa, c1: c1)
    }

    @inlinable @inline(__always)
    public static func += (a: inout Fq12, b: Fq12) { a = a + b }

    @inlinable @inline(__always)
    public static func -= (a: inout Fq12, b: Fq12) { a = a - b }

    @inlinable @inline(__always)
    public static func *= (a: inout Fq12, b: Fq12) { a = a * b }

    /// Complex squaring: (a + bw)² = (a − b)(a − vb) + ab + v·ab + 2ab·w, two 𝔽ₚ⁶ products.
    @inlinable
    public func squared() -> Fq12 {
        let ab = c0 * c1
        let t = (c0 - c1) * (c0 - c1.multipliedByNonResidue()) + ab
        return Fq12(c0: t + ab.multipliedByNonResidue(), c1: ab.doubled())
    }

    @inlinable @inline(__always)
    public func doubled() -> Fq12 { Fq12(c0: c0.doubled(), c1: c1.doubled()) }

    /// 1/(a + bw) = (a − bw)/(a² − v·b²): one 𝔽ₚ⁶ inversion.
    @inlinable
    public func inverse() -> Fq12? {
        guard let d = (c0.squared() - c1.squared().multipliedByNonResidue()).inverse() else { return nil }
        return Fq12(c0: c0 * d, c1: -(c1 * d))
    }

    /// The conjugate a − bw = x^(p⁶). On the cyclotomic subgroup (every pairing value after the
    /// easy part of the final exponentiation) it is the inverse.
    @inlinable @inline(__always)
    public var conjugate: Fq12 { Fq12(c0: c0, c1: -c1) }

    /// The Frobenius map x ↦ x^(pⁱ).
    @inlinable
    public func frobenius(_ power: Int) -> Fq12 {
        let a = c0.frobenius(power)
        let b = c1.frobenius(power).scaled(by: Fq12.frobeniusCoefficientC1(power % 12))
        return Fq12(c0: a, c1: b)
    }

    /// `self · (d0 + (d3 + d4·v)·w)`: the sparse product with a D-type-twist line value
    /// (arkworks `mul_by_034`), 13 𝔽ₚ² products instead of 18.
    @inlinable
    public func multiplied(by034 d0: Fq2, _ d3: Fq2, _ d4: Fq2) -> Fq12 {
        let a = c0.scaled(by: d0)
        let b = c1.multiplied(by01: d3, d4)
        let e = (c0 + c1).multiplied(by01: d0 + d3, d4)
        return Fq12(c0: b.multipliedByNonResidue() + a, c1: e - a - b)
    }
}

// MARK: - Cyclotomic subgroup

extension Fq12 {
    /// Squaring for elements of the cyclotomic subgroup G_{Φ₆(p²)} (norm 1 over 𝔽ₚ⁶ and
    /// 𝔽ₚ⁴-structure), Granger–Scott, "Faster Squaring in the Cyclotomic Subgroup of Sixth Degree
    /// Extensions" (PKC 2010), §3.2: three 𝔽ₚ⁴ squarings (9 𝔽ₚ² products vs 12 generic).
    /// Wrong for elements outside the subgroup.
    @inlinable
    public func cyclotomicSquared() -> Fq12 {
        // 𝔽ₚ¹² as 𝔽ₚ⁴³ with 𝔽ₚ⁴ = 𝔽ₚ²[y]/(y² − ξ): pairs (z0, z1), (z2, z3), (z4, z5).
        let z0 = c0.c0
        let z4 = c0.c1
        let z3 = c0.c2
        let z2 = c1.c0
        let z1 = c1.c1
        let z5 = c1.c2

        @inline(__always)
        func fq4Square(_ a: Fq2, _ b: Fq2) -> (Fq2, Fq2) {
            // (a + b·y)² = (a² + ξb²) + 2ab·y, computed as (a + b)(a + ξb) − ab − ξab.
            let ab = a * b
            return ((a + b) * (b.multipliedByNonResidue() + a) - ab - ab.multipliedByNonResidue(), ab.doubled())
        }
        let (t0, t1) = fq4Square(z0, z1)
        let (t2, t3) = fq4Square(z2, z3)
        let (t4, t5) = fq4Square(z4, z5)

        // z0 ← 3t0 − 2z0, z1 ← 3t1 + 2z1, and similarly for the other pairs.
        let n0 = (t0 - z0).doubled() + t0
        let n1 = (t1 + z1).doubled() + t1
        let xiT5 = t5.multipliedByNonResidue()
        let n2 = (xiT5 + z2).doubled() + xiT5
        let n3 = (t4 - z3).doubled() + t4
        let n4 = (t2 - z4).doubled() + t2
        let n5 = (t3 + z5).doubled() + t3
        return Fq12(c0: Fq6(c0: n0, c1: n4, c2: n3), c1: Fq6(c0: n2, c1: n1, c2: n5))
    }

    /// `self^u` for the BN parameter u = 4965661367192848881 on the cyclotomic subgroup, using its
    /// NAF (24 nonzero digits over 63 positions) with cyclotomic squarings; the conjugate serves
    /// as the inverse for negative digits.
    @inlinable
    public func cyclotomicPowerByU() -> Fq12 {
        let inverse = conjugate
        var result = self
        for digit in BNParameters.uNAF.dropFirst() {
            result = result.cyclotomicSquared()
            if digit == 1 { result *= self } else if digit == -1 { result *= inverse }
        }
        return result
    }
}
