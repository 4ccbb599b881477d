import Testing

@testable import QRCode

@Suite("Data segments and automatic mode selection (ISO/IEC 18004:2015 §7.4)")
struct SegmentTests {
    static func bits(_ buffer: BitBuffer) -> String {
        (0..<buffer.count).map { buffer[$0] ? "1" : "0" }.joined()
    }

    @Test("numeric mode encodes the §7.4.3 example 01234567")
    func numericExample() throws {
        let segment = try QRSegment.numeric("01234567")
        // 012 → 0000001100, 345 → 0101011001, 67 → 1000011.
        #expect(Self.bits(segment.data) == "0000001100" + "0101011001" + "1000011")
        #expect(segment.characterCount == 8)
        #expect(segment.encodedBitCount(version: 1) == 4 + 10 + 27)
    }

    @Test("alphanumeric mode encodes the §7.4.4 example AC-42")
    func alphanumericExample() throws {
        let segment = try QRSegment.alphanumeric("AC-42")
        // (A, C) = 10·45 + 12 = 462, (-, 4) = 41·45 + 4 = 1849, 2 → 6 bits.
        #expect(Self.bits(segment.data) == "00111001110" + "11100111001" + "000010")
        #expect(segment.encodedBitCount(version: 1) == 4 + 9 + 28)
    }

    @Test("byte mode keeps bytes unchanged and character count widths follow Table 3")
    func byteSegment() {
        let segment = QRSegment.utf8("é")
        #expect(Self.bits(segment.data) == "11000011" + "10101001")
        #expect(segment.characterCount == 2)
        let widths = [1, 9, 10, 26, 27, 40].map { version in
            QRSegment.Mode.allCases.map { $0.characterCountBits(version: version) }
        }
        #expect(widths == [[10, 9, 8], [10, 9, 8], [12, 11, 16], [12, 11, 16], [14, 13, 16], [14, 13, 16]])
    }

    @Test("characters outside a mode's set are rejected with their offset")
    func invalidCharacters() {
        #expect(throws: QRCodeError.invalidCharacter(mode: .numeric, offset: 3)) { try QRSegment.numeric("123a5") }
        #expect(throws: QRCodeError.invalidCharacter(mode: .alphanumeric, offset: 1)) {
            try QRSegment.alphanumeric("Ab")
        }
        do {
            _ = try QRSegment.alphanumeric("lower")
            Issue.record("lower-case letters are not alphanumeric")
        } catch {
            #expect(error.code == .invalidSegmentCharacter)
            #expect(error.message.contains("offset 0"))
        }
    }

    /// Fewest bits over every split of `payload` into runs, each run in any mode that can hold it,
    /// with segment sizes from the §7.4.3–§7.4.5 formulas. Exhaustive over split points, memoised
    /// on the start position (the cost of the rest does not depend on how the prefix was split).
    static func exhaustiveMinimum(_ payload: [UInt8], version: Int) -> Int {
        func bits(_ mode: QRSegment.Mode, _ n: Int) -> Int {
            let data =
                switch mode {
                case .numeric: 10 * (n / 3) + [0, 4, 7][n % 3]
                case .alphanumeric: 11 * (n / 2) + 6 * (n % 2)
                case .byte: 8 * n
                }
            return 4 + mode.characterCountBits(version: version) + data
        }
        let alphanumericSet = Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)
        var best = [Int](repeating: 0, count: payload.count + 1)
        for start in stride(from: payload.count - 1, through: 0, by: -1) {
            var minimum = Int.max
            var allNumeric = true
            var allAlphanumeric = true
            for end in start + 1...payload.count {
                let character = payload[end - 1]
                allNumeric = allNumeric && (0x30...0x39).contains(character)
                allAlphanumeric = allAlphanumeric && alphanumericSet.contains(character)
                let length = end - start
                minimum = min(minimum, bits(.byte, length) + best[end])
                if allNumeric { minimum = min(minimum, bits(.numeric, length) + best[end]) }
                if allAlphanumeric { minimum = min(minimum, bits(.alphanumeric, length) + best[end]) }
            }
            best[start] = minimum
        }
        return best[0]
    }

    @Test("automatic segmentation is optimal: it equals an exhaustive search over all splits")
    func optimalSegmentation() {
        var random = SeededGenerator(salt: 7)
        let alphabet = Array("0123456789ABCDXYZ $:abc\u{7F}".utf8)
        for _ in 0..<300 {
            // Runs of one class make mode switches worthwhile; single characters mix them finely.
            var payload: [UInt8] = []
            let target = Int.random(in: 1...60, using: &random)
            while payload.count < target {
                let pool = [Array("0123456789".utf8), Array("ABCDXYZ $:".utf8), alphabet].randomElement(using: &random)!
                payload += (0..<Int.random(in: 1...12, using: &random)).map { _ in pool.randomElement(using: &random)! }
            }
            for versionClass in 0..<3 {
                let version = [1, 10, 27][versionClass]
                let segments = QRSegment.optimalSegments(for: payload, versionClass: versionClass)
                let bits = QRCode.encodedBitCount(of: segments, version: version)
                #expect(
                    bits == Self.exhaustiveMinimum(payload, version: version),
                    "\(String(decoding: payload, as: UTF8.self)) in class \(versionClass)")
                // The segments hold the payload's characters in order.
                #expect(segments.reduce(0) { $0 + $1.characterCount } == payload.count)
            }
        }
    }

    @Test("long uniform payloads use one segment of their natural mode")
    func naturalModes() {
        let cases: [(String, QRSegment.Mode)] = [
            ("31415926535897932384626", .numeric), ("HELLO WORLD $%*+-./:", .alphanumeric),
            ("hello, world", .byte),
        ]
        for (text, mode) in cases {
            let segments = QRSegment.optimalSegments(for: Array(text.utf8), versionClass: 0)
            #expect(segments.map(\.mode) == [mode], "\(text)")
        }
        #expect(QRSegment.optimalSegments(for: [], versionClass: 0).isEmpty)
    }

    @Test("an otpauth URI with a long base32 secret switches to alphanumeric for the secret")
    func otpauthSegmentation() {
        let uri =
            "otpauth://totp/Chronoguard:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Chronoguard"
        let segments = QRSegment.optimalSegments(for: Array(uri.utf8), versionClass: 0)
        #expect(segments.contains { $0.mode == .alphanumeric && $0.characterCount >= 40 })
        let single = QRCode.encodedBitCount(of: [.utf8(uri)], version: 1)!
        #expect(QRCode.encodedBitCount(of: segments, version: 1)! < single)
    }
}
