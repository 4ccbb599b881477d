// MARK: - PNG decoding (ISO/IEC 15948:2004, PNG Second Edition)

/// Decodes PNG files to luminance: every colour type (greyscale, truecolour, indexed, greyscale with alpha,
/// truecolour with alpha) at every bit depth the standard allows (Table 11.1), Adam7 interlacing (§8.2), the five
/// filter types (§9.2), chunk CRCs (§5.3), PLTE and tRNS (§11.2.3, §11.3.2.1), any number of IDAT chunks (§11.2.4).
/// A namespace.
///
/// Sixteen-bit samples are reduced to their most significant byte; samples below eight bits are scaled to 0...255
/// (§13.12); colour is reduced with ``QRGrayImage``'s BT.601 weights and alpha is composited over white. Ancillary
/// chunks other than tRNS are skipped (gamma and colour-space chunks are ignored: a QR code is binary).
enum PNGDecoder {
    /// The eight signature bytes (§5.2).
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Adam7 passes (§8.2): column start, row start, column step, row step.
    private static let adam7: [(x: Int, y: Int, dx: Int, dy: Int)] = [
        (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2),
    ]

    /// The image header (§11.2.2).
    private struct Header {
        var width = 0
        var height = 0
        var bitDepth = 0
        var colourType = 0
        var interlaced = false

        /// Samples per pixel (Table 11.1).
        var channels: Int {
            switch colourType {
            case 2: 3
            case 4: 2
            case 6: 4
            default: 1
            }
        }
        /// Bytes of one row of `width` pixels, without the filter byte.
        func rowBytes(_ width: Int) -> Int { (width * channels * bitDepth + 7) / 8 }
        /// The filter's byte distance to the corresponding byte of the previous pixel (§9.2).
        var filterStride: Int { max(1, channels * bitDepth / 8) }
    }

    /// Decodes a complete PNG file.
    /// - Throws: ``QRImageError`` for anything that is not a valid PNG datastream.
    static func decode(_ bytes: [UInt8]) throws(QRImageError) -> QRGrayImage {
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else {
            throw .invalidHeader("PNG", "the signature is missing")
        }
        var header: Header?
        var palette: [(r: Int, g: Int, b: Int, a: Int)] = []
        var transparency: [Int] = []
        var compressed: [UInt8] = []
        var position = 8
        var sawEnd = false
        while !sawEnd {
            guard position + 8 <= bytes.count else { throw .truncated("PNG", "a chunk header (IEND is missing)") }
            let length = Self.bigEndian(bytes, position)
            guard length <= 0x7FFF_FFFF else { throw .invalidHeader("PNG", "a chunk length exceeds 2³¹ − 1") }
            guard length <= bytes.count - position - 12 else { throw .truncated("PNG", "a chunk") }
            let typeBytes = Array(bytes[position + 4..<position + 8])
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                throw .malformed("PNG", "a chunk type contains bytes that are not ASCII letters")
            }
            let dataStart = position + 8
            let dataEnd = dataStart + length
            let stored = UInt32(Self.bigEndian(bytes, dataEnd))
            guard CRC32.checksum(bytes[position + 4..<dataEnd]) == stored else {
                throw .checksumMismatch(chunk: type)
            }
            let data = bytes[dataStart..<dataEnd]
            position = dataEnd + 4
            if header == nil && type != "IHDR" { throw .malformed("PNG", "the first chunk is \(type), not IHDR") }
            switch type {
            case "IHDR":
                guard header == nil else { throw .malformed("PNG", "IHDR appears twice") }
                header = try Self.parseHeader(Array(data))
            case "PLTE":
                guard length % 3 == 0, (3...768).contains(length) else {
                    throw .malformed("PNG", "the PLTE chunk's length \(length) is not 3 to 768 in steps of 3")
                }
                guard palette.isEmpty, compressed.isEmpty else {
                    throw .malformed("PNG", "PLTE appears twice or after IDAT")
                }
                var index = dataStart
                while index < dataEnd {
                    palette.append((Int(bytes[index]), Int(bytes[index + 1]), Int(bytes[index + 2]), 255))
                    index += 3
                }
            case "tRNS":
                transparency = data.map(Int.init)
            case "IDAT":
                compressed.append(contentsOf: data)
            case "IEND":
                sawEnd = true
            default:
                // Bit 5 of the first type byte clear: a critical chunk this decoder cannot skip (§5.4).
                if typeBytes[0] & 0x20 == 0 { throw .unsupported("The critical PNG chunk \(type)") }
            }
        }
        guard let header else { throw .malformed("PNG", "there is no IHDR chunk") }
        guard !compressed.isEmpty else { throw .malformed("PNG", "there is no IDAT chunk") }
        try Self.applyTransparency(transparency, header: header, palette: &palette)
        let transparentKey = Self.transparentKey(transparency, header: header)
        if header.colourType == 3 && palette.isEmpty { throw .malformed("PNG", "an indexed image has no PLTE chunk") }

