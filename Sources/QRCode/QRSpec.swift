// MARK: - Symbol geometry and capacity (ISO/IEC 18004:2015 §5.3, §6.3, §7.4, §7.5)

/// Constants and tables of the QR code Model 2 specification. A namespace: no instances.
enum QRSpec {
    /// Smallest symbol version (§5.3.1).
    static let minimumVersion = 1
    /// Largest symbol version (§5.3.1).
    static let maximumVersion = 40
    /// All symbol versions (§5.3.1).
    static let versions = minimumVersion...maximumVersion

    /// Modules per side: 21 for version 1, growing by 4 per version up to 177 for version 40 (§5.3.1).
    @inline(__always)
    static func size(ofVersion version: Int) -> Int { 17 + 4 * version }

    // MARK: Alignment patterns

    /// Row/column centre coordinates of the alignment patterns (§6.3.6, Annex E, Table E.1).
    ///
    /// Annex E spaces `version / 7 + 2` coordinates evenly (in even steps) from 6 to `size - 7`,
    /// pushing any irregularity to the gap next to the timing pattern; version 32 is the single
    /// exception to the step formula (step 26, where the formula gives 28). A pattern is placed
    /// at every pair of coordinates except the three that overlap a finder pattern.
    static func alignmentPatternCenters(version: Int) -> [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let last = size(ofVersion: version) - 7
        // Smallest even step that covers `last - 6` in `count - 1` gaps:
        // ceil((4v + 4) / (2(count - 1))) * 2 == (4v + 2count + 1) / (2count - 2) * 2 for these ranges.
        let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var centers = [6]
        centers.reserveCapacity(count)
        for index in stride(from: count - 2, through: 0, by: -1) {
            centers.append(last - index * step)
        }
        return centers
    }

    // MARK: Codeword capacity

    /// Number of modules available for codewords (data + EC + remainder bits) in a version (§7.4.10, Table 1).
    ///
    /// The symbol's (17 + 4v)² modules minus the function patterns:
    /// three finders with separators (3 · 64), both copies of the format information plus the dark
    /// module (2 · 15 + 1), both timing patterns (2 · (size − 16)), the alignment patterns
    /// (25 each, minus 5 each for those crossing a timing pattern) and, from version 7 on, both copies of
    /// the version information (2 · 18). Simplified this is
    /// 16v² + 128v + 64 − (25n² − 10n − 55) − 36·[v ≥ 7] with n = v / 7 + 2 for v ≥ 2.
    static func rawDataModules(version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let n = version / 7 + 2
            result -= (25 * n - 10) * n - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    /// Total codewords of a version: the raw data modules in whole bytes; the 0, 3, 4 or 7 bits
    /// left over are remainder bits (§7.6).
    static func totalCodewords(version: Int) -> Int { rawDataModules(version: version) / 8 }

    /// Error-correction codewords in each block (§7.5.1, Table 9), indexed `[level][version]`.
    /// Index 0 of each row is unused so that the version indexes directly.
    static let ecCodewordsPerBlock: [[UInt8]] = [
        // v: 0   1   2   3   4   5   6   7   8   9  10  11  12  13  14  15  16  17  18  19  20  21  22  23  24  25  26  27  28  29  30  31  32  33  34  35  36  37  38  39  40
        [
            0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28,
            30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],  // L
        [
            0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28,
            28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        ],  // M
        [
            0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28,
            30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],  // Q
        [
            0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30,
            30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],  // H
    ]

    /// Number of error-correction blocks (§7.5.1, Table 9), indexed `[level][version]`.
    /// Index 0 of each row is unused so that the version indexes directly.
    static let errorCorrectionBlocks: [[UInt8]] = [
        // v: 0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40
        [
            0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17,
            18, 19, 19, 20, 21, 22, 24, 25,
        ],  // L
        [
            0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29,
            31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
        ],  // M
        [
            0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38,
            40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
        ],  // Q
        [
            0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45,
            48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
        ],  // H
    ]

    /// Data codewords of a version at a level: total codewords minus all EC codewords (§7.4.10, Table 7).
    static func dataCodewords(version: Int, level: QRErrorCorrection) -> Int {
        totalCodewords(version: version)
            - Int(ecCodewordsPerBlock[level.rawValue][version]) * Int(errorCorrectionBlocks[level.rawValue][version])
    }

    /// Data bits of a version at a level (§7.4.10, Table 7, column "Number of data bits").
    static func dataBits(version: Int, level: QRErrorCorrection) -> Int {
        dataCodewords(version: version, level: level) * 8
    }
}

// MARK: - Error-correction blocks (ISO/IEC 18004:2015 §7.5.1, Table 9, §7.6)

extension QRSpec {
    /// How a version's codewords split into Reed–Solomon blocks at a level, and the order in which the blocks'
    /// codewords are interleaved into the final sequence (§7.6, Figure 20). The encoder interleaves with it and the
    /// decoder de-interleaves with it, so both sides share one reading of Table 9.
    struct BlockLayout: Sendable, Hashable {
        /// Number of blocks (Table 9).
        let blockCount: Int
        /// Error-correction codewords in every block (Table 9).
        let ecCodewordsPerBlock: Int
        /// Blocks with one data codeword fewer; they come first (§7.6).
        let shortBlockCount: Int
        /// Data codewords of a short block.
        let shortBlockDataCodewords: Int

