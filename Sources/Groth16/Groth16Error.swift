// MARK: - Groth16Error

/// Why a Groth16 operation refused its input: a malformed or inconsistent key, proof or public input, a circuit that
/// does not match its key, or an assignment that does not satisfy the constraints.
///
/// `code` is stable and machine-readable (snake_case); `message` says what was wrong and what to do.
public struct Groth16Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable, machine-readable codes (snake_case raw values).
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case circuitTooLarge = "circuit_too_large"
        case malformedAssignment = "malformed_assignment"
        case unsatisfiedConstraint = "unsatisfied_constraint"
        case keyCircuitMismatch = "key_circuit_mismatch"
        case publicInputCount = "public_input_count"
        case malformedJson = "malformed_json"
        case invalidFieldElement = "invalid_field_element"
        case invalidPoint = "invalid_point"
        case invalidLength = "invalid_length"
        case malformedProvingKey = "malformed_proving_key"
        case unsupportedProvingKeyVersion = "unsupported_proving_key_version"
    }

    /// The stable failure code.
    public let code: Code
    /// What was wrong and what to do about it.
    public let message: String

    /// Creates an error; prefer the named constructors below.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    // MARK: - Circuits and assignments

    /// The circuit needs an evaluation domain larger than BN254's 2²⁸ roots of unity allow.
    public static func circuitTooLarge(_ required: Int) -> Groth16Error {
        Groth16Error(
            code: .circuitTooLarge,
            message: "the circuit needs an evaluation domain of at least \(required) points, but the BN254 scalar "
                + "field has roots of unity only up to 2^28; split the statement into smaller circuits")
    }

    /// The assignment vector has the wrong length or does not start with the constant one.
    public static func malformedAssignment(_ detail: String) -> Groth16Error {
        Groth16Error(
            code: .malformedAssignment,
            message: "the assignment is not a vector (1, public inputs…, witnesses…) for this circuit: \(detail)")
    }

    /// The assignment violates constraint `row`.
    public static func unsatisfied(row: Int) -> Groth16Error {
        Groth16Error(
            code: .unsatisfiedConstraint,
            message: "the assignment violates constraint \(row), so no valid proof exists; check the witness and "
                + "the public inputs")
    }

    /// The proving key was generated for a circuit of a different shape or digest.
    public static func keyCircuitMismatch(_ detail: String) -> Groth16Error {
        Groth16Error(
            code: .keyCircuitMismatch,
            message: "the proving key was generated for a different circuit (\(detail)); run the setup for this "
                + "circuit again")
    }

    // MARK: - Public inputs

    /// The verifier got a different number of public inputs than the key has.
    public static func publicInputCount(expected: Int, got: Int) -> Groth16Error {
        Groth16Error(
            code: .publicInputCount,
            message: "the verifying key takes \(expected) public inputs but \(got) were given; pass exactly the "
                + "statement's public signals, in order")
    }

    // MARK: - Encodings

    /// A JSON document could not be parsed or lacks a required member.
    public static func malformedJSON(_ what: String, _ detail: String) -> Groth16Error {
        Groth16Error(code: .malformedJson, message: "the \(what) is not valid snarkjs JSON: \(detail)")
    }

    /// A decimal string was not a canonical field element.
    public static func invalidFieldElement(_ what: String, _ value: String) -> Groth16Error {
        let shown = value.count > 90 ? String(value.prefix(90)) + "…" : value
        return Groth16Error(
            code: .invalidFieldElement,
            message: "\(what) is \"\(shown)\", which is not a decimal integer below the field modulus; give a "
                + "canonical unsigned decimal string")
    }

    /// A point's coordinates are well-formed numbers but not a point of the group.
    public static func invalidPoint(_ what: String, _ reason: String) -> Groth16Error {
        Groth16Error(code: .invalidPoint, message: "\(what) is not a valid group element: \(reason)")
    }

    /// A byte string has the wrong length.
    public static func invalidLength(_ what: String, expected: Int, got: Int) -> Groth16Error {
        Groth16Error(
            code: .invalidLength,
            message: "\(what) must be \(expected) bytes but is \(got); check that the whole value was passed")
    }

    /// The binary proving key is not in the documented format.
    public static func malformedProvingKey(_ detail: String) -> Groth16Error {
        Groth16Error(
            code: .malformedProvingKey,
            message: "the proving key file is not a valid Chronoguard Groth16 key (\(detail)); regenerate it with "
                + "`chronoguard zk setup`")
    }

    /// The binary proving key has a version this code does not read.
    public static func unsupportedProvingKeyVersion(_ version: UInt32) -> Groth16Error {
        Groth16Error(
            code: .unsupportedProvingKeyVersion,
            message: "the proving key has format version \(version), but this build reads version "
                + "\(Groth16.ProvingKey.formatVersion); regenerate the key with this version")
    }
}
