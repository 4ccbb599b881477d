// MARK: - ABIFunction

/// A contract function (or custom error) signature: a name, input types and optional output types (Contract ABI
/// Specification, §"Function Selector" and §"Argument Encoding").
///
/// ```swift
/// let balanceOf = try ABIFunction("balanceOf(address)(uint256)")
/// let call = try balanceOf.encodeCall([.address(owner)])  // 0x70a08231 ‖ owner
/// let balance = try balanceOf.decodeOutput(returnData)
/// ```
public struct ABIFunction: Hashable, Sendable, CustomStringConvertible {
    /// The function's name.
    public let name: String
    /// The parameter types.
    public let inputs: [ABIType]
    /// The return types (empty when unknown or none).
    public let outputs: [ABIType]

    /// A function from its parts.
    public init(name: String, inputs: [ABIType], outputs: [ABIType] = []) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Parses `transfer(address,uint256)`, Foundry-style `balanceOf(address)(uint256)`, or Solidity-style
    /// `function balanceOf(address owner) returns (uint256)`. Parameter names, `memory`/`calldata`/`storage` and
    /// `address payable` are accepted and dropped; `uint`/`int` mean `uint256`/`int256`.
    /// - Throws: `invalid_abi_type`, with the byte offset of the problem.
    public init(_ signature: String) throws(EVMError) {
        var parser = ABISignatureParser(signature)
        let parsed = try parser.parseSignature(allowIndexed: false)
        let inputs = parsed.inputs.map { $0.type }
        let outputs = (parsed.outputs ?? []).map { $0.type }
        try ABI.validate(inputs)
        try ABI.validate(outputs)
        self.init(name: parsed.name, inputs: inputs, outputs: outputs)
    }

    /// The canonical signature `name(type1,type2)` that the selector hashes (§"Function Selector").
    public var signature: String { name + ABIType.tuple(inputs).description }

    /// The signature, with ` returns (…)` when outputs are known.
    public var description: String {
        outputs.isEmpty ? signature : signature + " returns " + ABIType.tuple(outputs).description
    }

    /// The first four bytes of the Keccak-256 of ``signature`` (§"Function Selector").
    public var selector: [UInt8] { Array(Keccak256.hash(Array(signature.utf8)).prefix(4)) }

    /// Call data: ``selector`` followed by the ABI encoding of `values` as the inputs (§"Argument Encoding").
    /// - Throws: `abi_value_mismatch` when the values do not fit the inputs.
    public func encodeCall(_ values: [ABIValue]) throws(EVMError) -> [UInt8] {
        guard values.count == inputs.count else {
            throw EVMError(.abiValueMismatch, "\(signature) takes \(inputs.count) arguments; got \(values.count)")
        }
        return selector + (try ABI.encode(values, as: inputs))
    }

    /// Decodes call data made by ``encodeCall(_:)``: checks the selector, then decodes the inputs strictly.
    /// - Throws: `invalid_abi_data` when the selector differs or the arguments do not decode.
    public func decodeCall(_ data: [UInt8]) throws(EVMError) -> [ABIValue] {
        guard data.count >= 4, Array(data.prefix(4)) == selector else {
            throw EVMError(
                .invalidABIData, "the call data does not start with \(signature)'s selector \(Hex.encode(selector))")
        }
        return try ABI.decode(Array(data.dropFirst(4)), as: inputs)
    }

    /// Decodes return data as the outputs (strictly; see ``ABI/decode(_:as:)``).
    /// - Throws: `invalid_abi_data`.
    public func decodeOutput(_ data: [UInt8]) throws(EVMError) -> [ABIValue] {
        try ABI.decode(data, as: outputs)
    }
}

// MARK: - ABIEvent

/// A contract event (Contract ABI Specification, §"Events"): indexed parameters are log topics after `topic0`, the
/// others are ABI-encoded in the log data.
///
/// Indexed values of dynamic or composite types (`string`, `bytes`, arrays, tuples) are stored as the Keccak-256 of
/// their encoding (§"Encoding of Indexed Event Parameters"), which cannot be inverted: ``decodeLog(topics:data:)``
/// returns them as `.fixedBytes` with the 32-byte hash.
public struct ABIEvent: Hashable, Sendable, CustomStringConvertible {
    /// One event parameter.
    public struct Parameter: Hashable, Sendable {
        /// The parameter's name, when known.
        public var name: String?
        /// The parameter's type.
        public var type: ABIType
        /// Whether the parameter is a topic rather than part of the data.
        public var indexed: Bool

        public init(name: String? = nil, type: ABIType, indexed: Bool) {
            self.name = name
            self.type = type
            self.indexed = indexed
        }
    }

