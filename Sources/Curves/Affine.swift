import Fields

// MARK: - Affine points

/// A point in affine coordinates (x, y) on a ``ShortWeierstrassCurve``, or the point at infinity
/// (arkworks `short_weierstrass::Affine`). ``G1Affine`` and ``G2Affine`` are the BN254 instances.
///
/// Use affine points for storage, encoding and as pairing inputs; use ``Projective`` for
/// arithmetic.
public struct Affine<Curve: ShortWeierstrassCurve>: Sendable, Hashable, CustomStringConvertible {
    /// The x-coordinate (zero for the point at infinity).
    public let x: Curve.BaseField
    /// The y-coordinate (zero for the point at infinity).
    public let y: Curve.BaseField
    /// `true` for the point at infinity (the group identity).
    public let isInfinity: Bool

    /// Creates a point without checking the curve equation or the subgroup. Only for values
    /// that are already known to be valid (constants, results of group operations).
    @inlinable
    public init(uncheckedX x: Curve.BaseField, y: Curve.BaseField) {
        self.x = x
        self.y = y
        self.isInfinity = false
    }

    /// Creates a point after checking that it lies on the curve and in the prime-order subgroup.
    ///
    /// - Throws: ``CurvePointError/notOnCurve`` or ``CurvePointError/notInSubgroup``.
    @inlinable
    public init(x: Curve.BaseField, y: Curve.BaseField) throws(CurvePointError) {
        guard Curve.isOnCurve(x: x, y: y) else { throw .notOnCurve }
        let point = Affine(uncheckedX: x, y: y)
        guard Curve.isInPrimeOrderSubgroup(Projective(point)) else { throw .notInSubgroup }
        self = point
    }

    @inlinable
    init(infinity: ()) {
        x = .zero
        y = .zero
        isInfinity = true
    }

    /// The point at infinity.
    @inlinable
    public static var infinity: Affine { Affine(infinity: ()) }

    /// The fixed generator of the prime-order subgroup.
    @inlinable
    public static var generator: Affine { Curve.generator }

    /// `true` when the point is at infinity or satisfies the curve equation.
    @inlinable
    public var isOnCurve: Bool { isInfinity || Curve.isOnCurve(x: x, y: y) }

    /// `true` when the point lies in the order-r subgroup (assumes it is on the curve).
    @inlinable
    public var isInPrimeOrderSubgroup: Bool { isInfinity || Curve.isInPrimeOrderSubgroup(Projective(self)) }

    /// The inverse point (x, −y).
    @inlinable
    public static prefix func - (p: Affine) -> Affine {
        p.isInfinity ? p : Affine(uncheckedX: p.x, y: -p.y)
    }

    public var description: String { isInfinity ? "Affine(infinity)" : "Affine(x: \(x), y: \(y))" }
}

// MARK: - Group operations via projective arithmetic

extension Affine {
    /// `a + b` (computed in Jacobian coordinates).
    @inlinable
    public static func + (a: Affine, b: Affine) -> Projective<Curve> { Projective(a).adding(mixed: b) }

    /// `[s]P` for a scalar in 𝔽ᵣ.
    @inlinable
    public static func * (point: Affine, scalar: Curve.ScalarField) -> Projective<Curve> { Projective(point) * scalar }

    /// `[s]P` for a scalar in 𝔽ᵣ.
    @inlinable
    public static func * (scalar: Curve.ScalarField, point: Affine) -> Projective<Curve> { Projective(point) * scalar }
}
