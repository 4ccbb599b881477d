// MARK: - Bit stream parsing (ISO/IEC 18004:2015 §7.4, §12 step k)

/// The content of a symbol's data codewords: its segments and the headers that qualify them.
struct QRBitstream: Sendable, Hashable {
    var segments: [QRDecodedSegment] = []
    var structuredAppend: QRStructuredAppend?
    var fnc1: QRFNC1?
}

/// Reads the data bit stream of a symbol into segments (§7.4): mode indicators, character counts (Table 3), numeric,
/// alphanumeric, byte and Kanji data, ECI designators, structured-append and FNC1 headers, up to the terminator.
/// Every length is checked against the bits that remain before anything is read or allocated.
struct QRBitstreamParser {
    private let bytes: [UInt8]
    private let versionClass: Int
    /// Next bit to read, 0 = most significant bit of `bytes[0]`.
    private var position = 0

    init(dataCodewords: [UInt8], version: Int) {
        bytes = dataCodewords
        versionClass = QRSpec.versionClass(of: version)
    }

    private var remaining: Int { bytes.count * 8 - position }

    /// Reads `count` (≤ 24) bits, most significant first.
    private mutating func read(_ count: Int, _ what: @autoclosure () -> String) throws(QRDecodeError) -> Int {
        guard count <= remaining else {
            throw .malformedBitstream("the data ends inside \(what())", bitOffset: position)
        }
        var value = 0
        for _ in 0..<count {
            value = value << 1 | Int(bytes[position >> 3] >> (7 - UInt8(position & 7)) & 1)
            position += 1
        }
        return value
    }

    /// Parses the whole stream.
    mutating func parse() throws(QRDecodeError) -> QRBitstream {
        var result = QRBitstream()
        var eci: Int?
        // Fewer than four bits left is a truncated terminator (§7.4.9).
        while remaining >= 4 {
            let start = position
            let indicator = try read(4, "a mode indicator")
            switch indicator {
            case 0b0000:  // terminator (§7.4.9); what follows is padding
                return result
            case 0b0111:  // ECI (§7.4.2.2)
                eci = try readECIDesignator()
            case 0b0011:  // structured append (§7.4.8)
                guard result.structuredAppend == nil, result.segments.isEmpty else {
                    throw .malformedBitstream(
                        "a structured-append header must come once, before any data", bitOffset: start)
                }
                let index = try read(4, "the structured-append header")
                let last = try read(4, "the structured-append header")
                let parity = try read(8, "the structured-append header")
                guard index <= last else {
                    throw .malformedBitstream(
                        "structured-append symbol \(index + 1) of only \(last + 1)", bitOffset: start)
                }
                result.structuredAppend = QRStructuredAppend(index: index, total: last + 1, parity: UInt8(parity))
            case 0b0101, 0b1001:  // FNC1 in the first or second position (§7.4.8.2, §7.4.8.3)
                guard result.fnc1 == nil, result.segments.isEmpty else {
                    throw .malformedBitstream(
                        "an FNC1 mode indicator must come once, before any data", bitOffset: start)
                }
                if indicator == 0b0101 {
                    result.fnc1 = .gs1
                } else {
                    let application = try read(8, "the FNC1 application indicator")
                    // Two digits 00–99, or a letter's ASCII value + 100.
                    guard application < 100 || (165...190).contains(application) || (197...222).contains(application)
                    else {
                        throw .malformedBitstream(
                            "\(application) is not an FNC1 application indicator", bitOffset: start + 4)
                    }
                    result.fnc1 = .industry(applicationIndicator: UInt8(application))
                }
            default:
                guard let mode = QRSpec.DataMode(rawValue: UInt32(indicator)) else {
                    let bits = String(indicator, radix: 2)
                    let padded = String(repeating: "0", count: 4 - bits.count) + bits
                    throw .malformedBitstream("mode indicator \(padded) is not defined", bitOffset: start)
                }
                result.segments.append(try readSegment(mode, eci: eci, fnc1: result.fnc1 != nil))
            }
        }
        return result
    }

    /// An ECI designator of 1, 2 or 3 bytes (§7.4.2.2, Table 4 of §7.4.2.2): 0bbbbbbb, 10bbbbbb bbbbbbbb or
    /// 110bbbbb bbbbbbbb bbbbbbbb; designators run 000000–999999.
    private mutating func readECIDesignator() throws(QRDecodeError) -> Int {
        let start = position
        let first = try read(8, "an ECI designator")
        let value: Int
        if first & 0x80 == 0 {
            value = first
        } else if first & 0xC0 == 0x80 {
            value = (first & 0x3F) << 8 | (try read(8, "a two-byte ECI designator"))
        } else if first & 0xE0 == 0xC0 {
            value = (first & 0x1F) << 16 | (try read(16, "a three-byte ECI designator"))
        } else {
            throw .malformedBitstream("an ECI designator cannot start with the bits 111", bitOffset: start)
        }
        guard value <= 999_999 else {
            throw .malformedBitstream("ECI designator \(value) is above 999999", bitOffset: start)
        }
        return value
    }

