import BN254
import Curves
import Fields

// MARK: - LinearCombination

/// A sparse linear combination `Σ cᵢ·vᵢ` of constraint-system variables over the BN254 scalar field
/// (arkworks `LinearCombination`, bellman `LinearCombination`); constants are multiples of ``Variable/one``.
///
/// Terms are kept sorted by variable with no duplicates and no zero coefficients, so combining two linear
/// combinations is a linear-time merge and equal combinations compare equal.
public struct LinearCombination: Hashable, Sendable, CustomStringConvertible {
    /// One `coefficient · variable` term.
    public struct Term: Hashable, Sendable {
        /// The variable.
        public let variable: Variable
        /// Its nonzero coefficient.
        public let coefficient: Fr
    }

    /// The terms, strictly increasing by variable, coefficients nonzero.
    public private(set) var terms: [Term]

    /// The empty combination (value 0).
    public static let zero = LinearCombination(sortedTerms: [])

    /// The constant 1.
    public static let one = LinearCombination(Variable.one)

    /// `coefficient · variable`.
    public init(_ variable: Variable, coefficient: Fr = .one) {
        terms = coefficient.isZero ? [] : [Term(variable: variable, coefficient: coefficient)]
    }

    /// The constant `value` (a multiple of ``Variable/one``).
    public static func constant(_ value: Fr) -> LinearCombination {
        LinearCombination(.one, coefficient: value)
    }

    /// `Σ coefficient · variable` for arbitrary (unsorted, possibly repeated) terms.
    public init(_ terms: [(Variable, Fr)]) {
        var result = LinearCombination.zero
        for (variable, coefficient) in terms {
            result = result.adding(LinearCombination(variable, coefficient: coefficient), scaledBy: .one)
        }
        self = result
    }

    init(sortedTerms: [Term]) {
        terms = sortedTerms
    }

    // MARK: - Inspection

    /// `true` when the combination mentions no variable other than ``Variable/one``.
    public var isConstant: Bool { terms.allSatisfy { $0.variable.kind == .one } }

    /// The constant value when ``isConstant``, otherwise `nil`.
    public var constantValue: Fr? {
        guard isConstant else { return nil }
        return terms.first?.coefficient ?? .zero
    }

    /// The combination's value under `assignment`, or `nil` when some variable has no value.
    public func evaluate(_ assignment: (Variable) -> Fr?) -> Fr? {
        var sum = Fr.zero
        for term in terms {
            guard let value = assignment(term.variable) else { return nil }
            sum += term.variable.kind == .one ? term.coefficient : term.coefficient * value
        }
        return sum
    }

    /// `c·variable + …`, for debugging.
    public var description: String {
        terms.isEmpty ? "0" : terms.map { "\($0.coefficient)·\($0.variable)" }.joined(separator: " + ")
    }

    // MARK: - Arithmetic

    /// `self + scale · other`, merging the sorted term lists and dropping cancelled terms.
    public func adding(_ other: LinearCombination, scaledBy scale: Fr) -> LinearCombination {
        if scale.isZero || other.terms.isEmpty { return self }
        let scaleIsOne = scale == .one
        var merged = [Term]()
        merged.reserveCapacity(terms.count + other.terms.count)
        var i = 0
        var j = 0
        while i < terms.count || j < other.terms.count {
            if j == other.terms.count || (i < terms.count && terms[i].variable < other.terms[j].variable) {
                merged.append(terms[i])
                i += 1
                continue
            }
            let scaled = scaleIsOne ? other.terms[j].coefficient : scale * other.terms[j].coefficient
            if i == terms.count || other.terms[j].variable < terms[i].variable {
                merged.append(Term(variable: other.terms[j].variable, coefficient: scaled))
            } else {
                let sum = terms[i].coefficient + scaled
                if !sum.isZero { merged.append(Term(variable: terms[i].variable, coefficient: sum)) }
                i += 1
            }
            j += 1
        }
        return LinearCombination(sortedTerms: merged)
    }

    /// `scale · self`.
    public func scaled(by scale: Fr) -> LinearCombination {
        if scale.isZero { return .zero }
        return LinearCombination(
            sortedTerms: terms.map { Term(variable: $0.variable, coefficient: scale * $0.coefficient) })
    }

    /// `a + b`.
    public static func + (a: LinearCombination, b: LinearCombination) -> LinearCombination {
        a.adding(b, scaledBy: .one)
    }

    /// `a − b`.
    public static func - (a: LinearCombination, b: LinearCombination) -> LinearCombination {
        a.adding(b, scaledBy: -Fr.one)
    }

    /// `−a`.
    public static prefix func - (a: LinearCombination) -> LinearCombination {
        a.scaled(by: -Fr.one)
    }

    /// `scale · a`.
    public static func * (scale: Fr, a: LinearCombination) -> LinearCombination {
        a.scaled(by: scale)
    }

    /// `a · scale`.
    public static func * (a: LinearCombination, scale: Fr) -> LinearCombination {
        a.scaled(by: scale)
    }

    /// `a + constant` (adds to the coefficient of ``Variable/one``).
    public static func + (a: LinearCombination, constant: Fr) -> LinearCombination {
        a.adding(.one, scaledBy: constant)
    }

    /// `a − constant`.
    public static func - (a: LinearCombination, constant: Fr) -> LinearCombination {
        a.adding(.one, scaledBy: -constant)
    }

    /// `a + 1·variable`.
    public static func + (a: LinearCombination, variable: Variable) -> LinearCombination {
        a.adding(LinearCombination(variable), scaledBy: .one)
    }

    /// `a − 1·variable`.
    public static func - (a: LinearCombination, variable: Variable) -> LinearCombination {
        a.adding(LinearCombination(variable), scaledBy: -Fr.one)
    }

    /// `a ← a + b`.
    public static func += (a: inout LinearCombination, b: LinearCombination) { a = a + b }

    /// `a ← a − b`.
    public static func -= (a: inout LinearCombination, b: LinearCombination) { a = a - b }
}
