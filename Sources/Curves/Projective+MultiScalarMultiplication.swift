import Fields

// MARK: - Multi-scalar multiplication

extension Projective {
    /// Σ [sᵢ]Pᵢ by Pippenger's bucket method with signed digits (Pippenger, "On the evaluation of powers and
    /// monomials", SIAM J. Comput. 1980; Bernstein, Doumen, Lange, Oosterwijk, "Faster batch forgery identification",
    /// INDOCRYPT 2012, §4; arkworks `VariableBaseMSM::msm`). The one MSM of the ZK stack: Groth16's prover and
    /// verifier call it, and `BN254Benchmarks` measures it.
    ///
    /// Each scalar is recoded into signed c-bit digits in (−2^(c−1), 2^(c−1)]; window by window every point is added
    /// to (or, for a negative digit, subtracted from) the bucket of its digit's magnitude, and the buckets are summed
    /// with the running-sum trick (Σ k·Bₖ in 2·2^(c−1) additions). Scalars equal to 0 cost nothing and scalars equal
    /// to 1 cost one addition — Groth16 witnesses are full of bits. Bucket additions are affine-into-Jacobian
    /// (EFD `madd-2007-bl`). Cost ≈ (255/c)·(n + 2^c) additions instead of ~254·n/5 for n separate multiplications.
    ///
    /// Variable time: a Groth16 prover's scalars are secret, but the prover runs on the user's own device; see
    /// docs/groth16.md.
    ///
    /// - Precondition: `points.count == scalars.count`.
    @inlinable
    public static func multiScalarMultiplication(_ points: [Affine<Curve>], _ scalars: [Curve.ScalarField])
        -> Projective
    {
        precondition(points.count == scalars.count, "multiScalarMultiplication needs one scalar per point")
        return multiScalarMultiplication(points, canonicalScalars: scalars.map { $0.canonical })
    }

    /// Σ [sᵢ]Pᵢ for scalars given as canonical 256-bit integers below r.
    ///
    /// - Precondition: `points.count == scalars.count`.
    @inlinable
    public static func multiScalarMultiplication(_ bases: [Affine<Curve>], canonicalScalars scalars: [FieldLimbs])
        -> Projective
    {
        precondition(bases.count == scalars.count, "multiScalarMultiplication needs one scalar per point")
        // Split off the trivial scalars.
        var unitSum = Projective.infinity
        var general = [Int]()
        general.reserveCapacity(bases.count)
        for i in scalars.indices where !bases[i].isInfinity {
            let s = scalars[i]
            if s.isZero { continue }
            if s.l0 == 1 && (s.l1 | s.l2 | s.l3) == 0 {
                unitSum = unitSum.adding(mixed: bases[i])
            } else {
                general.append(i)
            }
        }
        if general.isEmpty { return unitSum }
        if general.count < 4 {
            var sum = unitSum
            for i in general { sum = sum.adding(bases[i].multiplied(byLimbs: scalars[i].array)) }
            return sum
        }
        return unitSum.adding(pippenger(bases, scalars, indices: general))
    }

    /// The window width for n points: about log₂(n)·ln 2 + 2, which balances n·(255/c) bucket additions against
    /// (255/c)·2^c bucket-summing additions (arkworks' `ln_without_floats(n) + 2`).
    @inlinable
    static func msmWindowWidth(for n: Int) -> Int {
        if n < 32 { return 3 }
        let log2 = Int.bitWidth - n.leadingZeroBitCount - 1
        return min(16, log2 * 69 / 100 + 2)
    }

    /// Pippenger over the points `indices`.
    @inlinable
    static func pippenger(_ bases: [Affine<Curve>], _ scalars: [FieldLimbs], indices: [Int]) -> Projective {
        let c = msmWindowWidth(for: indices.count)
        // 255 bits cover r < 2²⁵⁴ plus the carry out of the signed recoding, so the top digit never carries.
        let windowCount = (255 + c - 1) / c
        let digits = signedDigits(indices.map { scalars[$0] }, width: c, windowCount: windowCount)
        let bucketCount = 1 << (c - 1)
        var buckets = [Projective](repeating: .infinity, count: bucketCount)
        var result = Projective.infinity
        for window in stride(from: windowCount - 1, through: 0, by: -1) {
            if window != windowCount - 1 {
                for _ in 0..<c { result = result.doubled() }
            }
            for k in 0..<bucketCount { buckets[k] = .infinity }
            for (position, index) in indices.enumerated() {
                let digit = Int(digits[position * windowCount + window])
                if digit > 0 {
                    buckets[digit - 1] = buckets[digit - 1].adding(mixed: bases[index])
                } else if digit < 0 {
                    buckets[-digit - 1] = buckets[-digit - 1].adding(mixed: -bases[index])
                }
            }
            // Σ (k+1)·buckets[k] = Σ_k (buckets[k] + … + buckets[top]).
            var running = Projective.infinity
            var windowSum = Projective.infinity
            for k in stride(from: bucketCount - 1, through: 0, by: -1) {
                running = running.adding(buckets[k])
                windowSum = windowSum.adding(running)
            }
            result = result.adding(windowSum)
        }
        return result
    }

    /// Signed base-2^c digits of each scalar, least significant window first, `windowCount` per scalar:
    /// dⱼ ∈ (−2^(c−1), 2^(c−1)] and Σ dⱼ·2^(cj) = s.
    @inlinable
    static func signedDigits(_ scalars: [FieldLimbs], width c: Int, windowCount: Int) -> [Int32] {
        var digits = [Int32](repeating: 0, count: scalars.count * windowCount)
        let full = Int64(1) << Int64(c)
        let half = full >> 1
        for (position, s) in scalars.enumerated() {
            let limbs = [s.l0, s.l1, s.l2, s.l3, 0]
            var carry: Int64 = 0
            for window in 0..<windowCount {
                let bit = window * c
                let limb = bit >> 6
                let shift = bit & 63
                var raw = limbs[limb] >> UInt64(shift)
                if shift + c > 64 && limb + 1 < limbs.count { raw |= limbs[limb + 1] << UInt64(64 - shift) }
                var d = Int64(raw & UInt64(full - 1)) + carry
                if d > half {
                    d -= full
                    carry = 1
                } else {
                    carry = 0
                }
                digits[position * windowCount + window] = Int32(d)
            }
            assert(carry == 0, "the top window must absorb the recoding carry")
        }
        return digits
    }
}
