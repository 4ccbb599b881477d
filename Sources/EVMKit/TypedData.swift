// MARK: - EIP-191 personal messages

/// EIP-191 signed data, version `0x45` (`E`): the `personal_sign` / `eth_sign` message hash
/// `keccak256("\x19Ethereum Signed Message:\n" ‖ len(message) ‖ message)`, with the length in decimal ASCII
/// (EIP-191, §"Specification"; JSON-RPC `personal_sign`).
public enum PersonalMessage {
    /// The bytes that are hashed: the prefix, the message length in decimal, then the message.
    public static func prefixed<Bytes: Collection<UInt8>>(_ message: Bytes) -> [UInt8] {
        Array("\u{19}Ethereum Signed Message:\n\(message.count)".utf8) + Array(message)
    }

    /// The 32-byte hash a `personal_sign` signature signs.
    public static func hash<Bytes: Collection<UInt8>>(_ message: Bytes) -> [UInt8] {
        Keccak256.hash(prefixed(message))
    }

    /// The hash of a text message's UTF-8 bytes.
    public static func hash(_ message: String) -> [UInt8] { hash(Array(message.utf8)) }
}

// MARK: - EIP-712 typed data

/// EIP-712 typed structured data as `eth_signTypedData_v4` takes it: `types`, `primaryType`, `domain` and `message`
/// (EIP-712, §"Specification of the eth_signTypedData JSON RPC"). Decode it from that JSON with `JSONDecoder`.
///
/// ``signingHash()`` is `keccak256(0x19 ‖ 0x01 ‖ domainSeparator ‖ hashStruct(message))` (§"Specification"), the hash
/// an ECDSA signature over the typed data signs.
///
/// Strictness: unknown types (including the `uint`/`int` aliases, which EIP-712 does not have), missing or `null`
/// fields, values outside their type's range, `bytes<M>` values that are not exactly M bytes, fixed-size arrays of the
/// wrong length and cyclic struct definitions are refused with `invalid_typed_data`. Message fields that the type
/// does not declare are ignored. Integers above 2⁵³ must be JSON strings (decimal or `0x` hex), since JSON numbers
/// that large lose precision.
public struct TypedData: Hashable, Sendable, Decodable {
    /// A member of a struct type: `{"name": "wallet", "type": "address"}`.
    public struct Field: Hashable, Sendable, Codable {
        /// The member's name.
        public var name: String
        /// The member's type: an atomic type, `string`, `bytes`, a struct name, or an array `T[]` / `T[k]` of these.
        public var type: String

        public init(name: String, type: String) {
            self.name = name
            self.type = type
        }
    }

