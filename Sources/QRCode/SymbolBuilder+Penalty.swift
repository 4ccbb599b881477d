// MARK: - Mask evaluation (ISO/IEC 18004:2015 §7.8.3.1, Table 11)

/// Reusable run-length buffer for ``SymbolBuilder/penalty(of:size:scratch:)``.
struct PenaltyScratch {
    /// One run per module plus the two light borders.
    var runs: [Int]

    init(size: Int) { runs = [Int](repeating: 0, count: size + 3) }
}

extension SymbolBuilder {
    /// N1 of Table 11: a run of 5 + i same-coloured modules in a row or column scores 3 + i.
    static let penaltyN1 = 3
    /// N2 of Table 11: each 2 × 2 block of one colour scores 3 (an m × n block scores 3(m − 1)(n − 1)).
    static let penaltyN2 = 3
    /// N3 of Table 11: each finder-like 1:1:3:1:1 pattern with 4 light modules beside it scores 40.
    static let penaltyN3 = 40
    /// N4 of Table 11: 10 for each full 5 % step the dark proportion strays from 50 %.
    static let penaltyN4 = 10

    /// The penalty score of a complete symbol (Table 11), lower being better.
    ///
    /// Table 11 leaves three details open; this follows the reading of the widely used reference
    /// encoder by Project Nayuki, so that mask choices agree with it:
    /// - The area outside the symbol counts as light (it is the quiet zone, §6.3.8).
    /// - A 1:1:3:1:1 pattern of any module width n counts when a light run of at least 4n lies on
    ///   one side (and at least n on the other); with 4n on both sides it counts twice.
    /// - The dark-proportion score is 10k for the smallest k with (45 − 5k) % ≤ dark ≤ (55 + 5k) %.
    static func penalty(of modules: [UInt8], size: Int, scratch: inout PenaltyScratch) -> Int {
        var total = 0
        modules.withUnsafeBufferPointer { grid in
            scratch.runs.withUnsafeMutableBufferPointer { runs in
                for y in 0..<size {
                    total += linePenalty(grid, start: y * size, stride: 1, count: size, runs: runs)
                }
                for x in 0..<size {
                    total += linePenalty(grid, start: x, stride: size, count: size, runs: runs)
                }

                // N2: 2 × 2 blocks of one colour, overlapping blocks counted separately.
                var blocks = 0
                var dark = 0
                for y in 0..<size - 1 {
                    var index = y * size
                    for _ in 0..<size - 1 {
                        let colour = grid[index]
                        if colour == grid[index + 1] && colour == grid[index + size] && colour == grid[index + size + 1] {
                            blocks += 1
                        }
                        index += 1
                    }
                }
                total += blocks * penaltyN2

                // N4: proportion of dark modules.
                for module in grid { dark += Int(module) }
                let all = size * size
                // Smallest k ≥ 0 with |dark/all − 1/2| ≤ (5 + 5k) / 100, i.e. ceil(|20·dark − 10·all| / all) − 1.
                let k = (abs(dark * 20 - all * 10) + all - 1) / all - 1
                total += max(k, 0) * penaltyN4
            }
        }
        return total
    }

    /// N1 and N3 for one row or column of `count` modules starting at `start`, `stride` apart.
    @inline(__always)
    private static func linePenalty(
        _ grid: UnsafeBufferPointer<UInt8>,
        start: Int,
        stride: Int,
        count: Int,
        runs: UnsafeMutableBufferPointer<Int>
    ) -> Int {
        // Run lengths alternate light (even indices) and dark (odd indices). The light border
        // outside the symbol is folded into the first and last light runs with length `count`,
        // which exceeds 4n for any 1:1:3:1:1 pattern that fits in the line.
        var penalty = 0
        var runCount = 0
        var colour: UInt8 = 0
        var length = 0
        var index = start
        for _ in 0..<count {
            let module = grid[index]
            index += stride
            if module == colour {
                length += 1
                continue
            }
            if length >= 5 { penalty += penaltyN1 + length - 5 }
            runs[runCount] = runCount == 0 ? length + count : length
            runCount += 1
            colour = module
            length = 1
        }
        if length >= 5 { penalty += penaltyN1 + length - 5 }
        if colour == 0 {
            runs[runCount] = length + count + (runCount == 0 ? count : 0)
            runCount += 1
        } else {
            runs[runCount] = length
            runs[runCount + 1] = count
            runCount += 2
        }

        // N3: light, dark n, light n, dark 3n, light n, dark n, light — scored once for each side
        // whose light run is at least 4n while the other is at least n.
        var patterns = 0
        var t = 6
        while t < runCount {
            let n = runs[t - 1]
            if runs[t - 2] == n && runs[t - 3] == 3 * n && runs[t - 4] == n && runs[t - 5] == n {
                if runs[t] >= 4 * n && runs[t - 6] >= n { patterns += 1 }
                if runs[t - 6] >= 4 * n && runs[t] >= n { patterns += 1 }
            }
            t += 2
        }
        return penalty + patterns * penaltyN3
    }
}
