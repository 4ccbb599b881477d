// MARK: - ABI

/// Solidity ABI encoding and decoding (Contract ABI Specification, §"Formal Specification of the Encoding"), the
/// non-standard packed mode (§"Non-standard Packed Mode"), and revert-reason decoding (§"Errors").
///
/// ```swift
/// let data = try ABI.encode([.address(to), .uint(amount)], as: [.address, .uint(256)])
/// let values = try ABI.decode(data, as: [.address, .uint(256)])
/// ```
public enum ABI {
    /// Encodes `values` as the tuple `(types…)`: static values in the head, dynamic values in the tail referenced by
    /// byte offsets from the start of the enclosing tuple (§"Formal Specification of the Encoding").
    /// - Throws: `invalid_abi_type` for an invalid type, `abi_value_mismatch` when a value does not fit its type
    ///   (wrong kind, integer out of range, wrong fixed length or element count).
    public static func encode(_ values: [ABIValue], as types: [ABIType]) throws(EVMError) -> [UInt8] {
        try validate(types)
        return try encodeValue(.tuple(values), as: .tuple(types))
    }

    /// Decodes data encoded as the tuple `(types…)`. Strict: refuses data that is too short, offsets or lengths that
    /// point outside the data, and non-canonical words — `uint<M>` with high bits set, `int<M>` not sign-extended,
    /// `address` with non-zero high bytes, `bool` other than 0 or 1, `bytes<M>`, `bytes` and `string` with non-zero
    /// padding, and `string` that is not UTF-8; like eth-abi, an offset must point after the heads it is part of.
    /// Bytes after the encoding are ignored (as Solidity's `abi.decode` does).
    ///
    /// Offsets may point to shared data, so the work is bounded: the decoded values may take at most four times the
    /// input size (plus 1 KiB) in words and bytes, which canonical encodings never exceed.
    /// - Throws: `invalid_abi_data`, or `invalid_abi_type` for an invalid type.
    public static func decode(_ data: [UInt8], as types: [ABIType]) throws(EVMError) -> [ABIValue] {
        try validate(types)
        var decoder = ABIDecoder(data: data)
        return try decoder.decodeSequence(.components(types), at: 0)
    }

    /// Solidity's non-standard packed mode, `abi.encodePacked` (§"Non-standard Packed Mode"): integers, `address`,
    /// `bool` and `bytes<M>` take their own width without padding (`int<M>` in two's complement), `bytes` and `string`
    /// are written in place without a length, and the elements of `T[k]` and `T[]` are each padded to 32 bytes.
    /// Like Solidity, this refuses tuples (structs) and arrays of dynamic types or of arrays or tuples.
    ///
    /// The packed encoding is ambiguous (`("a", "bc")` and `("ab", "c")` pack the same); do not hash it with more than
    /// one dynamic value for signatures.
    /// - Throws: `invalid_abi_type` or `abi_value_mismatch`.
    public static func encodePacked(_ values: [ABIValue], as types: [ABIType]) throws(EVMError) -> [UInt8] {
        try validate(types)
        guard values.count == types.count else {
            throw EVMError(.abiValueMismatch, "\(types.count) types but \(values.count) values")
        }
        var out: [UInt8] = []
        for (value, type) in zip(values, types) {
            switch type {
            case .tuple:
                throw EVMError(.invalidABIType, "packed encoding does not support tuples (structs); got \(type)")
            case .fixedArray(let element, _), .array(let element):
                switch element {
                case .uint, .int, .address, .bool, .fixedBytes: break
                default:
                    throw EVMError(
                        .invalidABIType,
                        "packed encoding supports arrays of value types only (not \(element)); got \(type)")
                }
                guard case .array(let items) = value else { throw mismatch(value, type) }
                if case .fixedArray(_, let count) = type, items.count != count {
                    throw EVMError(.abiValueMismatch, "\(type) needs \(count) elements; got \(items.count)")
                }
                for item in items { out += try encodeValue(item, as: element) }
            case .bytes, .string:
                out += try dynamicBytes(value, type)
            case .uint(let bits), .int(let bits):
                out += try encodeValue(value, as: type).suffix(bits / 8)
            case .address:
                out += try encodeValue(value, as: type).suffix(20)
            case .bool:
                out += try encodeValue(value, as: type).suffix(1)
            case .fixedBytes(let count):
                out += try encodeValue(value, as: type).prefix(count)
            }
        }
        return out
    }

