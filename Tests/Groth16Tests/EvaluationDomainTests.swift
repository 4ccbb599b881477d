import BN254
import Curves
import Fields
import Groth16
import Testing

// MARK: - Radix-2 domain

@Suite struct EvaluationDomainTests {
    /// p(x) by Horner's rule.
    func evaluate(_ coefficients: [Fr], at x: Fr) -> Fr {
        coefficients.reversed().reduce(Fr.zero) { $0 * x + $1 }
    }

    @Test(arguments: [0, 1, 2, 3, 5, 7])
    func fftEvaluatesOnTheSubgroupAndInverts(log2: Int) throws {
        let domain = try #require(Radix2EvaluationDomain(minimumSize: 1 << log2))
        #expect(domain.size == 1 << log2)
        #expect(domain.generator.pow([UInt64(domain.size)]) == .one)
        if log2 > 0 { #expect(domain.generator.pow([UInt64(domain.size / 2)]) == -Fr.one, "ω must be primitive") }
        let coefficients = (0..<domain.size).map { _ in Fr.random() }
        var values = coefficients
        domain.fft(&values)
        var omegaI = Fr.one
        for i in 0..<domain.size {
            #expect(values[i] == evaluate(coefficients, at: omegaI))
            omegaI *= domain.generator
        }
        domain.ifft(&values)
        #expect(values == coefficients)
    }

    @Test func cosetFFTEvaluatesOnTheCosetAndInverts() throws {
        let domain = try #require(Radix2EvaluationDomain(minimumSize: 64))
        let coefficients = (0..<40).map { _ in Fr.random() }  // shorter input is zero-padded
        var values = coefficients
        domain.cosetFFT(&values)
        var point = domain.cosetOffset
        for i in 0..<domain.size {
            #expect(values[i] == evaluate(coefficients, at: point))
            #expect(domain.evaluateVanishingPolynomial(at: point) == domain.vanishingOnCoset)
            point *= domain.generator
        }
        domain.cosetIFFT(&values)
        #expect(values == coefficients + Array(repeating: .zero, count: 24))
    }

    @Test func lagrangeCoefficientsInterpolate() throws {
        let domain = try #require(Radix2EvaluationDomain(minimumSize: 32))
        let coefficients = (0..<domain.size).map { _ in Fr.random() }
        var values = coefficients
        domain.fft(&values)
        for _ in 0..<5 {
            let tau = Fr.random()
            let lagrange = domain.lagrangeCoefficients(at: tau)
            let interpolated = zip(values, lagrange).reduce(Fr.zero) { $0 + $1.0 * $1.1 }
            #expect(interpolated == evaluate(coefficients, at: tau))
        }
        // At a domain point the basis is an indicator vector.
        let atPoint = domain.lagrangeCoefficients(at: domain.generator.pow([5]))
        #expect(atPoint.enumerated().allSatisfy { $0.element == ($0.offset == 5 ? .one : .zero) })
    }

    @Test func sizesRoundUpAndStopAtTheTwoAdicity() {
        #expect(Radix2EvaluationDomain(minimumSize: 957)?.size == 1024)
        #expect(Radix2EvaluationDomain(minimumSize: 1024)?.size == 1024)
        #expect(Radix2EvaluationDomain(minimumSize: 1025)?.size == 2048)
        #expect(Radix2EvaluationDomain(minimumSize: (1 << 28) + 1) == nil)
    }
}
