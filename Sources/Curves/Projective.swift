import Fields

// MARK: - Jacobian points

/// A point in Jacobian coordinates (X, Y, Z) representing (X/Z², Y/Z³); Z = 0 is the point at
/// infinity (arkworks `short_weierstrass::Projective`). ``G1Projective`` and ``G2Projective`` are
/// the BN254 instances.
///
/// Formulas are the a = 0 ones from the Explicit-Formulas Database (Bernstein–Lange):
/// `dbl-2009-l`, `add-2007-bl` and `madd-2007-bl`, with the exceptional cases (doubling through
/// addition, P + (−P), infinity operands) handled explicitly. Variable time.
public struct Projective<Curve: ShortWeierstrassCurve>: Sendable, CustomStringConvertible {
    /// X in (X/Z², Y/Z³).
    public var x: Curve.BaseField
    /// Y in (X/Z², Y/Z³).
    public var y: Curve.BaseField
    /// Z; zero exactly for the point at infinity.
    public var z: Curve.BaseField

    /// Creates a point from Jacobian coordinates without validation.
    @inlinable @inline(__always)
    public init(x: Curve.BaseField, y: Curve.BaseField, z: Curve.BaseField) {
        self.x = x
        self.y = y
        self.z = z
    }

    /// Lifts an affine point (Z = 1, or the canonical infinity (1, 1, 0)).
    @inlinable
    public init(_ point: Affine<Curve>) {
        self = point.isInfinity ? .infinity : Projective(x: point.x, y: point.y, z: .one)
    }

    /// The point at infinity, (1, 1, 0).
    @inlinable
    public static var infinity: Projective { Projective(x: .one, y: .one, z: .zero) }

    /// The fixed generator of the prime-order subgroup.
    @inlinable
    public static var generator: Projective { Projective(Curve.generator) }

    /// `true` for the point at infinity.
    @inlinable
    public var isInfinity: Bool { z.isZero }

    public var description: String { "Projective(\(affine))" }
}

// MARK: - Group law

extension Projective {
    /// `2P` (EFD `dbl-2009-l`: 2M + 5S).
    @inlinable
    public func doubled() -> Projective {
        if isInfinity { return self }
        let a = x.squared()
        let b = y.squared()
        let c = b.squared()
        let d = ((x + b).squared() - a - c).doubled()
        let e = a.doubled() + a
        let f = e.squared()
        let x3 = f - d.doubled()
        let y3 = e * (d - x3) - c.doubled().doubled().doubled()
        let z3 = (y * z).doubled()
        return Projective(x: x3, y: y3, z: z3)
    }

    /// `P + Q` (EFD `add-2007-bl`: 11M + 5S).
    @inlinable
    public func adding(_ other: Projective) -> Projective {
        if isInfinity { return other }
        if other.isInfinity { return self }
        let z1z1 = z.squared()
        let z2z2 = other.z.squared()
        let u1 = x * z2z2
        let u2 = other.x * z1z1
        let s1 = y * other.z * z2z2
        let s2 = other.y * z * z1z1
        let h = u2 - u1
        let r = (s2 - s1).doubled()
        if h.isZero {
            // Same x: either the same point (double) or inverses (infinity).
            return r.isZero ? doubled() : .infinity
        }
        let i = h.doubled().squared()
        let j = h * i
        let v = u1 * i
        let x3 = r.squared() - j - v.doubled()
        let y3 = r * (v - x3) - (s1 * j).doubled()
        let z3 = ((z + other.z).squared() - z1z1 - z2z2) * h
        return Projective(x: x3, y: y3, z: z3)
    }

