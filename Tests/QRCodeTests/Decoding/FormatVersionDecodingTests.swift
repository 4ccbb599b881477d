import Testing

@testable import QRCode

/// Format and version information decoding by minimum Hamming distance (ISO/IEC 18004:2015 §7.9, §7.10, Annexes C
/// and D), checked against the transcribed Tables C.1 and D.1: 0–3 bit errors always decode to the right value,
/// 4 or more in both copies never decode silently to a wrong payload.
@Suite("Format and version information decoding")
struct FormatVersionDecodingTests {
    typealias FormatEntry = FormatVersionInformationTests.FormatEntry
    typealias VersionEntry = FormatVersionInformationTests.VersionEntry

    static let formats: [(bits: UInt32, level: QRErrorCorrection, mask: QRMask)] = {
        let entries = (try? TestResources.load(VectorFile<FormatEntry>.self, from: "format-information.json"))?.entries
        return (entries ?? []).map { entry in
            (
                UInt32(entry.bits, radix: 2)!, QRErrorCorrection.allCases.first { String($0.letter) == entry.level }!,
                QRMask(rawValue: entry.mask)!
            )
        }
    }()

    static let versions: [(bits: UInt32, version: Int)] = {
        let entries = (try? TestResources.load(VectorFile<VersionEntry>.self, from: "version-information.json"))?
            .entries
        return (entries ?? []).map { (UInt32($0.bits, radix: 2)!, $0.version) }
    }()

    /// Every bit pattern of `width` bits with at most `weight` bits set.
    static func patterns(width: Int, upTo weight: Int) -> [UInt32] {
        (0..<UInt32(1 << width)).filter { $0.nonzeroBitCount <= weight }
    }

    /// A random pattern of exactly `weight` of `width` bits.
    static func pattern(width: Int, weight: Int, using random: inout SeededGenerator) -> UInt32 {
        (0..<width).shuffled(using: &random).prefix(weight).reduce(0) { $0 | 1 << UInt32($1) }
    }

    /// Smallest distance from `bits` to any entry of the transcribed table.
    static func distance(_ bits: UInt32, to table: [UInt32]) -> Int {
        table.map { ($0 ^ bits).nonzeroBitCount }.min()!
    }

    /// A random symbol of `version` and its grid with the format (or version) copies overwritten.
    static func symbol(version: Int, using random: inout SeededGenerator) -> (QRMatrix, [QRDecodedSegment]) {
        let level = QRErrorCorrection.allCases.randomElement(using: &random)!
        let stream = RandomContent.stream(version: version, level: level, fill: 0.6, using: &random)
        return (stream.symbol(level: level, mask: QRMask.allCases.randomElement(using: &random)!)!, stream.expected)
    }

    static func writing(_ copies: (UInt32, UInt32), at indices: [(Int, Int)], into matrix: QRMatrix) -> QRModuleGrid {
        var modules = matrix.modules
        for (bit, (first, second)) in indices.enumerated() {
            modules[first] = UInt8(copies.0 >> bit & 1)
            modules[second] = UInt8(copies.1 >> bit & 1)
        }
        return QRModuleGrid(size: matrix.size, modules: modules)!
    }

