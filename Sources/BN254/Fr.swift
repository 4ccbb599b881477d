import Curves
import Fields

// MARK: - Fr

/// The BN254 scalar field 𝔽ᵣ, the order of G1 and G2 (arkworks `ark_bn254::Fr`, EIP-197's `q`):
/// r = 21888242871839275222246405745257275088548364400416034343698204186575808495617
///   = 36u⁴ + 36u³ + 18u² + 6u + 1 with the BN parameter u = 4965661367192848881.
///
/// Elements are stored in Montgomery form (see ``MontgomeryPrimeField``).
public struct Fr: MontgomeryPrimeField {
    @usableFromInline
    var storage: FieldLimbs

    @inlinable @inline(__always)
    public init(montgomery: FieldLimbs) { storage = montgomery }

    @inlinable @inline(__always)
    public var montgomery: FieldLimbs { storage }

    /// r, little-endian limbs.
    @inlinable @inline(__always)
    public static var modulus: FieldLimbs {
        FieldLimbs(0x43e1_f593_f000_0001, 0x2833_e848_79b9_7091, 0xb850_45b6_8181_585d, 0x3064_4e72_e131_a029)
    }

    /// −r⁻¹ mod 2⁶⁴.
    @inlinable @inline(__always)
    public static var montgomeryInverse: UInt64 { 0xc2e1_f593_efff_ffff }

    /// 2²⁵⁶ mod r.
    @inlinable @inline(__always)
    public static var montgomeryR: FieldLimbs {
        FieldLimbs(0xac96_341c_4fff_fffb, 0x36fc_7695_9f60_cd29, 0x666e_a36f_7879_462e, 0x0e0a_77c1_9a07_df2f)
    }

    /// 2⁵¹² mod r.
    @inlinable @inline(__always)
    public static var montgomeryR2: FieldLimbs {
        FieldLimbs(0x1bb8_e645_ae21_6da7, 0x53fe_3ab1_e35c_59e3, 0x8c49_833d_53bb_8085, 0x0216_d0b1_7f4e_44a5)
    }
}

// MARK: - FFT domain constants

extension Fr {
    /// The 2-adicity `s` of r − 1: r − 1 = 2²⁸ · t with t odd. Radix-2 FFT domains of up to
    /// 2²⁸ points exist in 𝔽ᵣ.
    public static let twoAdicity: Int = 28

    /// A generator of the multiplicative group 𝔽ᵣ* (5, as in arkworks `FrConfig::GENERATOR`):
    /// 5 is a quadratic non-residue and no (r−1)/q-th power of it is 1 for any prime q | r − 1.
    @inlinable
    public static var multiplicativeGenerator: Fr { Fr(5) }

    /// A primitive 2²⁸-th root of unity: ω = g^((r−1)/2²⁸) with g = 5 (the multiplicative
    /// generator), i.e. ω = 19103219067921713944291392827692070036145651957329286315305642004821462161904
    /// (arkworks `TWO_ADIC_ROOT_OF_UNITY`). Stored here in Montgomery form ω·2²⁵⁶ mod r.
    @inlinable
    public static var twoAdicRootOfUnity: Fr {
        Fr(
            montgomery: FieldLimbs(
                0x636e_7355_80d1_3d9c, 0xa22b_f374_2445_ffd6,
                0x5645_2ac0_1eb2_03d8, 0x1860_ef94_2963_f9e7))
    }

    /// A primitive 2ᵏ-th root of unity for `k ≤ twoAdicity`: ω^(2^(28−k)). `nil` when `k` is out
    /// of range.
    public static func rootOfUnity(log2Size k: Int) -> Fr? {
        guard k >= 0, k <= twoAdicity else { return nil }
        var omega = twoAdicRootOfUnity
        for _ in k..<twoAdicity { omega = omega.squared() }
        return omega
    }
}