    /// Validates each of a parameter list's types (see ``ABIType/validate()``).
    static func validate(_ types: [ABIType]) throws(EVMError) {
        for type in types { try type.validate() }
    }

    // MARK: Encoding

    static func mismatch(_ value: ABIValue, _ type: ABIType) -> EVMError {
        EVMError(.abiValueMismatch, "a \(value.kind) value cannot be encoded as \(type)")
    }

    static func word(_ value: Int) -> [UInt8] { UInt256(UInt64(value)).bigEndianBytes }

    static func dynamicBytes(_ value: ABIValue, _ type: ABIType) throws(EVMError) -> [UInt8] {
        switch (value, type) {
        case (.bytes(let bytes), .bytes): return bytes
        case (.string(let text), .string): return Array(text.utf8)
        default: throw mismatch(value, type)
        }
    }

    static func encodeValue(_ value: ABIValue, as type: ABIType) throws(EVMError) -> [UInt8] {
        switch (value, type) {
        case (.uint(let number), .uint(let bits)):
            guard number.bitWidth <= bits else {
                throw EVMError(.abiValueMismatch, "\(value) does not fit in \(type)")
            }
            return number.bigEndianBytes
        case (.int(let number), .uint(let bits)):
            guard !number.isNegativeTwosComplement, number.bitWidth <= bits else {
                throw EVMError(.abiValueMismatch, "\(value) does not fit in \(type)")
            }
            return number.bigEndianBytes
        case (.int(let number), .int(let bits)):
            guard number.fitsSigned(bits: bits) else {
                throw EVMError(.abiValueMismatch, "\(value) does not fit in \(type)")
            }
            return number.bigEndianBytes
        case (.uint(let number), .int(let bits)):
            guard number.bitWidth < bits else {
                throw EVMError(.abiValueMismatch, "\(value) does not fit in \(type)")
            }
            return number.bigEndianBytes
        case (.address(let address), .address):
            return [UInt8](repeating: 0, count: 12) + address.bytes
        case (.bool(let flag), .bool):
            return word(flag ? 1 : 0)
        case (.fixedBytes(let bytes), .fixedBytes(let count)):
            guard bytes.count == count else {
                throw EVMError(.abiValueMismatch, "a \(type) value is \(count) bytes; got \(bytes.count)")
            }
            return bytes + [UInt8](repeating: 0, count: 32 - count)
        case (.bytes, .bytes), (.string, .string):
            let bytes = try dynamicBytes(value, type)
            return word(bytes.count) + bytes + [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32)
        case (.array(let items), .fixedArray(let element, let count)):
            guard items.count == count else {
                throw EVMError(.abiValueMismatch, "\(type) needs \(count) elements; got \(items.count)")
            }
            return try encodeSequence(items, Array(repeating: element, count: count))
        case (.array(let items), .array(let element)):
            return word(items.count) + (try encodeSequence(items, Array(repeating: element, count: items.count)))
        case (.tuple(let items), .tuple(let components)):
            guard items.count == components.count else {
                throw EVMError(
                    .abiValueMismatch, "\(type) has \(components.count) components; got \(items.count) values")
            }
            return try encodeSequence(items, components)
        default:
            throw mismatch(value, type)
        }
    }

