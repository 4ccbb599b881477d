import Foundation

// MARK: - JSONValue

/// A JSON document as a tree (RFC 8259) that keeps booleans, numbers and strings apart, so that JSON-RPC responses can
/// be validated strictly, and whose integers are exact: a number that is an integer in 0…2⁶⁴−1 is `unsigned`, a
/// negative one in the `Int64` range `signed`, anything else `double` (Solana's lamports and slots are u64 JSON
/// numbers, which a `Double` would round above 2⁵³).
public enum JSONValue: Sendable, Hashable, Codable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer in 0…2⁶⁴−1.
    case unsigned(UInt64)
    /// A negative integer in the `Int64` range.
    case signed(Int64)
    /// Any other number (a fraction, an exponent, or an integer outside both ranges).
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object (member order is not kept).
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(UInt64.self) {
            self = .unsigned(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .signed(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .unsigned(let value): try container.encode(value)
        case .signed(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// A short name of the JSON type, for messages ("null", "a boolean", "a number", "a string", "an array",
    /// "an object").
    public var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .unsigned, .signed, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Any number as a `Double` (rounded to the nearest, as a JSON parser reading it as a `Double` would); `nil` for
    /// the other types.
    public var number: Double? {
        switch self {
        case .unsigned(let value): return Double(value)
        case .signed(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    /// Compact JSON text with sorted keys (for messages); the type's ``kind`` if it cannot be encoded.
    public var compactText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return kind }
        return String(decoding: data, as: UTF8.self)
    }
}
