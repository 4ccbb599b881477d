import Testing

@testable import QRCode

@Suite("Encoder API: version choice, masks and errors")
struct EncoderTests {
    @Test(
        "one character beyond version 40's capacity throws data_too_long at every level and mode",
        arguments: QRErrorCorrection.allCases)
    func tooLong(_ level: QRErrorCorrection) throws {
        for mode in PayloadMode.allCases {
            let capacity = CapacityTable.characters(version: 40, level: level, mode: mode)
            let payload = [UInt8](repeating: mode.alphabet[1], count: capacity + 1)
            let available = QRSpec.dataBits(version: 40, level: level)
            do {
                _ = try QRCode.encode(segments: [mode.segment(payload)], ecLevel: level)
                Issue.record("\(mode) \(capacity + 1) characters at \(level) should not fit")
            } catch let error as QRCodeError {
                #expect(error.code == .dataTooLong, "unexpected \(error)")
                #expect(error.message.contains("holds at most \(available);"))
                #expect(error.message.contains("version-40 QR code at error-correction level \(level.letter)"))
                #expect(error.message.contains("shorten the payload or choose a lower error-correction level"))
            }
        }
        // The automatic path reports the same error for text.
        let text = String(repeating: "a", count: CapacityTable.characters(version: 40, level: level, mode: .byte) + 1)
        #expect(throws: QRCodeError.self) { try QRCode.encode(text, ecLevel: level) }
    }

    @Test("a payload of exactly version 40's byte capacity encodes in version 40")
    func fullCapacity() throws {
        let payload = [UInt8](repeating: 0x61, count: 2953)  // Table 7: 40-L holds 2953 bytes
        let matrix = try QRCode.encode(segments: [.bytes(payload)], ecLevel: .low, mask: .pattern1)
        #expect(matrix.version == 40 && matrix.size == 177)
    }

    @Test("a capped version range reports its own largest version and suggests a larger one")
    func cappedRange() throws {
        // needs version 6 at M (Table 7: 5-M holds 84 bytes, 6-M 106)
        let payload = [UInt8](repeating: 0x61, count: 100)
        #expect(try QRCode.encode(bytes: payload, ecLevel: .medium).version == 6)
        do {
            _ = try QRCode.encode(bytes: payload, ecLevel: .medium, versions: 1...5)
            Issue.record("100 bytes should not fit version 5-M")
        } catch {
            #expect(error == .dataTooLong(requiredBits: 4 + 8 + 800, availableBits: 688, version: 5, ecLevel: .medium))
            #expect(error.message.contains("allow a larger version"))
        }
    }

    @Test("version ranges outside 1...40 are rejected", arguments: [0...10, 1...41, -3...(-1), 41...50])
    func invalidRange(_ range: ClosedRange<Int>) {
        #expect(throws: QRCodeError.invalidVersionRange(lowerBound: range.lowerBound, upperBound: range.upperBound)) {
            try QRCode.encode("x", versions: range)
        }
        #expect(QRCodeError.invalidVersionRange(lowerBound: 0, upperBound: 1).code == .invalidVersionRange)
    }

    @Test("the smallest version in the range that fits is chosen")
    func minimumVersion() throws {
        for minimum in [1, 2, 7, 10, 27, 40] {
            let matrix = try QRCode.encode("hello", ecLevel: .high, versions: minimum...40, mask: .pattern0)
            #expect(matrix.version == minimum)
            #expect(matrix.size == 17 + 4 * minimum)
        }
    }

    @Test("a fixed mask is used as given", arguments: QRMask.allCases)
    func fixedMask(_ mask: QRMask) throws {
        let matrix = try QRCode.encode("fixed mask", ecLevel: .quartile, mask: mask)
        #expect(matrix.mask == mask)
        #expect(matrix.ecLevel == .quartile)
    }

    @Test("the automatic mask is the first of the eight with the lowest penalty")
    func automaticMaskIsMinimum() throws {
        var random = SeededGenerator(salt: 8)
        for _ in 0..<12 {
            let level = QRErrorCorrection.allCases.randomElement(using: &random)!
            let payload = (0..<Int.random(in: 1...300, using: &random)).map { _ in
                UInt8.random(in: 0x20...0x7E, using: &random)
            }
            let chosen = try QRCode.encode(bytes: payload, ecLevel: level)
            var penalties: [Int] = []
            for mask in QRMask.allCases {
                let candidate = try QRCode.encode(
                    bytes: payload, ecLevel: level, versions: chosen.version...chosen.version, mask: mask)
                penalties.append(SymbolBuilder.penalty(of: candidate.modules, size: candidate.size))
            }
            #expect(chosen.mask.rawValue == penalties.firstIndex(of: penalties.min()!), "penalties \(penalties)")
        }
    }

    @Test("the periodic mask table equals the Table 10 conditions over a whole version 40 symbol")
    func maskPeriodicity() {
        for mask in QRMask.allCases {
            let offset = mask.rawValue * QRMask.rowPeriod * QRMask.columnPeriod
            for y in 0..<177 {
                for x in 0..<177 {
                    let tabled =
                        QRMask.periodicTable[
                            offset + (y % QRMask.rowPeriod) * QRMask.columnPeriod + x % QRMask.columnPeriod] == 1
                    if tabled != mask.inverts(x: x, y: y) { Issue.record("\(mask) at (\(x), \(y))") }
                }
            }
        }
    }

    @Test("finder, separator and timing patterns are where §6.3 puts them")
    func functionPatterns() throws {
        for version in [1, 2, 7, 40] {
            let matrix = try QRCode.encode("patterns", versions: version...version, mask: .pattern5)
            let size = matrix.size
            for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
                for dy in -4...4 {
                    for dx in -4...4 {
                        let x = cx + dx
                        let y = cy + dy
                        guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                        let ring = max(abs(dx), abs(dy))
                        #expect(
                            matrix[x, y] == (ring <= 1 || ring == 3), "finder at (\(cx), \(cy)), version \(version)")
                    }
                }
            }
            for i in 8..<size - 8 {
                #expect(
                    matrix[i, 6] == (i % 2 == 0) && matrix[6, i] == (i % 2 == 0), "timing at \(i), version \(version)")
            }
        }
    }

    @Test("an empty payload and a UTF-8 string encode")
    func smallPayloads() throws {
        #expect(try QRCode.encode("").version == 1)
        // 12 UTF-8 bytes: more than version 1-H's 7, within version 2-H's 14 (Table 7).
        let matrix = try QRCode.encode("Grüße 🔐", ecLevel: .high)
        #expect(matrix.version == 2)
    }

    @Test("errors describe themselves with code and sentence")
    func errorDescription() {
        let error = QRCodeError.dataTooLong(requiredBits: 30000, availableBits: 23648, version: 40, ecLevel: .low)
        #expect(
            error.description
                == "data_too_long: The payload needs 30000 data bits but a version-40 QR code at error-correction level L holds at most 23648; shorten the payload or choose a lower error-correction level."
        )
    }
}
