// MARK: - Data masking (ISO/IEC 18004:2015 §7.8)

extension QRMask {
    /// Every Table 10 condition depends only on (y mod 12, x mod 6): the conditions combine
    /// i mod 2, i mod 3 and (i div 2) mod 2 — periods 2, 3 and 4 in the row, lcm 12 — with
    /// j mod 2, j mod 3 and (j div 3) mod 2 — periods 2, 3 and 6 in the column, lcm 6.
    static let rowPeriod = 12
    static let columnPeriod = 6

    /// For each mask, 12 × 6 bytes: 1 where the mask inverts the module at (x mod 6, y mod 12).
    static let periodicTable: [UInt8] = allCases.flatMap { mask in
        (0..<rowPeriod).flatMap { y in (0..<columnPeriod).map { x in mask.inverts(x: x, y: y) ? 1 : 0 } }
    }
}

extension SymbolBuilder {
    /// Masks the encoding region with `mask` — or, when `mask` is nil, with the pattern of lowest
    /// penalty per §7.8.3 (ties go to the lower pattern number) — and writes the matching format
    /// information. Returns the mask used.
    mutating func applyBestMask(level: QRErrorCorrection, fixed mask: QRMask?) -> QRMask {
        let count = size * size
        // 1 for modules of the encoding region, 0 for function patterns, which masking skips (§7.8.2).
        let encodingRegion = isFunction.map { $0 ? UInt8(0) : 1 }
        let formatIndices = formatModuleIndices()
        if let mask {
            var masked = [UInt8](repeating: 0, count: count)
            render(mask, level: level, encodingRegion: encodingRegion, formatIndices: formatIndices, into: &masked)
            modules = masked
            return mask
        }
        // §7.8.3.1: the masking is applied to the encoding region only, but "the area to be
        // evaluated is the complete symbol", so each candidate is scored with its format information drawn.
        var best = [UInt8](repeating: 0, count: count)
        var candidate = [UInt8](repeating: 0, count: count)
        var transposed = [UInt8](repeating: 0, count: count)
        var bestMask = QRMask.pattern0
        var bestPenalty = Int.max
        for mask in QRMask.allCases {
            render(mask, level: level, encodingRegion: encodingRegion, formatIndices: formatIndices, into: &candidate)
            let penalty = Self.penalty(of: candidate, size: size, transposed: &transposed)
            if penalty < bestPenalty {
                bestPenalty = penalty
                bestMask = mask
                swap(&best, &candidate)
            }
        }
        modules = best
        return bestMask
    }

    /// Writes the symbol masked with `mask`, with that mask's format information, into `output`.
    private func render(
        _ mask: QRMask,
        level: QRErrorCorrection,
        encodingRegion: [UInt8],
        formatIndices: [(Int, Int)],
        into output: inout [UInt8]
    ) {
        let size = size
        let tableOffset = mask.rawValue * QRMask.rowPeriod * QRMask.columnPeriod
        modules.withUnsafeBufferPointer { source in
            encodingRegion.withUnsafeBufferPointer { region in
                QRMask.periodicTable.withUnsafeBufferPointer { table in
                    output.withUnsafeMutableBufferPointer { output in
                        var index = 0
                        for y in 0..<size {
                            let row = tableOffset + (y % QRMask.rowPeriod) * QRMask.columnPeriod
                            var column = 0  // x mod 6, stepped instead of divided
                            for _ in 0..<size {
                                output[index] = source[index] ^ (region[index] & table[row + column])
                                index += 1
                                column = column == QRMask.columnPeriod - 1 ? 0 : column + 1
                            }
                        }
                    }
                }
            }
        }
        let bits = QRSpec.formatBits(level: level, mask: mask)
        for (bit, (first, second)) in formatIndices.enumerated() {
            let value = UInt8(bits >> bit & 1)
            output[first] = value
            output[second] = value
        }
    }
}
