import Curves
import Fields

// MARK: - Optimal ate pairing

/// The optimal ate pairing e: G1 × G2 → G_T ⊂ 𝔽ₚ¹²* on BN254 (Vercauteren, "Optimal Pairings",
/// IEEE TIT 2010; EIP-197 precompile semantics; arkworks `Bn254::pairing`).
///
/// e(P, Q) = f_{6u+2,Q}(P) · ℓ_{[6u+2]Q, π(Q)}(P) · ℓ_{[6u+2]Q+π(Q), −π²(Q)}(P), raised to
/// (p¹² − 1)/r. The Miller loop walks the NAF of 6u + 2 with precomputed lines
/// (``G2Prepared``); the final exponentiation splits into the easy part (p⁶ − 1)(p² + 1) and the
/// hard part (p⁴ − p² + 1)/r, the latter by the Fuentes-Castañeda–Knapp–Rodríguez-Henríquez
/// chain ("Faster Hashing to G2", SAC 2011) with 3 exponentiations by u, as in arkworks.
///
/// Not constant time: intended for verification of public data.
public enum Pairing {
    /// The Miller loop product ∏ f_{Qᵢ}(Pᵢ) over all pairs, sharing the 𝔽ₚ¹² squarings between
    /// pairs (multi-Miller loop). Pairs with a point at infinity contribute 1.
    public static func multiMillerLoop(_ pairs: [(G1Affine, G2Prepared)]) -> Fq12 {
        let active = pairs.filter { !$0.0.isInfinity && !$0.1.isInfinity }
        var f = Fq12.one
        guard !active.isEmpty else { return f }
        var index = 0
        for (step, digit) in BNParameters.ateLoopCountNAF.dropFirst().enumerated() {
            if step > 0 { f = f.squared() }
            for (p, q) in active { f = evaluate(f, q.lines[index], at: p) }
            index += 1
            if digit != 0 {
                for (p, q) in active { f = evaluate(f, q.lines[index], at: p) }
                index += 1
            }
        }
        for (p, q) in active { f = evaluate(f, q.lines[index], at: p) }
        for (p, q) in active { f = evaluate(f, q.lines[index + 1], at: p) }
        return f
    }

    /// Multiplies f by the line with coefficients `line` evaluated at P.
    @inline(__always)
    static func evaluate(_ f: Fq12, _ line: LineCoefficients, at p: G1Affine) -> Fq12 {
        f.multiplied(by034: line.c0.scaled(by: p.y), line.c1.scaled(by: p.x), line.c2)
    }

    /// Raises a Miller-loop value to (p¹² − 1)/r, mapping it into G_T. Returns zero for a zero
    /// input (which no valid Miller loop produces).
    public static func finalExponentiation(_ f: Fq12) -> Fq12 {
        // Easy part: f^((p⁶ − 1)(p² + 1)) = (conj(f)·f⁻¹)^(p² + 1). Afterwards the value is in
        // the cyclotomic subgroup, where conjugation is inversion.
        guard let fInverse = f.inverse() else { return .zero }
        var r = f.conjugate * fInverse
        r = r.frobenius(2) * r

        // Hard part (Fuentes-Castañeda et al. 2011, arkworks `final_exponentiation`):
        // r^(λ₃p³ + λ₂p² + λ₁p + λ₀) with
        //   λ₃ = 12u³ + 6u² + 4u − 1, λ₂ = 12u³ + 6u² + 6u, λ₁ = 12u³ + 6u² + 4u,
        //   λ₀ = 12u³ + 12u² + 6u + 1,
        // a multiple 2u(6u² + 3u + 1) of (p⁴ − p² + 1)/r, coprime to r, so pairing equality
        // checks are unaffected.
        let y0 = r.cyclotomicPowerByU().conjugate  // r^(−u)
        let y1 = y0.cyclotomicSquared()  // r^(−2u)
        let y2 = y1.cyclotomicSquared()  // r^(−4u)
        var y3 = y2 * y1  // r^(−6u)
        let y4 = y3.cyclotomicPowerByU().conjugate  // r^(6u²)
        let y5 = y4.cyclotomicSquared()  // r^(12u²)
        var y6 = y5.cyclotomicPowerByU().conjugate  // r^(−12u³)
        y3 = y3.conjugate  // r^(6u)
        y6 = y6.conjugate  // r^(12u³)
        let y7 = y6 * y4  // r^(12u³ + 6u²)
        let y8 = y7 * y3  // r^(12u³ + 6u² + 6u)
        let y9 = y8 * y1  // r^(12u³ + 6u² + 4u)
        let y10 = y8 * y4  // r^(12u³ + 12u² + 6u)
        let y11 = y10 * r  // r^λ₀
        let y13 = y9.frobenius(1) * y11  // · r^(λ₁p)
        let y14 = y8.frobenius(2) * y13  // · r^(λ₂p²)
        let y15 = (r.conjugate * y9).frobenius(3)  // r^(λ₃p³)
        return y15 * y14
    }

    /// e(P, Q).
    public static func pairing(_ p: G1Affine, _ q: G2Affine) -> Fq12 {
        finalExponentiation(multiMillerLoop([(p, G2Prepared(q))]))
    }

    /// ∏ e(Pᵢ, Qᵢ) with one shared Miller loop and a single final exponentiation.
    public static func multiPairing(_ pairs: [(G1Affine, G2Prepared)]) -> Fq12 {
        finalExponentiation(multiMillerLoop(pairs))
    }

    /// Whether ∏ e(Pᵢ, Qᵢ) = 1 — the EIP-197 precompile check used by Groth16 verification.
    /// An empty product is 1, so an empty list returns `true` (as the precompile does).
    public static func pairingCheck(_ pairs: [(G1Affine, G2Prepared)]) -> Bool {
        multiPairing(pairs).isOne
    }
}

// MARK: - Free-function conveniences

/// e(P, Q); see ``Pairing/pairing(_:_:)``.
public func pairing(_ p: G1Affine, _ q: G2Affine) -> Fq12 { Pairing.pairing(p, q) }

/// ∏ e(Pᵢ, Qᵢ); see ``Pairing/multiPairing(_:)``.
public func multiPairing(_ pairs: [(G1Affine, G2Prepared)]) -> Fq12 { Pairing.multiPairing(pairs) }

/// Whether ∏ e(Pᵢ, Qᵢ) = 1; see ``Pairing/pairingCheck(_:)``.
public func pairingCheck(_ pairs: [(G1Affine, G2Prepared)]) -> Bool { Pairing.pairingCheck(pairs) }
