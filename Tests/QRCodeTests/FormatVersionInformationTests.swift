import Testing

@testable import QRCode

@Suite("Format and version information BCH codes (ISO/IEC 18004:2015 §7.9, §7.10)")
struct FormatVersionInformationTests {
    struct FormatEntry: Decodable {
        let level: String
        let mask: Int
        let bits: String
    }

    struct VersionEntry: Decodable {
        let version: Int
        let bits: String
    }

    @Test("all 32 format information sequences equal Annex C, Table C.1")
    func formatInformation() throws {
        let entries = try TestResources.load(VectorFile<FormatEntry>.self, from: "format-information.json").entries
        #expect(entries.count == 32)
        for entry in entries {
            let level = try #require(QRErrorCorrection.allCases.first { String($0.letter) == entry.level })
            let mask = try #require(QRMask(rawValue: entry.mask))
            let bits = QRSpec.formatBits(level: level, mask: mask)
            #expect(String(bits, radix: 2).leftPadded(to: 15) == entry.bits, "level \(entry.level) mask \(entry.mask)")
        }
    }

    @Test("version information for versions 7–40 equals Annex D, Table D.1")
    func versionInformation() throws {
        let entries = try TestResources.load(VectorFile<VersionEntry>.self, from: "version-information.json").entries
        #expect(entries.map(\.version) == Array(7...40))
        for entry in entries {
            #expect(
                String(QRSpec.versionBits(version: entry.version), radix: 2).leftPadded(to: 18) == entry.bits,
                "version \(entry.version)")
        }
    }

    @Test("any two format sequences differ in at least 7 bits, any two version sequences in at least 8")
    func minimumDistance() {
        let formats = QRErrorCorrection.allCases.flatMap { level in
            QRMask.allCases.map { QRSpec.formatBits(level: level, mask: $0) }
        }
        for (i, a) in formats.enumerated() {
            for b in formats[(i + 1)...] { #expect((a ^ b).nonzeroBitCount >= 7) }
        }
        let versions = (7...40).map { QRSpec.versionBits(version: $0) }
        for (i, a) in versions.enumerated() {
            for b in versions[(i + 1)...] { #expect((a ^ b).nonzeroBitCount >= 8) }
        }
    }

    @Test("encoded symbols carry both copies of their format and version information")
    func embeddedInformation() throws {
        var random = SeededGenerator(salt: 2)
        for version in [1, 6, 7, 21, 40] {
            for level in QRErrorCorrection.allCases {
                let mask = QRMask.allCases.randomElement(using: &random)!
                let matrix = try QRCode.encode(bytes: [], ecLevel: level, versions: version...version, mask: mask)
                let expected = QRSpec.formatBits(level: level, mask: mask)
                let size = matrix.size
                // Figure 25: copy 1 around the top-left finder, copy 2 split between the other two.
                let copy1: [(Int, Int)] =
                    (0...5).map { (8, $0) } + [(8, 7), (8, 8), (7, 8)] + (9..<15).map { (14 - $0, 8) }
                let copy2: [(Int, Int)] = (0..<8).map { (size - 1 - $0, 8) } + (8..<15).map { (8, size - 15 + $0) }
                for copy in [copy1, copy2] {
                    let read = copy.enumerated().reduce(UInt32(0)) { $0 | (matrix[$1.1.0, $1.1.1] ? 1 << $1.0 : 0) }
                    #expect(read == expected, "version \(version) level \(level)")
                }
                #expect(matrix[8, size - 8], "the dark module")
                if version >= 7 {
                    let bits = QRSpec.versionBits(version: version)
                    for i in 0..<18 {
                        let bit = bits >> i & 1 == 1
                        #expect(matrix[size - 11 + i % 3, i / 3] == bit)
                        #expect(matrix[i / 3, size - 11 + i % 3] == bit)
                    }
                }
            }
        }
    }
}

extension String {
    func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
