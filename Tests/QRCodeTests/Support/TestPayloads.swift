@testable import QRCode

// MARK: - Random payloads sized to land in a chosen version

/// The payload modes the tests exercise.
enum PayloadMode: String, CaseIterable, Codable, Sendable {
    case numeric, alphanumeric, byte

    var segmentMode: QRSegment.Mode {
        switch self {
        case .numeric: .numeric
        case .alphanumeric: .alphanumeric
        case .byte: .byte
        }
    }

    /// Characters drawn for random payloads. Byte payloads are printable ASCII without
    /// newlines, so line-based decoder output splits cleanly and no reader transcodes them.
    var alphabet: [UInt8] {
        switch self {
        case .numeric: Array("0123456789".utf8)
        case .alphanumeric: Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)
        case .byte: Array(0x20...0x7E)
        }
    }

    /// A single segment of this mode holding `payload`.
    func segment(_ payload: [UInt8]) throws -> QRSegment {
        switch self {
        case .numeric: try QRSegment.numeric(String(decoding: payload, as: UTF8.self))
        case .alphanumeric: try QRSegment.alphanumeric(String(decoding: payload, as: UTF8.self))
        case .byte: QRSegment.bytes(payload)
        }
    }
}

/// Table 7 capacities, loaded from `capacity.json`.
struct CapacityEntry: Decodable, Sendable {
    struct BlockGroup: Decodable, Sendable, Equatable {
        let count: Int
        let totalCodewords: Int
        let dataCodewords: Int
    }

    let version: Int
    let level: String
    let dataBits: Int
    let numeric: Int
    let alphanumeric: Int
    let byte: Int
    let kanji: Int
    let blocks: [BlockGroup]

    var ecLevel: QRErrorCorrection { QRErrorCorrection.allCases.first { String($0.letter) == level }! }

    func characters(_ mode: PayloadMode) -> Int {
        switch mode {
        case .numeric: numeric
        case .alphanumeric: alphanumeric
        case .byte: byte
        }
    }
}

enum CapacityTable {
    static let entries: [CapacityEntry] =
        (try? TestResources.load(VectorFile<CapacityEntry>.self, from: "capacity.json").entries) ?? []

    /// Table 7 character capacity of a version, level and mode (0 for version 0).
    static func characters(version: Int, level: QRErrorCorrection, mode: PayloadMode) -> Int {
        guard version >= 1 else { return 0 }
        return entries.first { $0.version == version && $0.ecLevel == level }!.characters(mode)
    }

    /// A random single-mode payload whose smallest fitting version at `level` is exactly `version`
    /// (its length lies above the previous version's capacity, at most this version's).
    static func payload(
        version: Int,
        level: QRErrorCorrection,
        mode: PayloadMode,
        using random: inout SeededGenerator
    ) -> [UInt8] {
        let low = characters(version: version - 1, level: level, mode: mode) + 1
        let high = characters(version: version, level: level, mode: mode)
        let length = Int.random(in: low...high, using: &random)
        let alphabet = mode.alphabet
        return (0..<length).map { _ in alphabet.randomElement(using: &random)! }
    }
}

extension QRMatrix {
    /// Modules as '1' (dark) and '0' (light), row-major, the peers' format.
    var bitString: String {
        var text = ""
        text.reserveCapacity(size * size)
        for y in 0..<size {
            for x in 0..<size { text.append(self[x, y] ? "1" : "0") }
        }
        return text
    }
}

/// Where two row-major module strings disagree, summarised for a failure message.
struct ModuleDifference: CustomStringConvertible {
    let count: Int
    let first: (x: Int, y: Int)?
    let lengths: (Int, Int)

    init(_ actual: String, _ expected: String, width: Int) {
        var count = 0
        var first: (Int, Int)?
        for (index, (a, b)) in zip(actual, expected).enumerated() where a != b {
            count += 1
            if first == nil { first = (index % width, index / width) }
        }
        self.count = count
        self.first = first
        lengths = (actual.count, expected.count)
    }

    var isEmpty: Bool { count == 0 && lengths.0 == lengths.1 }

    var description: String {
        if lengths.0 != lengths.1 { return "\(lengths.0) modules where \(lengths.1) were expected" }
        guard let first else { return "no difference" }
        return "\(count) modules differ, the first at x \(first.x), y \(first.y)"
    }
}
