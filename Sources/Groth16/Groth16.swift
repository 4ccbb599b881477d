import BN254
import Circuit
import Curves
import Fields

// MARK: - Groth16

/// The Groth16 zk-SNARK over BN254 (Jens Groth, "On the Size of Pairing-based Non-interactive Arguments",
/// EUROCRYPT 2016, §3.2; arkworks `ark-groth16`, snarkjs `groth16`), for rank-1 constraint systems built with
/// ``Circuit/ConstraintSystem``.
///
/// - ``unsafeSinglePartySetup(for:using:)`` turns the constraint matrices into a ``ProvingKey`` and
///   ``VerifyingKey``. **It is a single-party setup: whoever runs it could forge proofs if they kept the toxic
///   waste.** It draws the waste from the CSPRNG and drops it, which is fine for tests and for a user who
///   generates and uses their own key, but not for keys that protect other people's funds — use a multi-party
///   ceremony (e.g. snarkjs' powers of tau + phase 2) for those.
/// - ``prove(_:matrices:assignment:using:)`` produces a ``Proof`` (A, B, C) with fresh blinding r, s.
/// - ``verify(_:proof:publicInputs:)`` checks e(A, B) = e(α, β)·e(Σ aᵢ·ICᵢ, γ)·e(C, δ) with one multi-pairing.
///
/// The R1CS → QAP reduction follows arkworks' `LibsnarkReduction`: constraint i is row i of the evaluation domain,
/// and one extra row per instance column (A = that input, B = C = 0) makes the public inputs' QAP polynomials
/// linearly independent, which the knowledge-soundness proof needs.
///
/// Serialisation: snarkjs JSON (proof.json, public.json, verification_key.json), the EIP-197 byte layout for EVM
/// calls, Solidity calldata and verifier contract, and a versioned binary proving-key format (docs/groth16.md).
public enum Groth16 {}

// MARK: - Proof

extension Groth16 {
    /// A Groth16 proof: A ∈ G1, B ∈ G2, C ∈ G1 (Groth 2016, §3.2). 2 G1 + 1 G2 elements, 256 bytes on the EVM.
    public struct Proof: Sendable, Hashable {
        /// A = α + Σ aᵢuᵢ(τ) + r·δ in G1.
        public let a: G1Affine
        /// B = β + Σ aᵢvᵢ(τ) + s·δ in G2.
        public let b: G2Affine
        /// C = (Σ_private aᵢ(βuᵢ + αvᵢ + wᵢ) + h(τ)Z(τ))/δ + s·A + r·B − r·s·δ in G1.
        public let c: G1Affine

        /// Creates a proof from points that are checked: each must be on its curve and in the order-r subgroup
        /// (a proof element outside the subgroup could make the pairing equation meaningless).
        /// - Throws: ``Groth16Error`` naming the offending element.
        public init(a: G1Affine, b: G2Affine, c: G1Affine) throws(Groth16Error) {
            try Groth16.checkPoint(a, "proof element A")
            try Groth16.checkPoint(b, "proof element B")
            try Groth16.checkPoint(c, "proof element C")
            self.init(unchecked: a, b, c)
        }

        /// Wraps points the prover computed itself (group operations on valid points).
        init(unchecked a: G1Affine, _ b: G2Affine, _ c: G1Affine) {
            self.a = a
            self.b = b
            self.c = c
        }
    }
}

// MARK: - Point validation

extension Groth16 {
    /// Throws unless `point` is on its curve and in the prime-order subgroup.
    static func checkPoint<Curve: ShortWeierstrassCurve>(_ point: Affine<Curve>, _ what: String) throws(Groth16Error) {
        guard point.isOnCurve else {
            throw .invalidPoint(what, "its coordinates do not satisfy the curve equation")
        }
        guard point.isInPrimeOrderSubgroup else {
            throw .invalidPoint(what, "it lies outside the order-r subgroup")
        }
    }
}
