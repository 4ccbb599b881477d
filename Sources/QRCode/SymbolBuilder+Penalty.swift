// MARK: - Mask evaluation (ISO/IEC 18004:2015 §7.8.3.1, Table 11)

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
    ///
    /// - Parameter transposed: Scratch space of `size * size` bytes, so that columns are scanned
    ///   as contiguous rows.
    static func penalty(of modules: [UInt8], size: Int, transposed: inout [UInt8]) -> Int {
        precondition(modules.count == size * size && transposed.count == size * size)
        return modules.withUnsafeBufferPointer { grid in
            transposed.withUnsafeMutableBufferPointer { columns in
                var total = 0
                var blocks = 0
                var dark = 0
                for y in 0..<size {
                    let row = grid.baseAddress! + y * size
                    total += linePenalty(row, count: size)
                    for x in 0..<size {
                        dark &+= Int(row[x])
                        columns[x * size + y] = row[x]
                    }
                    // N2: 2 × 2 blocks of one colour with this row as the top, overlaps counted separately.
                    if y + 1 < size {
                        let below = row + size
                        for x in 0..<size - 1 {
                            let colour = row[x]
                            if colour == row[x + 1] && colour == below[x] && colour == below[x + 1] { blocks += 1 }
                        }
                    }
                }
                for x in 0..<size {
                    total += linePenalty(UnsafePointer(columns.baseAddress! + x * size), count: size)
                }
                total += blocks * penaltyN2
                // N4: the smallest k ≥ 0 with |dark/all − 1/2| ≤ (5 + 5k) / 100,
                // i.e. ceil(|20·dark − 10·all| / all) − 1.
                let all = size * size
                let k = (abs(dark * 20 - all * 10) + all - 1) / all - 1
                return total + max(k, 0) * penaltyN4
            }
        }
    }

    /// ``penalty(of:size:transposed:)`` with its own scratch space.
    static func penalty(of modules: [UInt8], size: Int) -> Int {
        var transposed = [UInt8](repeating: 0, count: size * size)
        return penalty(of: modules, size: size, transposed: &transposed)
    }

    /// N1 and N3 for one line of `count` modules.
    ///
    /// Scans run by run, keeping the last six run lengths in `h1` (latest) … `h6`. The light area
    /// outside the symbol is folded into the first and last light runs as `count` extra modules,
    /// more than 4n for any 1:1:3:1:1 pattern that fits in the line; N1 counts only real modules.
    @inline(__always)
    private static func linePenalty(_ line: UnsafePointer<UInt8>, count: Int) -> Int {
        var runPenalty = 0
        var patterns = 0
        var h1 = 0
        var h2 = 0
        var h3 = 0
        var h4 = 0
        var h5 = 0
        var h6 = 0
        var colour: UInt8 = 0
        var length = 0
        var border = count  // added to the first run only: the light area before the line

        /// Counts finder-like patterns ending with the light run `r0` just closed.
        @inline(__always) func finderPatterns(_ r0: Int) -> Int {
            let n = h1
            guard n > 0, h2 == n, h3 == 3 * n, h4 == n, h5 == n else { return 0 }
            return (r0 >= 4 * n && h6 >= n ? 1 : 0) + (h6 >= 4 * n && r0 >= n ? 1 : 0)
        }
        @inline(__always) func push(_ run: Int) {
            h6 = h5
            h5 = h4
            h4 = h3
            h3 = h2
            h2 = h1
            h1 = run
        }

        for index in 0..<count {
            let module = line[index]
            if module == colour {
                length += 1
                continue
            }
            if length >= 5 { runPenalty += penaltyN1 + length - 5 }
            let run = length + border
            border = 0
            if colour == 0 { patterns += finderPatterns(run) }
            push(run)
            colour = module
            length = 1
        }
        if length >= 5 { runPenalty += penaltyN1 + length - 5 }
        if colour == 0 {
            patterns += finderPatterns(length + border + count)
        } else {
            push(length)
            patterns += finderPatterns(count)
        }
        return runPenalty + patterns * penaltyN3
    }
}
