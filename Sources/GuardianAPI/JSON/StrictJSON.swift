import Foundation

// MARK: - Strict JSON

/// Strict decoding of request bodies (RFC 8259 JSON): the body must be one JSON object whose fields are exactly the
/// declared ones with the declared types. Anything else is a 400 `invalid_request` that names the field and says what
/// is wrong with it (``StrictJSONError``, which the server answers as 400 `invalid_request`) — so a client with a typo (`"cod"`) learns about it instead of being ignored. A member name that
/// appears twice is refused too (``JSONStructure``), on every endpoint: this is the only JSON decoding path.
public enum StrictJSON {
    /// A field that is not part of the schema.
    struct UnknownField: Error {
        let name: String
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The keyed container for `Keys`, after checking that the object has no other keys.
    public static func container<Keys: CodingKey & CaseIterable>(_ decoder: any Decoder, keyedBy keys: Keys.Type) throws
        -> KeyedDecodingContainer<Keys>
    {
        try rejectUnknownKeys(decoder, allowed: Set(Keys.allCases.map(\.stringValue)))
        return try decoder.container(keyedBy: Keys.self)
    }

    /// Requires a JSON object whose keys are all in `allowed`.
    public static func rejectUnknownKeys(_ decoder: any Decoder, allowed: Set<String>) throws {
        let all = try decoder.container(keyedBy: AnyKey.self)
        // Report the first unknown key in a stable order so the message does not vary between runs.
        if let unknown = all.allKeys.map(\.stringValue).filter({ !allowed.contains($0) }).sorted().first {
            throw UnknownField(name: unknown)
        }
    }

    /// Decodes a request body, turning every decoding failure into a ``StrictJSONError`` naming the field.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(StrictJSONError) -> T {
        guard !data.isEmpty else {
            throw StrictJSONError("The request body is empty; send a JSON object.")
        }
        // Grammar, duplicate names and depth first, in one linear pass (``JSONStructure``).
        try JSONStructure.validate(data)
        do {
            return try JSONCoding.makeDecoder().decode(T.self, from: data)
        } catch let error as UnknownField {
            throw StrictJSONError(
                "Field `\(error.name)` is not allowed here; remove it (see the API schema).", field: error.name)
        } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw StrictJSONError("The request body is not valid JSON.")
        }
    }

    static func fieldName(_ path: [any CodingKey]) -> String? {
        // `policy.spendingLimits[0].amount`: array indexes attach to their array's name.
        let name = path.reduce(into: "") { name, key in
            if let index = key.intValue {
                name += "[\(index)]"
            } else {
                name += (name.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return name.isEmpty ? nil : name
    }

    static func describe(_ error: DecodingError) -> StrictJSONError {
        switch error {
        case .keyNotFound(let key, let context):
            let name = fieldName(context.codingPath + [key]) ?? key.stringValue
            return StrictJSONError("Field `\(name)` is missing; it is required.", field: name)
        case .typeMismatch(let type, let context):
            guard let name = fieldName(context.codingPath) else {
                return StrictJSONError("The request body must be a JSON object.")
            }
            return StrictJSONError("Field `\(name)` must be \(jsonTypeName(type)).", field: name)
        case .valueNotFound(let type, let context):
            guard let name = fieldName(context.codingPath) else {
                return StrictJSONError("The request body must be a JSON object.")
            }
            return StrictJSONError("Field `\(name)` must be \(jsonTypeName(type)), not null.", field: name)
        case .dataCorrupted(let context):
            if let name = fieldName(context.codingPath) {
                return StrictJSONError("Field `\(name)` has an invalid value.", field: name)
            }
            return StrictJSONError("The request body is not valid JSON.")
        @unknown default:
            return StrictJSONError("The request body is not valid JSON.")
        }
    }

    static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is UInt64.Type, is Double.Type: "a number"
        default: "of another type (see the API schema)"
        }
    }
}

// MARK: - Errors

/// A request body that is not what the schema says, in the one error shape of Chronoguard's libraries: a stable code,
/// a sentence a person can act on (naming the field), and the field's path.
public struct StrictJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes (snake_case raw values).
    public enum Code: String, Sendable, Hashable {
        /// The body is not one JSON object of the declared fields and types.
        case invalidRequest = "invalid_request"
    }

    public let code: Code
    /// What is wrong and what to do.
    public let message: String
    /// The field's path (`policy.spendingLimits[0].amount`), when one is at fault.
    public let field: String?

    public init(_ message: String, field: String? = nil, code: Code = .invalidRequest) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

// MARK: - Coders

/// The JSON coders the API uses: dates as RFC 3339 UTC strings with milliseconds (`2025-01-01T12:00:00.123Z`), the
/// precision of the SIWS timestamps they mirror; decoding accepts them with or without the fraction.
public enum JSONCoding {
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(withFraction))
        }
        // Sorted keys: the same value always has the same bytes (and the cosign fast path can match them exactly).
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }

    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? withFraction.parse(text) { return date }
            if let date = try? withoutFraction.parse(text) { return date }
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not an RFC 3339 date-time: \(text)")
        }
        return decoder
    }

    public static var encoder: JSONEncoder { makeEncoder() }

    static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    static let withoutFraction = Date.ISO8601FormatStyle()
}