        /// The layout of `version` (1...40) at `level`.
        init(version: Int, level: QRErrorCorrection) {
            blockCount = Int(QRSpec.errorCorrectionBlocks[level.rawValue][version])
            ecCodewordsPerBlock = Int(QRSpec.ecCodewordsPerBlock[level.rawValue][version])
            let total = QRSpec.totalCodewords(version: version)
            // Every block has total / blockCount codewords, the last `total % blockCount` blocks one more.
            shortBlockCount = blockCount - total % blockCount
            shortBlockDataCodewords = total / blockCount - ecCodewordsPerBlock
        }

        /// Data codewords in block `block` (0-based).
        func dataCodewords(inBlock block: Int) -> Int {
            shortBlockDataCodewords + (block < shortBlockCount ? 0 : 1)
        }

        /// Calls `body(block, index)` for each codeword of the final sequence in order, naming the block it belongs
        /// to and its index within that block's codewords (data codewords first, then EC codewords) (§7.6):
        /// the data codewords column by column (the short blocks have no last column), then the EC codewords
        /// likewise.
        func forEachInterleavedCodeword(_ body: (_ block: Int, _ index: Int) throws -> Void) rethrows {
            for column in 0...shortBlockDataCodewords {
                for block in 0..<blockCount where column < dataCodewords(inBlock: block) {
                    try body(block, column)
                }
            }
            for column in 0..<ecCodewordsPerBlock {
                for block in 0..<blockCount {
                    try body(block, dataCodewords(inBlock: block) + column)
                }
            }
        }
    }
}

// MARK: - Data modes (ISO/IEC 18004:2015 §7.4.2, Tables 2 and 3)

extension QRSpec {
    /// The modes that carry characters, with their Table 2 indicators; shared by the encoder's ``QRSegment/Mode``
    /// and the decoder's ``QRDecodedSegment/Mode``.
    enum DataMode: UInt32, Sendable, Hashable, CaseIterable {
        /// Numeric mode, indicator 0001 (§7.4.3).
        case numeric = 0b0001
        /// Alphanumeric mode, indicator 0010 (§7.4.4).
        case alphanumeric = 0b0010
        /// Byte mode, indicator 0100 (§7.4.5).
        case byte = 0b0100
        /// Kanji mode, indicator 1000 (§7.4.6).
        case kanji = 0b1000

        /// Length of the character count indicator (Table 3) by version class: 0 = versions 1–9, 1 = 10–26,
        /// 2 = 27–40.
        func characterCountBits(versionClass: Int) -> Int {
            switch self {
            case .numeric: [10, 12, 14][versionClass]
            case .alphanumeric: [9, 11, 13][versionClass]
            case .byte: [8, 16, 16][versionClass]
            case .kanji: [8, 10, 12][versionClass]
            }
        }
    }

    /// Version class for Table 3: 0 for versions 1–9, 1 for 10–26, 2 for 27–40.
    static func versionClass(of version: Int) -> Int {
        version <= 9 ? 0 : version <= 26 ? 1 : 2
    }
}
