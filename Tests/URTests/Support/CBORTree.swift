import TestSupport

@testable import UR

// MARK: - CBOR as JSON trees for the Python peer

/// The peer's JSON form of a CBOR item (see `ur_peer.py`): `{"u": "7"}`, `{"n": "0"}` (−1), `{"b": "00ff"}`,
/// `{"t": "…"}`, `{"a": […]}`, `{"m": [[k, v], …]}`, `{"tag": "24", "v": …}`, `{"bool": true}`, `{"null": true}`.
indirect enum CBORTree: Codable, Equatable {
    case unsigned(String)
    case negative(String)
    case bytes(String)
    case text(String)
    case array([CBORTree])
    case map([[CBORTree]])
    case tagged(String, CBORTree)
    case bool(Bool)
    case null

    private enum Key: String, CodingKey { case u, n, b, t, a, m, tag, v, bool, null }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        if let value = try container.decodeIfPresent(String.self, forKey: .u) {
            self = .unsigned(value)
        } else if let value = try container.decodeIfPresent(String.self, forKey: .n) {
            self = .negative(value)
        } else if let value = try container.decodeIfPresent(String.self, forKey: .b) {
            self = .bytes(value)
        } else if let value = try container.decodeIfPresent(String.self, forKey: .t) {
            self = .text(value)
        } else if let value = try container.decodeIfPresent([CBORTree].self, forKey: .a) {
            self = .array(value)
        } else if let value = try container.decodeIfPresent([[CBORTree]].self, forKey: .m) {
            self = .map(value)
        } else if let tag = try container.decodeIfPresent(String.self, forKey: .tag) {
            self = .tagged(tag, try container.decode(CBORTree.self, forKey: .v))
        } else if let value = try container.decodeIfPresent(Bool.self, forKey: .bool) {
            self = .bool(value)
        } else {
            _ = try container.decode(Bool.self, forKey: .null)
            self = .null
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .unsigned(let value): try container.encode(value, forKey: .u)
        case .negative(let value): try container.encode(value, forKey: .n)
        case .bytes(let value): try container.encode(value, forKey: .b)
        case .text(let value): try container.encode(value, forKey: .t)
        case .array(let value): try container.encode(value, forKey: .a)
        case .map(let value): try container.encode(value, forKey: .m)
        case .tagged(let tag, let value):
            try container.encode(tag, forKey: .tag)
            try container.encode(value, forKey: .v)
        case .bool(let value): try container.encode(value, forKey: .bool)
        case .null: try container.encode(true, forKey: .null)
        }
    }

    /// The tree of an item (map entries in deterministic order).
    init(_ item: CBOR) {
        switch item {
        case .unsigned(let value): self = .unsigned(String(value))
        case .negative(let value): self = .negative(String(value))
        case .bytes(let value): self = .bytes(Hex.encode(value))
        case .text(let value): self = .text(value)
        case .array(let items): self = .array(items.map(CBORTree.init))
        case .map(let entries):
            self = .map(CBOR.sortedEntries(entries).map { [CBORTree($0.key), CBORTree($0.value)] })
        case .tagged(let tag, let value): self = .tagged(String(tag), CBORTree(value))
        case .bool(let value): self = .bool(value)
        case .null: self = .null
        }
    }

    /// The item of a tree.
    func item() throws -> CBOR {
        switch self {
        case .unsigned(let value): return .unsigned(try CBORTree.number(value))
        case .negative(let value): return .negative(try CBORTree.number(value))
        case .bytes(let value): return .bytes(try hexBytes(value))
        case .text(let value): return .text(value)
        case .array(let items): return .array(try items.map { try $0.item() })
        case .map(let entries):
            var map: [CBOR: CBOR] = [:]
            for entry in entries {
                guard entry.count == 2 else { throw ExternalPeer.Failure(description: "a map entry is not a pair") }
                map[try entry[0].item()] = try entry[1].item()
            }
            return .map(map)
        case .tagged(let tag, let value): return .tagged(try CBORTree.number(tag), try value.item())
        case .bool(let value): return .bool(value)
        case .null: return .null
        }
    }

    private static func number(_ text: String) throws -> UInt64 {
        guard let value = UInt64(text) else { throw ExternalPeer.Failure(description: "not a UInt64: \(text)") }
        return value
    }
}

// MARK: - Random items

/// Random CBOR items for round trips: every major type, boundary integers, text with astral characters, nesting.
enum RandomCBOR {
    static let boundaries: [UInt64] = [
        0, 1, 23, 24, 255, 256, 65535, 65536, 4_294_967_295, 4_294_967_296, UInt64.max,
    ]

    static func item(depth: Int = 0, using rng: inout SplitMix64) -> CBOR {
        let kinds = depth < 4 ? 9 : 6
        switch Int.random(in: 0..<kinds, using: &rng) {
        case 0: return .unsigned(integer(using: &rng))
        case 1: return .negative(integer(using: &rng))
        case 2:
            return .bytes(
                rng.bytes(
                    [0, 1, 23, 24, 255, 256, Int.random(in: 0...40, using: &rng)].randomElement(using: &rng) ?? 0))
        case 3: return .text(text(using: &rng))
        case 4: return .bool(Bool.random(using: &rng))
        case 5: return .null
        case 6:
            let count = [0, 1, 2, 5, 23, 24].randomElement(using: &rng) ?? 0
            return .array((0..<count).map { _ in item(depth: depth + 1, using: &rng) })
        case 7:
            var map: [CBOR: CBOR] = [:]
            for _ in 0..<([0, 1, 3, 9].randomElement(using: &rng) ?? 0) {
                map[key(using: &rng)] = item(depth: depth + 1, using: &rng)
            }
            return .map(map)
        default:
            // Tags 2 and 3 are bignums to cbor2, which would not keep them as tags; every other number is opaque.
            var tag = integer(using: &rng)
            if tag == 2 || tag == 3 { tag = 24 }
            return .tagged(tag, item(depth: depth + 1, using: &rng))
        }
    }

    static func key(using rng: inout SplitMix64) -> CBOR {
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return .unsigned(integer(using: &rng))
        case 1: return .negative(integer(using: &rng))
        case 2: return .text(text(using: &rng))
        case 3: return .bytes(rng.bytes(Int.random(in: 0...4, using: &rng)))
        default: return .array([.unsigned(UInt64.random(in: 0...30, using: &rng)), .text(text(using: &rng))])
        }
    }

    static func integer(using rng: inout SplitMix64) -> UInt64 {
        if Bool.random(using: &rng) { return boundaries.randomElement(using: &rng) ?? 0 }
        let bits = [5, 8, 16, 32, 64].randomElement(using: &rng) ?? 64
        return UInt64.random(in: 0...(bits == 64 ? UInt64.max : (1 << UInt64(bits)) - 1), using: &rng)
    }

    static func text(using rng: inout SplitMix64) -> String {
        var scalars = String.UnicodeScalarView()
        let ranges: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0x00...0x1F, 0xA0...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF,
        ]
        for _ in 0..<Int.random(in: 0...12, using: &rng) {
            let range = ranges.randomElement(using: &rng) ?? ranges[0]
            if let scalar = Unicode.Scalar(UInt32.random(in: range, using: &rng)) { scalars.append(scalar) }
        }
        return String(scalars)
    }
}
