// MARK: - Strict decoding

extension CBOR {
    /// Decodes exactly one deterministically encoded CBOR item (RFC 8949 §4.2.1) from `bytes`.
    ///
    /// Refused, each with its own ``URError/Code``: input that ends inside an item, bytes after the item,
    /// indefinite lengths, heads not in shortest form, map keys out of order or repeated, nesting of arrays, maps and
    /// tags deeper than `maxDepth`, text that is not UTF-8, floating-point numbers and simple values other than
    /// false/true/null. Lengths are checked against the remaining input before anything is allocated, so a hostile
    /// length costs nothing.
    ///
    /// - Parameters:
    ///   - bytes: The encoded item.
    ///   - maxDepth: The deepest nesting of arrays, maps and tags accepted (a scalar at top level is depth 0).
    public init(decoding bytes: [UInt8], maxDepth: Int = CBOR.defaultMaxDepth) throws(URError) {
        var reader = CBORReader(bytes: bytes, maxDepth: maxDepth)
        let item = try reader.readItem(depth: 0)
        guard reader.offset == bytes.count else {
            throw URError.cborTrailingBytes(offset: reader.offset, count: bytes.count - reader.offset)
        }
        self = item
    }
}

/// A cursor over CBOR input that reads one item at a time, refusing anything not deterministic.
struct CBORReader {
    let bytes: [UInt8]
    let maxDepth: Int
    private(set) var offset = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    var remaining: Int { bytes.count - offset }

    mutating func readItem(depth: Int) throws(URError) -> CBOR {
        let start = offset
        guard offset < bytes.count else { throw URError.cborTruncated(offset: offset) }
        let initial = bytes[offset]
        let major = initial >> 5
        let info = initial & 0x1F
        if major == 7 { return try readSimple(info: info, start: start) }
        let argument = try readArgument(major: major, info: info, start: start)
        switch major {
        case 0:
            return .unsigned(argument)
        case 1:
            return .negative(argument)
        case 2:
            return .bytes(try readBytes(count: argument, start: start))
        case 3:
            let utf8 = try readBytes(count: argument, start: start)
            guard UTF8Validation.isValid(utf8) else { throw URError.cborInvalidUTF8(offset: start) }
            return .text(String(decoding: utf8, as: UTF8.self))
        case 4:
            try enter(depth: depth, start: start)
            // Each element takes at least one byte: a count above the remaining input cannot be satisfied.
            guard argument <= UInt64(remaining) else { throw URError.cborTruncated(offset: bytes.count) }
            var items: [CBOR] = []
            items.reserveCapacity(Int(argument))
            for _ in 0..<Int(argument) { items.append(try readItem(depth: depth + 1)) }
            return .array(items)
        case 5:
            try enter(depth: depth, start: start)
            // Each entry takes at least two bytes.
            guard argument <= UInt64(remaining / 2) else { throw URError.cborTruncated(offset: bytes.count) }
            var entries: [CBOR: CBOR] = [:]
            entries.reserveCapacity(Int(argument))
            var previousKey: ArraySlice<UInt8> = []
            for index in 0..<Int(argument) {
                let keyStart = offset
                let key = try readItem(depth: depth + 1)
                let keyBytes = bytes[keyStart..<offset]
                if index > 0 {
                    if keyBytes.elementsEqual(previousKey) { throw URError.cborDuplicateMapKey(offset: keyStart) }
                    if keyBytes.lexicographicallyPrecedes(previousKey) {
                        throw URError.cborUnsortedMapKeys(offset: keyStart)
                    }
                }
                previousKey = keyBytes
                entries[key] = try readItem(depth: depth + 1)
            }
            return .map(entries)
        default:  // 6: the only major type left, since `major` has three bits and 7 was handled above.
            try enter(depth: depth, start: start)
            return .tagged(argument, try readItem(depth: depth + 1))
        }
    }

    /// Refuses nesting one level below `depth` when that passes the bound.
    private func enter(depth: Int, start: Int) throws(URError) {
        guard depth < maxDepth else { throw URError.cborTooDeep(offset: start, limit: maxDepth) }
    }

    /// Major type 7: only false, true and null are supported.
    private mutating func readSimple(info: UInt8, start: Int) throws(URError) -> CBOR {
        switch info {
        case 20:
            offset += 1
            return .bool(false)
        case 21:
            offset += 1
            return .bool(true)
        case 22:
            offset += 1
            return .null
        case 23: throw URError.cborUnsupported(offset: start, what: "undefined")
        case 25, 26, 27: throw URError.cborUnsupported(offset: start, what: "a floating-point number")
        case 28, 29, 30: throw URError.cborUnsupported(offset: start, what: "a reserved additional information value")
        case 31: throw URError.cborUnsupported(offset: start, what: "a break code outside an indefinite-length item")
        default: throw URError.cborUnsupported(offset: start, what: "a simple value other than false, true or null")
        }
    }

    /// Reads the head's argument (RFC 8949 §3), advancing past the head; refuses non-shortest forms (§4.2.1).
    private mutating func readArgument(major: UInt8, info: UInt8, start: Int) throws(URError) -> UInt64 {
        offset += 1
        let length: Int
        let minimum: UInt64
        switch info {
        case 0..<24: return UInt64(info)
        case 24: (length, minimum) = (1, 24)
        case 25: (length, minimum) = (2, 0x100)
        case 26: (length, minimum) = (4, 0x1_0000)
        case 27: (length, minimum) = (8, 0x1_0000_0000)
        case 31:
            if (2...5).contains(major) { throw URError.cborIndefiniteLength(offset: start) }
            throw URError.cborUnsupported(offset: start, what: "an indefinite-length marker on a type without one")
        default:
            throw URError.cborUnsupported(offset: start, what: "a reserved additional information value")
        }
        guard remaining >= length else { throw URError.cborTruncated(offset: bytes.count) }
        var value: UInt64 = 0
        for index in offset..<offset + length { value = value << 8 | UInt64(bytes[index]) }
        offset += length
        guard value >= minimum else { throw URError.cborNonShortestHead(offset: start) }
        return value
    }

    private mutating func readBytes(count: UInt64, start: Int) throws(URError) -> [UInt8] {
        guard count <= UInt64(remaining) else { throw URError.cborTruncated(offset: bytes.count) }
        let end = offset + Int(count)
        let slice = Array(bytes[offset..<end])
        offset = end
        return slice
    }
}

// MARK: - UTF-8 validation

/// Strict UTF-8 validation (Unicode §3.9, Table 3-7): no overlong forms, no surrogates, nothing above U+10FFFF.
/// A namespace.
enum UTF8Validation {
    static func isValid(_ bytes: [UInt8]) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            // The allowed range of the second byte depends on the lead byte; later bytes are always 80…BF.
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                high = 0x9F
            case 0xF0:
                length = 4
                low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                high = 0x8F
            default: return false
            }
            guard count - index >= length else { return false }
            let second = bytes[index + 1]
            guard second >= low, second <= high else { return false }
            for next in index + 2..<index + length where bytes[next] & 0xC0 != 0x80 { return false }
            index += length
        }
        return true
    }
}
