import Testing

@testable import QRCode

/// Hostile and broken input: random grids, wrong sizes and bit streams that break §7.4 must end in a
/// ``QRDecodeError``, never a trap and never a payload (ISO/IEC 18004:2015 §7.4, §12).
@Suite("Malformed input")
struct MalformedInputTests {
    @Test("thousands of random grids of every size give errors only")
    func randomGrids() {
        var random = SeededGenerator(salt: 501)
        var codes: [QRDecodeError.Code: Int] = [:]
        for trial in 0..<3000 {
            let size: Int
            switch trial % 4 {
            case 0: size = Int.random(in: 1...200, using: &random)
            case 1: size = 17 + 4 * Int.random(in: 1...40, using: &random)
            default: size = 17 + 4 * Int.random(in: 1...8, using: &random)
            }
            // Dark with probability 1/2, or 1/4 or 3/4 (two random words ANDed or ORed), 64 modules per draw.
            let bias = trial % 3
            var modules = [UInt8](repeating: 0, count: size * size)
            var word: UInt64 = 0
            for index in modules.indices {
                if index % 64 == 0 {
                    word = random.next()
                    if bias == 1 { word &= random.next() } else if bias == 2 { word |= random.next() }
                }
                modules[index] = UInt8(word >> UInt64(index % 64) & 1)
            }
            let grid = QRModuleGrid(size: size, modules: modules)!
            do {
                let decoded = try QRSymbolDecoder.decode(grid)
                Issue.record("trial \(trial): a random \(size)-module grid decoded to \(decoded.bytes.count) bytes")
            } catch {
                codes[error.code, default: 0] += 1
                #expect(!error.message.isEmpty)
            }
        }
        // The grids reach every stage that can refuse them.
        #expect(codes[.invalidGridSize, default: 0] > 0)
        #expect(codes[.formatInformationUnreadable, default: 0] > 0)
        #expect(codes[.versionInformationUnreadable, default: 0] + codes[.versionMismatch, default: 0] > 0)
        #expect(codes[.tooManyErrors, default: 0] > 0)
    }

