import BN254
import Circuit
import Curves
import Fields

// MARK: - Setup

extension Groth16 {
    /// Generates a proving key (which contains the verifying key) for the constraint matrices.
    ///
    /// **Unsafe for real funds.** This is a single-party trusted setup: the toxic waste τ, α, β, γ, δ is drawn from
    /// `generator` (the system CSPRNG by default) and dropped when the function returns, but whoever ran it could
    /// have kept it, and anyone holding it can forge proofs of false statements. Use it for tests and for keys that
    /// protect only the funds of the party that runs it; keys that protect other people's funds need a multi-party
    /// ceremony (Bowe, Gabizon, Miers, "Scalable Multi-party Computation for zk-SNARK Parameters", 2017).
    ///
    /// Follows Groth 2016, §3.2 with arkworks' `generate_parameters` layout: Lagrange-basis QAP evaluation at τ
    /// (``Radix2EvaluationDomain/lagrangeCoefficients(at:)``), the instance-constraint rows, and fixed-base
    /// multiplication tables for G1 and G2.
    ///
    /// - Throws: ``Groth16Error/circuitTooLarge(_:)`` if the domain would exceed 2²⁸ points.
    public static func unsafeSinglePartySetup<R: RandomNumberGenerator>(
        for matrices: R1CSMatrices, using generator: inout R
    ) throws(Groth16Error) -> ProvingKey {
        let shape = try CircuitShape(matrices)
        let domain = Radix2EvaluationDomain(minimumSize: 1 << shape.domainLog2Size)!

        // Toxic waste. Zero would make a key useless (γ, δ must be invertible; τ outside H keeps L_i(τ) generic).
        var tau = nonzeroRandom(using: &generator)
        while domain.evaluateVanishingPolynomial(at: tau).isZero { tau = nonzeroRandom(using: &generator) }
        var alpha = nonzeroRandom(using: &generator)
        var beta = nonzeroRandom(using: &generator)
        var gamma = nonzeroRandom(using: &generator)
        var delta = nonzeroRandom(using: &generator)
        defer {
            // Best-effort erasure of the waste: the values leave scope here, and these are the last references.
            tau = .zero
            alpha = .zero
            beta = .zero
            gamma = .zero
            delta = .zero
        }

        // QAP polynomials at τ.
        let qap = QAP.evaluate(matrices, domain: domain, at: tau)
        let gammaInverse = gamma.inverse()!
        let deltaInverse = delta.inverse()!
        let instanceColumns = matrices.instanceColumnCount
        var icScalars = [Fr]()
        icScalars.reserveCapacity(instanceColumns)
        var lScalars = [Fr]()
        lScalars.reserveCapacity(matrices.witnessColumnCount)
        for j in 0..<matrices.columnCount {
            let combined = beta * qap.u[j] + alpha * qap.v[j] + qap.w[j]
            if j < instanceColumns {
                icScalars.append(combined * gammaInverse)
            } else {
                lScalars.append(combined * deltaInverse)
            }
        }
        // τⁱ·Z(τ)/δ for i = 0 … n − 2 (h has degree at most n − 2).
        var hScalars = [Fr]()
        hScalars.reserveCapacity(domain.size - 1)
        var power = domain.evaluateVanishingPolynomial(at: tau) * deltaInverse
        for _ in 0..<(domain.size - 1) {
            hScalars.append(power)
            power *= tau
        }

        let g1Count = 3 + icScalars.count + 2 * matrices.columnCount + hScalars.count + lScalars.count
        let g2Count = 3 + matrices.columnCount
        let g1 = FixedBaseTable(
            base: G1Affine.generator,
            windowWidth: FixedBaseTable<G1Config>.windowWidth(forScalarCount: g1Count))
        let g2 = FixedBaseTable(
            base: G2Affine.generator,
            windowWidth: FixedBaseTable<G2Config>.windowWidth(forScalarCount: g2Count))
        let g1Points = g1.multiplyAll([alpha, beta, delta])
        let g2Points = g2.multiplyAll([beta, gamma, delta])
        let verifyingKey = VerifyingKey(
            unchecked: g1Points[0], g2Points[0], g2Points[1], g2Points[2],
            g1.multiplyAll(icScalars))
        return try ProvingKey(
            shape: shape, verifyingKey: verifyingKey, beta1: g1Points[1], delta1: g1Points[2],
            aQuery: g1.multiplyAll(qap.u), bG1Query: g1.multiplyAll(qap.v), bG2Query: g2.multiplyAll(qap.v),
            hQuery: g1.multiplyAll(hScalars), lQuery: g1.multiplyAll(lScalars))
    }

    /// ``unsafeSinglePartySetup(for:using:)`` with the system CSPRNG (`SystemRandomNumberGenerator`).
    ///
    /// **Unsafe for real funds** — see ``unsafeSinglePartySetup(for:using:)``.
    public static func unsafeSinglePartySetup(for matrices: R1CSMatrices) throws(Groth16Error) -> ProvingKey {
        var generator = SystemRandomNumberGenerator()
        return try unsafeSinglePartySetup(for: matrices, using: &generator)
    }

