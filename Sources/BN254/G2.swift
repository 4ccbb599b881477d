import Curves
import Fields

// MARK: - G2

/// The BN254 G2 curve: the sextic D-type twist E′: y² = x³ + 3/ξ over 𝔽ₚ², ξ = 9 + u (EIP-197;
/// arkworks `ark_bn254::g2::Config`), restricted to its order-r subgroup.
///
/// #E′(𝔽ₚ²) = r·h with cofactor h = 2p − r, so points must be checked for subgroup membership.
public enum G2Config: ShortWeierstrassCurve {
    public typealias BaseField = Fq2
    public typealias ScalarField = Fr

    /// b′ = 3/(9 + u) = (19485874751759354771024239261021720505790618469301721065564631296452457478373,
    ///                   266929791119991161246907387137283842545076965332900288569378510910307636690).
    @inlinable
    public static var b: Fq2 {
        Fq2(
            c0: Fq(
                montgomery: FieldLimbs(
                    0x3bf9_38e3_77b8_02a8, 0x020b_1b27_3633_535d, 0x26b7_edf0_4975_5260, 0x2514_c632_4384_a86d)),
            c1: Fq(
                montgomery: FieldLimbs(
                    0x38e7_eccc_d1dc_ff67, 0x65f0_b37d_93ce_0d3e, 0xd749_d0dd_22ac_00aa, 0x0141_b9ce_4a68_8d4d)))
    }

    /// The generator (EIP-197, arkworks `G2_GENERATOR_X/Y`):
    /// x = 10857046999023057135944570762232829481370756359578518086990519993285655852781
    ///   + 11559732032986387107991004021392285783925812861821192530917403151452391805634·u,
    /// y = 8495653923123431417604973247489272438418190587263600148770280649306958101930
    ///   + 4082367875863433681332203403145435568316851327593401208105741076214120093531·u.
    @inlinable
    public static var generator: Affine<G2Config> {
        Affine(
            uncheckedX: Fq2(
                c0: Fq(
                    montgomery: FieldLimbs(
                        0x8e83_b5d1_02bc_2026, 0xdceb_1935_497b_0172, 0xfbb8_2647_9781_1adf, 0x1957_3841_af96_503b)),
                c1: Fq(
                    montgomery: FieldLimbs(
                        0xafb4_737d_a84c_6140, 0x6043_dd5a_5802_d8c4, 0x09e9_50fc_52a0_2f86, 0x14fe_f083_3aea_7b6b))),
            y: Fq2(
                c0: Fq(
                    montgomery: FieldLimbs(
                        0x619d_fa9d_886b_e9f6, 0xfe7f_d297_f59e_9b78, 0xff9e_1a62_231b_7dfe, 0x28fd_7eeb_ae9e_4206)),
                c1: Fq(
                    montgomery: FieldLimbs(
                        0x6409_5b56_c718_56ee, 0xdc57_f922_327d_3cbb, 0x55f9_35be_3335_1076, 0x0da4_a0e6_93fd_6482))))
    }

    /// Subgroup membership by the endomorphism test of El Housni, Guillevic, Piellard,
    /// "Co-factor clearing and subgroup membership testing on pairing-friendly curves"
    /// (AFRICACRYPT 2022, §4; arkworks uses the same): P ∈ G2 ⇔ ψ(P) = [6u²]P, where ψ is the
    /// untwist–Frobenius–twist endomorphism. About half the cost of checking [r]P = O.
    @inlinable
    public static func isInPrimeOrderSubgroup(_ point: Projective<G2Config>) -> Bool {
        // 6u² = 147946756881789318990833708069417712966
        let sixUSquared: [UInt64] = [0xf83e_9682_e87c_fd46, 0x6f4d_8248_eeb8_59fb]
        return point.multiplied(byLimbs: sixUSquared) == point.psi()
    }

    /// ξ^((p−1)/3) = (21575463638280843010398324269430826099269044274347216827212613867836435027261,
    ///                10307601595873709700152284273816112264069230130616436755625194854815875713954):
    /// the x-scaling of ψ (arkworks `TWIST_MUL_BY_Q_X`).
    @inlinable
    static var psiCoefficientX: Fq2 {
        Fq2(
            c0: Fq(
                montgomery: FieldLimbs(
                    0xb577_3b10_4563_ab30, 0x347f_91c8_a9aa_6454, 0x7a00_7127_242e_0991, 0x1956_bcd8_1182_14ec)),
            c1: Fq(
                montgomery: FieldLimbs(
                    0x6e84_9f1e_a0aa_4757, 0xaa1c_7b6d_89f8_9141, 0xb6e7_13cd_fae0_ca3a, 0x2669_4fbb_4e82_ebc3)))
    }

    /// ξ^((p−1)/2) = (2821565182194536844548159561693502659359617185244120367078079554186484126554,
    ///                3505843767911556378687030309984248845540243509899259641013678093033130930403):
    /// the y-scaling of ψ (arkworks `TWIST_MUL_BY_Q_Y`).
    @inlinable
    static var psiCoefficientY: Fq2 {
        Fq2(
            c0: Fq(
                montgomery: FieldLimbs(
                    0xe4bb_dd0c_2936_b629, 0xbb30_f162_e133_bacb, 0x31a9_d1b6_f964_5366, 0x2535_70be_a500_f8dd)),
            c1: Fq(
                montgomery: FieldLimbs(
                    0xa1d7_7ce4_5ffe_77c7, 0x07af_fd11_7826_d1db, 0x6d16_bd27_bb7e_dc6b, 0x2c87_2002_85de_fecc)))
    }

    /// The cofactor h = 2p − r = 21888242871839275222246405745257275088844257914179612981679871602714643921549.
    public static let cofactorLimbs: [UInt64] = [
        0x345f_2299_c0f9_fa8d, 0x06ce_ecda_572a_2489, 0xb850_45b6_8181_585e, 0x3064_4e72_e131_a029,
    ]
}

/// A G2 point in affine coordinates.
public typealias G2Affine = Affine<G2Config>
/// A G2 point in Jacobian coordinates.
public typealias G2Projective = Projective<G2Config>

// MARK: - Endomorphism and cofactor

extension Projective where Curve == G2Config {
    /// ψ(P) = (x^p·ξ^((p−1)/3), y^p·ξ^((p−1)/2)): twist to E(𝔽ₚ¹²), apply the p-power Frobenius,
    /// untwist. Since Frobenius is a field automorphism it applies to Jacobian coordinates
    /// directly. On G2, ψ acts as multiplication by p (mod r).
    @inlinable
    public func psi() -> Projective {
        Projective(
            x: x.conjugate * G2Config.psiCoefficientX,
            y: y.conjugate * G2Config.psiCoefficientY,
            z: z.conjugate)
    }

    /// `[h]P` with h = 2p − r: maps any point of E′(𝔽ₚ²) into G2 (plain multiplication by the
    /// cofactor; slow but simple).
    public func clearingCofactor() -> Projective { multiplied(byLimbs: G2Config.cofactorLimbs) }
}

extension Affine where Curve == G2Config {
    /// A point (x, y) on the twist with y = √(x³ + b′) (whichever root ``Fq2/squareRoot()``
    /// returns), or `nil` if x³ + b′ is not a square. The result is on the twist but generally
    /// *not* in G2 (probability 1/h); clear the cofactor to map it in.
    public static func twistPoint(x: Fq2) -> Affine? {
        guard let y = (x.squared() * x + G2Config.b).squareRoot() else { return nil }
        return Affine(uncheckedX: x, y: y)
    }
}
