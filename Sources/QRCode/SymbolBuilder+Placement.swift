// MARK: - Codeword placement (ISO/IEC 18004:2015 §7.7.3)

extension SymbolBuilder {
    /// Places the final codeword sequence in the encoding region (§7.7.3, Figure 21): two-module-wide
    /// columns from the right edge, alternately upwards and downwards, skipping function modules and
    /// stepping over the vertical timing pattern in column 6. Each codeword's most significant bit
    /// comes first. Modules left over after the last codeword are remainder bits and stay light (§7.6).
    mutating func placeCodewords(_ codewords: [UInt8]) {
        let bitCount = codewords.count * 8
        var bitIndex = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }  // column 6 is the vertical timing pattern
            // Column pairs counted from the right: the first (rightmost) goes upwards.
            let upwards = (right + 1) & 2 == 0
            for step in 0..<size {
                let y = upwards ? size - 1 - step : step
                for x in stride(from: right, through: right - 1, by: -1) where !isFunction[y * size + x] {
                    guard bitIndex < bitCount else { continue }
                    let byte = codewords[bitIndex >> 3]
                    modules[y * size + x] = byte >> (7 - UInt8(bitIndex & 7)) & 1
                    bitIndex += 1
                }
            }
            right -= 2
        }
        assert(bitIndex == bitCount, "codewords did not fill the encoding region")
    }
}
