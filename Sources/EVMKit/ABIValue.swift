import Fields

// MARK: - ABIValue

/// A value to encode as, or decoded from, an ``ABIType`` (Contract ABI Specification, §"Types").
///
/// Integers are words: `uint<M>` as its ``UInt256`` value and `int<M>` as its 256-bit two's complement (the
/// sign-extended word the ABI encodes), so `int8(-1)` is `.int(UInt256.max)`. Build signed values with
/// ``int(signed:)-(String)`` or ``int(signed:)-(Int64)`` and print them with ``UInt256/twosComplementDescription``.
/// Fixed and dynamic arrays are both ``array(_:)``; the type says which.
public enum ABIValue: Hashable, Sendable, CustomStringConvertible {
    /// A `uint<M>` value.
    case uint(UInt256)
    /// An `int<M>` value as a 256-bit two's-complement word.
    case int(UInt256)
    /// An `address`.
    case address(EthereumAddress)
    /// A `bool`.
    case bool(Bool)
    /// A `bytes<M>` value: exactly M bytes.
    case fixedBytes([UInt8])
    /// A `bytes` value.
    case bytes([UInt8])
    /// A `string` value.
    case string(String)
    /// A `T[k]` or `T[]` value.
    case array([ABIValue])
    /// A tuple value.
    case tuple([ABIValue])

    /// An `int<M>` value from a signed decimal (`-42`) or `0x`-hexadecimal magnitude (`-0x2a`).
    /// - Throws: `invalid_number` when malformed or outside −2²⁵⁵ … 2²⁵⁵ − 1.
    public static func int(signed text: String) throws(EVMError) -> ABIValue {
        guard let value = UInt256(twosComplement: text) else { throw .invalidNumber("a signed integer") }
        return .int(value)
    }

    /// An `int<M>` value from a Swift integer.
    public static func int(signed value: Int64) -> ABIValue {
        let magnitude = UInt256(value.magnitude)
        return .int(value < 0 ? UInt256.zero.subtractingReportingOverflow(magnitude).partialValue : magnitude)
    }

    /// A short name of the value's kind, for error messages.
    var kind: String {
        switch self {
        case .uint: return "unsigned integer"
        case .int: return "signed integer"
        case .address: return "address"
        case .bool: return "bool"
        case .fixedBytes(let bytes): return "\(bytes.count)-byte fixed bytes"
        case .bytes: return "bytes"
        case .string: return "string"
        case .array(let items): return "\(items.count)-element array"
        case .tuple(let items): return "\(items.count)-component tuple"
        }
    }

    // MARK: Text

    /// The value as text, in the syntax ``parse(_:as:)`` reads: integers in decimal (signed for `int`), addresses
    /// EIP-55 checksummed, bytes as `0x` hex, arrays `[a, b]`, tuples `(a, b)`. A string on its own is printed
    /// verbatim; inside an array or tuple it is quoted, with `"` and `\` escaped.
    public var description: String { render(nested: false) }

    func render(nested: Bool) -> String {
        switch self {
        case .uint(let value): return value.description
        case .int(let value): return value.twosComplementDescription
        case .address(let address): return address.checksummed
        case .bool(let value): return value ? "true" : "false"
        case .fixedBytes(let bytes), .bytes(let bytes): return Hex.encode(bytes)
        case .string(let text): return nested ? Self.quote(text) : text
        case .array(let items): return "[" + items.map { $0.render(nested: true) }.joined(separator: ", ") + "]"
        case .tuple(let items): return "(" + items.map { $0.render(nested: true) }.joined(separator: ", ") + ")"
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for character in text {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        out.append("\"")
        return out
    }

    /// Parses command-line text as a value of `type`:
    /// - `uint<M>`: decimal or `0x` hexadecimal; `int<M>`: the same with an optional leading `-`;
    /// - `bool`: `true` or `false`; `address`: `0x` + 40 hex digits, all-lowercase or with a valid EIP-55 checksum;
    /// - `bytes<M>`: `0x` + exactly 2M hex digits; `bytes`: `0x` + any even number of hex digits;
    /// - `string`: the text verbatim (inside an array or tuple, optionally in double quotes with `\"` and `\\`
    ///   escapes, which a string containing `,`, `]` or `)` needs);
    /// - `T[k]` and `T[]`: `[a, b, c]`; tuples: `(a, b)`; nestable, whitespace around elements ignored.
    /// - Throws: `abi_value_mismatch` (wrong shape or out of range), `invalid_number`, `invalid_hex`,
    ///   `invalid_address`, `invalid_checksum`, or `invalid_abi_type` for an invalid type.
    public static func parse(_ text: String, as type: ABIType) throws(EVMError) -> ABIValue {
        try type.validate()
        return try parseText(Substring(text), as: type, nested: false)
    }

    static func parseText(_ text: Substring, as type: ABIType, nested: Bool) throws(EVMError) -> ABIValue {
        var text = nested ? trimmed(text) : text
        if nested, type != .string, text.hasPrefix("\""), text.count >= 2, text.hasSuffix("\"") {
            text = Substring(try unquote(text))
        }
        let shown = text.count > 80 ? text.prefix(80) + "…" : text
        switch type {
        case .uint(let bits):
            guard let value = UInt256(String(text)) else { throw .invalidNumber("'\(shown)' (\(type))") }
            guard value.bitWidth <= bits else {
                throw EVMError(.abiValueMismatch, "\(value) does not fit in \(type)")
            }
            return .uint(value)
        case .int(let bits):
            guard let value = UInt256(twosComplement: String(text)) else {
                throw .invalidNumber("'\(shown)' (\(type))")
            }
            guard value.fitsSigned(bits: bits) else {
                throw EVMError(.abiValueMismatch, "\(value.twosComplementDescription) does not fit in \(type)")
            }
            return .int(value)
        case .bool:
            switch text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw EVMError(.abiValueMismatch, "a bool is true or false; got '\(shown)'")
            }
        case .address:
            return .address(try EthereumAddress(String(text)))
        case .fixedBytes(let count):
            return .fixedBytes(try Hex.decodePrefixed(String(text), byteCount: count, what: "a \(type) value"))
        case .bytes:
            return .bytes(try Hex.decodePrefixed(String(text), what: "a bytes value"))
        case .string:
            if nested, text.hasPrefix("\"") { return .string(try unquote(text)) }
            return .string(String(text))
        case .fixedArray(let element, let count):
            let items = try split(text, open: "[", close: "]", type: type)
            guard items.count == count else {
                throw EVMError(.abiValueMismatch, "\(type) needs \(count) elements; got \(items.count)")
            }
            return .array(try items.map { (item) throws(EVMError) in try parseText(item, as: element, nested: true) })
        case .array(let element):
            let items = try split(text, open: "[", close: "]", type: type)
            return .array(try items.map { (item) throws(EVMError) in try parseText(item, as: element, nested: true) })
        case .tuple(let components):
            let items = try split(text, open: "(", close: ")", type: type)
            guard items.count == components.count else {
                throw EVMError(
                    .abiValueMismatch, "\(type) has \(components.count) components; got \(items.count) values")
            }
            var values: [ABIValue] = []
            for (item, component) in zip(items, components) {
                values.append(try parseText(item, as: component, nested: true))
            }
            return .tuple(values)
        }
    }

    static func isSpace(_ character: Character) -> Bool { character == " " || character == "\t" || character.isNewline }

    static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, isSpace(first) { text = text.dropFirst() }
        while let last = text.last, isSpace(last) { text = text.dropLast() }
        return text
    }

