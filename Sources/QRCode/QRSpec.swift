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
