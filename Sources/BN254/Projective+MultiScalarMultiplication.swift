// MARK: - Multi-scalar multiplication

extension Projective {
    /// ∑ [sᵢ]Pᵢ by Pippenger's bucket method (arkworks `VariableBaseMSM::msm`): scalars are cut
    /// into c-bit windows; in each window every point is added (mixed addition) to the bucket of
    /// its digit, and the buckets are combined with a running sum. Cost ≈ (254/c)·(n + 2^c)
    /// additions instead of ~254·n/5 for n separate multiplications.
    ///
    /// Used by provers (Groth16's A, B, C commitments). Variable time.
    ///
    /// - Precondition: `points.count == scalars.count`.
    @inlinable
    public static func multiScalarMultiplication(_ points: [Affine<Curve>], _ scalars: [Fr]) -> Projective {
        precondition(points.count == scalars.count, "multiScalarMultiplication needs one scalar per point")
        let n = points.count
        if n < 8 {
            var sum = Projective.infinity
            for (point, scalar) in zip(points, scalars) { sum += Projective(point) * scalar }
            return sum
        }
        // Window width ≈ log₂(n) − 2 (c = 8 for n = 1024, measured best on x86-64): below the
        // textbook optimum because bucket aggregation needs full, not mixed, additions.
        let c = max(3, min(16, (Int.bitWidth - n.leadingZeroBitCount) - 3))
        let canonical = scalars.map(\.canonical)
        let scalarBits = 254
        let windowCount = (scalarBits + c - 1) / c
        var total = Projective.infinity
        var buckets = [Projective](repeating: .infinity, count: (1 << c) - 1)
        for window in stride(from: windowCount - 1, through: 0, by: -1) {
            for _ in 0..<c { total = total.doubled() }
            for j in buckets.indices { buckets[j] = .infinity }
            let shift = window * c
            for (point, scalar) in zip(points, canonical) where !point.isInfinity {
                let digit = Self.bits(scalar, from: shift, count: c)
                if digit != 0 { buckets[digit - 1] = buckets[digit - 1].adding(mixed: point) }
            }
            // ∑ j·bucket[j] as a sum of suffix sums.
            var running = Projective.infinity
            var windowSum = Projective.infinity
            for j in stride(from: buckets.count - 1, through: 0, by: -1) {
                running = running.adding(buckets[j])
                windowSum = windowSum.adding(running)
            }
            total = total.adding(windowSum)
        }
        return total
    }

    /// `count` bits of `value` starting at bit `start` (count ≤ 16), without allocating.
    @inlinable
    static func bits(_ value: FieldLimbs, from start: Int, count: Int) -> Int {
        @inline(__always) func limb(_ i: Int) -> UInt64 {
            switch i {
            case 0: value.l0
            case 1: value.l1
            case 2: value.l2
            case 3: value.l3
            default: 0
            }
        }
        let index = start >> 6, offset = start & 63
        var word = limb(index) >> UInt64(offset)
        if offset + count > 64 { word |= limb(index + 1) << UInt64(64 - offset) }
        return Int(word & ((1 << UInt64(count)) - 1))
    }
}
