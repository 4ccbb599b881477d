import BN254
import Curves
import Fields

// MARK: - Equality and selection

extension ConstraintSystem {
    /// Enforces `a == b` (1 constraint `(a − b) · 1 = 0`; none when `a − b` is identically zero).
    public func enforceEqual(_ a: LinearCombination, _ b: LinearCombination) {
        let difference = a - b
        if difference.terms.isEmpty { return }
        enforce(difference, .one, .zero, label: "equal")
    }

    /// Enforces `a ≠ b` (1 constraint `(a − b) · inv = 1` with the witness `inv = (a − b)⁻¹`).
    public func enforceNotEqual(_ a: LinearCombination, _ b: LinearCombination) throws(CircuitError) {
        let difference = a - b
        // With no inverse (a = b) the witness is 0 and the constraint fails, as it must.
        let inverse = try derivedWitness(value(of: difference).map { $0.inverse() ?? .zero }, "not-equal inverse")
        enforce(difference, LinearCombination(inverse), .one, label: "not equal")
    }

    /// The bit `a == b` (2 constraints, the circomlib `IsZero` construction on `d = a − b`):
    /// `d · inv = 1 − eq` and `d · eq = 0`. If `d ≠ 0` the second forces `eq = 0`; if `d = 0` the first forces
    /// `eq = 1`, so `eq` is determined and needs no separate booleanity check. Constant `d` folds to a constant.
    public func isEqual(_ a: LinearCombination, _ b: LinearCombination) throws(CircuitError) -> Boolean {
        let difference = a - b
        if let constant = difference.constantValue { return Boolean(constant: constant.isZero) }
        let d = value(of: difference)
        let equal = try derivedWitness(d.map { $0.isZero ? Fr.one : Fr.zero }, "equality bit")
        let inverse = try derivedWitness(d.map { $0.inverse() ?? .zero }, "equality inverse")
        let result = LinearCombination(equal)
        enforce(difference, LinearCombination(inverse), LinearCombination.one - result, label: "is equal: inverse")
        enforce(difference, result, .zero, label: "is equal: zero")
        return Boolean(unchecked: result)
    }

    /// The bit `x == 0` (2 constraints; see ``isEqual(_:_:)``).
    public func isZero(_ x: LinearCombination) throws(CircuitError) -> Boolean {
        try isEqual(x, .zero)
    }

    /// `condition ? ifTrue : ifFalse` (1 constraint `condition · (ifTrue − ifFalse) = out − ifFalse`; none when the
    /// condition is constant or both branches are equal).
    public func select(
        _ condition: Boolean, _ ifTrue: LinearCombination,
        _ ifFalse: LinearCombination
    ) throws(CircuitError) -> LinearCombination {
        if let constant = condition.constantValue { return constant ? ifTrue : ifFalse }
        let difference = ifTrue - ifFalse
        if difference.terms.isEmpty { return ifFalse }
        var chosen: Fr?
        if let c = value(of: condition.lc), let t = value(of: ifTrue), let f = value(of: ifFalse) {
            chosen = f + c * (t - f)
        }
        let out = LinearCombination(try derivedWitness(chosen, "selected value"))
        enforce(condition.lc, difference, out - ifFalse, label: "select")
        return out
    }
}