    static func nonzeroRandom<R: RandomNumberGenerator>(using generator: inout R) -> Fr {
        while true {
            let x = Fr.random(using: &generator)
            if !x.isZero { return x }
        }
    }
}

// MARK: - R1CS → QAP

/// The quadratic arithmetic program of an R1CS (Gennaro, Gentry, Parno, Raykova, EUROCRYPT 2013, §3; arkworks
/// `LibsnarkReduction`): row i of the matrices is the point ωⁱ of the domain, and rows m … m + ℓ (m constraints,
/// ℓ + 1 instance columns) hold the extra constraints `instanceⱼ · 0 = 0` that put each public input into A.
enum QAP {
    /// uⱼ(τ), vⱼ(τ), wⱼ(τ) for every column j.
    struct Evaluation {
        var u: [Fr]
        var v: [Fr]
        var w: [Fr]
    }

    /// The column polynomials at τ: uⱼ(τ) = Σᵢ Aᵢⱼ·Lᵢ(τ) (+ L_{m+j}(τ) for instance columns), likewise v, w.
    static func evaluate(_ matrices: R1CSMatrices, domain: Radix2EvaluationDomain, at tau: Fr) -> Evaluation {
        let lagrange = domain.lagrangeCoefficients(at: tau)
        let columns = matrices.columnCount
        var result = Evaluation(
            u: .init(repeating: .zero, count: columns), v: .init(repeating: .zero, count: columns),
            w: .init(repeating: .zero, count: columns))
        for (i, l) in lagrange.prefix(matrices.constraintCount).enumerated() {
            for entry in matrices.a[i] { result.u[entry.column] += entry.coefficient * l }
            for entry in matrices.b[i] { result.v[entry.column] += entry.coefficient * l }
            for entry in matrices.c[i] { result.w[entry.column] += entry.coefficient * l }
        }
        for j in 0..<matrices.instanceColumnCount {
            result.u[j] += lagrange[matrices.constraintCount + j]
        }
        return result
    }

    /// The coefficients of h(x) = (A(x)·B(x) − C(x))/Z(x), where A, B, C interpolate ⟨Aᵢ, z⟩, ⟨Bᵢ, z⟩, ⟨Cᵢ, z⟩ on
    /// the domain (with the instance rows). Computed on the coset g·H, where Z is the nonzero constant gⁿ − 1:
    /// three inverse FFTs, three coset FFTs, a pointwise quotient and one inverse coset FFT. Returns n − 1
    /// coefficients (h has degree ≤ n − 2 when the assignment satisfies the constraints).
    ///
    /// - Throws: ``Groth16Error/unsatisfied(row:)`` when some ⟨Aᵢ, z⟩·⟨Bᵢ, z⟩ ≠ ⟨Cᵢ, z⟩ (checked on the way, one
    ///   product per row): such an assignment has no quotient and could only yield a proof that fails to verify.
    static func quotientCoefficients(
        _ matrices: R1CSMatrices, domain: Radix2EvaluationDomain,
        assignment z: [Fr]
    ) throws(Groth16Error) -> [Fr] {
        let n = domain.size
        var a = [Fr](repeating: .zero, count: n)
        var b = [Fr](repeating: .zero, count: n)
        var c = [Fr](repeating: .zero, count: n)
        var unsatisfiedRow: Int?
        z.withUnsafeBufferPointer { z in
            func dot(_ row: [R1CSMatrices.Entry]) -> Fr {
                var sum = Fr.zero
                for entry in row {
                    let value = z[entry.column]
                    sum += entry.coefficient == .one ? value : entry.coefficient * value
                }
                return sum
            }
            for i in 0..<matrices.constraintCount {
                a[i] = dot(matrices.a[i])
                b[i] = dot(matrices.b[i])
                c[i] = dot(matrices.c[i])
                if a[i] * b[i] != c[i] && unsatisfiedRow == nil { unsatisfiedRow = i }
            }
        }
        if let unsatisfiedRow { throw .unsatisfied(row: unsatisfiedRow) }
        for j in 0..<matrices.instanceColumnCount { a[matrices.constraintCount + j] = z[j] }

        domain.ifft(&a)
        domain.ifft(&b)
        domain.ifft(&c)
        domain.cosetFFT(&a)
        domain.cosetFFT(&b)
        domain.cosetFFT(&c)
        let zInverse = domain.vanishingOnCoset.inverse()!
        a.withUnsafeMutableBufferPointer { a in
            for i in 0..<n { a[i] = (a[i] * b[i] - c[i]) * zInverse }
        }
        domain.cosetIFFT(&a)
        a.removeLast()
        return a
    }
}
