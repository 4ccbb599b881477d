// MARK: - Symbol decoder (ISO/IEC 18004:2015 §12)

/// Decodes a sampled module grid into its data, following the reference decode algorithm of ISO/IEC 18004:2015 §12
/// from step e on (the detector has done the sampling): format information, version information, unmasking, codeword
/// extraction, de-interleaving, Reed–Solomon error correction and bit-stream parsing. A namespace.
///
/// ```swift
/// let symbol = try QRSymbolDecoder.decode(grid)
/// print(symbol.text ?? "binary payload of \(symbol.bytes.count) bytes")
/// ```
///
/// It fails rather than guess: the decoded payload is either the one the symbol was written with (up to the
/// Reed–Solomon capacity of each block) or an error.
public enum QRSymbolDecoder {
    /// Decodes a grid of modules; when that fails, tries its transpose (a mirror image, §12) and reports
    /// ``QRDecodedSymbol/mirrored``.
    ///
    /// - Throws: ``QRDecodeError``, the one from reading the grid as given when both orientations fail:
    ///   `invalid_grid_size`, `format_information_unreadable` (§7.9), `version_information_unreadable` or
    ///   `version_mismatch` (§7.10), `too_many_errors` (§7.5.2), `malformed_bitstream` (§7.4).
    public static func decode(_ grid: QRModuleGrid) throws(QRDecodeError) -> QRDecodedSymbol {
        do {
            return try decode(grid, mirrored: false)
        } catch {
            if error.code == .invalidGridSize { throw error }
            do {
                return try decode(grid.transposed(), mirrored: true)
            } catch _ {
                throw error
            }
        }
    }