        let passes: [(x: Int, y: Int, dx: Int, dy: Int)] =
            header.interlaced ? Self.adam7 : [(0, 0, 1, 1)]
        var expected = 0
        for pass in passes {
            let (columns, rows) = Self.passSize(header, pass)
            if columns > 0 && rows > 0 { expected += rows * (header.rowBytes(columns) + 1) }
        }
        var raw = try Inflate.zlibDecompress(compressed, limit: expected)
        guard raw.count == expected else {
            throw .truncated("PNG", "the image data (\(raw.count) of \(expected) bytes)")
        }
        var luminance = [UInt8](repeating: 255, count: header.width * header.height)
        var offset = 0
        for pass in passes {
            let (columns, rows) = Self.passSize(header, pass)
            guard columns > 0 && rows > 0 else { continue }
            let rowBytes = header.rowBytes(columns)
            try Self.unfilter(&raw, start: offset, rows: rows, rowBytes: rowBytes, stride: header.filterStride)
            raw.withUnsafeBufferPointer { data in
                luminance.withUnsafeMutableBufferPointer { out in
                    for row in 0..<rows {
                        let rowStart = offset + row * (rowBytes + 1) + 1
                        let y = pass.y + row * pass.dy
                        for column in 0..<columns {
                            let x = pass.x + column * pass.dx
                            out[y * header.width + x] = Self.pixel(
                                data, rowStart, column, header, palette, transparentKey)
                        }
                    }
                }
            }
            offset += rows * (rowBytes + 1)
        }
        return QRGrayImage(unchecked: header.width, header.height, luminance)
    }

    // MARK: Header and chunks

    private static func bigEndian(_ bytes: [UInt8], _ at: Int) -> Int {
        Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
    }

    /// IHDR (§11.2.2): width, height, bit depth, colour type, compression, filter and interlace methods.
    private static func parseHeader(_ data: [UInt8]) throws(QRImageError) -> Header {
        guard data.count == 13 else { throw .invalidHeader("PNG", "IHDR is \(data.count) bytes instead of 13") }
        var header = Header()
        header.width = bigEndian(data, 0)
        header.height = bigEndian(data, 4)
        header.bitDepth = Int(data[8])
        header.colourType = Int(data[9])
        guard (1...0x7FFF_FFFF).contains(header.width), (1...0x7FFF_FFFF).contains(header.height) else {
            throw .invalidHeader("PNG", "the size \(header.width)×\(header.height) is outside 1...2³¹ − 1")
        }
        let allowed: [Int]
        switch header.colourType {
        case 0: allowed = [1, 2, 4, 8, 16]
        case 3: allowed = [1, 2, 4, 8]
        case 2, 4, 6: allowed = [8, 16]
        default: throw .invalidHeader("PNG", "the colour type \(header.colourType) is not 0, 2, 3, 4 or 6")
        }
        guard allowed.contains(header.bitDepth) else {
            throw .invalidHeader(
                "PNG", "bit depth \(header.bitDepth) is not allowed with colour type \(header.colourType)")
        }
        guard data[10] == 0, data[11] == 0 else {
            throw .invalidHeader("PNG", "the compression or filter method is not 0")
        }
        guard data[12] <= 1 else { throw .invalidHeader("PNG", "the interlace method \(data[12]) is not 0 or 1") }
        header.interlaced = data[12] == 1
        guard header.width <= QRGrayImage.maximumPixelCount / header.height else {
            throw .tooLarge(width: header.width, height: header.height)
        }
        return header
    }

    /// Folds tRNS alpha values into the palette of an indexed image (§11.3.2.1).
    private static func applyTransparency(
        _ transparency: [Int], header: Header, palette: inout [(r: Int, g: Int, b: Int, a: Int)]
    ) throws(QRImageError) {
        guard !transparency.isEmpty else { return }
        switch header.colourType {
        case 3:
            guard transparency.count <= palette.count else {
                throw .malformed("PNG", "tRNS has more entries than the palette (or comes before PLTE)")
            }
            for (index, alpha) in transparency.enumerated() { palette[index].a = alpha }
        case 0:
            guard transparency.count == 2 else { throw .malformed("PNG", "a greyscale tRNS chunk is not 2 bytes") }
        case 2:
            guard transparency.count == 6 else { throw .malformed("PNG", "a truecolour tRNS chunk is not 6 bytes") }
        default:
            break  // Images with an alpha channel carry no tRNS; an ancillary chunk, so ignored.
        }
    }

    /// The sample values (at the image's bit depth) of the single transparent colour of a greyscale or truecolour
    /// image, or an empty array.
    private static func transparentKey(_ transparency: [Int], header: Header) -> [Int] {
        switch header.colourType {
        case 0 where transparency.count == 2: [transparency[0] << 8 | transparency[1]]
        case 2 where transparency.count == 6:
            [
                transparency[0] << 8 | transparency[1], transparency[2] << 8 | transparency[3],
                transparency[4] << 8 | transparency[5],
            ]
        default: []
        }
    }

    /// Columns and rows of a pass (the whole image when not interlaced).
    private static func passSize(_ header: Header, _ pass: (x: Int, y: Int, dx: Int, dy: Int)) -> (Int, Int) {
        let columns = header.width > pass.x ? (header.width - pass.x + pass.dx - 1) / pass.dx : 0
        let rows = header.height > pass.y ? (header.height - pass.y + pass.dy - 1) / pass.dy : 0
        return (columns, rows)
    }

    // MARK: Filters and pixels

    /// Reverses the per-row filters in place (§9.2): None, Sub, Up, Average, Paeth.
    private static func unfilter(_ raw: inout [UInt8], start: Int, rows: Int, rowBytes: Int, stride: Int)
        throws(QRImageError)
    {
        let badFilter = raw.withUnsafeMutableBufferPointer { data -> Int? in
            for row in 0..<rows {
                let filterIndex = start + row * (rowBytes + 1)
                let line = filterIndex + 1
                let previous = line - rowBytes - 1  // only read when row > 0
                let filter = data[filterIndex]
                switch filter {
                case 0: break
                case 1:
                    for i in stride..<max(stride, rowBytes) { data[line + i] &+= data[line + i - stride] }
                case 2:
                    guard row > 0 else { break }
                    for i in 0..<rowBytes { data[line + i] &+= data[previous + i] }
                case 3:
                    for i in 0..<rowBytes {
                        let left = i >= stride ? Int(data[line + i - stride]) : 0
                        let up = row > 0 ? Int(data[previous + i]) : 0
                        data[line + i] &+= UInt8((left + up) >> 1)
                    }
                case 4:
                    for i in 0..<rowBytes {
                        let left = i >= stride ? Int(data[line + i - stride]) : 0
                        let up = row > 0 ? Int(data[previous + i]) : 0
                        let upLeft = row > 0 && i >= stride ? Int(data[previous + i - stride]) : 0
                        data[line + i] &+= UInt8(paeth(left, up, upLeft))
                    }
                default: return Int(filter)
                }
            }
            return nil
        }
        if let badFilter { throw .malformed("PNG", "a row uses the undefined filter type \(badFilter)") }
    }

    /// The Paeth predictor (§9.4).
    @inline(__always)
    private static func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let pa = abs(p - a)
        let pb = abs(p - b)
        let pc = abs(p - c)
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// Sample `index` of a row (big-endian, packed from the most significant bit for depths below 8, §7.2).
    @inline(__always)
    private static func sample(_ data: UnsafeBufferPointer<UInt8>, _ rowStart: Int, _ index: Int, _ depth: Int) -> Int {
        switch depth {
        case 8: return Int(data[rowStart + index])
        case 16: return Int(data[rowStart + 2 * index]) << 8 | Int(data[rowStart + 2 * index + 1])
        default:
            let bit = index * depth
            let byte = Int(data[rowStart + bit >> 3])
            return byte >> (8 - depth - bit & 7) & (1 << depth - 1)
        }
    }

    /// A sample scaled to 8 bits: the most significant byte of 16-bit samples, `v · 255 / (2ᵈ − 1)` below 8 bits.
    @inline(__always)
    private static func eightBit(_ value: Int, _ depth: Int) -> Int {
        switch depth {
        case 16: value >> 8
        case 8: value
        default: value * 255 / (1 << depth - 1)
        }
    }

    /// The luminance of pixel `column` of a row.
    @inline(__always)
    private static func pixel(
        _ data: UnsafeBufferPointer<UInt8>, _ rowStart: Int, _ column: Int, _ header: Header,
        _ palette: [(r: Int, g: Int, b: Int, a: Int)], _ key: [Int]
    ) -> UInt8 {
        let depth = header.bitDepth
        let channels = header.channels
        let first = column * channels
        switch header.colourType {
        case 0:
            let gray = sample(data, rowStart, first, depth)
            if key.count == 1 && key[0] == gray { return 255 }
            return UInt8(truncatingIfNeeded: eightBit(gray, depth))
        case 2:
            let r = sample(data, rowStart, first, depth)
            let g = sample(data, rowStart, first + 1, depth)
            let b = sample(data, rowStart, first + 2, depth)
            if key.count == 3 && key[0] == r && key[1] == g && key[2] == b { return 255 }
            return UInt8(
                truncatingIfNeeded: QRGrayImage.luma(eightBit(r, depth), eightBit(g, depth), eightBit(b, depth)))
        case 3:
            let index = sample(data, rowStart, first, depth)
            // An index past the palette is an error (§11.2.3); decoders commonly show it as opaque black.
            guard index < palette.count else { return 0 }
            let entry = palette[index]
            return UInt8(
                truncatingIfNeeded: QRGrayImage.overWhite(QRGrayImage.luma(entry.r, entry.g, entry.b), alpha: entry.a))
        case 4:
            let gray = eightBit(sample(data, rowStart, first, depth), depth)
            let alpha = eightBit(sample(data, rowStart, first + 1, depth), depth)
            return UInt8(truncatingIfNeeded: QRGrayImage.overWhite(gray, alpha: alpha))
        default:
            let r = eightBit(sample(data, rowStart, first, depth), depth)
            let g = eightBit(sample(data, rowStart, first + 1, depth), depth)
            let b = eightBit(sample(data, rowStart, first + 2, depth), depth)
            let alpha = eightBit(sample(data, rowStart, first + 3, depth), depth)
            return UInt8(truncatingIfNeeded: QRGrayImage.overWhite(QRGrayImage.luma(r, g, b), alpha: alpha))
        }
    }
}
