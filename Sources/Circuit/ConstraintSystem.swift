import BN254
import Curves
import Fields

// MARK: - ConstraintSystem

/// A rank-1 constraint system over the BN254 scalar field, built incrementally by a circuit-description function
/// (arkworks `ConstraintSystem`, bellman `ConstraintSystem`; the R1CS relation of Groth16, EUROCRYPT 2016, and of
/// Gennaro–Gentry–Parno–Raykova, EUROCRYPT 2013).
///
/// A constraint is `⟨A, z⟩ · ⟨B, z⟩ = ⟨C, z⟩` for linear combinations `A`, `B`, `C` over the assignment vector
/// `z = (1, public inputs…, witnesses…)`.
///
/// One circuit function serves key generation and proving: it allocates variables with value closures and calls
/// gadgets. In ``Mode/setup`` the closures are never called (so they may return `nil`, e.g. when the secret is
/// unknown) and only the shape is recorded; in ``Mode/proving`` every closure must produce a value and the
/// system records the full assignment. Gadgets choose constraints from the *structure* of their inputs (which
/// linear combinations are constant), never from values, so both modes produce identical matrices.
///
/// Not thread-safe: build one system per thread.
public final class ConstraintSystem {
    /// Whether values are recorded.
    public enum Mode: Sendable, Hashable {
        /// Shape only (key generation): value closures are not evaluated.
        case setup
        /// Shape and assignment (proving, testing): value closures must all return values.
        case proving
    }

    /// The mode chosen at creation.
    public let mode: Mode
    /// Number of public inputs (instance variables) allocated, not counting the constant one.
    public private(set) var instanceCount = 0
    /// Number of private witnesses allocated.
    public private(set) var witnessCount = 0
    /// Public input values in allocation order (empty in setup mode).
    public private(set) var instanceValues: [Fr] = []
    /// Witness values in allocation order (empty in setup mode).
    public private(set) var witnessValues: [Fr] = []

    private var a: [LinearCombination] = []
    private var b: [LinearCombination] = []
    private var c: [LinearCombination] = []
    private var labels: [Int: String] = [:]

    /// Creates an empty system.
    public init(mode: Mode) {
        self.mode = mode
    }

    /// Number of constraints enforced so far.
    public var constraintCount: Int { a.count }

    /// `true` in ``Mode/proving``.
    public var hasValues: Bool { mode == .proving }

    // MARK: - Allocation

    /// Allocates a public input. `value` is called only in proving mode and must then return a value.
    public func allocateInstance(_ value: () -> Fr?) throws(CircuitError) -> Variable {
        let variable = Variable(kind: .instance, index: instanceCount)
        if mode == .proving {
            guard let v = value() else { throw .missingAssignment("public input \(instanceCount)") }
            instanceValues.append(v)
        }
        instanceCount += 1
        return variable
    }

    /// Allocates a private witness. `value` is called only in proving mode and must then return a value.
    public func allocateWitness(_ value: () -> Fr?) throws(CircuitError) -> Variable {
        if mode == .proving {
            guard let v = value() else { throw .missingAssignment("witness \(witnessCount)") }
            return newWitness(v)
        }
        return newWitness(nil)
    }

    /// Allocates a witness whose value the caller already computed (`nil` exactly in setup mode).
    func newWitness(_ value: Fr?) -> Variable {
        let variable = Variable(kind: .witness, index: witnessCount)
        if mode == .proving { witnessValues.append(value!) }
        witnessCount += 1
        return variable
    }

    /// Allocates a witness from a value derived from other variables: `nil` in setup mode, a thrown
    /// ``CircuitError/missingAssignment(_:)`` if a proving-mode derivation produced none.
    func derivedWitness(_ value: Fr?, _ what: @autoclosure () -> String) throws(CircuitError) -> Variable {
        if mode == .proving && value == nil { throw .missingAssignment(what()) }
        return newWitness(value)
    }

    // MARK: - Constraints

