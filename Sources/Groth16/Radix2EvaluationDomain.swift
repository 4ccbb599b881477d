import BN254
import Curves
import Fields

// MARK: - Radix2EvaluationDomain

/// The multiplicative subgroup H = {1, ω, ω², …, ω^(n−1)} of 𝔽ᵣ* for n a power of two, with the radix-2 FFT that
/// moves polynomials between coefficient form and evaluations on H (or on the coset g·H) (arkworks
/// `Radix2EvaluationDomain`; Cooley–Tukey 1965; the QAP evaluation domain of Groth16, EUROCRYPT 2016, §3).
///
/// r − 1 = 2²⁸·t, so n can be at most 2²⁸. The coset offset g is the multiplicative generator 5, which lies outside
/// every proper subgroup of 2-power order, so g·H and H are disjoint and the vanishing polynomial
/// Z(x) = xⁿ − 1 never vanishes on g·H.
public struct Radix2EvaluationDomain: Sendable, Hashable {
    /// log₂ of ``size``.
    public let log2Size: Int
    /// n, the number of points.
    public let size: Int
    /// ω, a primitive n-th root of unity.
    public let generator: Fr
    /// ω⁻¹.
    public let generatorInverse: Fr
    /// n⁻¹ in 𝔽ᵣ.
    public let sizeInverse: Fr
    /// g, the coset offset (the multiplicative generator of 𝔽ᵣ*).
    public let cosetOffset: Fr
    /// g⁻¹.
    public let cosetOffsetInverse: Fr
    /// Z(g·ωⁱ) = gⁿ − 1, the same for every point of the coset.
    public let vanishingOnCoset: Fr

    /// The smallest domain with at least `minimumSize` points, or `nil` when that exceeds 2²⁸.
    public init?(minimumSize: Int) {
        let wanted = max(minimumSize, 1)
        var log2 = 0
        while (1 << log2) < wanted { log2 += 1 }
        guard let omega = Fr.rootOfUnity(log2Size: log2) else { return nil }
        self.log2Size = log2
        self.size = 1 << log2
        self.generator = omega
        self.generatorInverse = omega.inverse()!
        self.sizeInverse = Fr(UInt64(size)).inverse()!
        self.cosetOffset = Fr.multiplicativeGenerator
        self.cosetOffsetInverse = Fr.multiplicativeGenerator.inverse()!
        self.vanishingOnCoset = cosetOffset.pow([UInt64(size)]) - .one
    }

    // MARK: - Polynomial identities

    /// Z(τ) = τⁿ − 1, the polynomial vanishing on H.
    public func evaluateVanishingPolynomial(at tau: Fr) -> Fr {
        tau.pow([UInt64(size)]) - .one
    }

    /// The Lagrange basis of H evaluated at τ: Lᵢ(τ) = Z(τ)·ωⁱ / (n·(τ − ωⁱ)), so that a polynomial with
    /// evaluations eᵢ on H equals Σ eᵢ·Lᵢ (arkworks `evaluate_all_lagrange_coefficients`). One batch inversion.
    public func lagrangeCoefficients(at tau: Fr) -> [Fr] {
        let z = evaluateVanishingPolynomial(at: tau)
        if z.isZero {
            // τ is some ωᵏ (probability n/r for a random τ): the basis is the indicator of k.
            var omegaI = Fr.one
            return (0..<size).map { _ in
                defer { omegaI *= generator }
                return omegaI == tau ? .one : .zero
            }
        }
        var denominators = [Fr]()
        denominators.reserveCapacity(size)
        var omegaI = Fr.one
        for _ in 0..<size {
            denominators.append(tau - omegaI)
            omegaI *= generator
        }
        Fr.batchInvert(&denominators)
        let scale = z * sizeInverse
        var result = [Fr]()
        result.reserveCapacity(size)
        omegaI = .one
        for inverse in denominators {
            result.append(scale * omegaI * inverse)
            omegaI *= generator
        }
        return result
    }

