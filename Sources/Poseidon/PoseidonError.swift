// MARK: - PoseidonError

/// A rejected Poseidon call: the input count or state width is outside what circomlib defines.
public struct PoseidonError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable, machine-readable codes (snake_case raw values).
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case invalidInputCount = "invalid_input_count"
        case invalidWidth = "invalid_width"
    }

    /// The stable failure code.
    public let code: Code
    /// What was wrong and what to do about it.
    public let message: String

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// `Poseidon.hash` was given no inputs or more than ``Poseidon/maxInputCount``.
    public static func invalidInputCount(_ count: Int) -> PoseidonError {
        PoseidonError(
            code: .invalidInputCount,
            message: "Poseidon hashes 1 to \(Poseidon.maxInputCount) field elements (circomlib widths t = 2…17), "
                + "but \(count) were given; hash longer messages with a tree or sponge of Poseidon calls.")
    }

    /// A permutation state or parameter request with a width other than 2…17.
    public static func invalidWidth(_ width: Int) -> PoseidonError {
        PoseidonError(
            code: .invalidWidth,
            message: "Poseidon parameters exist for state widths t = 2…17 (1 capacity + 1…16 rate elements), "
                + "but width \(width) was requested; pass a state of 2 to 17 elements.")
    }
}
