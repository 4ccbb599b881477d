import Testing

@testable import QRCode

/// Round trips through the project's own encoder: every version, level and mask, random mixes of every mode, then
/// damage up to and beyond the Reed–Solomon capacity (ISO/IEC 18004:2015 §12, §7.5.2, Table 9).
@Suite("Symbol decoding: round trips and error correction")
struct DecoderRoundTripTests {
    @Test("every version 1–40, level and mask decodes random mode mixes exactly, mirrored too")
    func everyVersionLevelAndMask() throws {
        var random = SeededGenerator(salt: 101)
        var checked = 0
        for version in 1...40 {
            for level in QRErrorCorrection.allCases {
                for mask in QRMask.allCases {
                    let fill = Double.random(in: 0.2...1.0, using: &random)
                    let stream = RandomContent.stream(version: version, level: level, fill: fill, using: &random)
                    let matrix = try #require(stream.symbol(level: level, mask: mask))
                    let decoded = try QRSymbolDecoder.decode(QRModuleGrid(matrix))
                    let context = "version \(version) \(level) \(mask)"
                    #expect(decoded.version == version, "\(context)")
                    #expect(decoded.ecLevel == level, "\(context)")
                    #expect(decoded.mask == mask, "\(context)")
                    #expect(!decoded.mirrored, "\(context)")
                    #expect(decoded.correctedCodewords == 0, "\(context)")
                    #expect(decoded.segments == stream.expected, "\(context)")
                    #expect(decoded.bytes == stream.expected.flatMap(\.bytes), "\(context)")
                    #expect(decoded.structuredAppend == nil && decoded.fnc1 == nil, "\(context)")
                    if mask.rawValue == version % 8 {
                        let mirrored = try QRSymbolDecoder.decode(QRModuleGrid(matrix).transposed())
                        #expect(mirrored.mirrored, "\(context) mirrored")
                        #expect(mirrored.segments == stream.expected, "\(context) mirrored")
                    }
                    checked += 1
                }
            }
        }
        #expect(checked == 40 * 4 * 8)
    }

    @Test("payloads encoded by QRCode.encode (automatic modes, version and mask) decode to the same bytes and text")
    func encoderPayloads() throws {
        var random = SeededGenerator(salt: 102)
        let alphabets: [[UInt8]] = [
            Array("0123456789".utf8), RandomContent.alphanumericSet, Array(0x20...0x7E), Array(0...255),
            Array("0123456789ABCDEFabcdef:/?=&".utf8),
        ]
        for trial in 0..<200 {
            let level = QRErrorCorrection.allCases.randomElement(using: &random)!
            let alphabet = alphabets[trial % alphabets.count]
            let length = Int.random(in: 0...(trial % 10 == 0 ? 1200 : 150), using: &random)
            var payload = (0..<length).map { _ in alphabet.randomElement(using: &random)! }
            if trial % 7 == 0 { payload = Array("Grüße, 東京 — otpauth://totp/x?secret=JBSWY3DP \(trial)".utf8) }
            let matrix = try QRCode.encode(bytes: payload, ecLevel: level)
            let decoded = try QRSymbolDecoder.decode(QRModuleGrid(matrix))
            #expect(decoded.bytes == payload, "trial \(trial)")
            #expect(decoded.version == matrix.version && decoded.mask == matrix.mask && decoded.ecLevel == level)
            let expectedText =
                String(validating: payload, as: UTF8.self)
                ?? String(String.UnicodeScalarView(payload.map(Unicode.Scalar.init)))
            #expect(decoded.text == expectedText, "trial \(trial)")
        }
    }

    /// A random symbol and what is needed to damage it codeword by codeword.
    struct Damageable {
        let matrix: QRMatrix
        let expected: [QRDecodedSegment]
        /// For each position of the final codeword sequence, its block.
        let blockOf: [Int]
        /// For each block, its positions in the final codeword sequence.
        let positionsOf: [[Int]]
        let blockCount: Int
        /// Module index of each bit of the final codeword sequence.
        let bitModules: [Int]
        let capacity: Int

        init(version: Int, level: QRErrorCorrection, using random: inout SeededGenerator) {
            let stream = RandomContent.stream(
                version: version, level: level, fill: Double.random(in: 0.3...1, using: &random), using: &random)
            matrix = stream.symbol(level: level, mask: QRMask.allCases.randomElement(using: &random)!)!
            expected = stream.expected
            let layout = QRSpec.BlockLayout(version: version, level: level)
            var blockOf: [Int] = []
            layout.forEachInterleavedCodeword { block, _ in blockOf.append(block) }
            self.blockOf = blockOf
            var positionsOf = [[Int]](repeating: [], count: layout.blockCount)
            for (position, block) in blockOf.enumerated() { positionsOf[block].append(position) }
            self.positionsOf = positionsOf
            blockCount = layout.blockCount
            bitModules = SymbolBuilder(version: version).codewordModuleIndices()
            capacity = tableNineCapacity(version: version, level: level)
        }

