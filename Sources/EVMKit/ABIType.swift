// MARK: - ABIType

/// A Solidity ABI type (Contract ABI Specification, §"Types"): the elementary types `uint<M>`, `int<M>`, `address`,
/// `bool`, `bytes<M>`, `bytes` and `string`, and the composites `T[k]`, `T[]` and tuples `(T1,…,Tn)`.
///
/// Parse canonical type strings with ``init(_:)`` (`uint` and `int` are normalised to `uint256` and `int256`, as §"Types"
/// requires for signatures); ``description`` prints the canonical form used in function selectors and event topics.
///
/// ```swift
/// let type = try ABIType("(address,uint[])[2]")
/// type.description  // "(address,uint256[])[2]"
/// ```
///
/// Values of the cases are not checked on construction; every encoding and decoding entry point calls
/// ``validate()`` first, so `.uint(7)` or a zero-length fixed array is refused with `invalid_abi_type`.
public indirect enum ABIType: Hashable, Sendable, CustomStringConvertible {
    /// `uint<M>`: an unsigned integer of M bits, 0 < M ≤ 256, M % 8 == 0.
    case uint(Int)
    /// `int<M>`: a two's-complement signed integer of M bits, 0 < M ≤ 256, M % 8 == 0.
    case int(Int)
    /// `address`: 20 bytes, encoded as `uint160`.
    case address
    /// `bool`: encoded as `uint8` restricted to 0 and 1.
    case bool
    /// `bytes<M>`: M bytes, 0 < M ≤ 32, right-padded to a word.
    case fixedBytes(Int)
    /// `bytes`: a dynamic byte sequence.
    case bytes
    /// `string`: dynamic UTF-8 text.
    case string
    /// `T[k]`: exactly k elements of T (k ≥ 1).
    case fixedArray(ABIType, Int)
    /// `T[]`: any number of elements of T.
    case array(ABIType)
    /// `(T1,…,Tn)`: a tuple (a Solidity struct); the empty tuple `()` is allowed.
    case tuple([ABIType])

    /// Parses a canonical type string such as `uint256`, `bytes32[]` or `(address,uint256[])[2]`
    /// (Contract ABI Specification, §"Types"); `uint`/`int` mean `uint256`/`int256`, and `tuple(…)` is accepted for
    /// `(…)`. Whitespace around components is ignored; parameter names are not allowed here (see ``ABIFunction``).
    /// - Throws: `invalid_abi_type`, with the byte offset of the problem.
    public init(_ text: String) throws(EVMError) {
        var parser = ABISignatureParser(text)
        let type = try parser.parseType()
        try parser.expectEnd()
        try type.validate()
        self = type
    }

    /// The canonical type string (§"Function Selector": no spaces, `uint256` not `uint`).
    public var description: String {
        switch self {
        case .uint(let bits): return "uint\(bits)"
        case .int(let bits): return "int\(bits)"
        case .address: return "address"
        case .bool: return "bool"
        case .fixedBytes(let count): return "bytes\(count)"
        case .bytes: return "bytes"
        case .string: return "string"
        case .fixedArray(let element, let count): return "\(element.description)[\(count)]"
        case .array(let element): return "\(element.description)[]"
        case .tuple(let components): return "(" + components.map { $0.description }.joined(separator: ",") + ")"
        }
    }

    /// Whether the type is dynamic (§"Formal Specification of the Encoding"): `bytes`, `string`, `T[]`, and `T[k]` or
    /// tuples with a dynamic component. Dynamic values are encoded in the tail and referenced by an offset.
    public var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array: return true
        case .fixedArray(let element, _): return element.isDynamic
        case .tuple(let components): return components.contains { $0.isDynamic }
        case .uint, .int, .address, .bool, .fixedBytes: return false
        }
    }

    /// The number of bytes the type takes in the head of an enclosing tuple: 32 for dynamic types (the offset), the
    /// whole encoding for static types. Call on validated types; saturates at `Int.max` on overflow.
    public var headSize: Int { checkedHeadSize ?? Int.max }

    var checkedHeadSize: Int? {
        if isDynamic { return 32 }
        switch self {
        case .fixedArray(let element, let count):
            guard let size = element.checkedHeadSize else { return nil }
            let (product, overflow) = size.multipliedReportingOverflow(by: count)
            return overflow ? nil : product
        case .tuple(let components):
            var total = 0
            for component in components {
                guard let size = component.checkedHeadSize else { return nil }
                let (sum, overflow) = total.addingReportingOverflow(size)
                if overflow { return nil }
                total = sum
            }
            return total
        default:
            return 32
        }
    }

    /// The deepest nesting of arrays and tuples that ``validate()`` accepts (real contracts stay far below it), so
    /// that parsing, encoding and decoding recurse boundedly.
    public static let maximumNesting = 32

    /// Arrays and tuples nested inside each other: 0 for an elementary type.
    var nesting: Int {
        switch self {
        case .fixedArray(let element, _), .array(let element): return 1 + element.nesting
        case .tuple(let components): return 1 + (components.map { $0.nesting }.max() ?? 0)
        case .uint, .int, .address, .bool, .fixedBytes, .bytes, .string: return 0
        }
    }

    /// Checks widths (`uint<M>`/`int<M>`: M = 8…256 in steps of 8; `bytes<M>`: M = 1…32), fixed array lengths
    /// (k ≥ 1), nesting (at most ``maximumNesting``) and that a static type's size fits in memory (at most 2³²
    /// bytes).
    /// - Throws: `invalid_abi_type`.
    public func validate() throws(EVMError) {
        guard nesting <= Self.maximumNesting else {
            throw EVMError(.invalidABIType, "types nest at most \(Self.maximumNesting) arrays and tuples deep")
        }
        try validateComponents()
    }

    func validateComponents() throws(EVMError) {
        switch self {
        case .uint(let bits), .int(let bits):
            guard bits > 0, bits <= 256, bits % 8 == 0 else {
                throw EVMError(.invalidABIType, "integer widths are 8 to 256 in steps of 8; got \(bits)")
            }
        case .fixedBytes(let count):
            guard count > 0, count <= 32 else {
                throw EVMError(.invalidABIType, "bytes<M> needs 1 ≤ M ≤ 32; got \(count)")
            }
        case .address, .bool, .bytes, .string:
            break
        case .fixedArray(let element, let count):
            guard count > 0 else {
                throw EVMError(.invalidABIType, "a fixed-size array needs at least one element; got \(element)[0]")
            }
            try element.validateComponents()
        case .array(let element):
            try element.validateComponents()
        case .tuple(let components):
            for component in components { try component.validateComponents() }
        }
        guard let size = checkedHeadSize, UInt64(size) <= 1 << 32 else {
            throw EVMError(.invalidABIType, "the static type \(self) is larger than 2³² bytes")
        }
    }
}