    /// Removes the surrounding double quotes and the backslash escapes.
    static func unquote(_ text: Substring) throws(EVMError) -> String {
        var out = ""
        var escaped = false
        var closed = false
        for character in text.dropFirst() {
            guard !closed else {
                throw EVMError(.abiValueMismatch, "unexpected text after a closing quote in \(quote(String(text)))")
            }
            if escaped {
                out.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                closed = true
            } else {
                out.append(character)
            }
        }
        guard closed else { throw EVMError(.abiValueMismatch, "a quoted string is missing its closing quote") }
        return out
    }

    /// Splits `[a, b]` / `(a, b)` into its top-level elements, respecting nesting and quoted strings.
    static func split(_ text: Substring, open: Character, close: Character, type: ABIType) throws(EVMError)
        -> [Substring]
    {
        let text = trimmed(text)
        guard text.first == open, text.last == close, text.count >= 2 else {
            throw EVMError(.abiValueMismatch, "a \(type) value is written \(open)a, b, …\(close)")
        }
        let body = text.dropFirst().dropLast()
        if trimmed(body).isEmpty { return [] }
        var items: [Substring] = []
        var depth = 0
        var inQuotes = false
        var escaped = false
        var start = body.startIndex
        for index in body.indices {
            let character = body[index]
            if inQuotes {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inQuotes = false
                }
                continue
            }
            switch character {
            case "\"": inQuotes = true
            case "[", "(": depth += 1
            case "]", ")":
                depth -= 1
                guard depth >= 0 else { throw EVMError(.abiValueMismatch, "unbalanced brackets in a \(type) value") }
            case "," where depth == 0:
                items.append(body[start..<index])
                start = body.index(after: index)
            default: break
            }
        }
        guard depth == 0, !inQuotes else {
            throw EVMError(.abiValueMismatch, "unbalanced brackets or quotes in a \(type) value")
        }
        items.append(body[start...])
        if items.contains(where: { trimmed($0).isEmpty }) {
            throw EVMError(.abiValueMismatch, "an empty element in a \(type) value")
        }
        return items
    }
}

// MARK: - Two's complement

extension UInt256 {
    /// Parses a signed decimal (`-42`, `42`) or `0x`-hexadecimal magnitude (`-0x2a`) into its 256-bit two's
    /// complement; `nil` if malformed or outside −2²⁵⁵ … 2²⁵⁵ − 1.
    public init?(twosComplement text: String) {
        let negative = text.hasPrefix("-")
        guard let magnitude = UInt256(negative ? String(text.dropFirst()) : text) else { return nil }
        let limit = UInt256(limbs: FieldLimbs(0, 0, 0, 1 << 63))  // 2²⁵⁵
        if negative {
            guard !(limit < magnitude) else { return nil }
            self = UInt256.zero.subtractingReportingOverflow(magnitude).partialValue
        } else {
            guard magnitude < limit else { return nil }
            self = magnitude
        }
    }

    /// The value read as a 256-bit two's-complement signed integer, in decimal (`-1` for 2²⁵⁶ − 1).
    public var twosComplementDescription: String {
        guard isNegativeTwosComplement else { return description }
        return "-" + UInt256.zero.subtractingReportingOverflow(self).partialValue.description
    }

    /// Bit 255: the sign of the value read as two's complement.
    var isNegativeTwosComplement: Bool { limbs.l3 >> 63 == 1 }

    /// The bitwise complement.
    var onesComplement: UInt256 { UInt256(limbs: FieldLimbs(~limbs.l0, ~limbs.l1, ~limbs.l2, ~limbs.l3)) }

    /// Whether the word is the sign extension of an `int<bits>` value (bits 255 … bits − 1 all equal).
    func fitsSigned(bits: Int) -> Bool {
        guard bits < 256 else { return true }
        return (isNegativeTwosComplement ? onesComplement : self).bitWidth <= bits - 1
    }
}
