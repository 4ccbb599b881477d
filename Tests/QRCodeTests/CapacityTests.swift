import Testing

@testable import QRCode

@Suite("Symbol geometry and capacity (ISO/IEC 18004:2015 Tables 1, 7, 9 and Annex E)")
struct CapacityTests {
    struct AlignmentEntry: Decodable {
        let version: Int
        let centers: [Int]
    }

    @Test("the capacity file covers all 160 version and level combinations")
    func tableLoaded() {
        #expect(CapacityTable.entries.count == 160)
        #expect(Set(CapacityTable.entries.map { "\($0.version)\($0.level)" }).count == 160)
    }

    @Test("data bits and the block structure of every version and level equal Tables 7 and 9")
    func blockStructure() {
        for entry in CapacityTable.entries {
            let level = entry.ecLevel
            let label = "version \(entry.version)-\(entry.level)"
            #expect(QRSpec.dataBits(version: entry.version, level: level) == entry.dataBits, "\(label)")
            let total = entry.blocks.reduce(0) { $0 + $1.count * $1.totalCodewords }
            #expect(QRSpec.totalCodewords(version: entry.version) == total, "\(label): Table 1 total codewords")

            // The grouping the encoder derives from the per-level block count and EC length.
            let blocks = Int(QRSpec.errorCorrectionBlocks[level.rawValue][entry.version])
            let ecPerBlock = Int(QRSpec.ecCodewordsPerBlock[level.rawValue][entry.version])
            let long = total % blocks
            var derived = [
                CapacityEntry.BlockGroup(
                    count: blocks - long, totalCodewords: total / blocks,
                    dataCodewords: total / blocks - ecPerBlock)
            ]
            if long > 0 {
                derived.append(
                    .init(
                        count: long, totalCodewords: total / blocks + 1, dataCodewords: total / blocks + 1 - ecPerBlock)
                )
            }
            #expect(derived == entry.blocks, "\(label)")
        }
    }

    @Test("the Table 7 character capacities fit exactly: one more character does not", arguments: PayloadMode.allCases)
    func characterCapacity(_ mode: PayloadMode) throws {
        let filler = mode.alphabet[mode.alphabet.count / 2]
        for entry in CapacityTable.entries {
            let count = entry.characters(mode)
            let fits = try QRCode.encodedBitCount(
                of: [mode.segment([UInt8](repeating: filler, count: count))], version: entry.version)
            let overflows = try QRCode.encodedBitCount(
                of: [mode.segment([UInt8](repeating: filler, count: count + 1))], version: entry.version)
            let label = "\(mode) \(count) characters at \(entry.version)-\(entry.level)"
            #expect(fits.map { $0 <= entry.dataBits } == true, "\(label) should fit")
            #expect(overflows.map { $0 > entry.dataBits } ?? true, "\(label) plus one should not fit")
        }
    }

    @Test("alignment pattern centres equal Annex E, Table E.1")
    func alignmentPatterns() throws {
        let entries = try TestResources.load(VectorFile<AlignmentEntry>.self, from: "alignment-patterns.json").entries
        #expect(entries.map(\.version) == Array(1...40))
        for entry in entries {
            #expect(QRSpec.alignmentPatternCenters(version: entry.version) == entry.centers, "version \(entry.version)")
        }
    }

    @Test("the modules left free by the function patterns are exactly the raw data modules of Table 1")
    func functionPatternArea() {
        for version in 1...40 {
            let symbol = SymbolBuilder(version: version)
            let free = symbol.isFunction.lazy.filter { !$0 }.count
            #expect(free == QRSpec.rawDataModules(version: version), "version \(version)")
            // Remainder bits (§7.6): 0, 7, 0, 3 or 4 depending on the version.
            #expect([0, 3, 4, 7].contains(free % 8), "version \(version)")
        }
    }
}
