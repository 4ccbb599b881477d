// MARK: - Symbol construction (ISO/IEC 18004:2015 §6.3, §7.7)

/// A symbol being built: module colours plus a map of which modules belong to function patterns
/// (finder, separator, timing, alignment, format and version information, dark module).
///
/// Modules are stored row-major, one byte each (1 = dark), index `y * size + x`.
struct SymbolBuilder {
    let version: Int
    let size: Int
    /// 1 = dark, 0 = light.
    var modules: [UInt8]
    /// True for modules of function patterns, which data placement and masking skip.
    var isFunction: [Bool]

    /// A symbol of `version` with every function pattern drawn, format information reserved
    /// (drawn light until a mask is chosen) and version information filled in.
    init(version: Int) {
        self.version = version
        size = QRSpec.size(ofVersion: version)
        modules = [UInt8](repeating: 0, count: size * size)
        isFunction = [Bool](repeating: false, count: size * size)
        drawFunctionPatterns()
    }

    @inline(__always)
    mutating func setFunction(x: Int, y: Int, dark: Bool) {
        modules[y * size + x] = dark ? 1 : 0
        isFunction[y * size + x] = true
    }

    // MARK: Function patterns

    private mutating func drawFunctionPatterns() {
        // Timing patterns (§6.3.5): row 6 and column 6, dark on even coordinates. Drawn first so
        // the finder and alignment patterns overwrite their ends.
        for i in 0..<size {
            setFunction(x: 6, y: i, dark: i % 2 == 0)
            setFunction(x: i, y: 6, dark: i % 2 == 0)
        }

        // Finder patterns with their light separators (§6.3.3, §6.3.4), centred 3 modules in from
        // three corners.
        drawFinderPattern(centerX: 3, centerY: 3)
        drawFinderPattern(centerX: size - 4, centerY: 3)
        drawFinderPattern(centerX: 3, centerY: size - 4)

        // Alignment patterns (§6.3.6, Annex E) at every pair of centre coordinates except the
        // three corners occupied by finder patterns.
        let centers = QRSpec.alignmentPatternCenters(version: version)
        let last = centers.count - 1
        for (row, y) in centers.enumerated() {
            for (column, x) in centers.enumerated() {
                let overlapsFinder =
                    (row == 0 && column == 0) || (row == 0 && column == last) || (row == last && column == 0)
                if !overlapsFinder { drawAlignmentPattern(centerX: x, centerY: y) }
            }
        }

        // Format information areas (§7.9.1) are reserved now and filled per mask; the dark module
        // at (8, size − 8) is always dark (§7.9.1, Figure 25).
        drawFormatBits(0)
        setFunction(x: 8, y: size - 8, dark: true)

        if version >= 7 { drawVersionBits() }
    }

    /// A 7 × 7 finder pattern (dark 7 × 7 ring, light 5 × 5 ring, dark 3 × 3 core) plus the
    /// one-module light separator around it, clipped to the symbol (§6.3.3, §6.3.4).
    private mutating func drawFinderPattern(centerX: Int, centerY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centerX + dx
                let y = centerY + dy
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                let ring = max(abs(dx), abs(dy))  // 0…1 core, 2 light ring, 3 dark ring, 4 separator
                setFunction(x: x, y: y, dark: ring != 2 && ring != 4)
            }
        }
    }

    /// A 5 × 5 alignment pattern: dark ring, light ring, dark centre module (§6.3.6).
    private mutating func drawAlignmentPattern(centerX: Int, centerY: Int) {
        for dy in -2...2 {
            for dx in -2...2 {
                setFunction(x: centerX + dx, y: centerY + dy, dark: max(abs(dx), abs(dy)) != 1)
            }
        }
    }

    /// Both copies of the 15-bit format information (§7.9.1, Figure 25); bit 0 is the least significant.
    mutating func drawFormatBits(_ bits: UInt32) {
        for (bit, (first, second)) in formatModuleIndices().enumerated() {
            let dark = bits >> bit & 1 == 1
            for index in [first, second] {
                modules[index] = dark ? 1 : 0
                isFunction[index] = true
            }
        }
    }

    /// For format bit i (0 = least significant), the module indices of its two copies (§7.9.1, Figure 25).
    func formatModuleIndices() -> [(Int, Int)] {
        // Copy 1, around the top-left finder: up column 8 from row 0 (skipping the timing row 6),
        // then along row 8 from column 7 leftwards (skipping the timing column 6).
        let copy1: [(x: Int, y: Int)] =
            (0...5).map { (8, $0) } + [(8, 7), (8, 8), (7, 8)] + (9..<15).map { (14 - $0, 8) }
        // Copy 2: bits 0–7 along row 8 under the top-right finder, bits 8–14 up column 8 beside the
        // bottom-left one.
        let copy2: [(x: Int, y: Int)] = (0..<8).map { (size - 1 - $0, 8) } + (8..<15).map { (8, size - 15 + $0) }
        return zip(copy1, copy2).map { ($0.y * size + $0.x, $1.y * size + $1.x) }
    }

    /// Both 6 × 3 copies of the version information (§7.10, Figure 27): bit i goes to
    /// column size − 11 + i mod 3, row i div 3 (top right) and transposed (bottom left).
    private mutating func drawVersionBits() {
        let bits = QRSpec.versionBits(version: version)
        for (bit, (first, second)) in versionModuleIndices().enumerated() {
            let dark = bits >> bit & 1 == 1
            for index in [first, second] {
                modules[index] = dark ? 1 : 0
                isFunction[index] = true
            }
        }
    }

    /// For version bit i (0 = least significant), the module indices of its two copies: column size − 11 + i mod 3,
    /// row i div 3 (top right), and the transposed position (bottom left) (§7.10, Figure 27).
    func versionModuleIndices() -> [(Int, Int)] {
        (0..<18).map { i in
            let a = size - 11 + i % 3
            let b = i / 3
            return (b * size + a, a * size + b)
        }
    }
}
