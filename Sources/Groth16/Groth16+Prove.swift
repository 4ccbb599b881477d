import BN254
import Circuit
import Curves
import Fields

#if !hasFeature(Embedded)
    import Dispatch
#endif

// MARK: - Prover

extension Groth16 {
    /// Proves that `assignment` satisfies the constraint matrices, revealing only its public part
    /// (Groth 2016, §3.2, Prove):
    ///
    ///     A = α + Σⱼ zⱼ·uⱼ(τ) + r·δ                      (G1)
    ///     B = β + Σⱼ zⱼ·vⱼ(τ) + s·δ                      (G2, and in G1 for C)
    ///     C = Σ_private zⱼ·Lⱼ + Σᵢ hᵢ·Hᵢ + s·A + r·B₁ − r·s·δ   (G1)
    ///
    /// with fresh uniformly random r, s from `generator` for every proof (so proofs of the same statement are
    /// unlinkable), h the QAP quotient (``QAP``), and every Σ a Pippenger multi-scalar multiplication
    /// (BN254's `Projective.multiScalarMultiplication`); the five MSMs run concurrently on the available cores
    /// (`DispatchQueue.concurrentPerform`).
    ///
    /// - Parameters:
    ///   - key: a proving key generated for these matrices.
    ///   - matrices: the constraint system (``Circuit/ConstraintSystem/matrices()``).
    ///   - assignment: z = (1, public inputs…, witnesses…) (``Circuit/ConstraintSystem/fullAssignment()``).
    /// - Throws: ``Groth16Error/keyCircuitMismatch(_:)`` when the key's shape differs from the matrices',
    ///   ``Groth16Error/malformedAssignment(_:)`` for a wrong-length vector, ``Groth16Error/unsatisfied(row:)``
    ///   when a constraint fails.
    public static func prove<R: RandomNumberGenerator>(
        _ key: ProvingKey, matrices: R1CSMatrices, assignment: [Fr], using generator: inout R
    ) throws(Groth16Error) -> Proof {
        let shape = key.shape
        guard shape.constraintCount == matrices.constraintCount,
            shape.instanceColumnCount == matrices.instanceColumnCount,
            shape.witnessColumnCount == matrices.witnessColumnCount
        else {
            throw .keyCircuitMismatch(
                "key: \(shape.constraintCount) constraints, \(shape.instanceColumnCount - 1) public inputs, "
                    + "\(shape.witnessColumnCount) witnesses; circuit: \(matrices.constraintCount), "
                    + "\(matrices.instanceColumnCount - 1), \(matrices.witnessColumnCount)")
        }
        guard assignment.count == shape.columnCount else {
            throw .malformedAssignment("expected \(shape.columnCount) values, got \(assignment.count)")
        }
        guard assignment[0] == .one else { throw .malformedAssignment("the first entry must be the constant 1") }

        let domain = Radix2EvaluationDomain(minimumSize: 1 << shape.domainLog2Size)!
        let h = try QAP.quotientCoefficients(matrices, domain: domain, assignment: assignment)

        let r = Fr.random(using: &generator)
        let s = Fr.random(using: &generator)
        let z = assignment.map { $0.canonical }
        let witness = Array(z[shape.instanceColumnCount...])

        let hScalars = h.map { $0.canonical }

        // The five MSMs are independent: run them on the available cores, largest (G2) first (one after another in
        // the Embedded build: WebAssembly has one thread here).
        var g1Sums = [G1Projective](repeating: .infinity, count: 4)
        var b2Sum = G2Projective.infinity
        #if hasFeature(Embedded)
            b2Sum = Projective.multiScalarMultiplication(key.bG2Query, canonicalScalars: z)
            g1Sums[0] = Projective.multiScalarMultiplication(key.hQuery, canonicalScalars: hScalars)
            g1Sums[1] = Projective.multiScalarMultiplication(key.lQuery, canonicalScalars: witness)
            g1Sums[2] = Projective.multiScalarMultiplication(key.aQuery, canonicalScalars: z)
            g1Sums[3] = Projective.multiScalarMultiplication(key.bG1Query, canonicalScalars: z)
        #else
            g1Sums.withUnsafeMutableBufferPointer { g1Buffer in
                withUnsafeMutablePointer(to: &b2Sum) { g2Pointer in
                    // Each task writes its own slot; the buffers outlive concurrentPerform, which returns when all are done.
                    nonisolated(unsafe) let g1 = g1Buffer
                    nonisolated(unsafe) let g2 = g2Pointer
                    DispatchQueue.concurrentPerform(iterations: 5) { task in
                        switch task {
                        case 0: g2.pointee = Projective.multiScalarMultiplication(key.bG2Query, canonicalScalars: z)
                        case 1: g1[0] = Projective.multiScalarMultiplication(key.hQuery, canonicalScalars: hScalars)
                        case 2: g1[1] = Projective.multiScalarMultiplication(key.lQuery, canonicalScalars: witness)
                        case 3: g1[2] = Projective.multiScalarMultiplication(key.aQuery, canonicalScalars: z)
                        default: g1[3] = Projective.multiScalarMultiplication(key.bG1Query, canonicalScalars: z)
                        }
                    }
                }
            }
        #endif
        let (hSum, lSum, aSum, b1Sum) = (g1Sums[0], g1Sums[1], g1Sums[2], g1Sums[3])

        let delta1 = Projective(key.delta1)
        let a = aSum.adding(mixed: key.verifyingKey.alpha1).adding(delta1 * r)
        let b2 = b2Sum.adding(mixed: key.verifyingKey.beta2).adding(Projective(key.verifyingKey.delta2) * s)
        let b1 = b1Sum.adding(mixed: key.beta1).adding(delta1 * s)
        let c = lSum.adding(hSum).adding(a * s).adding(b1 * r).adding(-(delta1 * (r * s)))

        let g1 = Projective.batchNormalize([a, c])
        return Proof(unchecked: g1[0], b2.affine, g1[1])
    }

    /// ``prove(_:matrices:assignment:using:)`` with r, s from the system CSPRNG.
    public static func prove(_ key: ProvingKey, matrices: R1CSMatrices, assignment: [Fr]) throws(Groth16Error) -> Proof
    {
        var generator = SystemRandomNumberGenerator()
        return try prove(key, matrices: matrices, assignment: assignment, using: &generator)
    }
}
