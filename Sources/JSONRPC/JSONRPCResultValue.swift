/// The error type a client's ``JSONRPCResultValue`` accessors throw, and how a malformed result is reported in it.
///
/// A client declares a caseless enum conforming to this protocol and extends ``JSONRPCResultValue`` (constrained to
/// it) with its own typed accessors (quantities, addresses, public keys, …).
public protocol JSONRPCErrorDomain {
    /// The client's error type.
    associatedtype Failure: Error

    /// The error for a result whose value at `path` (e.g. `result.value[2].slot`) has the wrong shape; `problem`
    /// completes the sentence (e.g. `has no "slot"`, `is a string, not an object`).
    static func malformed(method: String, path: String, problem: String) -> Failure
}

/// A JSON value from a response with where it came from, for strict typed access and precise messages.
public struct JSONRPCResultValue<Domain: JSONRPCErrorDomain>: Sendable {
    /// The value.
    public let value: JSONValue
    /// The method whose response it is part of.
    public let method: String
    /// Where in the response it is: `result`, `result.logs[3]`, …
    public let path: String

    /// Wraps `value`, found at `path` of the response to `method`.
    public init(value: JSONValue, method: String, path: String) {
        self.value = value
        self.method = method
        self.path = path
    }

    /// Whether the value is `null`.
    public var isNull: Bool { value == .null }

    /// The client's error for this value having the wrong shape.
    public func malformed(_ problem: String) -> Domain.Failure {
        Domain.malformed(method: method, path: path, problem: problem)
    }

    /// A required member of an object (present and not null).
    public func field(_ name: String) throws(Domain.Failure) -> Self {
        guard let member = try optionalField(name) else { throw malformed("has no \"\(name)\"") }
        return member
    }

    /// A member of an object; `nil` when absent or null.
    public func optionalField(_ name: String) throws(Domain.Failure) -> Self? {
        guard case .object(let fields) = value else { throw malformed("is \(value.kind), not an object") }
        guard let member = fields[name], member != .null else { return nil }
        return Self(value: member, method: method, path: "\(path).\(name)")
    }

    /// The items of an array.
    public func array() throws(Domain.Failure) -> [Self] {
        guard case .array(let items) = value else { throw malformed("is \(value.kind), not an array") }
        return items.enumerated().map { Self(value: $1, method: method, path: "\(path)[\($0)]") }
    }

    /// A string.
    public func string() throws(Domain.Failure) -> String {
        guard case .string(let text) = value else { throw malformed("is \(value.kind), not a string") }
        return text
    }

    /// A boolean.
    public func bool() throws(Domain.Failure) -> Bool {
        guard case .bool(let flag) = value else { throw malformed("is \(value.kind), not a boolean") }
        return flag
    }
}
