// MARK: - Deterministic encoding

extension CBOR {
    /// The deterministic encoding of this item (RFC 8949 §4.2.1): shortest-form heads (§4.2.1 "preferred
    /// serialization" of arguments), definite lengths, and map entries sorted by the bytewise lexicographic order of
    /// their encoded keys.
    public var encoded: [UInt8] {
        var output: [UInt8] = []
        encode(into: &output)
        return output
    }

    /// Appends the deterministic encoding of this item to `output`.
    public func encode(into output: inout [UInt8]) {
        switch self {
        case .unsigned(let value):
            CBOR.appendHead(major: 0, argument: value, to: &output)
        case .negative(let value):
            CBOR.appendHead(major: 1, argument: value, to: &output)
        case .bytes(let bytes):
            CBOR.appendHead(major: 2, argument: UInt64(bytes.count), to: &output)
            output.append(contentsOf: bytes)
        case .text(let text):
            let utf8 = text.utf8
            CBOR.appendHead(major: 3, argument: UInt64(utf8.count), to: &output)
            output.append(contentsOf: utf8)
        case .array(let items):
            CBOR.appendHead(major: 4, argument: UInt64(items.count), to: &output)
            for item in items { item.encode(into: &output) }
        case .map(let entries):
            CBOR.appendHead(major: 5, argument: UInt64(entries.count), to: &output)
            for entry in CBOR.sortedEncodedEntries(entries) {
                output.append(contentsOf: entry.key)
                entry.value.encode(into: &output)
            }
        case .tagged(let tag, let item):
            CBOR.appendHead(major: 6, argument: tag, to: &output)
            item.encode(into: &output)
        case .bool(let value):
            output.append(value ? 0xF5 : 0xF4)
        case .null:
            output.append(0xF6)
        }
    }

    /// Appends the shortest head for `major` and `argument` (RFC 8949 §3, §4.2.1): the argument in the initial byte
    /// up to 23, then in 1, 2, 4 or 8 following bytes, big-endian.
    static func appendHead(major: UInt8, argument: UInt64, to output: inout [UInt8]) {
        let type = major << 5
        switch argument {
        case 0..<24:
            output.append(type | UInt8(argument))
        case 24...0xFF:
            output.append(type | 24)
            output.append(UInt8(argument))
        case 0x100...0xFFFF:
            output.append(type | 25)
            appendBigEndian(argument, bytes: 2, to: &output)
        case 0x1_0000...0xFFFF_FFFF:
            output.append(type | 26)
            appendBigEndian(argument, bytes: 4, to: &output)
        default:
            output.append(type | 27)
            appendBigEndian(argument, bytes: 8, to: &output)
        }
    }

    private static func appendBigEndian(_ value: UInt64, bytes: Int, to output: inout [UInt8]) {
        for index in stride(from: bytes - 1, through: 0, by: -1) {
            output.append(UInt8(truncatingIfNeeded: value >> (UInt64(index) * 8)))
        }
    }

    /// Map entries with their keys encoded, in deterministic order (bytewise lexicographic on the encoded keys).
    static func sortedEncodedEntries(_ entries: [CBOR: CBOR]) -> [(key: [UInt8], value: CBOR)] {
        entries.map { (key: $0.key.encoded, value: $0.value) }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
    }

    /// Map entries in deterministic order.
    static func sortedEntries(_ entries: [CBOR: CBOR]) -> [(key: CBOR, value: CBOR)] {
        entries.map { (encoded: $0.key.encoded, key: $0.key, value: $0.value) }
            .sorted { $0.encoded.lexicographicallyPrecedes($1.encoded) }
            .map { (key: $0.key, value: $0.value) }
    }
}
