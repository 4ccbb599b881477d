import Foundation
import Testing

@testable import QRCode

/// Symbols written by independent encoders — segno 1.6.6, python-qrcode 8.2 and libqrencode 4 (`qrencode`) — must
/// decode to exactly the payload they were given: numeric, alphanumeric, byte, Kanji, ECI-designated character sets
/// and structured-append sequences (ISO/IEC 18004:2015 §7.4, §7.4.2.2, §7.4.8, §12).
@Suite("Decoding symbols of independent encoders")
struct PeerDecoderTests {
    static let levels = ["L", "M", "Q", "H"]

    /// Kana and JIS X 0208 kanji, written out here so that the tests do not depend on the decoder's table.
    static let kanjiText = Array(
        "漢字日本語東京大阪京都北海道沖縄山川田中森林雨雪花鳥風月春夏秋冬愛情報技術試験電話番号住所氏名"
            + "あいうえおかきくけこさしすせそたちつてとなにぬねのアイウエオカキクケコサシスセソ、。「」・ー")

    /// Text in each character set that segno can put under an ECI header, with the designator it writes (AIM ECI).
    static let eciSamples: [(codec: String, eci: Int, text: String)] = [
        ("iso8859-1", 3, "Ça va? Grüße, señor ¡olé! ß æ ø å"),
        ("iso8859-2", 4, "Zażółć gęślą jaźń Příliš žluťoučký"),
        ("iso8859-3", 5, "Ĉu ĝi ĥ ĵ ŝ ŭ Ħ ż"),
        ("iso8859-4", 6, "Ķīļ ņ ŗ ŧ ā ē ĸ"),
        ("iso8859-5", 7, "Съешь же ещё этих мягких булок"),
        ("iso8859-6", 8, "مرحبا بالعالم ؟"),
        ("iso8859-7", 9, "Καλημέρα κόσμε ΑΒΓΔ"),
        ("iso8859-8", 10, "שלום עולם"),
        ("iso8859-9", 11, "Şişli İstanbul ğüı"),
        ("iso8859-10", 12, "Þórður ŋ ĸ ū Ŋ"),
        ("iso8859-11", 13, "สวัสดีครับ ภาษาไทย"),
        ("iso8859-13", 15, "Ąžuolas ų ė Ū “quote”"),
        ("iso8859-14", 16, "Ŵŷ ḃḋ ẁ ẃ ỳ"),
        ("iso8859-15", 17, "€uro œ Š ž Ÿ"),
        ("iso8859-16", 18, "Românește ș ț € Ő"),
        ("shift_jis", 20, "日本語テキスト ｱｲｳ ABC"),
        ("cp1250", 21, "Příliš žluťoučký kůň „ú“"),
        ("cp1251", 22, "Привет мир — ёж №"),
        ("cp1252", 23, "Café “quotes” € … œ"),
        ("cp1256", 24, "مرحبا پ چ گ"),
        ("utf-16-be", 25, "Emoji 😀 and 漢字 Ω"),
        ("utf-8", 26, "Grüße 😀 東京 Ω"),
        ("ascii", 27, "plain ASCII text ~!@#"),
    ]

    static func randomText(_ pool: [Character], length: Int, using random: inout SeededGenerator) -> String {
        String((0..<length).map { _ in pool.randomElement(using: &random)! })
    }

    /// A length spread log-uniformly over 1…max, so that small and large versions both occur.
    static func length(upTo max: Int, using random: inout SeededGenerator) -> Int {
        Int(exp(Double.random(in: 0...Foundation.log(Double(max)), using: &random)))
    }

