import Curves
import Fields

// MARK: - G1

/// The BN254 G1 curve E: y² = x³ + 3 over 𝔽ₚ (EIP-196; arkworks `ark_bn254::g1::Config`).
///
/// #E(𝔽ₚ) = r is prime, so the cofactor is 1: every point on the curve is in G1.
public enum G1Config: ShortWeierstrassCurve {
    public typealias BaseField = Fq
    public typealias ScalarField = Fr

    /// b = 3.
    @inlinable
    public static var b: Fq { Fq(3) }

    /// The generator (1, 2) (EIP-196, arkworks `G1_GENERATOR_X/Y`).
    @inlinable
    public static var generator: Affine<G1Config> { Affine(uncheckedX: .one, y: Fq(2)) }

    /// Always `true`: the cofactor is 1, so on-curve implies in the subgroup.
    @inlinable
    public static func isInPrimeOrderSubgroup(_ point: Projective<G1Config>) -> Bool { true }
}

/// A G1 point in affine coordinates.
public typealias G1Affine = Affine<G1Config>
/// A G1 point in Jacobian coordinates.
public typealias G1Projective = Projective<G1Config>
