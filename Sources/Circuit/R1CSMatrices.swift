import BN254
import Curves
import Fields

// MARK: - R1CSMatrices

/// The sparse matrices `A`, `B`, `C` of a rank-1 constraint system, one row per constraint, as Groth16 key
/// generation consumes them (arkworks `ConstraintMatrices`): row `i` holds constraint `i`'s linear combinations
/// as (column, coefficient) entries sorted by column, and constraint `i` reads `⟨Aᵢ, z⟩ · ⟨Bᵢ, z⟩ = ⟨Cᵢ, z⟩`.
///
/// Columns: 0 is the constant one, `1 ..< instanceColumnCount` the public inputs, then the
/// `witnessColumnCount` private witnesses. Groth16's verifier key covers the first `instanceColumnCount` columns.
public struct R1CSMatrices: Sendable, Hashable {
    /// One nonzero matrix entry.
    public struct Entry: Sendable, Hashable {
        /// Column = index into the assignment vector `z`.
        public let column: Int
        /// Nonzero coefficient.
        public let coefficient: Fr
    }

    /// `1 +` the number of public inputs (arkworks `num_instance_variables`).
    public let instanceColumnCount: Int
    /// The number of private witnesses (arkworks `num_witness_variables`).
    public let witnessColumnCount: Int
    /// Rows of `A`.
    public let a: [[Entry]]
    /// Rows of `B`.
    public let b: [[Entry]]
    /// Rows of `C`.
    public let c: [[Entry]]

    /// Number of constraints (rows).
    public var constraintCount: Int { a.count }

    /// Total number of columns, `instanceColumnCount + witnessColumnCount`.
    public var columnCount: Int { instanceColumnCount + witnessColumnCount }

    /// Number of nonzero entries in `A`, `B` and `C` together.
    public var nonzeroCount: Int { [a, b, c].reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } }

    /// The first row the assignment `z` (length ``columnCount``, `z[0] = 1`) violates, or `nil` when none does.
    public func firstUnsatisfiedRow(assignment z: [Fr]) -> Int? {
        precondition(z.count == columnCount, "assignment has \(z.count) entries, the matrices \(columnCount) columns")
        func dot(_ row: [Entry]) -> Fr { row.reduce(Fr.zero) { $0 + $1.coefficient * z[$1.column] } }
        return a.indices.first { dot(a[$0]) * dot(b[$0]) != dot(c[$0]) }
    }
}
