// MARK: - PNG rendering

extension QRMatrix {
    /// Pixel format of a rendered PNG. Both are greyscale (colour type 0): dark modules are black
    /// and light modules white.
    public enum PNGBitDepth: Int, Sendable, Hashable, CaseIterable {
        /// One bit per pixel: the smallest files.
        case one = 1
        /// Eight bits per pixel: for tools that mishandle sub-byte depths.
        case eight = 8
    }

    /// Renders the symbol as a PNG image, written without any image library.
    ///
    /// - Parameters:
    ///   - scale: Pixels per module side (at least 1).
    ///   - quietZone: Light margin in modules on every side; ISO/IEC 18004:2015 §6.3.8 requires 4.
    ///   - bitDepth: Bits per pixel.
    /// - Returns: The PNG file's bytes, `(size + 2 · quietZone) · scale` pixels square.
    public func png(scale: Int = 8, quietZone: Int = 4, bitDepth: PNGBitDepth = .one) -> [UInt8] {
        precondition(scale >= 1, "the scale must be at least one pixel per module")
        precondition(quietZone >= 0, "the quiet zone cannot be negative")
        let side = (size + 2 * quietZone) * scale
        let rowBytes = bitDepth == .one ? (side + 7) / 8 : side
        // Each scanline is filter type 0 (None, §9.2) followed by the pixels.
        var scanlines = [UInt8]()
        scanlines.reserveCapacity((rowBytes + 1) * side)
        var row = [UInt8](repeating: 0, count: rowBytes)
        for moduleRow in -quietZone..<size + quietZone {
            // Build one pixel row for this module row, then repeat it `scale` times. White is all
            // ones at either depth; 1-bit pixels pack most-significant bit first (§7.2), and the
            // padding bits of a row's last byte stay white.
            for index in row.indices { row[index] = 0xFF }
            if moduleRow >= 0 && moduleRow < size {
                for x in 0..<size where isDark(index: moduleRow * size + x) {
                    let first = (x + quietZone) * scale
                    for pixel in first..<first + scale {
                        if bitDepth == .one {
                            row[pixel >> 3] &= ~(0x80 >> UInt8(pixel & 7))
                        } else {
                            row[pixel] = 0
                        }
                    }
                }
            }
            for _ in 0..<scale {
                scanlines.append(0)
                scanlines += row
            }
        }
        return PNGWriter.grayscale(width: side, height: side, bitDepth: bitDepth.rawValue, scanlines: scanlines)
    }
}
