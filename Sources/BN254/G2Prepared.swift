import Curves
import Fields

// MARK: - Prepared G2 points

/// The line coefficients of one Miller-loop step: with the D-type twist a line evaluated at
/// P = (xₚ, yₚ) is the sparse 𝔽ₚ¹² element `c0·yₚ + (c1·xₚ)·w + c2·vw` (arkworks `EllCoeff`).
public struct LineCoefficients: Sendable, Hashable {
    /// Scaled by yₚ; the constant coefficient.
    public let c0: Fq2
    /// Scaled by xₚ; the coefficient of w.
    public let c1: Fq2
    /// The coefficient of v·w.
    public let c2: Fq2

    @inlinable
    init(_ c0: Fq2, _ c1: Fq2, _ c2: Fq2) {
        self.c0 = c0
        self.c1 = c1
        self.c2 = c2
    }
}

/// A G2 point with every Miller-loop line precomputed (arkworks `G2Prepared`).
///
/// The lines depend only on Q, so a verifier that pairs against fixed G2 points (a Groth16
/// verifying key's β, γ, δ) prepares them once and reuses them; the Miller loop then needs only
/// 𝔽ₚ¹² work plus two 𝔽ₚ² scalings per line.
///
/// The steps follow Costello, Lange, Naehrig, "Faster Pairing Computations on Curves with
/// High-Degree Twists" (PKC 2010) in homogeneous projective coordinates, in the form of
/// Aranha, Barreto, Longa, Ricardini, "The Realm of the Pairings" (SAC 2013) / arkworks
/// `G2HomProjective::{double_in_place, add_in_place}`.
public struct G2Prepared: Sendable, Hashable {
    /// One entry per doubling step, per addition step and for the two final additions.
    public let lines: [LineCoefficients]
    /// `true` when prepared from the point at infinity (it contributes 1 to any pairing).
    public let isInfinity: Bool

    /// Precomputes the lines of the optimal ate Miller loop for Q.
    public init(_ q: G2Affine) {
        guard !q.isInfinity else {
            lines = []
            isInfinity = true
            return
        }
        var lines = [LineCoefficients]()
        lines.reserveCapacity(BNParameters.ateLoopCountNAF.count + 24)
        var t = HomogeneousPoint(x: q.x, y: q.y, z: .one)
        let negativeQ = -q
        for digit in BNParameters.ateLoopCountNAF.dropFirst() {
            lines.append(t.double())
            if digit == 1 {
                lines.append(t.add(q))
            } else if digit == -1 {
                lines.append(t.add(negativeQ))
            }
        }
        // Final two lines of the optimal ate pairing (Vercauteren 2010): T + π(Q) and
        // T + π(Q) − π²(Q), where π is the p-power Frobenius ψ on the twist.
        let q1 = G2Prepared.frobenius(q)
        let q2 = -G2Prepared.frobenius(q1)
        lines.append(t.add(q1))
        lines.append(t.add(q2))
        self.lines = lines
        self.isInfinity = false
    }

    /// ψ on an affine twist point (see ``Projective/psi()``).
    static func frobenius(_ q: G2Affine) -> G2Affine {
        G2Affine(uncheckedX: q.x.conjugate * G2Config.psiCoefficientX, y: q.y.conjugate * G2Config.psiCoefficientY)
    }
}

// MARK: - Homogeneous projective steps

/// A twist point in homogeneous projective coordinates (X/Z, Y/Z), used only while preparing.
struct HomogeneousPoint {
    var x: Fq2
    var y: Fq2
    var z: Fq2

    /// 3·b′ = (14681138511599513868579906292550611339979233093309515871315818100066920017953,
    ///         800789373359973483740722161411851527635230895998700865708135532730922910070).
    static var threeB: Fq2 {
        Fq2(
            c0: Fq(
                montgomery: FieldLimbs(
                    0x3baa_927c_b62e_0d6a, 0xd71e_7c52_d1b6_64fd, 0x0387_3e63_d95d_4664, 0x0e75_b5b1_082a_b8f4)),
            c1: Fq(
                montgomery: FieldLimbs(
                    0xaab7_c666_7596_fe35, 0x31d2_1a78_bb6a_27ba, 0x85dd_7297_6804_01ff, 0x03c5_2d6a_df39_a7e9)))
    }

    /// 1/2 in 𝔽ₚ = (p + 1)/2 = 10944121435919637611123202872628637544348155578648911831344518947322613104292.
    static var twoInverse: Fq {
        Fq(
            montgomery: FieldLimbs(
                0x87be_e7d2_4f06_0572, 0xd0fd_2add_2f1c_6ae5, 0x8f5f_7492_fcfd_4f44, 0x1f37_631a_3d9c_bfac))
    }

    /// T ← 2T, returning the tangent line at T (CLN 2010 §4, D-type twist).
    mutating func double() -> LineCoefficients {
        let half = HomogeneousPoint.twoInverse
        let a = (x * y).scaled(by: half)
        let b = y.squared()
        let c = z.squared()
        let e = HomogeneousPoint.threeB * c
        let f = e.doubled() + e
        let g = (b + f).scaled(by: half)
        let h = (y + z).squared() - (b + c)
        let i = e - b
        let j = x.squared()
        let eSquared = e.squared()
        x = a * (b - f)
        y = g.squared() - (eSquared.doubled() + eSquared)
        z = b * h
        return LineCoefficients(-h, j.doubled() + j, i)
    }

    /// T ← T + Q, returning the line through T and Q (CLN 2010 §4, D-type twist).
    mutating func add(_ q: G2Affine) -> LineCoefficients {
        let theta = y - q.y * z
        let lambda = x - q.x * z
        let c = theta.squared()
        let d = lambda.squared()
        let e = lambda * d
        let f = z * c
        let g = x * d
        let h = e + f - g.doubled()
        x = lambda * h
        y = theta * (g - h) - e * y
        z = z * e
        let j = theta * q.x - lambda * q.y
        return LineCoefficients(lambda, -theta, j)
    }
}
