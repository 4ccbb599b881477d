import Curves
import Fields

// MARK: - Fq

/// The BN254 base field 𝔽ₚ over which G1 is defined (arkworks `ark_bn254::Fq`, EIP-196's `p`):
/// p = 21888242871839275222246405745257275088696311157297823662689037894645226208583
///   = 36u⁴ + 36u³ + 24u² + 6u + 1 with the BN parameter u = 4965661367192848881.
///
/// Elements are stored in Montgomery form (see ``MontgomeryPrimeField``).
public struct Fq: MontgomeryPrimeField {
    @usableFromInline
    var storage: FieldLimbs

    @inlinable @inline(__always)
    public init(montgomery: FieldLimbs) { storage = montgomery }

    @inlinable @inline(__always)
    public var montgomery: FieldLimbs { storage }

    /// p, little-endian limbs.
    @inlinable @inline(__always)
    public static var modulus: FieldLimbs {
        FieldLimbs(0x3c20_8c16_d87c_fd47, 0x9781_6a91_6871_ca8d, 0xb850_45b6_8181_585d, 0x3064_4e72_e131_a029)
    }

    /// −p⁻¹ mod 2⁶⁴.
    @inlinable @inline(__always)
    public static var montgomeryInverse: UInt64 { 0x87d2_0782_e486_6389 }

    /// 2²⁵⁶ mod p.
    @inlinable @inline(__always)
    public static var montgomeryR: FieldLimbs {
        FieldLimbs(0xd35d_438d_c58f_0d9d, 0x0a78_eb28_f5c7_0b3d, 0x666e_a36f_7879_462c, 0x0e0a_77c1_9a07_df2f)
    }

    /// 2⁵¹² mod p.
    @inlinable @inline(__always)
    public static var montgomeryR2: FieldLimbs {
        FieldLimbs(0xf32c_fc5b_538a_fa89, 0xb5e7_1911_d445_01fb, 0x47ab_1eff_0a41_7ff6, 0x06d8_9f71_cab8_351f)
    }
}

// MARK: - Square roots

extension Fq {
    /// A square root of `self`, or `nil` if `self` is a non-residue.
    ///
    /// p ≡ 3 (mod 4), so √a = a^((p+1)/4) whenever a is a square (Euler's criterion); the
    /// candidate is squared back to decide.
    public func squareRoot() -> Fq? {
        // (p + 1) / 4
        let exponent = FieldLimbs(
            0x4f08_2305_b61f_3f52, 0x65e0_5aa4_5a1c_72a3,
            0x6e14_116d_a060_5617, 0x0c19_139c_b84c_680a)
        let candidate = pow(exponent)
        return candidate.squared() == self ? candidate : nil
    }

    /// `true` when `self` is a nonzero square or zero, i.e. a^((p−1)/2) ∈ {0, 1}.
    public var isSquare: Bool { squareRoot() != nil }
}
