// Recursive Length Prefix, the serialisation of transactions, blocks and the state trie (Ethereum Yellow Paper,
// Appendix B). Encoding is total; decoding accepts exactly the canonical encodings (the ones `encode` produces) and
// refuses everything else with a byte offset, so that one value has one encoding and a hash of it means one thing.

// MARK: - RLP

/// Recursive Length Prefix serialisation (Ethereum Yellow Paper, Appendix B): a tree of byte strings and lists.
///
/// ```swift
/// RLP.encode(.list([.bytes(Array("cat".utf8)), .bytes(Array("dog".utf8))]))
/// // 0xc88363617483646f67
/// ```
///
/// ``decode(_:)`` is strict: only the canonical encoding of an item is accepted. A length prefix that is not the
/// shortest possible, a single byte below `0x80` wrapped as a one-byte string, a long-form length with leading zeros
/// or below 56, truncated input and trailing bytes are refused, as is nesting deeper than ``maximumDepth``. No input
/// can make decoding trap or overflow the stack.
public enum RLP {
    /// The deepest list nesting ``decode(_:)`` accepts: 64 lists inside one another (Ethereum's own structures
    /// nest at most 4 deep). Bounding it keeps decoding's recursion, and the recursion of every operation on the
    /// decoded ``Item``, well away from the stack's limit whatever the input.
    public static let maximumDepth = 64

    /// An RLP item (Yellow Paper, Appendix B, eq. 176–177): a byte string, or a list of items.
    public indirect enum Item: Hashable, Sendable {
        /// A byte string (Yellow Paper's 𝔹); integers are big-endian without leading zeros (``uint(_:)``).
        case bytes([UInt8])
        /// A list of items (Yellow Paper's 𝕃).
        case list([Item])
    }

    // MARK: Encoding

    /// The RLP encoding of `item` (Yellow Paper, Appendix B, eq. 179–183).
    ///
    /// A byte string of one byte below `0x80` is itself; a shorter-than-56-byte string is `0x80 + length` and the
    /// bytes; a longer one is `0xb7 + n`, its length in n big-endian bytes, then the bytes. Lists are the same with
    /// `0xc0` / `0xf7` around the concatenated encodings of their items.
    public static func encode(_ item: Item) -> [UInt8] {
        var out = [UInt8]()
        append(item, to: &out)
        return out
    }

    private static func append(_ item: Item, to out: inout [UInt8]) {
        switch item {
        case .bytes(let bytes):
            if bytes.count == 1, bytes[0] < 0x80 {
                out.append(bytes[0])
            } else {
                out.append(contentsOf: header(length: bytes.count, shortBase: 0x80))
                out.append(contentsOf: bytes)
            }
        case .list(let items):
            let start = out.count
            for child in items { append(child, to: &out) }
            out.insert(contentsOf: header(length: out.count - start, shortBase: 0xC0), at: start)
        }
    }

    /// The length prefix of a string (`shortBase` 0x80) or a list (0xc0) whose payload is `length` bytes.
    private static func header(length: Int, shortBase: UInt8) -> [UInt8] {
        if length < 56 { return [shortBase + UInt8(length)] }
        let lengthBytes = UInt256(UInt64(length)).minimalBigEndianBytes
        return [shortBase + 55 + UInt8(lengthBytes.count)] + lengthBytes
    }

    // MARK: Decoding

    /// Decodes exactly one canonical RLP item that spans all of `bytes` (Yellow Paper, Appendix B).
    ///
    /// - Throws: ``EVMError`` with code `invalid_rlp` for empty, truncated or over-long input, trailing bytes or
    ///   nesting deeper than ``maximumDepth``; `non_canonical_rlp` for a length prefix that is not the shortest (a
    ///   single byte below `0x80` as a one-byte string, long form for fewer than 56 bytes, leading zeros in a
    ///   length). The error's `offset` is the byte where the problem is.
    public static func decode(_ bytes: [UInt8]) throws(EVMError) -> Item {
        try decodeLocated(bytes).item
    }

    /// A decoded item with the offset of its first (prefix) byte, for callers that report where a field is wrong.
    struct Located: Sendable {
        enum Payload: Sendable {
            case bytes([UInt8])
            case list([Located])
        }

        /// The offset of the item's first byte, counted from the start of the caller's whole input.
        let offset: Int
        let payload: Payload

        /// The plain item.
        var item: Item {
            switch payload {
            case .bytes(let bytes): return .bytes(bytes)
            case .list(let children): return .list(children.map(\.item))
            }
        }
    }

    /// Like ``decode(_:)``, keeping offsets; `base` is added to every offset (e.g. 1 after a transaction type byte).
    static func decodeLocated(_ bytes: [UInt8], base: Int = 0) throws(EVMError) -> Located {
        guard !bytes.isEmpty else {
            throw EVMError(.invalidRLP, "the input is empty; RLP needs at least one byte", offset: base)
        }
        let (item, next) = try parseItem(bytes, at: 0, end: bytes.count, depth: 0, base: base)
        guard next == bytes.count else {
            throw EVMError(
                .invalidRLP, "\(bytes.count - next) trailing byte(s) after the RLP item; the input must be one item",
                offset: base + next)
        }
        return item
    }

    /// Where an item's payload lies, as its prefix says.
    private struct Header {
        let isList: Bool
        let payloadStart: Int
        let payloadLength: Int
    }

