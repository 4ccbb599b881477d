import BN254
import Circuit
import Curves
import Fields

// MARK: - Verifying key

extension Groth16 {
    /// The verifying key: α ∈ G1; β, γ, δ ∈ G2; ICᵢ = (β·uᵢ(τ) + α·vᵢ(τ) + wᵢ(τ))/γ ∈ G1 for the constant one and each
    /// public input (Groth 2016, §3.2; snarkjs `vk_alpha_1`, `vk_beta_2`, `vk_gamma_2`, `vk_delta_2`, `IC`).
    public struct VerifyingKey: Sendable, Hashable {
        /// [α]₁.
        public let alpha1: G1Affine
        /// [β]₂.
        public let beta2: G2Affine
        /// [γ]₂.
        public let gamma2: G2Affine
        /// [δ]₂.
        public let delta2: G2Affine
        /// [ICᵢ]₁ for i = 0 (the constant one) … nPublic.
        public let ic: [G1Affine]

        /// Creates a key after checking every point is on its curve and in the order-r subgroup, and that there is
        /// an IC entry for the constant one.
        /// - Throws: ``Groth16Error`` naming the offending element.
        public init(
            alpha1: G1Affine, beta2: G2Affine, gamma2: G2Affine, delta2: G2Affine,
            ic: [G1Affine]
        ) throws(Groth16Error) {
            try Groth16.checkPoint(alpha1, "vk_alpha_1")
            try Groth16.checkPoint(beta2, "vk_beta_2")
            try Groth16.checkPoint(gamma2, "vk_gamma_2")
            try Groth16.checkPoint(delta2, "vk_delta_2")
            guard !ic.isEmpty else { throw .malformedJSON("verifying key", "IC must have at least one point") }
            for (i, point) in ic.enumerated() { try Groth16.checkPoint(point, "IC[\(i)]") }
            self.init(unchecked: alpha1, beta2, gamma2, delta2, ic)
        }

        init(unchecked alpha1: G1Affine, _ beta2: G2Affine, _ gamma2: G2Affine, _ delta2: G2Affine, _ ic: [G1Affine]) {
            self.alpha1 = alpha1
            self.beta2 = beta2
            self.gamma2 = gamma2
            self.delta2 = delta2
            self.ic = ic
        }

        /// The number of public inputs (snarkjs `nPublic`).
        public var publicInputCount: Int { ic.count - 1 }
    }
}

// MARK: - Proving key

extension Groth16 {
    /// The shape of the circuit a proving key belongs to, and a digest of its constraint matrices.
    public struct CircuitShape: Sendable, Hashable {
        /// Number of constraints.
        public let constraintCount: Int
        /// `1 +` the number of public inputs.
        public let instanceColumnCount: Int
        /// Number of private witnesses.
        public let witnessColumnCount: Int
        /// log₂ of the evaluation-domain size.
        public let domainLog2Size: Int
        /// SHA-256 of the constraint matrices in the canonical encoding of ``Circuit/R1CSMatrices/digest``.
        public let matricesDigest: [UInt8]

        /// The shape of `matrices`, with the domain Groth16 uses for them.
        public init(_ matrices: R1CSMatrices) throws(Groth16Error) {
            let required = matrices.constraintCount + matrices.instanceColumnCount
            guard let domain = Radix2EvaluationDomain(minimumSize: required) else { throw .circuitTooLarge(required) }
            self.init(
                constraintCount: matrices.constraintCount, instanceColumnCount: matrices.instanceColumnCount,
                witnessColumnCount: matrices.witnessColumnCount, domainLog2Size: domain.log2Size,
                matricesDigest: matrices.digest)
        }

        init(
            constraintCount: Int, instanceColumnCount: Int, witnessColumnCount: Int, domainLog2Size: Int,
            matricesDigest: [UInt8]
        ) {
            self.constraintCount = constraintCount
            self.instanceColumnCount = instanceColumnCount
            self.witnessColumnCount = witnessColumnCount
            self.domainLog2Size = domainLog2Size
            self.matricesDigest = matricesDigest
        }

        /// Total number of assignment columns.
        public var columnCount: Int { instanceColumnCount + witnessColumnCount }
    }

    /// The proving key (arkworks `ProvingKey`): the verifying key plus [β]₁, [δ]₁ and the query vectors
    /// [uⱼ(τ)]₁, [vⱼ(τ)]₁, [vⱼ(τ)]₂ for every column, [τⁱ·Z(τ)/δ]₁ for i < n − 1, and
    /// [(β·uⱼ(τ) + α·vⱼ(τ) + wⱼ(τ))/δ]₁ for every private witness.
    public struct ProvingKey: Sendable, Hashable {
        /// The binary format version ``serialized()`` writes (docs/groth16.md, "Proving key format").
        public static let formatVersion: UInt32 = 1

        /// The circuit the key was generated for.
        public let shape: CircuitShape
        /// The verifying key.
        public let verifyingKey: VerifyingKey
        /// [β]₁.
        public let beta1: G1Affine
        /// [δ]₁.
        public let delta1: G1Affine
        /// [uⱼ(τ)]₁ for every column j.
        public let aQuery: [G1Affine]
        /// [vⱼ(τ)]₁ for every column j.
        public let bG1Query: [G1Affine]
        /// [vⱼ(τ)]₂ for every column j.
        public let bG2Query: [G2Affine]
        /// [τⁱ·Z(τ)/δ]₁ for i = 0 … n − 2.
        public let hQuery: [G1Affine]
        /// [(β·uⱼ(τ) + α·vⱼ(τ) + wⱼ(τ))/δ]₁ for every private witness column j.
        public let lQuery: [G1Affine]

        init(
            shape: CircuitShape, verifyingKey: VerifyingKey, beta1: G1Affine, delta1: G1Affine,
            aQuery: [G1Affine], bG1Query: [G1Affine], bG2Query: [G2Affine], hQuery: [G1Affine],
            lQuery: [G1Affine]
        ) throws(Groth16Error) {
            let columns = shape.columnCount
            let domainSize = 1 << shape.domainLog2Size
            guard aQuery.count == columns, bG1Query.count == columns, bG2Query.count == columns else {
                throw .malformedProvingKey("the A/B queries must have one point per column (\(columns))")
            }
            guard hQuery.count == domainSize - 1 else {
                throw .malformedProvingKey("the H query must have \(domainSize - 1) points")
            }
            guard lQuery.count == shape.witnessColumnCount else {
                throw .malformedProvingKey("the L query must have one point per witness (\(shape.witnessColumnCount))")
            }
            guard verifyingKey.ic.count == shape.instanceColumnCount else {
                throw .malformedProvingKey("IC must have one point per instance column (\(shape.instanceColumnCount))")
            }
            self.shape = shape
            self.verifyingKey = verifyingKey
            self.beta1 = beta1
            self.delta1 = delta1
            self.aQuery = aQuery
            self.bG1Query = bG1Query
            self.bG2Query = bG2Query
            self.hQuery = hQuery
            self.lQuery = lQuery
        }

        /// Whether the key was generated for exactly these constraint matrices (shape and digest).
        public func matches(_ matrices: R1CSMatrices) -> Bool {
            (try? CircuitShape(matrices)) == shape
        }
    }
}
