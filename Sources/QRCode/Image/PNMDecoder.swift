// MARK: - PGM and PPM decoding (Netpbm)

/// Decodes Netpbm greymaps and pixmaps (the Netpbm `pgm(5)` and `ppm(5)` formats): plain (ASCII) `P2` and `P3`, raw
/// (binary) `P5` and `P6`, maxval 1...65535 (raw samples of two big-endian bytes above 255), `#` comments in the header
/// (and between plain samples). A namespace.
///
/// Samples are scaled to 0...255 as `round(v · 255 / maxval)`; samples above maxval are clamped to it. Colour becomes
/// BT.601 luma (see ``QRGrayImage``). Only the first image of a multi-image file is read.
enum PNMDecoder {
    /// Whether `bytes` start with a PGM or PPM magic number (`P2`, `P3`, `P5`, `P6`).
    static func isPNM(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x50 && [0x32, 0x33, 0x35, 0x36].contains(bytes[1])
    }

    /// Decodes a PGM or PPM file.
    /// - Throws: ``QRImageError`` for a malformed header or raster, or an image above the pixel limit.
    static func decode(_ bytes: [UInt8]) throws(QRImageError) -> QRGrayImage {
        guard isPNM(bytes) else { throw .invalidHeader("PNM", "the magic number is not P2, P3, P5 or P6") }
        let kind = bytes[1]
        let format = kind == 0x32 || kind == 0x35 ? "PGM" : "PPM"
        let channels = format == "PGM" ? 1 : 3
        let plain = kind == 0x32 || kind == 0x33
        var scanner = Scanner(bytes: bytes, position: 2)
        let width = try scanner.number(format, "the width")
        let height = try scanner.number(format, "the height")
        let maxval = try scanner.number(format, "the maxval")
        guard width > 0, height > 0 else { throw .invalidHeader(format, "the size \(width)×\(height) is not positive") }
        guard (1...65535).contains(maxval) else {
            throw .invalidHeader(format, "the maxval \(maxval) is not 1...65535")
        }
        guard width <= QRGrayImage.maximumPixelCount / height else { throw .tooLarge(width: width, height: height) }
        let count = width * height
        var luminance = [UInt8](repeating: 0, count: count)
        @inline(__always) func scaled(_ value: Int) -> Int { (min(value, maxval) * 255 + maxval / 2) / maxval }

        if plain {
            for index in 0..<count {
                var rgb = (0, 0, 0)
                rgb.0 = scaled(try scanner.number(format, "the raster"))
                if channels == 3 {
                    rgb.1 = scaled(try scanner.number(format, "the raster"))
                    rgb.2 = scaled(try scanner.number(format, "the raster"))
                } else {
                    (rgb.1, rgb.2) = (rgb.0, rgb.0)
                }
                luminance[index] = UInt8(channels == 1 ? rgb.0 : QRGrayImage.luma(rgb.0, rgb.1, rgb.2))
            }
        } else {
            // Exactly one whitespace byte separates the maxval from the raster.
            guard scanner.position < bytes.count, Scanner.isSpace(bytes[scanner.position]) else {
                throw .truncated(format, "the header")
            }
            let start = scanner.position + 1
            let sampleBytes = maxval > 255 ? 2 : 1
            let needed = count * channels * sampleBytes
            guard bytes.count - start >= needed else { throw .truncated(format, "the raster") }
            bytes.withUnsafeBufferPointer { data in
                luminance.withUnsafeMutableBufferPointer { out in
                    for index in 0..<count {
                        var values = (0, 0, 0)
                        let base = start + index * channels * sampleBytes
                        for channel in 0..<channels {
                            let at = base + channel * sampleBytes
                            let raw = sampleBytes == 2 ? Int(data[at]) << 8 | Int(data[at + 1]) : Int(data[at])
                            switch channel {
                            case 0: values.0 = scaled(raw)
                            case 1: values.1 = scaled(raw)
                            default: values.2 = scaled(raw)
                            }
                        }
                        out[index] = UInt8(channels == 1 ? values.0 : QRGrayImage.luma(values.0, values.1, values.2))
                    }
                }
            }
        }
        return QRGrayImage(unchecked: width, height, luminance)
    }

    /// Reads whitespace-separated decimal numbers, skipping `#` comments to the end of the line.
    private struct Scanner {
        let bytes: [UInt8]
        var position: Int

        static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

        /// The next decimal number (at most 9 digits, so it cannot overflow).
        mutating func number(_ format: String, _ what: String) throws(QRImageError) -> Int {
            while position < bytes.count {
                if Self.isSpace(bytes[position]) {
                    position += 1
                } else if bytes[position] == 0x23 {  // '#': comment to the end of the line
                    while position < bytes.count && bytes[position] != 0x0A && bytes[position] != 0x0D { position += 1 }
                } else {
                    break
                }
            }
            guard position < bytes.count else { throw .truncated(format, what) }
            var value = 0
            var digits = 0
            while position < bytes.count, (0x30...0x39).contains(bytes[position]) {
                value = value * 10 + Int(bytes[position] - 0x30)
                digits += 1
                position += 1
                guard digits <= 9 else { throw .invalidHeader(format, "\(what) has too many digits") }
            }
            guard digits > 0 else { throw .malformed(format, "\(what) holds a character that is not a digit") }
            return value
        }
    }
}