    /// The event's name.
    public let name: String
    /// The parameters in declaration order.
    public let parameters: [Parameter]
    /// Anonymous events have no `topic0` and may index four parameters instead of three.
    public let anonymous: Bool

    /// An event from its parts.
    /// - Throws: `invalid_abi_type` for an invalid type or more than 3 indexed parameters (4 if anonymous).
    public init(name: String, parameters: [Parameter], anonymous: Bool = false) throws(EVMError) {
        try ABI.validate(parameters.map { $0.type })
        let indexedCount = parameters.count { $0.indexed }
        guard indexedCount <= (anonymous ? 4 : 3) else {
            throw EVMError(
                .invalidABIType, "an event indexes at most \(anonymous ? 4 : 3) parameters; got \(indexedCount)")
        }
        self.name = name
        self.parameters = parameters
        self.anonymous = anonymous
    }

    /// Parses `Transfer(address indexed from,address indexed to,uint256 value)`; names are optional.
    /// - Throws: `invalid_abi_type`.
    public init(_ signature: String, anonymous: Bool = false) throws(EVMError) {
        var parser = ABISignatureParser(signature)
        let parsed = try parser.parseSignature(allowIndexed: true)
        guard parsed.outputs == nil else {
            throw EVMError(.invalidABIType, "an event signature has one parameter list")
        }
        try self.init(
            name: parsed.name,
            parameters: parsed.inputs.map { Parameter(name: $0.name, type: $0.type, indexed: $0.indexed) },
            anonymous: anonymous)
    }

    /// Parses `Transfer(address,address,uint256)` and marks parameters indexed by `indexed` (one flag per parameter).
    /// - Throws: `invalid_abi_type`, also when the flag count differs from the parameter count.
    public init(_ signature: String, indexed: [Bool], anonymous: Bool = false) throws(EVMError) {
        let plain = try ABIEvent(signature, anonymous: anonymous)
        guard indexed.count == plain.parameters.count else {
            throw EVMError(
                .invalidABIType,
                "\(plain.signature) has \(plain.parameters.count) parameters; got \(indexed.count) flags")
        }
        var parameters = plain.parameters
        for index in parameters.indices { parameters[index].indexed = parameters[index].indexed || indexed[index] }
        try self.init(name: plain.name, parameters: parameters, anonymous: anonymous)
    }

    /// The canonical signature `Name(type1,type2)`, without names or `indexed` (§"Events").
    public var signature: String { name + ABIType.tuple(parameters.map { $0.type }).description }

    /// The signature with `indexed` flags and names.
    public var description: String {
        let list = parameters.map { parameter in
            [parameter.type.description, parameter.indexed ? "indexed" : nil, parameter.name]
                .compactMap { $0 }.joined(separator: " ")
        }
        return name + "(" + list.joined(separator: ",") + ")" + (anonymous ? " anonymous" : "")
    }

    /// `topic0`: the Keccak-256 of ``signature`` (§"Events").
    public var topic0: [UInt8] { Keccak256.hash(Array(signature.utf8)) }

    /// Decodes a log into the parameters' values in declaration order. Indexed value types are decoded from their
    /// topic with the same strictness as ABI words; indexed dynamic or composite types are returned as
    /// `.fixedBytes(hash)` (§"Encoding of Indexed Event Parameters").
    /// - Throws: `invalid_abi_data` when `topic0` differs, the topic count is wrong, a topic is not 32 bytes, or the
    ///   data does not decode.
    public func decodeLog(topics: [[UInt8]], data: [UInt8]) throws(EVMError) -> [ABIValue] {
        var topics = topics[...]
        if !anonymous {
            guard let first = topics.first, first == topic0 else {
                throw EVMError(.invalidABIData, "the log's topic0 is not \(signature)'s \(Hex.encode(topic0))")
            }
            topics = topics.dropFirst()
        }
        let indexed = parameters.filter { $0.indexed }
        guard topics.count == indexed.count else {
            throw EVMError(
                .invalidABIData,
                "\(signature) has \(indexed.count) indexed parameters; the log has \(topics.count) topics")
        }
        let dataValues = try ABI.decode(data, as: parameters.filter { !$0.indexed }.map { $0.type })
        var nextData = dataValues.makeIterator()
        var values: [ABIValue] = []
        for parameter in parameters {
            if parameter.indexed {
                guard let topic = topics.popFirst(), topic.count == 32 else {
                    throw EVMError(.invalidABIData, "a log topic is 32 bytes")
                }
                switch parameter.type {
                case .uint, .int, .address, .bool, .fixedBytes:
                    values.append(contentsOf: try ABI.decode(topic, as: [parameter.type]))
                default:
                    values.append(.fixedBytes(topic))
                }
            } else if let value = nextData.next() {
                values.append(value)
            }
        }
        return values
    }
}