    /// Parses the item starting at `position`, which must end by `end`; returns it and the position after it.
    /// Preconditions (kept by every caller): `0 ≤ position < end ≤ bytes.count`.
    private static func parseItem(
        _ bytes: [UInt8], at position: Int, end: Int, depth: Int, base: Int
    ) throws(EVMError) -> (Located, Int) {
        let header = try parseHeader(bytes, at: position, end: end, base: base)
        let payloadEnd = header.payloadStart + header.payloadLength
        guard header.isList else {
            let item = Located(offset: base + position, payload: .bytes(Array(bytes[header.payloadStart..<payloadEnd])))
            return (item, payloadEnd)
        }
        guard depth < maximumDepth else {
            throw EVMError(
                .invalidRLP, "lists are nested more than \(maximumDepth) deep; no Ethereum structure nests that deep",
                offset: base + position)
        }
        var children = [Located]()
        var cursor = header.payloadStart
        while cursor < payloadEnd {
            let (child, next) = try parseItem(bytes, at: cursor, end: payloadEnd, depth: depth + 1, base: base)
            children.append(child)
            cursor = next
        }
        return (Located(offset: base + position, payload: .list(children)), payloadEnd)
    }

    /// Parses and checks the prefix at `position`: the payload it announces must fit before `end` and the prefix must
    /// be the shortest one for that payload.
    private static func parseHeader(_ bytes: [UInt8], at position: Int, end: Int, base: Int) throws(EVMError) -> Header
    {
        let prefix = bytes[position]
        let afterPrefix = position + 1
        let available = end - afterPrefix
        let kind = prefix >= 0xC0 ? "list" : "string"
        switch prefix {
        case 0x00...0x7F:
            return Header(isList: false, payloadStart: position, payloadLength: 1)
        case 0x80...0xB7, 0xC0...0xF7:
            let length = Int(prefix - (prefix >= 0xC0 ? 0xC0 : 0x80))
            guard length <= available else {
                throw EVMError(
                    .invalidRLP, "a \(kind) of \(length) bytes is truncated: only \(available) byte(s) remain",
                    offset: base + position)
            }
            if prefix == 0x81, bytes[afterPrefix] < 0x80 {
                throw EVMError(
                    .nonCanonicalRLP,
                    "a single byte below 0x80 must be encoded as itself, not as a one-byte string (0x81 prefix)",
                    offset: base + position)
            }
            return Header(isList: prefix >= 0xC0, payloadStart: afterPrefix, payloadLength: length)
        default:  // 0xb8...0xbf, 0xf8...0xff: long form, the length in 1…8 big-endian bytes.
            let lengthOfLength = Int(prefix - (prefix >= 0xF8 ? 0xF7 : 0xB7))
            guard lengthOfLength <= available else {
                throw EVMError(
                    .invalidRLP, "the \(lengthOfLength)-byte length of a long \(kind) is truncated",
                    offset: base + position)
            }
            guard bytes[afterPrefix] != 0 else {
                throw EVMError(
                    .nonCanonicalRLP, "the length of a long \(kind) has leading zero bytes", offset: base + afterPrefix)
            }
            var length: UInt64 = 0
            for byte in bytes[afterPrefix..<(afterPrefix + lengthOfLength)] { length = length << 8 | UInt64(byte) }
            guard length >= 56 else {
                throw EVMError(
                    .nonCanonicalRLP,
                    "a \(kind) of \(length) bytes uses the long form; below 56 bytes the short form is required",
                    offset: base + position)
            }
            let remaining = available - lengthOfLength
            guard length <= UInt64(remaining) else {
                throw EVMError(
                    .invalidRLP, "a \(kind) of \(length) bytes is truncated: only \(remaining) byte(s) remain",
                    offset: base + position)
            }
            return Header(
                isList: prefix >= 0xF8, payloadStart: afterPrefix + lengthOfLength, payloadLength: Int(length))
        }
    }
}

// MARK: - Item conveniences

extension RLP.Item {
    /// An unsigned integer: its big-endian bytes without leading zeros, the empty string for zero (Yellow Paper,
    /// Appendix B, eq. 185, "BE").
    public static func uint(_ value: UInt256) -> RLP.Item { .bytes(value.minimalBigEndianBytes) }

    /// The byte string, or `nil` for a list.
    public var asBytes: [UInt8]? {
        if case .bytes(let bytes) = self { return bytes }
        return nil
    }

    /// The items of a list, or `nil` for a byte string.
    public var asList: [RLP.Item]? {
        if case .list(let items) = self { return items }
        return nil
    }

    /// The byte string read as a canonical unsigned integer (Yellow Paper, Appendix B, eq. 185).
    ///
    /// - Throws: `invalid_rlp` for a list or more than 32 bytes; `non_canonical_rlp` for leading zero bytes (zero is
    ///   the empty string, never `0x00`).
    public func asUInt256() throws(EVMError) -> UInt256 {
        guard case .bytes(let bytes) = self else {
            throw EVMError(.invalidRLP, "expected an integer (a byte string) but found a list")
        }
        return try RLP.uint256(bytes, what: "an integer", offset: nil)
    }
}

extension RLP {
    /// Reads a canonical RLP integer payload; `offset` locates the item in errors.
    static func uint256(_ bytes: [UInt8], what: String, offset: Int?) throws(EVMError) -> UInt256 {
        guard bytes.first != 0 else {
            throw EVMError(
                .nonCanonicalRLP, "\(what) has leading zero bytes; RLP integers are minimal (zero is the empty string)",
                offset: offset)
        }
        guard let value = UInt256(bigEndian: bytes) else {
            throw EVMError(.invalidRLP, "\(what) is \(bytes.count) bytes; at most 32 fit in 256 bits", offset: offset)
        }
        return value
    }
}