    // MARK: - FFT

    /// Coefficients (padded with zeros to n) → evaluations at ω⁰ … ω^(n−1).
    public func fft(_ values: inout [Fr]) {
        pad(&values)
        Self.transform(&values, root: generator, log2Size: log2Size)
    }

    /// Evaluations at ω⁰ … ω^(n−1) → coefficients.
    public func ifft(_ values: inout [Fr]) {
        pad(&values)
        Self.transform(&values, root: generatorInverse, log2Size: log2Size)
        Self.scale(&values, by: sizeInverse)
    }

    /// Coefficients → evaluations at g·ω⁰ … g·ω^(n−1): scale coefficient i by gⁱ, then FFT.
    public func cosetFFT(_ values: inout [Fr]) {
        pad(&values)
        Self.distributePowers(&values, of: cosetOffset)
        Self.transform(&values, root: generator, log2Size: log2Size)
    }

    /// Evaluations on g·H → coefficients (inverse of ``cosetFFT(_:)``).
    public func cosetIFFT(_ values: inout [Fr]) {
        ifft(&values)
        Self.distributePowers(&values, of: cosetOffsetInverse)
    }

    private func pad(_ values: inout [Fr]) {
        precondition(values.count <= size, "a domain of \(size) points cannot hold \(values.count) values")
        if values.count < size { values.append(contentsOf: repeatElement(.zero, count: size - values.count)) }
    }

    /// `values[i] *= factor` for all i.
    static func scale(_ values: inout [Fr], by factor: Fr) {
        values.withUnsafeMutableBufferPointer { v in
            for i in v.indices { v[i] *= factor }
        }
    }

    /// `values[i] *= xⁱ`.
    static func distributePowers(_ values: inout [Fr], of x: Fr) {
        values.withUnsafeMutableBufferPointer { v in
            var power = Fr.one
            for i in v.indices {
                v[i] *= power
                power *= x
            }
        }
    }

    /// In-place iterative radix-2 Cooley–Tukey DFT with `root` of order 2^log2Size: bit-reversal permutation, then
    /// log₂n butterfly layers with one precomputed twiddle table (rootᵏ for k < n/2).
    static func transform(_ values: inout [Fr], root: Fr, log2Size: Int) {
        let n = values.count
        guard n > 1 else { return }
        var twiddles = [Fr]()
        twiddles.reserveCapacity(n / 2)
        var w = Fr.one
        for _ in 0..<(n / 2) {
            twiddles.append(w)
            w *= root
        }
        values.withUnsafeMutableBufferPointer { v in
            // Bit-reversal permutation.
            for i in 0..<n {
                let j = Int(UInt32(truncatingIfNeeded: i).bitReversed >> UInt32(32 - log2Size))
                if i < j { v.swapAt(i, j) }
            }
            twiddles.withUnsafeBufferPointer { t in
                var half = 1
                while half < n {
                    let stride = n / (2 * half)  // twiddle step for this layer: root^(n/(2·half))
                    var start = 0
                    while start < n {
                        var k = 0
                        for j in start..<(start + half) {
                            let odd = v[j + half] * t[k]
                            let even = v[j]
                            v[j] = even + odd
                            v[j + half] = even - odd
                            k += stride
                        }
                        start += 2 * half
                    }
                    half *= 2
                }
            }
        }
    }
}

extension UInt32 {
    /// The bits in reverse order (bit 0 ↔ bit 31).
    @inline(__always)
    var bitReversed: UInt32 {
        var x = self
        x = ((x >> 1) & 0x5555_5555) | ((x & 0x5555_5555) << 1)
        x = ((x >> 2) & 0x3333_3333) | ((x & 0x3333_3333) << 2)
        x = ((x >> 4) & 0x0F0F_0F0F) | ((x & 0x0F0F_0F0F) << 4)
        x = ((x >> 8) & 0x00FF_00FF) | ((x & 0x00FF_00FF) << 8)
        return (x >> 16) | (x << 16)
    }
}
