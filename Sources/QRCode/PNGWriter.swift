// MARK: - PNG encoding (ISO/IEC 15948:2004, W3C PNG 2nd edition)

/// Writes greyscale PNG images. A namespace.
enum PNGWriter {
    /// The eight-byte PNG signature (§5.2): \x89 P N G \r \n \x1A \n.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A greyscale PNG (colour type 0, §11.2.2) from already packed scanlines.
    ///
    /// - Parameters:
    ///   - width: Pixels per row.
    ///   - height: Rows.
    ///   - bitDepth: 1 or 8 bits per pixel.
    ///   - scanlines: Each row prefixed with its filter-type byte (§9.2), concatenated.
    static func grayscale(width: Int, height: Int, bitDepth: Int, scanlines: [UInt8]) -> [UInt8] {
        precondition(width > 0 && height > 0 && width <= Int(Int32.max) && height <= Int(Int32.max))
        precondition(bitDepth == 1 || bitDepth == 8)
        var png = signature
        // IHDR (§11.2.2): width, height, bit depth, colour type 0 (greyscale), compression 0
        // (deflate), filter method 0 (adaptive), interlace 0 (none).
        var header = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [UInt8(bitDepth), 0, 0, 0, 0]
        appendChunk("IHDR", header, to: &png)
        appendChunk("IDAT", Deflate.zlibCompress(scanlines), to: &png)  // §11.2.4
        appendChunk("IEND", [], to: &png)  // §11.2.5
        return png
    }

    /// Length, type, data, and CRC-32 over type and data (§5.3).
    static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        precondition(typeBytes.count == 4)
        png += bigEndian(UInt32(data.count))
        png += typeBytes
        png += data
        let crc = CRC32.update(CRC32.update(0xFFFF_FFFF, with: typeBytes), with: data) ^ 0xFFFF_FFFF
        png += bigEndian(crc)
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
