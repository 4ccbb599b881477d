import Curves
import Fields

// MARK: - Fq2

/// The quadratic extension 𝔽ₚ² = 𝔽ₚ[u]/(u² + 1) (arkworks `ark_bn254::Fq2`); an element is
/// `c0 + c1·u`. −1 is a non-residue in 𝔽ₚ because p ≡ 3 (mod 4), so u² = −1 defines the field.
///
/// G2 coordinates live here. EIP-197 serializes an element as (c1, c0) — imaginary part first.
public struct Fq2: Field {
    /// The real part.
    public var c0: Fq
    /// The coefficient of u.
    public var c1: Fq

    /// Creates `c0 + c1·u`.
    @inlinable @inline(__always)
    public init(c0: Fq, c1: Fq) {
        self.c0 = c0
        self.c1 = c1
    }

    /// Embeds a base-field element.
    @inlinable @inline(__always)
    public init(_ c0: Fq) { self.init(c0: c0, c1: .zero) }

    @inlinable
    public static var zero: Fq2 { Fq2(c0: .zero, c1: .zero) }

    @inlinable
    public static var one: Fq2 { Fq2(c0: .one, c1: .zero) }

    @inlinable
    public var isZero: Bool { c0.isZero && c1.isZero }

    public var description: String { "Fq2(\(c0) + \(c1)·u)" }

    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> Fq2 {
        Fq2(c0: .random(using: &generator), c1: .random(using: &generator))
    }
}

// MARK: - Arithmetic

extension Fq2 {
    @inlinable @inline(__always)
    public static func + (a: Fq2, b: Fq2) -> Fq2 { Fq2(c0: a.c0 + b.c0, c1: a.c1 + b.c1) }

    @inlinable @inline(__always)
    public static func - (a: Fq2, b: Fq2) -> Fq2 { Fq2(c0: a.c0 - b.c0, c1: a.c1 - b.c1) }

    @inlinable @inline(__always)
    public static prefix func - (a: Fq2) -> Fq2 { Fq2(c0: -a.c0, c1: -a.c1) }

    /// Karatsuba: 3 base-field products instead of 4 (Devegili, Ó hÉigeartaigh, Scott, Dahab,
    /// "Multiplication and Squaring on Pairing-Friendly Fields", 2006, §3).
    @inlinable @inline(__always)
    public static func * (a: Fq2, b: Fq2) -> Fq2 {
        let v0 = a.c0 * b.c0
        let v1 = a.c1 * b.c1
        return Fq2(c0: v0 - v1, c1: (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1)
    }

    @inlinable @inline(__always)
    public static func += (a: inout Fq2, b: Fq2) { a = a + b }

    @inlinable @inline(__always)
    public static func -= (a: inout Fq2, b: Fq2) { a = a - b }

    @inlinable @inline(__always)
    public static func *= (a: inout Fq2, b: Fq2) { a = a * b }

    /// Complex squaring: (a + bu)² = (a + b)(a − b) + 2ab·u, two products.
    @inlinable @inline(__always)
    public func squared() -> Fq2 {
        let ab = c0 * c1
        return Fq2(c0: (c0 + c1) * (c0 - c1), c1: ab.doubled())
    }

    @inlinable @inline(__always)
    public func doubled() -> Fq2 { Fq2(c0: c0.doubled(), c1: c1.doubled()) }

    /// Multiplies both coefficients by a base-field element.
    @inlinable @inline(__always)
    public func scaled(by s: Fq) -> Fq2 { Fq2(c0: c0 * s, c1: c1 * s) }

    /// 1/(a + bu) = (a − bu)/(a² + b²).
    @inlinable
    public func inverse() -> Fq2? {
        guard let normInverse = (c0.squared() + c1.squared()).inverse() else { return nil }
        return Fq2(c0: c0 * normInverse, c1: -(c1 * normInverse))
    }

    /// The conjugate a − bu, which is also the p-power Frobenius map.
    @inlinable @inline(__always)
    public var conjugate: Fq2 { Fq2(c0: c0, c1: -c1) }

    /// The norm a² + b² ∈ 𝔽ₚ.
    @inlinable
    public var norm: Fq { c0.squared() + c1.squared() }

    /// Multiplication by ξ = 9 + u, the non-residue defining 𝔽ₚ⁶ and 𝔽ₚ¹² (arkworks
    /// `Fq6Config::NONRESIDUE`): (a + bu)(9 + u) = (9a − b) + (a + 9b)u, additions only.
    @inlinable @inline(__always)
    public func multipliedByNonResidue() -> Fq2 {
        let a8 = c0.doubled().doubled().doubled()
        let b8 = c1.doubled().doubled().doubled()
        return Fq2(c0: a8 + c0 - c1, c1: b8 + c1 + c0)
    }

    /// The Frobenius map x ↦ x^(pⁱ): the identity for even `power`, conjugation for odd.
    @inlinable @inline(__always)
    public func frobenius(_ power: Int) -> Fq2 { power & 1 == 0 ? self : conjugate }
}

// MARK: - Square roots

extension Fq2 {
    /// A square root of `self`, or `nil` for a non-square.
    ///
    /// Algorithm 9 of Adj and Rodríguez-Henríquez, "Square Root Computation over Even Extension
    /// Fields" (IEEE TC 2014), for q ≡ 3 (mod 4). The result is verified by squaring. Variable
    /// time (public inputs only).
    public func squareRoot() -> Fq2? {
        if isZero { return .zero }
        // (p − 3)/4
        let pMinus3Over4: [UInt64] = [
            0x4f08_2305_b61f_3f51, 0x65e0_5aa4_5a1c_72a3,
            0x6e14_116d_a060_5617, 0x0c19_139c_b84c_680a,
        ]
        // (p − 1)/2
        let pMinus1Over2: [UInt64] = [
            0x9e10_460b_6c3e_7ea3, 0xcbc0_b548_b438_e546,
            0xdc28_22db_40c0_ac2e, 0x1832_2739_7098_d014,
        ]
        let a1 = pow(pMinus3Over4)
        let alpha = a1.squared() * self  // a^((p−1)/2)
        let a0 = alpha.conjugate * alpha  // α^p · α = norm(α)
        if a0 == -Fq2.one { return nil }
        let x0 = a1 * self
        let root: Fq2
        if alpha == -Fq2.one {
            root = Fq2(c0: -x0.c1, c1: x0.c0)  // u · x0
        } else {
            root = (alpha + .one).pow(pMinus1Over2) * x0
        }
        return root.squared() == self ? root : nil
    }
}