    /// A JSON value in `domain` or `message`. Integers are kept as their decimal text.
    public enum Value: Hashable, Sendable, Decodable {
        case string(String)
        case number(String)
        case bool(Bool)
        case array([Value])
        case object([String: Value])
        case null

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode(UInt64.self) {
                self = .number(String(value))
            } else if let value = try? container.decode(Int64.self) {
                self = .number(String(value))
            } else if let value = try? container.decode(Double.self) {
                guard value.rounded() == value, value.magnitude <= 9_007_199_254_740_992 else {
                    throw DecodingError.dataCorruptedError(
                        in: container,
                        debugDescription: "a number that is not an integer below 2^53; write large integers as strings")
                }
                self = .number(String(Int64(value)))
            } else if let value = try? container.decode([Value].self) {
                self = .array(value)
            } else {
                self = .object(try container.decode([String: Value].self))
            }
        }
    }

    /// The struct types by name; may include `EIP712Domain`.
    public var types: [String: [Field]]
    /// The type of ``message``.
    public var primaryType: String
    /// The domain's values (`name`, `version`, `chainId`, `verifyingContract`, `salt`).
    public var domain: [String: Value]
    /// The message's values.
    public var message: [String: Value]

    public init(types: [String: [Field]], primaryType: String, domain: [String: Value], message: [String: Value]) {
        self.types = types
        self.primaryType = primaryType
        self.domain = domain
        self.message = message
    }

    /// The domain fields EIP-712 defines, in the order §"Definition of domainSeparator" gives them; used for
    /// `EIP712Domain` when ``types`` does not define it (only the fields present in ``domain``).
    public static let standardDomainFields: [Field] = [
        Field(name: "name", type: "string"), Field(name: "version", type: "string"),
        Field(name: "chainId", type: "uint256"), Field(name: "verifyingContract", type: "address"),
        Field(name: "salt", type: "bytes32"),
    ]

    /// The struct types with `EIP712Domain` filled in from ``domain`` when not given.
    var allTypes: [String: [Field]] {
        get throws(EVMError) {
            guard types["EIP712Domain"] == nil else { return types }
            let standard = Set(Self.standardDomainFields.map(\.name))
            if let unknown = domain.keys.sorted().first(where: { !standard.contains($0) }) {
                throw EVMError(
                    .invalidTypedData,
                    "the domain field '\(unknown)' is not one of EIP-712's; declare types.EIP712Domain to use it")
            }
            var all = types
            all["EIP712Domain"] = Self.standardDomainFields.filter { domain[$0.name] != nil }
            return all
        }
    }

    /// `encodeType`: `Name(type1 name1,…)` followed by every struct type it references, directly or not, sorted by
    /// name (EIP-712, §"Definition of encodeType").
    /// - Throws: `invalid_typed_data` for an unknown type or a cyclic definition.
    public func encodeType(_ typeName: String) throws(EVMError) -> String {
        try TypedDataEncoder(types: allTypes).encodeType(typeName)
    }

    /// `typeHash = keccak256(encodeType(typeName))` (§"Definition of hashStruct").
    public func typeHash(_ typeName: String) throws(EVMError) -> [UInt8] {
        Keccak256.hash(Array(try encodeType(typeName).utf8))
    }

    /// `hashStruct(s) = keccak256(typeHash ‖ encodeData(s))` (§"Definition of hashStruct" and
    /// §"Definition of encodeData").
    /// - Throws: `invalid_typed_data`.
    public func hashStruct(_ typeName: String, _ value: [String: Value]) throws(EVMError) -> [UInt8] {
        try TypedDataEncoder(types: allTypes).hashStruct(typeName, value, path: typeName)
    }

    /// `domainSeparator = hashStruct(eip712Domain)` (§"Definition of domainSeparator").
    public func domainSeparator() throws(EVMError) -> [UInt8] {
        try hashStruct("EIP712Domain", domain)
    }

    /// `hashStruct(message)` as the ``primaryType``.
    public func messageHash() throws(EVMError) -> [UInt8] {
        try hashStruct(primaryType, message)
    }

    /// `keccak256(0x19 ‖ 0x01 ‖ domainSeparator ‖ hashStruct(message))` (§"Specification"): what is signed.
    public func signingHash() throws(EVMError) -> [UInt8] {
        Keccak256.hash([0x19, 0x01] + (try domainSeparator()) + (try messageHash()))
    }
}

// MARK: - Encoder

/// The kinds of EIP-712 member types (§"Definition of typed structured data 𝕊").
enum TypedDataKind {
    case atomic(ABIType)
    case bytes
    case string
    case structure(String)
    case array(element: String, count: Int?)
}

struct TypedDataEncoder {
    let types: [String: [TypedData.Field]]

    func failure(_ message: String) -> EVMError { EVMError(.invalidTypedData, message) }

    /// Classifies a member type string.
    func kind(_ type: String) throws(EVMError) -> TypedDataKind {
        if type.hasSuffix("]") {
            guard type.utf8.count(where: { $0 == UInt8(ascii: "[") }) <= ABIType.maximumNesting else {
                throw failure("the type '\(type.prefix(60))…' has too many array dimensions")
            }
            guard let open = type.lastIndex(of: "[") else { throw failure("the type '\(type)' has an unmatched ']'") }
            let element = String(type[..<open])
            let digits = type[type.index(after: open)..<type.index(before: type.endIndex)]
            _ = try kind(element)
            if digits.isEmpty { return .array(element: element, count: nil) }
            guard digits.first != "0", digits.count <= 9, digits.allSatisfy(\.isASCII), let count = Int(digits) else {
                throw failure("the array length in '\(type)' is not a positive integer")
            }
            return .array(element: element, count: count)
        }
        let atomic = Self.atomic(type)
        if types[type] != nil {
            guard atomic == nil else { throw failure("the struct name '\(type)' is an atomic type's name") }
            return .structure(type)
        }
        guard let atomic else { throw failure("unknown type '\(type.prefix(60))'") }
        return atomic
    }

    static func atomic(_ type: String) -> TypedDataKind? {
        guard type != "uint", type != "int", !type.isEmpty,
            type.utf8.allSatisfy(ABISignatureParser.isIdentifierByte),
            let parsed = try? ABISignatureParser.elementary(type, at: 0)
        else { return nil }
        switch parsed {
        case .string: return .string
        case .bytes: return .bytes
        default: return .atomic(parsed)
        }
    }