    @Test("segno: numeric, alphanumeric, byte, UTF-8 and Kanji payloads at every level, random masks")
    func segnoModes() throws {
        var random = SeededGenerator(salt: 201)
        var requests: [DecodePeer.Request] = []
        var expectedTexts: [String] = []
        var expectedModes: [QRDecodedSegment.Mode] = []
        let unicodePool = Array("abcxyz ÄÖÜäöüßéèñ Ωπλ Жжщ 東京漢字 😀🚀 ")
        for index in 0..<160 {
            var request = DecodePeer.Request(op: "segno")
            request.level = Self.levels[index % 4]
            request.mask = Bool.random(using: &random) ? Int.random(in: 0...7, using: &random) : nil
            let text: String
            switch index % 5 {
            case 0:
                text = Self.randomText(
                    Array("0123456789"), length: Self.length(upTo: 3000, using: &random), using: &random)
                request.mode = "numeric"
                expectedModes.append(.numeric)
            case 1:
                text = Self.randomText(
                    Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"),
                    length: Self.length(upTo: 1800, using: &random),
                    using: &random)
                request.mode = "alphanumeric"
                expectedModes.append(.alphanumeric)
            case 2:
                text = Self.randomText(
                    (0x20...0x7E).map { Character(Unicode.Scalar($0)) },
                    length: Self.length(upTo: 1200, using: &random),
                    using: &random)
                request.mode = "byte"
                expectedModes.append(.byte)
            case 3:
                text = Self.randomText(unicodePool, length: Self.length(upTo: 400, using: &random), using: &random)
                request.mode = "byte"
                request.encoding = "utf-8"
                expectedModes.append(.byte)
            default:
                text = Self.randomText(Self.kanjiText, length: Self.length(upTo: 700, using: &random), using: &random)
                request.mode = "kanji"
                expectedModes.append(.kanji)
            }
            request.text = text
            requests.append(request)
            expectedTexts.append(text)
        }
        let responses = try DecodePeer.call(requests)
        for (index, response) in responses.enumerated() {
            let grid = try #require(response.grid)
            let decoded = try QRSymbolDecoder.decode(grid)
            let context = "case \(index) (\(expectedModes[index]), version \(response.version ?? 0))"
            #expect(decoded.text == expectedTexts[index], "\(context)")
            #expect(decoded.version == response.version, "\(context)")
            #expect(response.mask.map { decoded.mask.rawValue == $0 } ?? false, "\(context)")
            #expect(decoded.ecLevel.description == requests[index].level, "\(context)")
            #expect(decoded.segments.allSatisfy { $0.mode == expectedModes[index] && $0.eci == nil }, "\(context)")
            if expectedModes[index] != .kanji {
                #expect(decoded.bytes == Array(expectedTexts[index].utf8), "\(context)")
            }
        }
    }