        /// Module flips that corrupt `count[b]` random codewords of each block b (each with a random nonzero
        /// error value).
        func flips(errorsPerBlock counts: [Int], using random: inout SeededGenerator) -> [Int] {
            var flips: [Int] = []
            for (block, count) in counts.enumerated() {
                let positions = positionsOf[block].shuffled(using: &random).prefix(count)
                for position in positions {
                    let error = UInt8.random(in: 1...255, using: &random)
                    for bit in 0..<8 where error >> (7 - bit) & 1 == 1 { flips.append(bitModules[position * 8 + bit]) }
                }
            }
            return flips
        }
    }

    @Test("up to the capacity of every block: exact payload and the right count of corrected codewords")
    func correctsUpToCapacity() throws {
        var random = SeededGenerator(salt: 103)
        for trial in 0..<240 {
            let version = trial < 160 ? trial / 4 + 1 : Int.random(in: 1...40, using: &random)
            let level = QRErrorCorrection.allCases[trial % 4]
            let symbol = Damageable(version: version, level: level, using: &random)
            // Exactly the capacity in some blocks, fewer in others.
            let counts = (0..<symbol.blockCount).map { _ in
                Bool.random(using: &random) ? symbol.capacity : Int.random(in: 0...symbol.capacity, using: &random)
            }
            let grid = QRModuleGrid(symbol.matrix, flipping: symbol.flips(errorsPerBlock: counts, using: &random))
            let decoded = try QRSymbolDecoder.decode(grid)
            #expect(decoded.segments == symbol.expected, "trial \(trial): version \(version) \(level)")
            #expect(decoded.correctedCodewords == counts.reduce(0, +), "trial \(trial): version \(version) \(level)")
        }
    }

    @Test("beyond the capacity of a block: the decode fails, never a different payload")
    func refusesBeyondCapacity() throws {
        var random = SeededGenerator(salt: 104)
        var wrong = 0
        var decodedAnyway = 0
        let trials = 600
        for trial in 0..<trials {
            let version = trial < 160 ? trial / 4 + 1 : Int.random(in: 1...40, using: &random)
            let level = QRErrorCorrection.allCases[trial % 4]
            let symbol = Damageable(version: version, level: level, using: &random)
            var counts = (0..<symbol.blockCount).map { _ in Int.random(in: 0...symbol.capacity, using: &random) }
            let victim = Int.random(in: 0..<symbol.blockCount, using: &random)
            let ecCount = Int(QRSpec.ecCodewordsPerBlock[level.rawValue][version])
            counts[victim] = symbol.capacity + Int.random(in: 1...max(1, ecCount - symbol.capacity), using: &random)
            let grid = QRModuleGrid(symbol.matrix, flipping: symbol.flips(errorsPerBlock: counts, using: &random))
            do {
                let decoded = try QRSymbolDecoder.decode(grid)
                decodedAnyway += 1
                if decoded.segments != symbol.expected { wrong += 1 }
            } catch {
                #expect(
                    error.code == .tooManyErrors || error.code == .malformedBitstream,
                    "trial \(trial): \(error)")
            }
        }
        #expect(wrong == 0, "\(wrong) of \(trials) over-capacity symbols decoded to a different payload")
        #expect(decodedAnyway == 0, "\(decodedAnyway) of \(trials) over-capacity symbols decoded")
    }

    @Test("random module noise in the encoding region: exact when every block is within capacity, never wrong")
    func randomModuleNoise() throws {
        var random = SeededGenerator(salt: 105)
        var wrong = 0
        for trial in 0..<400 {
            let version = Int.random(in: 1...40, using: &random)
            let level = QRErrorCorrection.allCases.randomElement(using: &random)!
            let symbol = Damageable(version: version, level: level, using: &random)
            let dataBits = symbol.blockOf.count * 8
            let noise = Int.random(in: 1...max(1, dataBits / 40), using: &random)
            let bits = (0..<noise).map { _ in Int.random(in: 0..<symbol.bitModules.count, using: &random) }
            let flips = Set(bits).map { symbol.bitModules[$0] }
            // Codewords hit, per block (flips in the remainder bits hit none).
            let hit = Set(bits.map { $0 / 8 }.filter { $0 < symbol.blockOf.count })
            var perBlock = [Int](repeating: 0, count: symbol.blockCount)
            for position in hit { perBlock[symbol.blockOf[position]] += 1 }
            // Bits flipped twice cancel out; recount from the flips actually applied.
            let applied = Set(bits)
            let codewordsChanged = Set(applied.map { $0 / 8 }.filter { $0 < symbol.blockOf.count })
            var changedPerBlock = [Int](repeating: 0, count: symbol.blockCount)
            for position in codewordsChanged { changedPerBlock[symbol.blockOf[position]] += 1 }
            let correctable = changedPerBlock.allSatisfy { $0 <= symbol.capacity }
            do {
                let decoded = try QRSymbolDecoder.decode(QRModuleGrid(symbol.matrix, flipping: flips))
                if decoded.segments != symbol.expected {
                    wrong += 1
                } else {
                    #expect(correctable, "trial \(trial): decoded beyond capacity")
                    #expect(decoded.correctedCodewords == codewordsChanged.count, "trial \(trial)")
                }
            } catch {
                #expect(!correctable, "trial \(trial): version \(version) \(level), \(changedPerBlock): \(error)")
            }
        }
        #expect(wrong == 0)
    }
}
