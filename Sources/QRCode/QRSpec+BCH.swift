// MARK: - Format and version information (ISO/IEC 18004:2015 §7.9, §7.10, Annexes C and D)

extension QRSpec {
    /// x¹⁰ + x⁸ + x⁵ + x⁴ + x² + x + 1, generator of the (15, 5) BCH code for format information (§7.9.1).
    static let formatGenerator: UInt32 = 0b101_0011_0111
    /// 101010000010010: XORed onto the format information so that it is never all zero (§7.9.1).
    static let formatMask: UInt32 = 0b101_0100_0001_0010
    /// x¹² + x¹¹ + x¹⁰ + x⁹ + x⁸ + x⁵ + x² + 1, generator of the (18, 6) BCH code for version information (§7.10).
    static let versionGenerator: UInt32 = 0b1_1111_0010_0101

    /// The 15-bit format information for a level and mask: 2-bit level indicator and 3-bit mask
    /// reference, 10 BCH check bits, XOR-masked with ``formatMask`` (§7.9.1, Annex C, Table C.1).
    static func formatBits(level: QRErrorCorrection, mask: QRMask) -> UInt32 {
        let data = level.formatIndicator << 3 | UInt32(mask.rawValue)
        return (data << 10 | bchRemainder(data, generator: formatGenerator, degree: 10)) ^ formatMask
    }

    /// The 18-bit version information for versions 7–40: 6-bit version number and 12 BCH check bits
    /// (§7.10, Annex D, Table D.1). Not masked.
    static func versionBits(version: Int) -> UInt32 {
        precondition((7...maximumVersion).contains(version), "only versions 7–40 carry version information")
        let data = UInt32(version)
        return data << 12 | bchRemainder(data, generator: versionGenerator, degree: 12)
    }

    /// Remainder of data(x) · x^degree divided by the generator polynomial over GF(2) (Annex C.1, D.1).
    static func bchRemainder(_ data: UInt32, generator: UInt32, degree: Int) -> UInt32 {
        var remainder = data << degree
        // Long division: cancel each set bit from the top down to x^degree.
        var bit = 31
        while bit >= degree {
            if remainder >> bit & 1 == 1 { remainder ^= generator << (bit - degree) }
            bit -= 1
        }
        return remainder
    }
}
