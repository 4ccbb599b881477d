// MARK: - Codeword placement (ISO/IEC 18004:2015 §7.7.3)

extension SymbolBuilder {
    /// Places the final codeword sequence in the encoding region (§7.7.3, Figure 21), in the order of
    /// ``codewordModuleIndices()``, each codeword's most significant bit first. Modules left over after the last
    /// codeword are remainder bits and stay light (§7.6).
    mutating func placeCodewords(_ codewords: [UInt8]) {
        let order = codewordModuleIndices()
        let bitCount = codewords.count * 8
        assert(bitCount <= order.count, "codewords do not fit the encoding region")
        for bitIndex in 0..<bitCount {
            modules[order[bitIndex]] = codewords[bitIndex >> 3] >> (7 - UInt8(bitIndex & 7)) & 1
        }
    }

    /// The module indices (`y * size + x`) of the encoding region in placement order (§7.7.3, Figure 21):
    /// two-module-wide columns from the right edge, alternately upwards and downwards, right module before left,
    /// skipping function modules and stepping over the vertical timing pattern in column 6. The encoder writes
    /// codeword bits in this order and the decoder reads them back in it; the last 0, 3, 4 or 7 entries are
    /// remainder bits.
    func codewordModuleIndices() -> [Int] {
        var order: [Int] = []
        order.reserveCapacity(QRSpec.rawDataModules(version: version))
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }  // column 6 is the vertical timing pattern
            // Column pairs counted from the right: the first (rightmost) goes upwards.
            let upwards = (right + 1) & 2 == 0
            for step in 0..<size {
                let row = (upwards ? size - 1 - step : step) * size
                // The right module of the pair, then the left one.
                if !isFunction[row + right] { order.append(row + right) }
                if !isFunction[row + right - 1] { order.append(row + right - 1) }
            }
            right -= 2
        }
        return order
    }
}
