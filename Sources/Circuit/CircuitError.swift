// MARK: - CircuitError

/// A circuit-building failure: a missing witness value, a request the current mode cannot answer, or a gadget
/// parameter out of range.
public struct CircuitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable identifier (snake_case).
    public let code: String
    /// What was wrong and what to do about it.
    public let message: String

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// A proving-mode allocation whose value closure returned `nil`.
    public static func missingAssignment(_ what: String) -> CircuitError {
        CircuitError(
            code: "missing_assignment",
            message: "the \(what) has no value while proving; supply every witness and public input value "
                + "(value closures may only return nil in setup mode)")
    }

    /// Values were requested from a setup-mode system, which has none.
    public static func valuesUnavailable(_ operation: String) -> CircuitError {
        CircuitError(
            code: "values_unavailable",
            message: "\(operation) needs variable values, but this constraint system was built in setup mode; "
                + "build it with mode .proving and an assignment")
    }

    /// A bit width outside what a gadget supports.
    public static func invalidBitWidth(_ width: Int, allowed: ClosedRange<Int>, gadget: String) -> CircuitError {
        CircuitError(
            code: "invalid_bit_width",
            message: "\(gadget) supports bit widths \(allowed.lowerBound)…\(allowed.upperBound), but \(width) was "
                + "requested; pass a width in that range")
    }

    /// A Poseidon gadget call with an input count or state width circomlib does not define.
    public static func invalidPoseidonArity(_ count: Int, what: String) -> CircuitError {
        CircuitError(
            code: "invalid_poseidon_arity",
            message: "the Poseidon gadget takes \(what) but got \(count); split longer inputs into several hashes")
    }
}
