// MARK: - CircuitError

/// A circuit-building failure: a missing witness value, a request the current mode cannot answer, or a gadget
/// parameter out of range.
public struct CircuitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable, machine-readable codes (snake_case raw values).
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case missingAssignment = "missing_assignment"
        case valuesUnavailable = "values_unavailable"
        case invalidBitWidth = "invalid_bit_width"
        case invalidPoseidonArity = "invalid_poseidon_arity"
    }

    /// The stable failure code.
    public let code: Code
    /// What was wrong and what to do about it.
    public let message: String

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// A proving-mode allocation whose value closure returned `nil`.
    public static func missingAssignment(_ what: String) -> CircuitError {
        CircuitError(
            code: .missingAssignment,
            message: "the \(what) has no value while proving; supply every witness and public input value "
                + "(value closures may only return nil in setup mode)")
    }

    /// Values were requested from a setup-mode system, which has none.
    public static func valuesUnavailable(_ operation: String) -> CircuitError {
        CircuitError(
            code: .valuesUnavailable,
            message: "\(operation) needs variable values, but this constraint system was built in setup mode; "
                + "build it with mode .proving and an assignment")
    }

    /// A bit width outside what a gadget supports.
    public static func invalidBitWidth(_ width: Int, allowed: ClosedRange<Int>, gadget: String) -> CircuitError {
        CircuitError(
            code: .invalidBitWidth,
            message: "\(gadget) supports bit widths \(allowed.lowerBound)…\(allowed.upperBound), but \(width) was "
                + "requested; pass a width in that range")
    }

    /// A Poseidon gadget call with an input count or state width circomlib does not define.
    public static func invalidPoseidonArity(_ count: Int, what: String) -> CircuitError {
        CircuitError(
            code: .invalidPoseidonArity,
            message: "the Poseidon gadget takes \(what) but got \(count); split longer inputs into several hashes")
    }
}