    /// Decodes the grid in the orientation given.
    static func decode(_ grid: QRModuleGrid, mirrored: Bool) throws(QRDecodeError) -> QRDecodedSymbol {
        let size = grid.size
        guard (21...177).contains(size), (size - 17) % 4 == 0 else { throw .invalidGridSize(size) }
        let version = (size - 17) / 4
        // The function patterns of this version: the format and version information positions, and the mask of
        // modules that data placement skips.
        let layout = SymbolBuilder(version: version)
        if version >= 7 {
            let encoded = try readVersion(grid, layout: layout)
            guard encoded == version else { throw .versionMismatch(encoded: encoded, size: size) }
        }
        // Up to two format candidates (the copies may read differently); the first that decodes wins.
        var firstError: QRDecodeError?
        for format in try readFormat(grid, layout: layout) {
            do {
                return try decodeData(grid, layout: layout, level: format.level, mask: format.mask, mirrored: mirrored)
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        throw firstError ?? .formatInformationUnreadable(distance: 15)
    }

    // MARK: Format and version information (§7.9, §7.10)

    /// The 32 valid format codewords (after the XOR mask) with what they encode (Annex C, Table C.1).
    static let formatCodewords: [(bits: UInt32, level: QRErrorCorrection, mask: QRMask)] =
        QRErrorCorrection.allCases.flatMap { level in
            QRMask.allCases.map { mask in (QRSpec.formatBits(level: level, mask: mask), level, mask) }
        }

    /// The 34 valid version codewords, versions 7...40 (Annex D, Table D.1).
    static let versionCodewords: [(bits: UInt32, version: Int)] = (7...QRSpec.maximumVersion).map {
        (QRSpec.versionBits(version: $0), $0)
    }

    /// The BCH codes correct up to 3 bit errors (format: minimum distance 7; version: 8).
    static let maximumInformationErrors = 3

    /// Reads both copies of the format information and decodes each to the nearest valid codeword (§7.9.1, §12 step
    /// e). Returns the distinct decodings within 3 bits, nearest first.
    static func readFormat(_ grid: QRModuleGrid, layout: SymbolBuilder) throws(QRDecodeError)
        -> [(level: QRErrorCorrection, mask: QRMask)]
    {
        var copies: (UInt32, UInt32) = (0, 0)
        for (bit, (first, second)) in layout.formatModuleIndices().enumerated() {
            copies.0 |= UInt32(grid.modules[first]) << bit
            copies.1 |= UInt32(grid.modules[second]) << bit
        }
        let decoded = [nearestFormat(copies.0), nearestFormat(copies.1)].sorted { $0.distance < $1.distance }
        var result: [(level: QRErrorCorrection, mask: QRMask)] = []
        for candidate in decoded where candidate.distance <= maximumInformationErrors {
            if !result.contains(where: { $0.level == candidate.level && $0.mask == candidate.mask }) {
                result.append((candidate.level, candidate.mask))
            }
        }
        guard !result.isEmpty else { throw .formatInformationUnreadable(distance: decoded[0].distance) }
        return result
    }

    /// The valid format codeword nearest to `bits` in Hamming distance.
    static func nearestFormat(_ bits: UInt32) -> (level: QRErrorCorrection, mask: QRMask, distance: Int) {
        var best = (level: QRErrorCorrection.medium, mask: QRMask.pattern0, distance: Int.max)
        for codeword in formatCodewords {
            let distance = (codeword.bits ^ bits).nonzeroBitCount
            if distance < best.distance { best = (codeword.level, codeword.mask, distance) }
        }
        return best
    }

    /// Reads both copies of the version information and decodes them (§7.10, §12 step f): the copy nearer a valid
    /// codeword wins; two copies equally near different versions are refused.
    static func readVersion(_ grid: QRModuleGrid, layout: SymbolBuilder) throws(QRDecodeError) -> Int {
        var copies: (UInt32, UInt32) = (0, 0)
        for (bit, (first, second)) in layout.versionModuleIndices().enumerated() {
            copies.0 |= UInt32(grid.modules[first]) << bit
            copies.1 |= UInt32(grid.modules[second]) << bit
        }
        let first = nearestVersion(copies.0)
        let second = nearestVersion(copies.1)
        let best = first.distance <= second.distance ? first : second
        guard best.distance <= maximumInformationErrors else {
            throw .versionInformationUnreadable(distance: best.distance)
        }
        if first.distance == second.distance, first.version != second.version {
            throw .versionInformationUnreadable(distance: best.distance)
        }
        return best.version
    }

    /// The valid version codeword nearest to `bits` in Hamming distance.
    static func nearestVersion(_ bits: UInt32) -> (version: Int, distance: Int) {
        var best = (version: 0, distance: Int.max)
        for codeword in versionCodewords {
            let distance = (codeword.bits ^ bits).nonzeroBitCount
            if distance < best.distance { best = (codeword.version, distance) }
        }
        return best
    }

    // MARK: Data (§12 steps g–k)

    /// Unmasks and reads the codewords, de-interleaves and corrects the blocks, and parses the data.
    static func decodeData(
        _ grid: QRModuleGrid, layout symbol: SymbolBuilder, level: QRErrorCorrection, mask: QRMask, mirrored: Bool
    ) throws(QRDecodeError) -> QRDecodedSymbol {
        let version = symbol.version
        let size = symbol.size
        let total = QRSpec.totalCodewords(version: version)

        // Steps g–h: undo the mask over the whole grid (§7.8.2; function modules are never read), then read the
        // encoding region in placement order (§7.7.3).
        let tableOffset = mask.rawValue * QRMask.rowPeriod * QRMask.columnPeriod
        var unmasked = [UInt8](repeating: 0, count: size * size)
        grid.modules.withUnsafeBufferPointer { modules in
            QRMask.periodicTable.withUnsafeBufferPointer { table in
                unmasked.withUnsafeMutableBufferPointer { unmasked in
                    var index = 0
                    for y in 0..<size {
                        let row = tableOffset + (y % QRMask.rowPeriod) * QRMask.columnPeriod
                        var column = 0  // x mod 6, stepped instead of divided
                        for _ in 0..<size {
                            unmasked[index] = modules[index] ^ table[row + column]
                            index += 1
                            column = column == QRMask.columnPeriod - 1 ? 0 : column + 1
                        }
                    }
                }
            }
        }
        let order = symbol.codewordModuleIndices()
        var codewords = [UInt8](repeating: 0, count: total)
        unmasked.withUnsafeBufferPointer { unmasked in
            order.withUnsafeBufferPointer { order in
                codewords.withUnsafeMutableBufferPointer { codewords in
                    for index in 0..<total {
                        var byte: UInt8 = 0
                        for bit in 0..<8 { byte = byte << 1 | unmasked[order[index * 8 + bit]] }
                        codewords[index] = byte
                    }
                }
            }
        }

        // Step i: de-interleave (§7.6) and correct each block (§7.5.2).
        let blocks = QRSpec.BlockLayout(version: version, level: level)
        var blockCodewords = (0..<blocks.blockCount).map { block in
            [UInt8](repeating: 0, count: blocks.dataCodewords(inBlock: block) + blocks.ecCodewordsPerBlock)
        }
        var next = 0
        blocks.forEachInterleavedCodeword { block, index in
            blockCodewords[block][index] = codewords[next]
            next += 1
        }
        let capacity = QRSpec.correctableErrors(version: version, level: level)
        var corrected = 0
        var data: [UInt8] = []
        data.reserveCapacity(QRSpec.dataCodewords(version: version, level: level))
        for block in 0..<blocks.blockCount {
            guard
                let fixed = ReedSolomon.correct(
                    &blockCodewords[block], ecCount: blocks.ecCodewordsPerBlock, maxErrors: capacity)
            else { throw .tooManyErrors(block: block, of: blocks.blockCount, capacity: capacity) }
            corrected += fixed
            data += blockCodewords[block].prefix(blocks.dataCodewords(inBlock: block))
        }

        // Steps j–k: parse the bit stream (§7.4) and interpret it.
        var parser = QRBitstreamParser(dataCodewords: data, version: version)
        let stream = try parser.parse()
        return QRDecodedSymbol(
            version: version,
            ecLevel: level,
            mask: mask,
            mirrored: mirrored,
            segments: stream.segments,
            bytes: stream.segments.flatMap { $0.bytes },
            text: QRCharsets.text(of: stream.segments),
            correctedCodewords: corrected,
            structuredAppend: stream.structuredAppend,
            fnc1: stream.fnc1
        )
    }
}

// MARK: - Correction capacity (ISO/IEC 18004:2015 §7.5.1, Table 9)

extension QRSpec {
    /// Misdecode-protection codewords p of Table 9 (footnote b): EC codewords a decoder keeps for detection only, so
    /// that a block corrects (ecCodewords − p) / 2 errors. Only versions 1–3 have any.
    static func misdecodeProtectionCodewords(version: Int, level: QRErrorCorrection) -> Int {
        switch (version, level) {
        case (1, .low): 3
        case (1, .medium), (2, .low): 2
        case (1, .quartile), (1, .high), (3, .low): 1
        default: 0
        }
    }

    /// Codewords a block of `version` at `level` can correct: r of the (c, k, r) entries of Table 9.
    static func correctableErrors(version: Int, level: QRErrorCorrection) -> Int {
        (Int(ecCodewordsPerBlock[level.rawValue][version])
            - misdecodeProtectionCodewords(version: version, level: level))
            / 2
    }
}