    /// Head/tail layout: each dynamic element's head is its tail's offset from the start of the sequence.
    static func encodeSequence(_ values: [ABIValue], _ types: [ABIType]) throws(EVMError) -> [UInt8] {
        let headSize = types.reduce(0) { $0 + $1.headSize }
        var head: [UInt8] = []
        var tail: [UInt8] = []
        head.reserveCapacity(headSize)
        for (value, type) in zip(values, types) {
            if type.isDynamic {
                head += word(headSize + tail.count)
                tail += try encodeValue(value, as: type)
            } else {
                head += try encodeValue(value, as: type)
            }
        }
        return head + tail
    }
}

// MARK: - Decoder

/// The strict, bounded decoder behind ``ABI/decode(_:as:)``.
struct ABIDecoder {
    let data: [UInt8]
    /// Words and bytes the decoded values may still take (see ``ABI/decode(_:as:)``).
    var budget: Int

    init(data: [UInt8]) {
        self.data = data
        budget = data.count.multipliedReportingOverflow(by: 4).partialValue + 1024
    }

    func failure(_ message: String, at offset: Int) -> EVMError {
        EVMError(.invalidABIData, message, offset: offset)
    }

    mutating func spend(_ amount: Int, at offset: Int) throws(EVMError) {
        guard amount <= budget else {
            throw failure(
                "the decoded values would be far larger than the data (offsets pointing to shared data?)", at: offset)
        }
        budget -= amount
    }

    /// The 32-byte word at `offset`.
    func word(at offset: Int) throws(EVMError) -> ArraySlice<UInt8> {
        guard offset >= 0, offset <= data.count - 32 else {
            throw failure(
                "the data is too short: a word at byte \(offset) needs \(offset + 32) bytes; got \(data.count)",
                at: offset)
        }
        return data[offset..<(offset + 32)]
    }

    /// A word read as a length or offset: it must fit in `Int` and be at most the data size.
    func smallInteger(at offset: Int, what: String) throws(EVMError) -> Int {
        let bytes = try word(at: offset)
        guard bytes.prefix(24).allSatisfy({ $0 == 0 }) else {
            throw failure("\(what) at byte \(offset) is larger than the data", at: offset)
        }
        let value = bytes.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard value <= UInt64(data.count) else {
            throw failure(
                "\(what) \(value) at byte \(offset) is larger than the data (\(data.count) bytes)", at: offset)
        }
        return Int(value)
    }

    /// What a head/tail sequence holds: a tuple's components, or `count` elements of one type.
    enum Layout {
        case components([ABIType])
        case repeated(ABIType, count: Int)

        var count: Int {
            switch self {
            case .components(let types): return types.count
            case .repeated(_, let count): return count
            }
        }

        subscript(index: Int) -> ABIType {
            switch self {
            case .components(let types): return types[index]
            case .repeated(let type, _): return type
            }
        }

        /// The size of the heads (checked to fit by `validate()` or by the array length check).
        var headSize: Int {
            switch self {
            case .components(let types): return types.reduce(0) { $0 + $1.headSize }
            case .repeated(let type, let count): return count * type.headSize
            }
        }
    }

    /// A sequence laid out head/tail from `base` (§"Formal Specification of the Encoding").
    mutating func decodeSequence(_ layout: Layout, at base: Int) throws(EVMError) -> [ABIValue] {
        var values: [ABIValue] = []
        values.reserveCapacity(min(layout.count, 1024))
        let headEnd = base + layout.headSize
        guard headEnd <= data.count else {
            throw failure(
                "the data is too short: the heads at byte \(base) end at byte \(headEnd), after its \(data.count) bytes",
                at: base)
        }
        var position = base
        for index in 0..<layout.count {
            let type = layout[index]
            if type.isDynamic {
                let offset = try smallInteger(at: position, what: "the offset")
                let target = base + offset
                // As eth-abi requires: a tail lies after the heads (no encoder points into them) and inside the data.
                guard target >= headEnd, target < data.count else {
                    throw failure(
                        "the offset \(offset) at byte \(position) points into the heads or past the end of the data",
                        at: position)
                }
                values.append(try decodeValue(type, at: target))
            } else {
                values.append(try decodeValue(type, at: position))
            }
            position += type.headSize
        }
        return values
    }

