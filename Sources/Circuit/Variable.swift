// MARK: - Variable

/// A variable of a rank-1 constraint system: the constant `one`, a public input (instance) or a private witness
/// (arkworks `ark_relations::r1cs::Variable`, bellman `Variable`).
///
/// Variables order as Groth16 lays out the assignment vector `z = (1, public inputs…, witnesses…)`:
/// `one` < every instance < every witness, then by allocation index. ``R1CSMatrices`` uses that order for
/// column numbers.
public struct Variable: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Which part of the assignment vector the variable lives in.
    public enum Kind: UInt8, Sendable, Comparable {
        /// The constant 1 (column 0).
        case one = 0
        /// A public input.
        case instance = 1
        /// A private witness.
        case witness = 2

        /// Assignment-vector order: one, instances, witnesses.
        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    /// Instance, witness or the constant.
    public let kind: Kind
    /// Allocation index within ``kind`` (0 for ``one``).
    public let index: Int

    /// The constant-one variable; `c · one` is how linear combinations hold constants.
    public static let one = Variable(kind: .one, index: 0)

    init(kind: Kind, index: Int) {
        self.kind = kind
        self.index = index
    }

    /// Assignment-vector order: by ``kind``, then by ``index``.
    public static func < (a: Variable, b: Variable) -> Bool {
        a.kind != b.kind ? a.kind < b.kind : a.index < b.index
    }

    /// `one`, `instance[i]` or `witness[i]`.
    public var description: String {
        switch kind {
        case .one: "one"
        case .instance: "instance[\(index)]"
        case .witness: "witness[\(index)]"
        }
    }
}
