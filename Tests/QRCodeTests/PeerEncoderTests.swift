import Testing

@testable import QRCode

/// Bit-for-bit comparison with Project Nayuki's reference encoder (`qrcodegen` on PyPI), an
/// independent implementation of ISO/IEC 18004. With the same segments, level, version range and
/// mask, a conforming encoder has no freedom left, so every module must agree; with automatic
/// masks they agree too because both score masks per §7.8.3 with the same reading of Table 11.
@Suite("Agreement with the qrcodegen reference encoder")
struct PeerEncoderTests {
    struct EncodeRequest: Encodable {
        let op = "qrcodegen"
        let hex: String
        let mode: String
        let ecLevel: String
        let minVersion: Int
        let maxVersion: Int
        let mask: Int
    }

    struct EncodeResponse: Decodable {
        let version: Int
        let mask: Int
        let modules: String
    }

    struct PenaltyRequest: Encodable {
        let op = "penalty"
        let size: Int
        let modules: String
    }

    struct PenaltyResponse: Decodable {
        let penalty: Int
    }

    struct Case {
        let payload: [UInt8]
        let mode: PayloadMode
        let level: QRErrorCorrection
        let minimumVersion: Int
        let mask: QRMask?
    }

    @Test("random payloads in every mode and level match module for module, fixed and automatic masks")
    func matchesReferenceEncoder() throws {
        var random = SeededGenerator(salt: 3)
        var cases: [Case] = []
        for mode in PayloadMode.allCases {
            for level in QRErrorCorrection.allCases {
                // Every version class boundary, version info from 7, the irregular version 32, 40,
                // and random others.
                var versions: Set<Int> = [1, 2, 6, 7, 9, 10, 26, 27, 32, 40]
                while versions.count < 13 { versions.insert(Int.random(in: 1...40, using: &random)) }
                for version in versions.sorted() {
                    let payload = CapacityTable.payload(version: version, level: level, mode: mode, using: &random)
                    // Large symbols with automatic masks are slow in the Python peer; sample those sparsely.
                    let automatic =
                        version <= 20 ? Bool.random(using: &random) : Int.random(in: 0..<4, using: &random) == 0
                    let mask = automatic ? nil : QRMask.allCases.randomElement(using: &random)
                    cases.append(Case(payload: payload, mode: mode, level: level, minimumVersion: 1, mask: mask))
                }
            }
        }
        // A minimum version above what the payload needs, as the CLI's tests use it.
        for _ in 0..<6 {
            let level = QRErrorCorrection.allCases.randomElement(using: &random)!
            let payload = CapacityTable.payload(version: 1, level: level, mode: .byte, using: &random)
            cases.append(
                Case(
                    payload: payload, mode: .byte, level: level, minimumVersion: Int.random(in: 2...12, using: &random),
                    mask: nil))
        }

        let requests = cases.map {
            EncodeRequest(
                hex: $0.payload.hex, mode: $0.mode.rawValue, ecLevel: String($0.level.letter),
                minVersion: $0.minimumVersion, maxVersion: 40, mask: $0.mask?.rawValue ?? -1)
        }
        let responses = try PythonPeer.call(requests, as: EncodeResponse.self)
        for (testCase, expected) in zip(cases, responses) {
            let matrix = try QRCode.encode(
                segments: [testCase.mode.segment(testCase.payload)],
                ecLevel: testCase.level,
                versions: testCase.minimumVersion...40,
                mask: testCase.mask
            )
            let label =
                "\(testCase.mode) \(testCase.level) v\(expected.version) mask \(testCase.mask.map { "\($0.rawValue)" } ?? "auto") length \(testCase.payload.count)"
            #expect(matrix.version == expected.version, "\(label)")
            #expect(matrix.mask.rawValue == expected.mask, "\(label)")
            let difference = ModuleDifference(matrix.bitString, expected.modules, width: matrix.size)
            #expect(difference.isEmpty, "\(label): \(difference)")
        }
    }

    @Test("penalty scores of random grids equal the reference implementation's")
    func penaltyMatchesReference() throws {
        var random = SeededGenerator(salt: 4)
        var grids: [(size: Int, modules: [UInt8])] = []
        for index in 0..<60 {
            let size = [21, 25, 29, 45, 57][index % 5]
            var modules = [UInt8](repeating: 0, count: size * size)
            switch index % 3 {
            case 0:
                // Uniform noise.
                for i in modules.indices { modules[i] = UInt8.random(in: 0...1, using: &random) }
            case 1:
                // Long runs, to exercise N1 and N2.
                var i = 0
                var colour: UInt8 = 0
                while i < modules.count {
                    let run = Int.random(in: 1...9, using: &random)
                    for j in i..<min(i + run, modules.count) { modules[j] = colour }
                    colour ^= 1
                    i += run
                }
            default:
                // Scattered finder-like 1:1:3:1:1 patterns of widths 1–2 with varied margins, for N3.
                for i in modules.indices { modules[i] = UInt8.random(in: 0...1, using: &random) }
                for _ in 0..<size {
                    let n = Int.random(in: 1...2, using: &random)
                    let margin = Int.random(in: 0...5, using: &random) * n
                    let pattern =
                        [UInt8](repeating: 0, count: margin)
                        + [1, 0, 1, 1, 1, 0, 1].flatMap { [UInt8](repeating: $0, count: n) }
                        + [UInt8](repeating: 0, count: Int.random(in: 0...5, using: &random) * n)
                    guard pattern.count <= size else { continue }
                    let start = Int.random(in: 0...(size - pattern.count), using: &random)
                    let line = Int.random(in: 0..<size, using: &random)
                    let vertical = Bool.random(using: &random)
                    for (k, value) in pattern.enumerated() {
                        modules[vertical ? (start + k) * size + line : line * size + start + k] = value
                    }
                }
            }
            grids.append((size, modules))
        }
        let requests = grids.map {
            PenaltyRequest(size: $0.size, modules: $0.modules.map { $0 == 1 ? "1" : "0" }.joined())
        }
        let responses = try PythonPeer.call(requests, as: PenaltyResponse.self)
        for (index, (grid, expected)) in zip(grids, responses).enumerated() {
            let penalty = SymbolBuilder.penalty(of: grid.modules, size: grid.size)
            #expect(penalty == expected.penalty, "grid \(index), size \(grid.size)")
        }
    }
}