    /// The struct types `typeName` references (not itself), refusing unknown types and cycles.
    func dependencies(of typeName: String) throws(EVMError) -> [String] {
        guard types[typeName] != nil else { throw failure("unknown struct type '\(typeName.prefix(60))'") }
        var found: Set<String> = []
        var visiting: [String] = []
        try visit(typeName, found: &found, visiting: &visiting)
        found.remove(typeName)
        return found.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    func visit(_ name: String, found: inout Set<String>, visiting: inout [String]) throws(EVMError) {
        if visiting.contains(name) {
            throw failure("the struct types are cyclic: " + (visiting + [name]).joined(separator: " → "))
        }
        guard !found.contains(name), let fields = types[name] else { return }
        guard visiting.count < 64 else { throw failure("the struct types nest more than 64 deep") }
        visiting.append(name)
        var names: Set<String> = []
        for field in fields {
            guard names.insert(field.name).inserted, !field.name.isEmpty else {
                throw failure("the struct \(name) has an empty or repeated member name '\(field.name)'")
            }
            var kind = try kind(field.type)
            while case .array(let element, _) = kind { kind = try self.kind(element) }
            if case .structure(let referenced) = kind {
                try visit(referenced, found: &found, visiting: &visiting)
            }
        }
        visiting.removeLast()
        found.insert(name)
    }

    func encodeType(_ typeName: String) throws(EVMError) -> String {
        try ([typeName] + dependencies(of: typeName)).map { (name) throws(EVMError) in
            let fields = types[name] ?? []
            return name + "(" + fields.map { "\($0.type) \($0.name)" }.joined(separator: ",") + ")"
        }.joined()
    }

    func hashStruct(_ typeName: String, _ value: [String: TypedData.Value], path: String) throws(EVMError) -> [UInt8] {
        var encoded = Keccak256.hash(Array(try encodeType(typeName).utf8))
        for field in types[typeName] ?? [] {
            guard let member = value[field.name], member != .null else {
                throw failure("\(path) is missing the member '\(field.name)' (\(field.type))")
            }
            encoded += try encodeValue(member, as: field.type, path: path + "." + field.name)
        }
        return Keccak256.hash(encoded)
    }

    /// `encodeData` of one member: a 32-byte word (§"Definition of encodeData").
    func encodeValue(_ value: TypedData.Value, as type: String, path: String) throws(EVMError) -> [UInt8] {
        switch try kind(type) {
        case .structure(let name):
            guard case .object(let members) = value else { throw failure("\(path) must be an object (\(type))") }
            return try hashStruct(name, members, path: path)
        case .array(let element, let count):
            guard case .array(let items) = value else { throw failure("\(path) must be an array (\(type))") }
            if let count, items.count != count {
                throw failure("\(path) must have \(count) elements (\(type)); got \(items.count)")
            }
            var concatenated: [UInt8] = []
            for (index, item) in items.enumerated() {
                concatenated += try encodeValue(item, as: element, path: "\(path)[\(index)]")
            }
            return Keccak256.hash(concatenated)
        case .string:
            guard case .string(let text) = value else { throw failure("\(path) must be a string") }
            return Keccak256.hash(Array(text.utf8))
        case .bytes:
            guard case .string(let text) = value, let bytes = try? Hex.decodePrefixed(text, what: path) else {
                throw failure("\(path) must be 0x-prefixed hex (bytes)")
            }
            return Keccak256.hash(bytes)
        case .atomic(let abiType):
            return try encodeAtomic(value, as: abiType, path: path)
        }
    }

    func encodeAtomic(_ value: TypedData.Value, as type: ABIType, path: String) throws(EVMError) -> [UInt8] {
        let abiValue: ABIValue
        switch (type, value) {
        case (.bool, .bool(let flag)):
            abiValue = .bool(flag)
        case (.address, .string(let text)):
            do {
                abiValue = .address(try EthereumAddress(text))
            } catch {
                throw failure("\(path) is not an address: \(error.message)")
            }
        case (.fixedBytes(let count), .string(let text)):
            guard let bytes = try? Hex.decodePrefixed(text, byteCount: count, what: path) else {
                throw failure("\(path) must be 0x-prefixed hex of exactly \(count) bytes (\(type))")
            }
            abiValue = .fixedBytes(bytes)
        case (.uint, .number(let text)), (.uint, .string(let text)):
            guard let number = UInt256(text) else { throw failure("\(path) is not an unsigned integer (\(type))") }
            abiValue = .uint(number)
        case (.int, .number(let text)), (.int, .string(let text)):
            guard let number = UInt256(twosComplement: text) else {
                throw failure("\(path) is not a signed integer (\(type))")
            }
            abiValue = .int(number)
        default:
            throw failure("\(path) does not hold a \(type) value")
        }
        do {
            return try ABI.encode([abiValue], as: [type])
        } catch {
            throw failure("\(path): \(error.message)")
        }
    }
}
