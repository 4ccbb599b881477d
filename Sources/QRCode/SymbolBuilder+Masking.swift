// MARK: - Data masking (ISO/IEC 18004:2015 §7.8)

extension SymbolBuilder {
    /// XORs `mask` onto every module of the encoding region, leaving function patterns alone (§7.8.2).
    /// Applying the same mask twice restores the original.
    mutating func applyMask(_ mask: QRMask) {
        switch mask {
        case .pattern0: applyMask { x, y in (y + x) % 2 == 0 }
        case .pattern1: applyMask { _, y in y % 2 == 0 }
        case .pattern2: applyMask { x, _ in x % 3 == 0 }
        case .pattern3: applyMask { x, y in (y + x) % 3 == 0 }
        case .pattern4: applyMask { x, y in (y / 2 + x / 3) % 2 == 0 }
        case .pattern5: applyMask { x, y in (y * x) % 2 + (y * x) % 3 == 0 }
        case .pattern6: applyMask { x, y in ((y * x) % 2 + (y * x) % 3) % 2 == 0 }
        case .pattern7: applyMask { x, y in ((y + x) % 2 + (y * x) % 3) % 2 == 0 }
        }
    }

    /// One loop per pattern so that the condition is inlined rather than dispatched per module.
    @inline(__always)
    private mutating func applyMask(_ inverts: (_ x: Int, _ y: Int) -> Bool) {
        let size = size
        isFunction.withUnsafeBufferPointer { isFunction in
            modules.withUnsafeMutableBufferPointer { modules in
                for y in 0..<size {
                    let row = y * size
                    for x in 0..<size where !isFunction[row + x] && inverts(x, y) {
                        modules[row + x] ^= 1
                    }
                }
            }
        }
    }

    /// Masks the symbol with `mask` (or, when `mask` is nil, with the pattern of lowest penalty
    /// per §7.8.3, ties going to the lower pattern number) and writes the matching format information.
    /// Returns the mask used.
    mutating func applyBestMask(level: QRErrorCorrection, fixed mask: QRMask?) -> QRMask {
        if let mask {
            applyMask(mask)
            drawFormatBits(QRSpec.formatBits(level: level, mask: mask))
            return mask
        }
        // §7.8.3.1: the masking is applied to the encoding region only, but "the area to be
        // evaluated is the complete symbol", so each candidate is scored with its format information drawn.
        var best = QRMask.pattern0
        var bestPenalty = Int.max
        var scratch = PenaltyScratch(size: size)
        for candidate in QRMask.allCases {
            applyMask(candidate)
            drawFormatBits(QRSpec.formatBits(level: level, mask: candidate))
            let penalty = Self.penalty(of: modules, size: size, scratch: &scratch)
            if penalty < bestPenalty {
                best = candidate
                bestPenalty = penalty
            }
            applyMask(candidate)  // undo
        }
        applyMask(best)
        drawFormatBits(QRSpec.formatBits(level: level, mask: best))
        return best
    }
}