// MARK: - Signature parser

/// One parameter of a function, error or event signature.
struct ABIParameter: Hashable, Sendable {
    var type: ABIType
    var name: String?
    var indexed: Bool
}

/// A recursive-descent parser for type strings and signatures (Contract ABI Specification, §"Types" and
/// §"Handling tuple types"), shared by ``ABIType``, ``ABIFunction`` and ``ABIEvent``.
struct ABISignatureParser {
    let bytes: [UInt8]
    var index = 0
    /// Open parentheses, bounded so that hostile input cannot exhaust the stack.
    var depth = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    func failure(_ message: String) -> EVMError { EVMError(.invalidABIType, message, offset: index) }

    mutating func skipSpaces() {
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    mutating func expect(_ character: Character) throws(EVMError) {
        skipSpaces()
        guard let ascii = character.asciiValue, peek == ascii else {
            throw failure("expected '\(character)'")
        }
        index += 1
    }

    mutating func expectEnd() throws(EVMError) {
        skipSpaces()
        guard atEnd else { throw failure("unexpected text after the end") }
    }

    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "$"):
            return true
        default:
            return false
        }
    }

    /// An identifier (letters, digits, `_`, `$`; not starting with a digit), or `nil` if none starts here.
    mutating func identifier() -> String? {
        skipSpaces()
        let start = index
        guard let first = peek, Self.isIdentifierByte(first), !(0x30...0x39).contains(first) else { return nil }
        while let byte = peek, Self.isIdentifierByte(byte) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// `type := ( '(' list ')' | 'tuple(' list ')' | elementary ) ( '[' digits? ']' )*`
    mutating func parseType(allowNames: Bool = false) throws(EVMError) -> ABIType {
        skipSpaces()
        var suffixes = 0
        var type: ABIType
        if peek == UInt8(ascii: "(") {
            type = .tuple(try parseList(allowNames: allowNames, allowIndexed: false).map { $0.type })
        } else {
            let start = index
            guard let word = identifier() else { throw failure("expected a type") }
            if word == "tuple" && peek == UInt8(ascii: "(") {
                type = .tuple(try parseList(allowNames: allowNames, allowIndexed: false).map { $0.type })
            } else {
                type = try Self.elementary(word, at: start)
            }
        }
        while peek == UInt8(ascii: "[") {
            suffixes += 1
            guard suffixes <= ABIType.maximumNesting else { throw failure("too many array dimensions") }
            index += 1
            let start = index
            while let byte = peek, (0x30...0x39).contains(byte) { index += 1 }
            let digits = bytes[start..<index]
            guard peek == UInt8(ascii: "]") else { throw failure("expected ']' after an array length") }
            index += 1
            if digits.isEmpty {
                type = .array(type)
            } else {
                guard digits.first != UInt8(ascii: "0"), digits.count <= 9,
                    let count = Int(String(decoding: digits, as: UTF8.self))
                else {
                    throw EVMError(
                        .invalidABIType, "an array length is 1 to 999999999 without leading zeros", offset: start)
                }
                type = .fixedArray(type, count)
            }
        }
        return type
    }

    static func elementary(_ word: String, at offset: Int) throws(EVMError) -> ABIType {
        switch word {
        case "address": return .address
        case "bool": return .bool
        case "string": return .string
        case "bytes": return .bytes
        case "uint": return .uint(256)
        case "int": return .int(256)
        default: break
        }
        for (prefix, make) in [("uint", ABIType.uint), ("int", ABIType.int), ("bytes", ABIType.fixedBytes)] {
            guard word.hasPrefix(prefix) else { continue }
            let digits = word.dropFirst(prefix.count)
            guard !digits.isEmpty, digits.first != "0", digits.allSatisfy { $0.isASCII }, let width = Int(digits) else {
                break
            }
            let type = make(width)
            do {
                try type.validate()
            } catch {
                throw EVMError(.invalidABIType, error.message, offset: offset)
            }
            return type
        }
        throw EVMError(.invalidABIType, "unknown ABI type '\(word.prefix(40))'", offset: offset)
    }

    /// `'(' [ param (',' param)* ] ')'` where `param := type ['indexed'] [name]` when names are allowed.
    mutating func parseList(allowNames: Bool, allowIndexed: Bool) throws(EVMError) -> [ABIParameter] {
        try expect("(")
        depth += 1
        defer { depth -= 1 }
        guard depth <= ABIType.maximumNesting + 1 else { throw failure("tuples nest too deeply") }
        var parameters: [ABIParameter] = []
        skipSpaces()
        if peek == UInt8(ascii: ")") {
            index += 1
            return parameters
        }
        while true {
            var parameter = ABIParameter(type: try parseType(allowNames: allowNames), name: nil, indexed: false)
            if allowNames {
                if parameter.type == .address {
                    skipPayable()
                }
                while let word = lookAheadIdentifier() {
                    if word == "indexed" && allowIndexed && !parameter.indexed && parameter.name == nil {
                        parameter.indexed = true
                    } else if ["memory", "calldata", "storage"].contains(word) && parameter.name == nil {
                        // Data locations from Solidity source are not part of the type.
                    } else if parameter.name == nil {
                        parameter.name = word
                    } else {
                        throw failure("unexpected '\(word.prefix(40))' after the parameter name")
                    }
                    _ = identifier()
                }
            }
            skipSpaces()
            parameters.append(parameter)
            if peek == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(")")
            return parameters
        }
    }

    mutating func skipPayable() {
        let saved = index
        if identifier() != "payable" { index = saved }
    }

    /// The identifier that starts at the next non-space character, without consuming it.
    mutating func lookAheadIdentifier() -> String? {
        let saved = index
        defer { index = saved }
        return identifier()
    }

    /// `name '(' params ')' [ '(' outputs ')' ]`, also accepting `function name(…) [returns (…)]`.
    mutating func parseSignature(allowIndexed: Bool) throws(EVMError) -> (
        name: String, inputs: [ABIParameter], outputs: [ABIParameter]?
    ) {
        var name = identifier()
        if name == "function" || name == "event" || name == "error", lookAheadIdentifier() != nil {
            name = identifier()
        }
        guard let name else { throw failure("a signature starts with a name, as in transfer(address,uint256)") }
        let inputs = try parseList(allowNames: true, allowIndexed: allowIndexed)
        skipSpaces()
        var outputs: [ABIParameter]? = nil
        let saved = index
        if let word = identifier(), word == "returns" {
            outputs = try parseList(allowNames: true, allowIndexed: false)
        } else {
            index = saved
            if peek == UInt8(ascii: "(") { outputs = try parseList(allowNames: true, allowIndexed: false) }
        }
        try expectEnd()
        return (name, inputs, outputs)
    }
}