    @Test("format information: all 32 codewords with every pattern of 0–3 bit errors decode exactly")
    func formatUpToThreeErrors() {
        #expect(Self.formats.count == 32)
        let patterns = Self.patterns(width: 15, upTo: 3)
        #expect(patterns.count == 1 + 15 + 105 + 455)
        for format in Self.formats {
            for pattern in patterns {
                let decoded = QRSymbolDecoder.nearestFormat(format.bits ^ pattern)
                #expect(
                    decoded.level == format.level && decoded.mask == format.mask
                        && decoded.distance == pattern.nonzeroBitCount)
            }
        }
    }

    @Test("version information: all 34 codewords with every pattern of 0–3 bit errors decode exactly")
    func versionUpToThreeErrors() {
        #expect(Self.versions.count == 34)
        let patterns = Self.patterns(width: 18, upTo: 3)
        for version in Self.versions {
            for pattern in patterns {
                let decoded = QRSymbolDecoder.nearestVersion(version.bits ^ pattern)
                #expect(decoded.version == version.version && decoded.distance == pattern.nonzeroBitCount)
            }
        }
    }

    @Test("format information in symbols: one copy with ≤ 3 errors suffices; ≥ 4 in both never gives a wrong payload")
    func formatInSymbols() throws {
        var random = SeededGenerator(salt: 401)
        let table = Self.formats.map(\.bits)
        var wrong = 0
        var unreadable = 0
        for trial in 0..<300 {
            let version = Int.random(in: 1...12, using: &random)
            let (matrix, expected) = Self.symbol(version: version, using: &random)
            let indices = SymbolBuilder(version: version).formatModuleIndices()
            let original = QRSpec.formatBits(level: matrix.ecLevel, mask: matrix.mask)
            let good = trial % 3 == 0
            let weights =
                good
                ? (Int.random(in: 0...3, using: &random), Int.random(in: 0...15, using: &random))
                : (Int.random(in: 4...15, using: &random), Int.random(in: 4...15, using: &random))
            let copies = (
                original ^ Self.pattern(width: 15, weight: weights.0, using: &random),
                original ^ Self.pattern(width: 15, weight: weights.1, using: &random)
            )
            let grid = Self.writing(trial % 2 == 0 ? copies : (copies.1, copies.0), at: indices, into: matrix)
            if good {
                let decoded = try QRSymbolDecoder.decode(grid)
                #expect(decoded.segments == expected && decoded.mask == matrix.mask, "trial \(trial)")
                continue
            }
            let nearest = (Self.distance(copies.0, to: table), Self.distance(copies.1, to: table))
            do {
                let candidates = try QRSymbolDecoder.readFormat(grid, layout: SymbolBuilder(version: version))
                #expect(min(nearest.0, nearest.1) <= 3, "trial \(trial): a format read from copies \(nearest) away")
                #expect(!candidates.contains { $0.level == matrix.ecLevel && $0.mask == matrix.mask })
            } catch {
                #expect(error.code == .formatInformationUnreadable)
                #expect(nearest.0 >= 4 && nearest.1 >= 4, "trial \(trial)")
                unreadable += 1
            }
            if let decoded = try? QRSymbolDecoder.decode(grid), decoded.segments != expected { wrong += 1 }
        }
        #expect(wrong == 0)
        #expect(unreadable > 0)
    }

    @Test("version information in symbols: ≤ 3 errors in one copy decode; ≥ 4 in both are refused or mismatch")
    func versionInSymbols() throws {
        var random = SeededGenerator(salt: 402)
        let table = Self.versions.map(\.bits)
        for trial in 0..<200 {
            let version = Int.random(in: 7...40, using: &random)
            let (matrix, expected) = Self.symbol(version: version, using: &random)
            let indices = SymbolBuilder(version: version).versionModuleIndices()
            let original = QRSpec.versionBits(version: version)
            let good = trial % 2 == 0
            let weights =
                good
                ? (Int.random(in: 0...3, using: &random), Int.random(in: 4...18, using: &random))
                : (Int.random(in: 4...18, using: &random), Int.random(in: 4...18, using: &random))
            var copies = (
                original ^ Self.pattern(width: 18, weight: weights.0, using: &random),
                original ^ Self.pattern(width: 18, weight: weights.1, using: &random)
            )
            // The good copy must stay strictly nearer than the damaged one for the choice to be determined.
            if good, Self.distance(copies.1, to: table) <= weights.0 { copies.1 = ~original & 0x3FFFF }
            let grid = Self.writing(trial % 4 < 2 ? copies : (copies.1, copies.0), at: indices, into: matrix)
            if good {
                let decoded = try QRSymbolDecoder.decode(grid)
                #expect(decoded.segments == expected, "trial \(trial)")
                continue
            }
            #expect(throws: QRDecodeError.self, "trial \(trial)") { try QRSymbolDecoder.decode(grid) }
            // Four or more errors can land within 3 bits of another version's codeword: that is read (and then
            // refused as a mismatch with the size), never the symbol's own version from copies ≥ 4 bits from it.
            let nearest = min(Self.distance(copies.0, to: table), Self.distance(copies.1, to: table))
            do {
                let read = try QRSymbolDecoder.readVersion(grid, layout: SymbolBuilder(version: version))
                #expect(read != version && nearest <= 3, "trial \(trial)")
            } catch {
                #expect(error.code == .versionInformationUnreadable, "trial \(trial)")
            }
        }
    }

    @Test(
        "a version information that names another size is a version mismatch; equally near copies that disagree are refused"
    )
    func versionMismatchAndAmbiguity() throws {
        var random = SeededGenerator(salt: 403)
        let (matrix, _) = Self.symbol(version: 7, using: &random)
        let indices = SymbolBuilder(version: 7).versionModuleIndices()
        let eight = QRSpec.versionBits(version: 8)
        let mismatch = decodeError { () throws(QRDecodeError) in
            _ = try QRSymbolDecoder.decode(Self.writing((eight, eight), at: indices, into: matrix))
        }
        #expect(mismatch?.code == .versionMismatch)
        // Copy 1 two bits from version 7, copy 2 two bits from version 9.
        let seven = QRSpec.versionBits(version: 7)
        let nine = QRSpec.versionBits(version: 9)
        let grid = Self.writing((seven ^ 0b11, nine ^ 0b1_1000_0000), at: indices, into: matrix)
        let ambiguous = decodeError { () throws(QRDecodeError) in
            _ = try QRSymbolDecoder.readVersion(grid, layout: SymbolBuilder(version: 7))
        }
        #expect(ambiguous?.code == .versionInformationUnreadable)
    }
}
