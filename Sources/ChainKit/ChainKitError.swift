// MARK: - ChainKitError

/// The shape every ChainKit error shares: a stable machine-readable `code` (snake_case raw value), a sentence saying
/// what was wrong and what to do, and — for parse failures — the byte offset where it was found.
public protocol ChainKitError: Error, Hashable, Sendable, CustomStringConvertible {
    associatedtype Code: RawRepresentable where Code.RawValue == String
    /// The stable failure code.
    var code: Code { get }
    /// A sentence saying what was wrong and what to do.
    var reason: String { get }
    /// Byte offset in the parsed input, when parsing located the failure.
    var offset: Int? { get }
}

extension ChainKitError {
    public var offset: Int? { nil }

    /// `code: reason`, or `code at byte N: reason` when the offset is known.
    public var description: String {
        if let offset { return "\(code.rawValue) at byte \(offset): \(reason)" }
        return "\(code.rawValue): \(reason)"
    }
}