    /// `P + Q` with Q affine (EFD `madd-2007-bl`: 7M + 4S).
    @inlinable
    public func adding(mixed other: Affine<Curve>) -> Projective {
        if other.isInfinity { return self }
        if isInfinity { return Projective(other) }
        let z1z1 = z.squared()
        let u2 = other.x * z1z1
        let s2 = other.y * z * z1z1
        let h = u2 - x
        let r = (s2 - y).doubled()
        if h.isZero {
            return r.isZero ? doubled() : .infinity
        }
        let hh = h.squared()
        let i = hh.doubled().doubled()
        let j = h * i
        let v = x * i
        let x3 = r.squared() - j - v.doubled()
        let y3 = r * (v - x3) - (y * j).doubled()
        let z3 = (z + h).squared() - z1z1 - hh
        return Projective(x: x3, y: y3, z: z3)
    }

    /// `P + Q`.
    @inlinable
    public static func + (a: Projective, b: Projective) -> Projective { a.adding(b) }

    /// `P + Q` with Q affine.
    @inlinable
    public static func + (a: Projective, b: Affine<Curve>) -> Projective { a.adding(mixed: b) }

    /// `P − Q`.
    @inlinable
    public static func - (a: Projective, b: Projective) -> Projective { a.adding(-b) }

    /// `−P` = (X, −Y, Z).
    @inlinable
    public static prefix func - (p: Projective) -> Projective { Projective(x: p.x, y: -p.y, z: p.z) }

    @inlinable
    public static func += (a: inout Projective, b: Projective) { a = a.adding(b) }

    @inlinable
    public static func += (a: inout Projective, b: Affine<Curve>) { a = a.adding(mixed: b) }

    @inlinable
    public static func -= (a: inout Projective, b: Projective) { a = a.adding(-b) }
}

// MARK: - Equality and normalization

extension Projective: Hashable {
    /// Equality of the represented points: X₁Z₂² = X₂Z₁² and Y₁Z₂³ = Y₂Z₁³.
    @inlinable
    public static func == (a: Projective, b: Projective) -> Bool {
        if a.isInfinity || b.isInfinity { return a.isInfinity && b.isInfinity }
        let z1z1 = a.z.squared()
        let z2z2 = b.z.squared()
        guard a.x * z2z2 == b.x * z1z1 else { return false }
        return a.y * (z2z2 * b.z) == b.y * (z1z1 * a.z)
    }

    /// Hashes the affine form, so equal points hash equally whatever their Z.
    public func hash(into hasher: inout Hasher) { hasher.combine(affine) }

    /// The affine form (one field inversion).
    @inlinable
    public var affine: Affine<Curve> {
        guard let zInverse = z.inverse() else { return .infinity }
        let zInverse2 = zInverse.squared()
        return Affine(uncheckedX: x * zInverse2, y: y * zInverse2 * zInverse)
    }

    /// Converts many points to affine with a single field inversion (Montgomery's trick; arkworks
    /// `normalize_batch`). Points at infinity map to infinity.
    @inlinable
    public static func batchNormalize(_ points: [Projective]) -> [Affine<Curve>] {
        var zInverses = points.map { $0.z }
        Curve.BaseField.batchInvert(&zInverses)
        var result = [Affine<Curve>]()
        result.reserveCapacity(points.count)
        for (point, zInverse) in zip(points, zInverses) {
            if point.isInfinity {
                result.append(.infinity)
            } else {
                let zInverse2 = zInverse.squared()
                result.append(Affine(uncheckedX: point.x * zInverse2, y: point.y * zInverse2 * zInverse))
            }
        }
        return result
    }

    /// `true` when the point is at infinity or satisfies Y² = X³ + b·Z⁶.
    @inlinable
    public var isOnCurve: Bool {
        if isInfinity { return true }
        let z2 = z.squared()
        let z6 = z2.squared() * z2
        return y.squared() == x.squared() * x + Curve.b * z6
    }

    /// `true` when the point lies in the order-r subgroup (assumes it is on the curve).
    @inlinable
    public var isInPrimeOrderSubgroup: Bool { isInfinity || Curve.isInPrimeOrderSubgroup(self) }
}