    /// Adds the constraint `a · b = c`. `label` (optional) names it in ``label(ofConstraint:)`` for debugging.
    public func enforce(
        _ a: LinearCombination, _ b: LinearCombination, _ c: LinearCombination,
        label: String? = nil
    ) {
        if let label { labels[self.a.count] = label }
        self.a.append(a)
        self.b.append(b)
        self.c.append(c)
    }

    /// The label given to constraint `index`, if any.
    public func label(ofConstraint index: Int) -> String? {
        labels[index]
    }

    // MARK: - Values

    /// The value of `variable` (`nil` in setup mode).
    public func value(of variable: Variable) -> Fr? {
        guard mode == .proving else { return nil }
        switch variable.kind {
        case .one: return .one
        case .instance: return instanceValues[variable.index]
        case .witness: return witnessValues[variable.index]
        }
    }

    /// The value of `lc` under the current assignment (`nil` in setup mode).
    public func value(of lc: LinearCombination) -> Fr? {
        guard mode == .proving else { return nil }
        return lc.evaluate { self.value(of: $0) }
    }

    /// Replaces the recorded value of `variable` without touching constraints — for tests that check a gadget
    /// rejects a dishonest witness.
    func overrideValue(of variable: Variable, with value: Fr) {
        precondition(mode == .proving, "only a proving-mode system has values to override")
        switch variable.kind {
        case .one: preconditionFailure("the constant one cannot be reassigned")
        case .instance: instanceValues[variable.index] = value
        case .witness: witnessValues[variable.index] = value
        }
    }

    // MARK: - Satisfaction

    /// The index of the first constraint the assignment violates, or `nil` when all hold.
    /// - Throws: ``CircuitError/valuesUnavailable(_:)`` in setup mode.
    public func firstUnsatisfiedConstraint() throws(CircuitError) -> Int? {
        guard mode == .proving else { throw .valuesUnavailable("checking satisfaction") }
        let lookup: (Variable) -> Fr? = { self.value(of: $0) }
        for index in a.indices {
            let left = a[index].evaluate(lookup)!
            let right = b[index].evaluate(lookup)!
            if left * right != c[index].evaluate(lookup)! { return index }
        }
        return nil
    }

    /// Whether the assignment satisfies every constraint (see ``firstUnsatisfiedConstraint()`` for which fails).
    /// - Throws: ``CircuitError/valuesUnavailable(_:)`` in setup mode.
    public func isSatisfied() throws(CircuitError) -> Bool {
        try firstUnsatisfiedConstraint() == nil
    }

    // MARK: - Export

    /// The assignment vector `z = (1, public inputs…, witnesses…)` in ``R1CSMatrices`` column order.
    /// - Throws: ``CircuitError/valuesUnavailable(_:)`` in setup mode.
    public func fullAssignment() throws(CircuitError) -> [Fr] {
        guard mode == .proving else { throw .valuesUnavailable("the full assignment") }
        return [.one] + instanceValues + witnessValues
    }

    /// The constraint matrices with Groth16's column order: column 0 is the constant one, columns
    /// `1 … instanceCount` the public inputs, then the witnesses.
    public func matrices() -> R1CSMatrices {
        let witnessOffset = 1 + instanceCount
        func column(_ variable: Variable) -> Int {
            switch variable.kind {
            case .one: 0
            case .instance: 1 + variable.index
            case .witness: witnessOffset + variable.index
            }
        }
        // Variable order equals column order, so each row stays sorted by column.
        func rows(_ lcs: [LinearCombination]) -> [[R1CSMatrices.Entry]] {
            lcs.map { lc in
                lc.terms.map { R1CSMatrices.Entry(column: column($0.variable), coefficient: $0.coefficient) }
            }
        }
        return R1CSMatrices(
            instanceColumnCount: 1 + instanceCount, witnessColumnCount: witnessCount,
            a: rows(a), b: rows(b), c: rows(c))
    }
}