    @Test("segno: byte data under an ECI header in every supported character set")
    func segnoECI() throws {
        var random = SeededGenerator(salt: 202)
        var requests: [DecodePeer.Request] = []
        var expected: [(text: String, eci: Int)] = []
        for round in 0..<4 {
            for sample in Self.eciSamples {
                var request = DecodePeer.Request(op: "segno")
                // A random selection of the sample's characters, repeated to reach larger versions now and then.
                let pool = Array(sample.text)
                let text = Self.randomText(
                    pool, length: Self.length(upTo: round == 3 ? 600 : 60, using: &random), using: &random)
                request.text = text
                request.encoding = sample.codec
                request.eci = true
                request.mode = "byte"
                request.level = Self.levels.randomElement(using: &random)!
                requests.append(request)
                expected.append((text, sample.eci))
            }
        }
        let responses = try DecodePeer.call(requests)
        for (index, response) in responses.enumerated() {
            let decoded = try QRSymbolDecoder.decode(try #require(response.grid))
            let context = "\(requests[index].encoding ?? "") case \(index)"
            #expect(decoded.text == expected[index].text, "\(context)")
            #expect(decoded.segments.allSatisfy { $0.eci == expected[index].eci }, "\(context)")
        }
    }

    @Test("segno: structured-append sequences of 2–16 symbols combine to the original text in any order")
    func segnoStructuredAppend() throws {
        var random = SeededGenerator(salt: 203)
        var requests: [DecodePeer.Request] = []
        var texts: [String] = []
        // segno 1.6.6 overfills sequence symbols when characters take more than one byte (a 4-Q symbol of 48 data
        // codewords given 46 bytes after the header; ZBar cannot read it either), so its sequences carry single-byte
        // text: ASCII, or ISO 8859-1 in its default encoding. Multi-byte characters split between symbols are tested
        // in StructuredAppendTests with streams written here.
        let ascii = Array("The quick brown fox jumps over the lazy dog 0123456789 ")
        for index in 0..<24 {
            var request = DecodePeer.Request(op: "segno_sequence")
            let count = index < 2 ? [2, 16][index] : Int.random(in: 2...6, using: &random)
            let pool = index % 3 == 0 ? ascii : ascii + Array("Grüße àçéñ")
            let text = Self.randomText(
                pool, length: Int.random(in: count * 10...count * 60, using: &random), using: &random)
            request.text = text
            request.count = count
            request.level = Self.levels.randomElement(using: &random)!
            request.encoding = index % 3 == 0 ? "utf-8" : nil
            requests.append(request)
            texts.append(text)
        }
        let responses = try DecodePeer.call(requests)
        for (index, response) in responses.enumerated() {
            let symbols = try #require(response.symbols)
            #expect(symbols.count == requests[index].count, "case \(index)")
            var decoded = try symbols.map { try QRSymbolDecoder.decode(try #require($0.grid)) }
            for (position, symbol) in decoded.enumerated() {
                #expect(symbol.structuredAppend?.index == position, "case \(index)")
                #expect(symbol.structuredAppend?.total == symbols.count, "case \(index)")
            }
            decoded.shuffle(using: &random)
            let message = try QRStructuredAppend.combine(decoded)
            #expect(message.text == texts[index], "case \(index)")
            #expect(message.bytes == texts[index].unicodeScalars.map { UInt8($0.value) }, "case \(index)")
            // Without one symbol the message is incomplete.
            if decoded.count > 1 {
                #expect(throws: QRDecodeError.self) { try QRStructuredAppend.combine(Array(decoded.dropLast())) }
            }
        }
    }

    @Test("python-qrcode: mixed numeric, alphanumeric and byte segments, every level and mask")
    func pythonQRCode() throws {
        var random = SeededGenerator(salt: 204)
        var requests: [DecodePeer.Request] = []
        var expected: [[UInt8]] = []
        for index in 0..<96 {
            var request = DecodePeer.Request(op: "qrcode")
            request.level = Self.levels[index % 4]
            request.mask = index / 4 % 8
            var parts: [DecodePeer.Request.Part] = []
            var payload: [UInt8] = []
            for _ in 0..<Int.random(in: 1...5, using: &random) {
                let length = Self.length(upTo: 300, using: &random)
                let mode = ["numeric", "alphanumeric", "byte"].randomElement(using: &random)!
                let alphabet: [UInt8] =
                    switch mode {
                    case "numeric": Array("0123456789".utf8)
                    case "alphanumeric": RandomContent.alphanumericSet
                    default: Array(0...255)
                    }
                let data = (0..<length).map { _ in alphabet.randomElement(using: &random)! }
                parts.append(.init(hex: data.hex, mode: mode))
                payload += data
            }
            request.parts = parts
            requests.append(request)
            expected.append(payload)
        }
        let responses = try DecodePeer.call(requests)
        for (index, response) in responses.enumerated() {
            let decoded = try QRSymbolDecoder.decode(try #require(response.grid))
            #expect(decoded.bytes == expected[index], "case \(index)")
            #expect(decoded.mask.rawValue == requests[index].mask, "case \(index)")
            #expect(decoded.version == response.version, "case \(index)")
            #expect(decoded.segments.map(\.mode.rawValue) == requests[index].parts?.map(\.mode), "case \(index)")
        }
    }

    @Test("qrencode: automatic modes, 8-bit mode and Kanji mode (Shift_JIS input)")
    func qrencode() throws {
        var random = SeededGenerator(salt: 205)
        // Shift_JIS bytes of random kana/kanji texts, from Python's codec.
        var kanjiTexts: [String] = []
        var encodeRequests: [DecodePeer.Request] = []
        for _ in 0..<20 {
            let text = Self.randomText(
                Self.kanjiText + Array("ABC123"), length: Self.length(upTo: 400, using: &random), using: &random)
            var request = DecodePeer.Request(op: "encode")
            request.text = text
            request.codec = "shift_jis"
            encodeRequests.append(request)
            kanjiTexts.append(text)
        }
        let kanjiBytes = try DecodePeer.call(encodeRequests).map { try #require($0.hex.flatMap([UInt8].init(hex:))) }

        var requests: [DecodePeer.Request] = []
        var expected: [[UInt8]] = []
        var expectedText: [String?] = []
        for index in 0..<60 {
            var request = DecodePeer.Request(op: "qrencode")
            request.level = Self.levels[index % 4]
            let payload: [UInt8]
            switch index % 3 {
            case 0:  // printable ASCII and digit runs: qrencode mixes numeric, alphanumeric and 8-bit segments
                let pool = Array("0123456789012345678901234567890123456789ABCDEFXYZ $%*+-./:abcdef".utf8)
                payload = (0..<Self.length(upTo: 2000, using: &random)).map { _ in pool.randomElement(using: &random)! }
                expectedText.append(String(decoding: payload, as: UTF8.self))
            case 1:  // arbitrary bytes (but no NUL, which the tool's input reading stops at), all in 8-bit mode
                payload = (0..<Self.length(upTo: 1500, using: &random)).map { _ in
                    UInt8.random(in: 1...255, using: &random)
                }
                request.flag = "-8"
                expectedText.append(nil)
            default:
                payload = kanjiBytes[index / 3]
                request.flag = "-k"
                expectedText.append(kanjiTexts[index / 3])
            }
            request.hex = payload.hex
            requests.append(request)
            expected.append(payload)
        }
        let responses = try DecodePeer.call(requests)
        for (index, response) in responses.enumerated() {
            let decoded = try QRSymbolDecoder.decode(try #require(response.grid))
            #expect(decoded.bytes == expected[index], "case \(index) \(requests[index].flag ?? "")")
            if let text = expectedText[index] { #expect(decoded.text == text, "case \(index)") }
            if requests[index].flag == "-k" {
                #expect(decoded.segments.contains { $0.mode == .kanji }, "case \(index)")
            }
        }
    }
}
