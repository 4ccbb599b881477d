import Testing

@testable import QRCode

/// ECI designators and character sets, FNC1 and structured append (ISO/IEC 18004:2015 §7.4.2.2, §7.4.8).
@Suite("ECI, FNC1 and structured append")
struct BitstreamFeatureTests {
    static func decode(version: Int = 5, _ write: (inout StreamBuilder) -> Void) throws -> QRDecodedSymbol {
        var builder = StreamBuilder(version: version)
        write(&builder)
        let matrix = try #require(builder.symbol(level: .medium, mask: .pattern5))
        return try QRSymbolDecoder.decode(QRModuleGrid(matrix))
    }

    @Test("ECI designators of 1, 2 and 3 bytes are recorded per segment; an unsupported one keeps bytes, no text")
    func eciDesignators() throws {
        let decoded = try Self.decode { stream in
            stream.byte(Array("plain".utf8))
            stream.eci(7)  // ISO 8859-5, one byte
            stream.byte([0xBF, 0xE0, 0xD8, 0xD2, 0xD5, 0xE2])  // "Привет"
            stream.eci(899)  // two bytes; not a character set this decoder knows
            stream.byte([0x01, 0xFF])
            stream.eci(123_456)  // three bytes
            stream.numeric(Array("42".utf8))
        }
        #expect(decoded.segments.map(\.eci) == [nil, 7, 899, 123_456])
        #expect(decoded.segments[1].text == "Привет")
        #expect(decoded.segments[2].text == nil && decoded.segments[2].bytes == [0x01, 0xFF])
        #expect(decoded.segments[3].text == "42")
        #expect(decoded.text == nil, "a symbol with an unsupported ECI has no text")
        #expect(
            decoded.bytes == Array("plain".utf8) + [0xBF, 0xE0, 0xD8, 0xD2, 0xD5, 0xE2, 0x01, 0xFF] + Array("42".utf8))
    }

    @Test("without ECI, byte data is UTF-8 when valid and ISO 8859-1 otherwise; Kanji mode is Shift_JIS")
    func defaultInterpretation() throws {
        let utf8 = try Self.decode { $0.byte(Array("Grüße 東京".utf8)) }
        #expect(utf8.text == "Grüße 東京")
        let latin1 = try Self.decode { $0.byte([0x47, 0x72, 0xFC, 0xDF, 0x65]) }
        #expect(latin1.text == "Grüße")
        let kanji = try Self.decode { $0.kanji([0x93FA, 0x967B, 0x8CEA]) }  // 日本語
        #expect(kanji.text == "日本語" && kanji.bytes == [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA])
    }

    @Test("FNC1 in the first and second position: recorded, and % in alphanumeric data read as GS")
    func fnc1() throws {
        let gs1 = try Self.decode { stream in
            stream.append(0b0101, bitCount: 4)
            stream.alphanumeric(Array("01%10%%X".utf8))
            stream.numeric(Array("123".utf8))
        }
        #expect(gs1.fnc1 == .gs1)
        #expect(gs1.bytes == Array("01\u{1D}10%X123".utf8))
        let industry = try Self.decode { stream in
            stream.append(0b1001, bitCount: 4)
            stream.append(165, bitCount: 8)  // "A" + 100
            stream.byte(Array("data".utf8))
        }
        #expect(industry.fnc1 == .industry(applicationIndicator: 165))
        #expect(industry.text == "data")
    }

    /// Symbols of a structured-append sequence carrying `parts`, each under the given header.
    static func sequence(_ parts: [[UInt8]], total: Int? = nil, parity: UInt8? = nil) throws -> [QRDecodedSymbol] {
        let xor = parts.joined().reduce(0, ^)
        return try parts.enumerated().map { index, part in
            try decode { stream in
                stream.structuredAppend(index: index, total: total ?? parts.count, parity: parity ?? xor)
                stream.byte(part)
            }
        }
    }

    @Test("structured append: any order, a character split between symbols, duplicates; refusals")
    func structuredAppend() throws {
        let text = "Grüße 東京 — one message in three symbols"
        let bytes = Array(text.utf8)
        // Split inside the multi-byte "ü" and "東".
        let parts = [Array(bytes[0..<3]), Array(bytes[3..<9]), Array(bytes[9...])]
        let symbols = try Self.sequence(parts)
        #expect(symbols.map { $0.structuredAppend?.index } == [0, 1, 2])
        #expect(symbols[0].text == "Gr\u{C3}", "alone, the first part ends inside ü: not UTF-8, so ISO 8859-1")
        let message = try QRStructuredAppend.combine([symbols[2], symbols[0], symbols[1], symbols[0]])
        #expect(message.text == text && message.bytes == bytes)
        #expect(message.parity == bytes.reduce(0, ^) && message.symbols.count == 3)

        let missing = decodeError { () throws(QRDecodeError) in
            _ = try QRStructuredAppend.combine([symbols[0], symbols[2]])
        }
        #expect(missing?.code == .structuredAppendIncomplete && missing?.message.contains("2 of 3") == true)
        let badParity = try Self.sequence(parts, parity: 0x55)
        #expect(
            decodeError { () throws(QRDecodeError) in _ = try QRStructuredAppend.combine(badParity) }?.code
                == .structuredAppendMismatch)
        let other = try Self.sequence([Array("x".utf8), Array("y".utf8), Array("z".utf8)])
        #expect(
            decodeError { () throws(QRDecodeError) in
                _ = try QRStructuredAppend.combine([symbols[0], symbols[1], other[2]])
            }?.code == .structuredAppendMismatch)
        let conflicting = try Self.sequence([parts[0], Array("other".utf8), parts[2]], parity: bytes.reduce(0, ^))
        #expect(
            decodeError { () throws(QRDecodeError) in _ = try QRStructuredAppend.combine(symbols + [conflicting[1]]) }?
                .code == .structuredAppendMismatch)
        let plain = try Self.decode { $0.byte(Array("no header".utf8)) }
        #expect(
            decodeError { () throws(QRDecodeError) in _ = try QRStructuredAppend.combine([plain]) }?.code
                == .structuredAppendMismatch)
        #expect(
            decodeError { () throws(QRDecodeError) in _ = try QRStructuredAppend.combine([]) }?.code
                == .structuredAppendIncomplete)
    }

    /// The ECI designators this decoder supports and the Python codec each must agree with.
    static let supported: [(eci: Int, codec: String)] = [
        (0, "cp437"), (1, "latin-1"), (2, "cp437"), (3, "latin-1"), (4, "iso8859-2"), (5, "iso8859-3"),
        (6, "iso8859-4"), (7, "iso8859-5"), (8, "iso8859-6"), (9, "iso8859-7"), (10, "iso8859-8"),
        (11, "iso8859-9"), (12, "iso8859-10"), (13, "iso8859-11"), (15, "iso8859-13"), (16, "iso8859-14"),
        (17, "iso8859-15"), (18, "iso8859-16"), (20, "shift_jis"), (21, "cp1250"), (22, "cp1251"), (23, "cp1252"),
        (24, "cp1256"), (25, "utf-16-be"), (26, "utf-8"), (27, "ascii"), (170, "ascii"),
    ]

    @Test("every supported ECI decodes random bytes exactly as Python's codec does, refusing what it refuses")
    func charsetsAgreeWithPython() throws {
        var random = SeededGenerator(salt: 601)
        var requests: [DecodePeer.Request] = []
        var cases: [(eci: Int, bytes: [UInt8])] = []
        for (eci, codec) in Self.supported {
            for trial in 0..<60 {
                var bytes = (0..<Int.random(in: 0...24, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
                if trial % 3 == 0 { bytes = bytes.map { $0 & 0x7F } }  // mostly decodable
                if eci == 20, trial % 2 == 0 {  // valid Shift_JIS: kanji pairs, half-width katakana, ASCII
                    bytes = (0..<8).flatMap { _ -> [UInt8] in
                        switch Int.random(in: 0..<3, using: &random) {
                        case 0:
                            let code = RandomContent.kanjiCodes.randomElement(using: &random)!
                            return [UInt8(code >> 8), UInt8(code & 0xFF)]
                        case 1: return [UInt8.random(in: 0xA1...0xDF, using: &random)]
                        default: return [UInt8.random(in: 0x20...0x7E, using: &random)]
                        }
                    }
                }
                var request = DecodePeer.Request(op: "codec")
                request.hex = bytes.hex
                request.codec = codec
                requests.append(request)
                cases.append((eci, bytes))
            }
        }
        let responses = try DecodePeer.call(requests)
        var decodable = 0
        for (index, response) in responses.enumerated() {
            let ours = QRCharsets.byteText(cases[index].bytes, eci: cases[index].eci)
            #expect(ours == response.text, "ECI \(cases[index].eci) bytes \(cases[index].bytes.hex)")
            if response.text != nil { decodable += 1 }
        }
        #expect(decodable > requests.count / 2)
        // Designators without a supported character set give no text.
        for eci in [14, 19, 28, 29, 30, 899, 999_999] {
            #expect(QRCharsets.byteText(Array("abc".utf8), eci: eci) == nil)
        }
    }
}
