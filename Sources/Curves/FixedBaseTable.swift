import Fields

// MARK: - Fixed-base multiplication

/// Precomputed multiples of one fixed point for many scalar multiplications by it (the setup's [x]G₁ and [x]G₂):
/// table[w][j] = (j+1)·2^(c·w)·G for every c-bit window w, so [s]G is one mixed addition per nonzero window
/// (Brickell, Gordon, McCurley, Wilson, "Fast exponentiation with precomputation", EUROCRYPT 1992, the simple
/// fixed-window form; arkworks `FixedBase::msm`).
public struct FixedBaseTable<Curve: ShortWeierstrassCurve>: Sendable {
    /// The window width c in bits.
    public let windowWidth: Int
    @usableFromInline let windows: [[Affine<Curve>]]

    /// The width that minimizes table building plus `count` multiplications, (255/c)·(2^c + count) additions:
    /// about log₂(count) − 2, between 2 and 10.
    public static func windowWidth(forScalarCount count: Int) -> Int {
        let log2 = Int.bitWidth - max(count, 1).leadingZeroBitCount - 1
        return max(2, min(10, log2 - 2))
    }

    /// Builds the table for `base`, (⌈255/c⌉)·(2^c − 1) points normalized with one batched inversion.
    public init(base: Affine<Curve>, windowWidth c: Int = 8) {
        precondition((1...16).contains(c), "window width must be 1…16 bits")
        self.windowWidth = c
        let windowCount = (255 + c - 1) / c
        let perWindow = (1 << c) - 1
        var all = [Projective<Curve>]()
        all.reserveCapacity(windowCount * perWindow)
        var windowBase = Projective(base)
        for _ in 0..<windowCount {
            var multiple = windowBase
            for _ in 0..<perWindow {
                all.append(multiple)
                multiple = multiple.adding(windowBase)
            }
            windowBase = multiple  // 2^c · windowBase
        }
        let normalized = Projective.batchNormalize(all)
        windows = (0..<windowCount).map { Array(normalized[($0 * perWindow)..<(($0 + 1) * perWindow)]) }
    }

    /// [s]·base.
    @inlinable
    public func multiply(_ scalar: Curve.ScalarField) -> Projective<Curve> {
        let s = scalar.canonical
        let limbs = [s.l0, s.l1, s.l2, s.l3, 0]
        let c = windowWidth
        let mask = (UInt64(1) << UInt64(c)) - 1
        var result = Projective<Curve>.infinity
        for (w, table) in windows.enumerated() {
            let bit = w * c
            let limb = bit >> 6
            let shift = bit & 63
            guard limb < 4 else { break }
            var raw = limbs[limb] >> UInt64(shift)
            if shift + c > 64 { raw |= limbs[limb + 1] << UInt64(64 - shift) }
            let digit = Int(raw & mask)
            if digit != 0 { result = result.adding(mixed: table[digit - 1]) }
        }
        return result
    }

    /// [sᵢ]·base for every scalar, normalized to affine with one batched inversion.
    @inlinable
    public func multiplyAll(_ scalars: [Curve.ScalarField]) -> [Affine<Curve>] {
        Projective.batchNormalize(scalars.map(multiply))
    }
}
