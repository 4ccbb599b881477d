import Curves
import Fields

// MARK: - Fq6

/// The cubic extension 𝔽ₚ⁶ = 𝔽ₚ²[v]/(v³ − ξ) with ξ = 9 + u (arkworks `ark_bn254::Fq6`); an
/// element is `c0 + c1·v + c2·v²`.
public struct Fq6: Field {
    /// The constant coefficient.
    public var c0: Fq2
    /// The coefficient of v.
    public var c1: Fq2
    /// The coefficient of v².
    public var c2: Fq2

    /// Creates `c0 + c1·v + c2·v²`.
    @inlinable @inline(__always)
    public init(c0: Fq2, c1: Fq2, c2: Fq2) {
        self.c0 = c0
        self.c1 = c1
        self.c2 = c2
    }

    @inlinable
    public static var zero: Fq6 { Fq6(c0: .zero, c1: .zero, c2: .zero) }

    @inlinable
    public static var one: Fq6 { Fq6(c0: .one, c1: .zero, c2: .zero) }

    @inlinable
    public var isZero: Bool { c0.isZero && c1.isZero && c2.isZero }

    public var description: String { "Fq6(\(c0), \(c1), \(c2))" }

    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> Fq6 {
        Fq6(c0: .random(using: &generator), c1: .random(using: &generator), c2: .random(using: &generator))
    }
}

// MARK: - Arithmetic

extension Fq6 {
    @inlinable @inline(__always)
    public static func + (a: Fq6, b: Fq6) -> Fq6 { Fq6(c0: a.c0 + b.c0, c1: a.c1 + b.c1, c2: a.c2 + b.c2) }

    @inlinable @inline(__always)
    public static func - (a: Fq6, b: Fq6) -> Fq6 { Fq6(c0: a.c0 - b.c0, c1: a.c1 - b.c1, c2: a.c2 - b.c2) }

    @inlinable @inline(__always)
    public static prefix func - (a: Fq6) -> Fq6 { Fq6(c0: -a.c0, c1: -a.c1, c2: -a.c2) }

    /// Karatsuba-style interpolation with 6 𝔽ₚ² products (Devegili et al. 2006, §4).
    @inlinable
    public static func * (a: Fq6, b: Fq6) -> Fq6 {
        let v0 = a.c0 * b.c0
        let v1 = a.c1 * b.c1
        let v2 = a.c2 * b.c2
        let c0 = ((a.c1 + a.c2) * (b.c1 + b.c2) - v1 - v2).multipliedByNonResidue() + v0
        let c1 = (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1 + v2.multipliedByNonResidue()
        let c2 = (a.c0 + a.c2) * (b.c0 + b.c2) - v0 - v2 + v1
        return Fq6(c0: c0, c1: c1, c2: c2)
    }

    @inlinable @inline(__always)
    public static func += (a: inout Fq6, b: Fq6) { a = a + b }

    @inlinable @inline(__always)
    public static func -= (a: inout Fq6, b: Fq6) { a = a - b }

    @inlinable @inline(__always)
    public static func *= (a: inout Fq6, b: Fq6) { a = a * b }

    /// Chung–Hasan SQR2 ("Asymmetric Squaring Formulae", 2007), as in arkworks.
    @inlinable
    public func squared() -> Fq6 {
        let s0 = c0.squared()
        let s1 = (c0 * c1).doubled()
        let s2 = (c0 - c1 + c2).squared()
        let s3 = (c1 * c2).doubled()
        let s4 = c2.squared()
        return Fq6(
            c0: s3.multipliedByNonResidue() + s0,
            c1: s4.multipliedByNonResidue() + s1,
            c2: s1 + s2 + s3 - s0 - s4)
    }

    @inlinable @inline(__always)
    public func doubled() -> Fq6 { Fq6(c0: c0.doubled(), c1: c1.doubled(), c2: c2.doubled()) }

    /// Inversion via the adjugate (Scott, "Implementing cryptographic pairings", 2007): one
    /// 𝔽ₚ² inversion.
    @inlinable
    public func inverse() -> Fq6? {
        let t0 = c0.squared() - (c1 * c2).multipliedByNonResidue()
        let t1 = c2.squared().multipliedByNonResidue() - c0 * c1
        let t2 = c1.squared() - c0 * c2
        let determinant = c0 * t0 + (c2 * t1 + c1 * t2).multipliedByNonResidue()
        guard let d = determinant.inverse() else { return nil }
        return Fq6(c0: t0 * d, c1: t1 * d, c2: t2 * d)
    }

    /// Multiplication by v (the non-residue defining 𝔽ₚ¹² over 𝔽ₚ⁶): (c0, c1, c2)·v = (ξc2, c0, c1).
    @inlinable @inline(__always)
    public func multipliedByNonResidue() -> Fq6 {
        Fq6(c0: c2.multipliedByNonResidue(), c1: c0, c2: c1)
    }

    /// Multiplies every coefficient by an 𝔽ₚ² element.
    @inlinable @inline(__always)
    public func scaled(by s: Fq2) -> Fq6 { Fq6(c0: c0 * s, c1: c1 * s, c2: c2 * s) }

    /// `self · (b0 + b1·v)`: the sparse product used by line evaluation (arkworks `mul_by_01`),
    /// 5 𝔽ₚ² products.
    @inlinable
    public func multiplied(by01 b0: Fq2, _ b1: Fq2) -> Fq6 {
        let v0 = c0 * b0
        let v1 = c1 * b1
        let t0 = ((c1 + c2) * b1 - v1).multipliedByNonResidue() + v0
        let t1 = (b0 + b1) * (c0 + c1) - v0 - v1
        let t2 = (c0 + c2) * b0 - v0 + v1
        return Fq6(c0: t0, c1: t1, c2: t2)
    }

    /// `self · (b1·v)` (arkworks `mul_by_1`).
    @inlinable
    public func multiplied(by1 b1: Fq2) -> Fq6 {
        Fq6(c0: (c2 * b1).multipliedByNonResidue(), c1: c0 * b1, c2: c1 * b1)
    }

    /// The Frobenius map x ↦ x^(pⁱ): conjugate the coefficients and scale c1, c2 by
    /// γ₁,ᵢ = ξ^((pⁱ−1)/3) and γ₂,ᵢ = ξ^((2pⁱ−2)/3).
    @inlinable
    public func frobenius(_ power: Int) -> Fq6 {
        let i = power % 6
        return Fq6(
            c0: c0.frobenius(power),
            c1: c1.frobenius(power) * Fq6.frobeniusCoefficientC1(i),
            c2: c2.frobenius(power) * Fq6.frobeniusCoefficientC2(i))
    }
}