    mutating func decodeValue(_ type: ABIType, at offset: Int) throws(EVMError) -> ABIValue {
        switch type {
        case .uint(let bits):
            let value = try number(at: offset)
            guard value.bitWidth <= bits else {
                throw failure("a \(type) word at byte \(offset) has high-order bits set", at: offset)
            }
            return .uint(value)
        case .int(let bits):
            let value = try number(at: offset)
            guard value.fitsSigned(bits: bits) else {
                throw failure("a \(type) word at byte \(offset) is not sign-extended", at: offset)
            }
            return .int(value)
        case .address:
            let bytes = try word(at: offset)
            try spend(32, at: offset)
            guard bytes.prefix(12).allSatisfy({ $0 == 0 }),
                let address = try? EthereumAddress(bytes: Array(bytes.suffix(20)))
            else {
                throw failure("an address word at byte \(offset) has non-zero high-order bytes", at: offset)
            }
            return .address(address)
        case .bool:
            let value = try number(at: offset)
            guard value.bitWidth <= 1 else { throw failure("a bool word at byte \(offset) is not 0 or 1", at: offset) }
            return .bool(value == UInt256(1))
        case .fixedBytes(let count):
            let bytes = try word(at: offset)
            try spend(32, at: offset)
            guard bytes.dropFirst(count).allSatisfy({ $0 == 0 }) else {
                throw failure("a \(type) word at byte \(offset) has non-zero padding", at: offset)
            }
            return .fixedBytes(Array(bytes.prefix(count)))
        case .bytes:
            return .bytes(try dynamicBytes(at: offset, type: type))
        case .string:
            let bytes = try dynamicBytes(at: offset, type: type)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw failure("the string at byte \(offset) is not valid UTF-8", at: offset)
            }
            return .string(text)
        case .fixedArray(let element, let count):
            return .array(try decodeSequence(.repeated(element, count: count), at: offset))
        case .array(let element):
            let count = try smallInteger(at: offset, what: "the array length")
            try spend(32, at: offset)
            let start = offset + 32
            // Every element takes at least its head in the data (Solidity's and eth-abi's length check).
            let (needed, overflow) = count.multipliedReportingOverflow(by: element.headSize)
            guard !overflow, needed <= data.count - start else {
                throw failure("the array length \(count) at byte \(offset) needs more data than there is", at: offset)
            }
            if element.headSize == 0 { try spend(count.multipliedReportingOverflow(by: 32).partialValue, at: offset) }
            return .array(try decodeSequence(.repeated(element, count: count), at: start))
        case .tuple(let components):
            if components.isEmpty { try spend(32, at: offset) }
            return .tuple(try decodeSequence(.components(components), at: offset))
        }
    }

    mutating func number(at offset: Int) throws(EVMError) -> UInt256 {
        let bytes = try word(at: offset)
        try spend(32, at: offset)
        return UInt256(bigEndian: bytes) ?? .zero
    }

    /// `bytes`/`string`: a length word, then the content right-padded with zeros to a multiple of 32 bytes.
    mutating func dynamicBytes(at offset: Int, type: ABIType) throws(EVMError) -> [UInt8] {
        let length = try smallInteger(at: offset, what: "the \(type) length")
        let start = offset + 32
        let padded = (length + 31) / 32 * 32
        guard padded <= data.count - start else {
            throw failure("the \(type) at byte \(offset) has length \(length) but the data ends first", at: offset)
        }
        try spend(32 + padded, at: offset)
        guard data[(start + length)..<(start + padded)].allSatisfy({ $0 == 0 }) else {
            throw failure("the \(type) at byte \(offset) has non-zero padding", at: offset)
        }
        return Array(data[start..<(start + length)])
    }
}
