import Fields

// MARK: - Curve configuration

/// A short Weierstrass curve y² = x³ + b (a = 0) over a field, together with its prime-order
/// subgroup (arkworks `ark_ec::short_weierstrass::SWCurveConfig`).
///
/// BN254's `G1Config` and `G2Config` and EVMKit's secp256k1 are instances; points are ``Affine`` and
/// ``Projective`` values parameterized by the configuration.
public protocol ShortWeierstrassCurve: Sendable {
    /// The field the coordinates live in.
    associatedtype BaseField: Field
    /// The field of scalars: integers modulo the prime order of the subgroup.
    associatedtype ScalarField: MontgomeryPrimeField

    /// The constant b of y² = x³ + b.
    static var b: BaseField { get }
    /// The fixed generator of the prime-order subgroup.
    static var generator: Affine<Self> { get }
    /// Whether a point already known to be on the curve lies in the order-r subgroup.
    static func isInPrimeOrderSubgroup(_ point: Projective<Self>) -> Bool
}

extension ShortWeierstrassCurve {
    /// `true` when (x, y) satisfies y² = x³ + b.
    @inlinable
    public static func isOnCurve(x: BaseField, y: BaseField) -> Bool {
        y.squared() == x.squared() * x + b
    }
}

// MARK: - Errors

/// Why a point encoding or coordinate pair was rejected.
public struct CurvePointError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable, machine-readable codes (snake_case raw values).
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case pointNotOnCurve = "point_not_on_curve"
        case pointNotInSubgroup = "point_not_in_subgroup"
        case invalidPointEncoding = "invalid_point_encoding"
    }

    /// The stable failure code.
    public let code: Code
    /// A sentence saying what was wrong and what to do.
    public let message: String

    @usableFromInline
    init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// The coordinates do not satisfy the curve equation.
    public static let notOnCurve = CurvePointError(
        code: .pointNotOnCurve,
        message: "The coordinates do not satisfy the curve equation; check the encoding and the coordinate order.")
    /// The point is on the curve but outside the prime-order subgroup.
    public static let notInSubgroup = CurvePointError(
        code: .pointNotInSubgroup,
        message:
            "The point lies on the curve but not in the order-r subgroup; reject it (it may be a small-subgroup attack)."
    )
    /// A coordinate was not a canonical field element, or the byte length was wrong.
    public static let invalidEncoding = CurvePointError(
        code: .invalidPointEncoding,
        message: "The bytes are not a valid point encoding: wrong length or a coordinate not below the field modulus.")
}
