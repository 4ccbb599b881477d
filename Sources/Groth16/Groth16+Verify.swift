import BN254
import Curves
import Fields

// MARK: - Prepared verifying key

extension Groth16 {
    /// A verifying key with its pairing work done once (arkworks `PreparedVerifyingKey`): e(α, β) ∈ G_T and the
    /// Miller-loop lines of −γ and −δ.
    public struct PreparedVerifyingKey: Sendable {
        /// The key it was prepared from.
        public let verifyingKey: VerifyingKey
        /// e(α, β).
        let alphaBeta: Fq12
        /// Lines of −γ.
        let negativeGamma: G2Prepared
        /// Lines of −δ.
        let negativeDelta: G2Prepared

        /// Precomputes e(α, β) and the lines of −γ and −δ.
        public init(_ key: VerifyingKey) {
            verifyingKey = key
            alphaBeta = Pairing.pairing(key.alpha1, key.beta2)
            negativeGamma = G2Prepared(-key.gamma2)
            negativeDelta = G2Prepared(-key.delta2)
        }
    }
}

extension Groth16.VerifyingKey {
    /// The key with its pairing work precomputed, for repeated verification.
    public func prepared() -> Groth16.PreparedVerifyingKey { Groth16.PreparedVerifyingKey(self) }
}

// MARK: - Verifier

extension Groth16 {
    /// Whether `proof` proves the statement with these public inputs (Groth 2016, §3.2, Vfy):
    ///
    ///     e(A, B) = e(α, β) · e(Σᵢ aᵢ·ICᵢ, γ) · e(C, δ),   a₀ = 1
    ///
    /// checked as one multi-Miller loop e(A, B)·e(IC, −γ)·e(C, −δ) and one final exponentiation compared with the
    /// precomputed e(α, β). The proof's points were checked for curve and subgroup membership when it was created
    /// (``Proof/init(a:b:c:)``); public inputs are field elements, so each has exactly one encoding.
    ///
    /// - Returns: `true` for a valid proof, `false` otherwise.
    /// - Throws: ``Groth16Error/publicInputCount(expected:got:)`` when the number of inputs does not match the key.
    public static func verify(
        _ key: PreparedVerifyingKey, proof: Proof,
        publicInputs: [Fr]
    ) throws(Groth16Error) -> Bool {
        let ic = key.verifyingKey.ic
        guard publicInputs.count == ic.count - 1 else {
            throw .publicInputCount(expected: ic.count - 1, got: publicInputs.count)
        }
        let inputs = Projective.multiScalarMultiplication(Array(ic.dropFirst()), publicInputs).adding(mixed: ic[0])
        let millerLoop = Pairing.multiMillerLoop([
            (proof.a, G2Prepared(proof.b)),
            (inputs.affine, key.negativeGamma),
            (proof.c, key.negativeDelta),
        ])
        return Pairing.finalExponentiation(millerLoop) == key.alphaBeta
    }

    /// ``verify(_:proof:publicInputs:)`` for an unprepared key (prepares it first).
    public static func verify(_ key: VerifyingKey, proof: Proof, publicInputs: [Fr]) throws(Groth16Error) -> Bool {
        try verify(key.prepared(), proof: proof, publicInputs: publicInputs)
    }
}