    @Test("sizes that are not 17 + 4 · version are refused")
    func wrongSizes() throws {
        for size in [1, 17, 20, 22, 23, 24, 173 + 1, 181, 185, 1024] {
            let grid = try #require(QRModuleGrid(size: size, modules: [UInt8](repeating: 0, count: size * size)))
            #expect(
                decodeError { () throws(QRDecodeError) in _ = try QRSymbolDecoder.decode(grid) }?.code
                    == .invalidGridSize)
        }
    }

    @Test("random data codewords under valid Reed–Solomon codewords: a parse or malformed_bitstream, never a trap")
    func randomBitstreams() {
        var random = SeededGenerator(salt: 502)
        var parsed = 0
        var malformed = 0
        for trial in 0..<2000 {
            let version =
                trial % 5 == 0 ? Int.random(in: 1...40, using: &random) : Int.random(in: 1...4, using: &random)
            let level = QRErrorCorrection.allCases.randomElement(using: &random)!
            let count = QRSpec.dataCodewords(version: version, level: level)
            // Random bytes, or a random mode indicator and count up front to reach deeper into the parser.
            var data = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            if trial % 2 == 0 {
                data[0] =
                    data[0] & 0x0F | [0x10, 0x20, 0x40, 0x80, 0x70, 0x30, 0x50, 0x90].randomElement(using: &random)!
            }
            let matrix = QRCode.build(
                dataCodewords: data, version: version, ecLevel: level,
                mask: QRMask.allCases.randomElement(using: &random)!)
            do {
                let decoded = try QRSymbolDecoder.decode(QRModuleGrid(matrix))
                #expect(decoded.version == version && decoded.correctedCodewords == 0)
                parsed += 1
            } catch {
                #expect(error.code == .malformedBitstream, "trial \(trial): \(error)")
                malformed += 1
            }
        }
        #expect(parsed > 0 && malformed > 0)
    }

    /// A symbol (version 1, level L: 19 data codewords) holding exactly `bits`, padded per §7.4.9–§7.4.10.
    static func decodeStream(version: Int = 1, _ write: (inout StreamBuilder) -> Void) -> QRDecodeError? {
        var builder = StreamBuilder(version: version)
        write(&builder)
        guard let matrix = builder.symbol(level: .low, mask: .pattern2) else { return nil }
        return decodeError { () throws(QRDecodeError) in _ = try QRSymbolDecoder.decode(QRModuleGrid(matrix)) }
    }

    @Test(
        "bit streams that break §7.4 are malformed_bitstream with a reason",
        arguments: [
            ("numeric group 1000", "10-bit numeric group 1000"),
            ("numeric pair 100", "7-bit numeric group 100"),
            ("numeric digit 10", "4-bit numeric group 10"),
            ("alphanumeric pair 2025", "alphanumeric pair 2025"),
            ("alphanumeric character 45", "alphanumeric character 45"),
            ("byte count past the data", "needs"),
            ("numeric count past the data", "needs"),
            ("mode 0110", "mode indicator 0110"),
            ("mode 1101 (GB 2312)", "mode indicator 1101"),
            ("mode 1111", "mode indicator 1111"),
            ("ECI starting 111", "ECI designator cannot start"),
            ("ECI above 999999", "above 999999"),
            ("ECI cut off", "ends inside an ECI designator"),
            ("structured append after data", "structured-append header"),
            ("structured append index past total", "structured-append symbol 5 of only 3"),
            ("FNC1 twice", "FNC1"),
            ("FNC1 after data", "FNC1"),
            ("FNC1 application indicator 150", "application indicator"),
            ("Kanji trail byte 0xFD", "Kanji value"),
            ("Kanji trail byte 0x7F", "Kanji value"),
        ])
    func malformedStreams(name: String, reason: String) throws {
        let error = Self.decodeStream { stream in
            switch name {
            case "numeric group 1000":
                stream.append(0b0001, bitCount: 4)
                stream.append(3, bitCount: 10)
                stream.append(1000, bitCount: 10)
            case "numeric pair 100":
                stream.append(0b0001, bitCount: 4)
                stream.append(2, bitCount: 10)
                stream.append(100, bitCount: 7)
            case "numeric digit 10":
                stream.append(0b0001, bitCount: 4)
                stream.append(1, bitCount: 10)
                stream.append(10, bitCount: 4)
            case "alphanumeric pair 2025":
                stream.append(0b0010, bitCount: 4)
                stream.append(2, bitCount: 9)
                stream.append(2025, bitCount: 11)
            case "alphanumeric character 45":
                stream.append(0b0010, bitCount: 4)
                stream.append(1, bitCount: 9)
                stream.append(45, bitCount: 6)
            case "byte count past the data":
                stream.append(0b0100, bitCount: 4)
                stream.append(18, bitCount: 8)
            case "numeric count past the data":
                stream.append(0b0001, bitCount: 4)
                stream.append(1023, bitCount: 10)
            case "mode 0110": stream.append(0b0110, bitCount: 4)
            case "mode 1101 (GB 2312)":
                stream.append(0b1101, bitCount: 4)
                stream.append(1, bitCount: 8)
            case "mode 1111": stream.append(0b1111, bitCount: 4)
            case "ECI starting 111":
                stream.append(0b0111, bitCount: 4)
                stream.append(0xE0, bitCount: 8)
            case "ECI above 999999":
                stream.append(0b0111, bitCount: 4)
                stream.append(0xDF_FFFF, bitCount: 24)
            case "ECI cut off":
                stream.byte(Array(repeating: 0x41, count: 17))  // 148 of the 152 data bits
                stream.append(0b0111, bitCount: 4)
            case "structured append after data":
                stream.numeric(Array("12".utf8))
                stream.structuredAppend(index: 0, total: 2, parity: 0)
            case "structured append index past total": stream.structuredAppend(index: 4, total: 3, parity: 0)
            case "FNC1 twice":
                stream.append(0b0101, bitCount: 4)
                stream.append(0b0101, bitCount: 4)
            case "FNC1 after data":
                stream.numeric(Array("12".utf8))
                stream.append(0b0101, bitCount: 4)
            case "FNC1 application indicator 150":
                stream.append(0b1001, bitCount: 4)
                stream.append(150, bitCount: 8)
            case "Kanji trail byte 0xFD":  // 0x9FFD: high 0x1E, low 0xBD after subtracting 0x8140
                stream.append(0b1000, bitCount: 4)
                stream.append(1, bitCount: 8)
                stream.append(0x1E * 0xC0 + 0xBD, bitCount: 13)
            case "Kanji trail byte 0x7F":  // 0x817F
                stream.append(0b1000, bitCount: 4)
                stream.append(1, bitCount: 8)
                stream.append(0x3F, bitCount: 13)
            default: Issue.record("unknown case \(name)")
            }
        }
        let found = try #require(error, "\(name) decoded")
        #expect(found.code == .malformedBitstream, "\(name): \(found)")
        #expect(found.message.contains(reason), "\(name): \(found.message)")
    }
}