    /// One data segment after its mode indicator (§7.4.3–§7.4.6).
    private mutating func readSegment(_ mode: QRSpec.DataMode, eci: Int?, fnc1: Bool) throws(QRDecodeError)
        -> QRDecodedSegment
    {
        let count = try read(mode.characterCountBits(versionClass: versionClass), "a character count indicator")
        let needed: Int
        switch mode {
        case .numeric: needed = count / 3 * 10 + [0, 4, 7][count % 3]
        case .alphanumeric: needed = count / 2 * 11 + count % 2 * 6
        case .byte: needed = count * 8
        case .kanji: needed = count * 13
        }
        guard needed <= remaining else {
            throw .malformedBitstream(
                "a \(mode) segment of \(count) characters needs \(needed) bits but only \(remaining) remain",
                bitOffset: position)
        }
        var data: [UInt8] = []
        data.reserveCapacity(mode == .kanji ? 2 * count : count)
        let publicMode: QRDecodedSegment.Mode
        switch mode {
        case .numeric:
            publicMode = .numeric
            try readNumeric(count, into: &data)
        case .alphanumeric:
            publicMode = .alphanumeric
            try readAlphanumeric(count, fnc1: fnc1, into: &data)
        case .byte:
            publicMode = .byte
            for _ in 0..<count { data.append(UInt8(try read(8, "byte data"))) }
        case .kanji:
            publicMode = .kanji
            try readKanji(count, into: &data)
        }
        return QRDecodedSegment(
            mode: publicMode, characterCount: count, bytes: data, eci: eci,
            text: QRCharsets.text(of: data, mode: publicMode, eci: eci))
    }

    /// Three digits per 10 bits (000–999), a final pair in 7 bits (00–99), a final digit in 4 bits (0–9) (§7.4.3).
    private mutating func readNumeric(_ count: Int, into data: inout [UInt8]) throws(QRDecodeError) {
        var left = count
        while left > 0 {
            let digits = min(3, left)
            let start = position
            let value = try read(digits * 3 + 1, "numeric data")
            let limit = [0, 10, 100, 1000][digits]
            guard value < limit else {
                throw .malformedBitstream(
                    "the \(digits * 3 + 1)-bit numeric group \(value) is not a \(digits)-digit number",
                    bitOffset: start)
            }
            var divisor = limit / 10
            while divisor > 0 {
                data.append(UInt8(0x30 + value / divisor % 10))
                divisor /= 10
            }
            left -= digits
        }
    }

    /// Pairs as 45 · first + second in 11 bits, a final character in 6 bits (§7.4.4, Table 5). Under FNC1 a `%` is
    /// the GS separator (0x1D) and `%%` a literal `%` (§7.4.8.2).
    private mutating func readAlphanumeric(_ count: Int, fnc1: Bool, into data: inout [UInt8]) throws(QRDecodeError) {
        var characters: [UInt8] = []
        characters.reserveCapacity(count)
        var left = count
        while left > 0 {
            let start = position
            if left >= 2 {
                let value = try read(11, "alphanumeric data")
                guard value < 45 * 45 else {
                    throw .malformedBitstream(
                        "the 11-bit alphanumeric pair \(value) is above 2024", bitOffset: start)
                }
                characters.append(QRSegment.alphanumericCharacters[value / 45])
                characters.append(QRSegment.alphanumericCharacters[value % 45])
                left -= 2
            } else {
                let value = try read(6, "alphanumeric data")
                guard value < 45 else {
                    throw .malformedBitstream("the 6-bit alphanumeric character \(value) is above 44", bitOffset: start)
                }
                characters.append(QRSegment.alphanumericCharacters[value])
                left -= 1
            }
        }
        guard fnc1 else {
            data += characters
            return
        }
        var index = 0
        while index < characters.count {
            if characters[index] == UInt8(ascii: "%") {
                if index + 1 < characters.count, characters[index + 1] == UInt8(ascii: "%") {
                    data.append(UInt8(ascii: "%"))
                    index += 2
                    continue
                }
                data.append(0x1D)
            } else {
                data.append(characters[index])
            }
            index += 1
        }
    }

    /// 13-bit values back to Shift_JIS pairs: value = (high · 0xC0 + low) of the code minus 0x8140 (codes
    /// 0x8140–0x9FFC) or minus 0xC140 (codes 0xE040–0xEBBF) (§7.4.6).
    private mutating func readKanji(_ count: Int, into data: inout [UInt8]) throws(QRDecodeError) {
        for _ in 0..<count {
            let start = position
            let value = try read(13, "Kanji data")
            let packed = (value / 0xC0) << 8 | value % 0xC0
            let code = packed + (packed < 0x1F00 ? 0x8140 : 0xC140)
            let trail = code & 0xFF
            guard (0x8140...0x9FFC).contains(code) || (0xE040...0xEBBF).contains(code),
                (0x40...0xFC).contains(trail), trail != 0x7F
            else {
                throw .malformedBitstream(
                    "the 13-bit Kanji value \(value) is not a Shift_JIS double-byte code", bitOffset: start)
            }
            data.append(UInt8(code >> 8))
            data.append(UInt8(trail))
        }
    }
}
