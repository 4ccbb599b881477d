import BN254
import Curves
import Fields

// MARK: - Boolean

/// A linear combination constrained to 0 or 1 (arkworks `Boolean`, bellman `Boolean`): an allocated bit, its
/// negation `1 − b` (free), or a constant.
///
/// Only the gadgets below create Booleans, so holding one means its 0/1 range is already enforced.
public struct Boolean: Hashable, Sendable {
    /// The 0/1-valued linear combination.
    public let lc: LinearCombination

    init(unchecked lc: LinearCombination) {
        self.lc = lc
    }

    /// The constant `value`.
    public init(constant value: Bool) {
        lc = value ? .one : .zero
    }

    /// The constant true.
    public static let `true` = Boolean(constant: true)
    /// The constant false.
    public static let `false` = Boolean(constant: false)

    /// `¬self` = `1 − self`: no constraint.
    public var not: Boolean { Boolean(unchecked: LinearCombination.one - lc) }

    /// The value if the Boolean is a constant, else `nil`.
    public var constantValue: Bool? {
        lc.constantValue.map { !$0.isZero }
    }

    /// `¬b`.
    public static prefix func ! (b: Boolean) -> Boolean { b.not }
}

// MARK: - Boolean gadgets

extension ConstraintSystem {
    /// Allocates a private bit with the booleanity constraint `b · (1 − b) = 0` (1 constraint).
    public func allocateBoolean(_ value: () -> Bool?) throws(CircuitError) -> Boolean {
        let v = try allocateWitness { value().map { $0 ? Fr.one : Fr.zero } }
        return enforceBoolean(LinearCombination(v))
    }

    /// Constrains `lc` to 0 or 1 with `lc · (1 − lc) = 0` (1 constraint) and returns it as a Boolean.
    @discardableResult
    public func enforceBoolean(_ lc: LinearCombination) -> Boolean {
        enforce(lc, LinearCombination.one - lc, .zero, label: "boolean")
        return Boolean(unchecked: lc)
    }

    /// The value of `b` (`nil` in setup mode). A value other than 0 or 1 reads as true; such an assignment
    /// already violates `b`'s booleanity constraint.
    public func value(of b: Boolean) -> Bool? {
        value(of: b.lc).map { !$0.isZero }
    }

    /// Enforces `b == value` (1 constraint: `b · 1 = value`; none when `b` is that constant already).
    public func enforce(_ b: Boolean, is value: Bool) {
        if b.constantValue == value { return }
        enforce(b.lc, .one, value ? .one : .zero, label: "boolean value")
    }

    /// `a ∧ b` (1 constraint `a · b = c`, none if either is constant).
    public func and(_ a: Boolean, _ b: Boolean) throws(CircuitError) -> Boolean {
        if let constant = a.constantValue { return constant ? b : .false }
        if let constant = b.constantValue { return constant ? a : .false }
        let product = try derivedWitness(product(a, b), "AND output")
        let result = LinearCombination(product)
        enforce(a.lc, b.lc, result, label: "and")
        return Boolean(unchecked: result)
    }

    /// `a ∨ b` = `¬(¬a ∧ ¬b)` (1 constraint).
    public func or(_ a: Boolean, _ b: Boolean) throws(CircuitError) -> Boolean {
        try and(a.not, b.not).not
    }

    /// `a ⊕ b` = `a + b − 2ab` (1 constraint `(2a) · b = a + b − c`, none if either is constant).
    public func xor(_ a: Boolean, _ b: Boolean) throws(CircuitError) -> Boolean {
        if let constant = a.constantValue { return constant ? b.not : b }
        if let constant = b.constantValue { return constant ? a.not : a }
        let value = product(a, b).flatMap { ab in self.value(of: a.lc + b.lc).map { $0 - ab.doubled() } }
        let result = LinearCombination(try derivedWitness(value, "XOR output"))
        enforce(a.lc.scaled(by: Fr(2)), b.lc, a.lc + b.lc - result, label: "xor")
        return Boolean(unchecked: result)
    }

    /// `b₀ ∧ b₁ ∧ … ∧ bₖ₋₁` (true for an empty list). Two operands cost one constraint; three or more cost two,
    /// whatever `k`: the result is `isEqual(Σ bᵢ, k)`, and the sum cannot wrap since `k` is far below `r`.
    public func and(_ booleans: [Boolean]) throws(CircuitError) -> Boolean {
        var variables = [Boolean]()
        for b in booleans {
            switch b.constantValue {
            case true?: continue
            case false?: return .false
            case nil: variables.append(b)
            }
        }
        switch variables.count {
        case 0: return .true
        case 1: return variables[0]
        case 2: return try and(variables[0], variables[1])
        default:
            let sum = variables.reduce(LinearCombination.zero) { $0 + $1.lc }
            return try isEqual(sum, .constant(Fr(UInt64(variables.count))))
        }
    }

    /// The value of `a · b` (`nil` in setup mode).
    private func product(_ a: Boolean, _ b: Boolean) -> Fr? {
        guard let x = value(of: a.lc), let y = value(of: b.lc) else { return nil }
        return x * y
    }
}
