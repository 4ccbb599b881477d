// MARK: - Bit stream and codewords (ISO/IEC 18004:2015 §7.4, §7.5, §7.6)

extension QRCode {
    /// Bits the segments need in a symbol of `version`, or `nil` if a character count overflows its
    /// indicator there (§7.4.2, Table 3).
    static func encodedBitCount(of segments: [QRSegment], version: Int) -> Int? {
        var total = 0
        for segment in segments {
            guard let bits = segment.encodedBitCount(version: version) else { return nil }
            total += bits
        }
        return total
    }

    /// The data codewords for `segments` filling a symbol of `version` at `level` exactly
    /// (§7.4.1, §7.4.9, §7.4.10). The caller has checked that the segments fit.
    static func dataCodewords(for segments: [QRSegment], version: Int, level: QRErrorCorrection) -> [UInt8] {
        let capacity = QRSpec.dataBits(version: version, level: level)
        var bits = BitBuffer(minimumCapacity: capacity)
        for segment in segments {
            bits.append(segment.mode.indicator, bitCount: 4)
            bits.append(UInt32(segment.characterCount), bitCount: segment.mode.characterCountBits(version: version))
            bits.append(contentsOf: segment.data)
        }
        precondition(bits.count <= capacity, "segments exceed the symbol capacity")
        // Terminator: four zero bits, or fewer when the symbol is full (§7.4.9).
        bits.append(0, bitCount: min(4, capacity - bits.count))
        // Zero bits up to the next codeword boundary (§7.4.10).
        bits.append(0, bitCount: (8 - bits.count % 8) % 8)
        // Pad codewords 11101100 and 00010001, alternating, until the capacity is reached (§7.4.10).
        var pad: UInt32 = 0b1110_1100
        while bits.count < capacity {
            bits.append(pad, bitCount: 8)
            pad ^= 0b1110_1100 ^ 0b0001_0001
        }
        return bits.bytes
    }

    /// Splits data codewords into the blocks of Table 9, appends each block's Reed–Solomon
    /// codewords and interleaves them into the final sequence (§7.5.2, §7.6, Figure 20).
    ///
    /// Blocks with fewer data codewords come first; the data codewords are interleaved column by
    /// column (skipping the short blocks' missing last column), followed by the EC codewords likewise.
    static func finalCodewords(data: [UInt8], version: Int, level: QRErrorCorrection) -> [UInt8] {
        let layout = QRSpec.BlockLayout(version: version, level: level)
        let total = QRSpec.totalCodewords(version: version)
        precondition(
            data.count == total - layout.blockCount * layout.ecCodewordsPerBlock, "wrong number of data codewords")
        // Each block's data codewords followed by its Reed–Solomon codewords.
        var blocks: [[UInt8]] = []
        blocks.reserveCapacity(layout.blockCount)
        var offset = 0
        for block in 0..<layout.blockCount {
            let range = offset..<offset + layout.dataCodewords(inBlock: block)
            blocks.append(
                Array(data[range]) + ReedSolomon.remainder(of: data[range], ecCount: layout.ecCodewordsPerBlock))
            offset = range.upperBound
        }
        var result = [UInt8]()
        result.reserveCapacity(total)
        layout.forEachInterleavedCodeword { block, index in result.append(blocks[block][index]) }
        assert(result.count == total)
        return result
    }
}
