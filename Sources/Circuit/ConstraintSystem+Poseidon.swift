import BN254
import Curves
import Fields
import Poseidon

// MARK: - Poseidon gadget

extension ConstraintSystem {
    /// `Poseidon(inputs)` in-circuit for 1…16 inputs, equal to `Poseidon.hash(_:)` on the
    /// inputs' values (circomlib `Poseidon(n)`).
    ///
    /// Cost: 3 constraints per S-box (`x² = x·x`, `x⁴ = x²·x²`, `x⁵ = x⁴·x`) and nothing for the linear layers,
    /// which stay linear combinations — `3·(8t + R_P)` constraints, less 3 because the capacity lane is the
    /// constant 0 entering the first S-box (240 for two inputs, as circom's `Poseidon(2)`).
    public func poseidon(_ inputs: [LinearCombination]) throws(CircuitError) -> LinearCombination {
        guard (1...Poseidon.maxInputCount).contains(inputs.count) else {
            throw .invalidPoseidonArity(inputs.count, what: "1 to \(Poseidon.maxInputCount) inputs")
        }
        return try poseidonPermutation([.zero] + inputs)[0]
    }

    /// The Poseidon permutation of width `state.count` (2…17) in-circuit, equal to `Poseidon.permute(_:)` on the
    /// values (circomlib `PoseidonEx`, all output lanes). Evaluates the sparse form (`SparsePoseidonParameters`),
    /// so a partial round grows each lane's linear combination by about one term instead of mixing all lanes.
    public func poseidonPermutation(_ state: [LinearCombination]) throws(CircuitError) -> [LinearCombination] {
        guard let parameters = try? PoseidonParameters.forWidth(state.count) else {
            throw .invalidPoseidonArity(state.count, what: "a state of 2 to 17 lanes")
        }
        var lanes = PoseidonLanes(lcs: state, values: mode == .proving ? state.map { value(of: $0)! } : nil)
        let p = parameters.sparse
        let t = p.width
        let half = p.firstHalfConstants.count

        for round in 0..<half {
            lanes.add(p.firstHalfConstants[round])
            for i in 0..<t { try sbox(&lanes, lane: i) }
            if round < half - 1 {
                lanes.multiply(by: p.mds)
            } else {
                lanes.multiply(by: p.preSparseMatrix)
                lanes.add(p.preSparseConstants)
            }
        }
        for (k, matrix) in p.sparseMatrices.enumerated() {
            try sbox(&lanes, lane: 0)
            lanes.add(p.partialRoundConstants[k], toLane: 0)
            lanes.multiply(by: matrix)
        }
        for round in 0..<half {
            for i in 0..<t { try sbox(&lanes, lane: i) }
            lanes.multiply(by: p.mds)
            if round < half - 1 { lanes.add(p.secondHalfConstants[round]) }
        }
        return lanes.lcs
    }

    /// Replaces lane `i` by its fifth power: 3 constraints and 3 witnesses, or none for a constant lane.
    private func sbox(_ lanes: inout PoseidonLanes, lane i: Int) throws(CircuitError) {
        let x = lanes.lcs[i]
        if let constant = x.constantValue {
            let fifth = constant.squared().squared() * constant
            lanes.lcs[i] = .constant(fifth)
            lanes.values?[i] = fifth
            return
        }
        let v = lanes.values?[i]
        let v2 = v.map { $0.squared() }
        let v4 = v2.map { $0.squared() }
        let v5 = v4.map { $0 * v! }
        let x2 = LinearCombination(try derivedWitness(v2, "Poseidon S-box x²"))
        enforce(x, x, x2, label: "poseidon: x^2")
        let x4 = LinearCombination(try derivedWitness(v4, "Poseidon S-box x⁴"))
        enforce(x2, x2, x4, label: "poseidon: x^4")
        let x5 = LinearCombination(try derivedWitness(v5, "Poseidon S-box x⁵"))
        enforce(x4, x, x5, label: "poseidon: x^5")
        lanes.lcs[i] = x5
        lanes.values?[i] = v5!
    }
}

// MARK: - Lane state

/// The permutation state as linear combinations plus, when proving, their values — tracked natively so witness
/// values never need a linear-combination evaluation.
private struct PoseidonLanes {
    var lcs: [LinearCombination]
    var values: [Fr]?

    mutating func add(_ constants: [Fr]) {
        for i in lcs.indices { add(constants[i], toLane: i) }
    }

    mutating func add(_ constant: Fr, toLane i: Int) {
        lcs[i] = lcs[i] + constant
        values?[i] += constant
    }

    /// `lanes ← M · lanes` for a dense matrix.
    mutating func multiply(by matrix: [[Fr]]) {
        let old = lcs
        lcs = matrix.map { row in
            var sum = LinearCombination.zero
            for (coefficient, lc) in zip(row, old) { sum = sum.adding(lc, scaledBy: coefficient) }
            return sum
        }
        if let oldValues = values {
            values = matrix.map { row in zip(row, oldValues).reduce(Fr.zero) { $0 + $1.0 * $1.1 } }
        }
    }

    /// `lanes ← N · lanes` for a partial round's sparse matrix.
    mutating func multiply(by matrix: SparsePoseidonParameters.SparseMatrix) {
        let lane0 = lcs[0]
        var first = LinearCombination.zero
        for (coefficient, lc) in zip(matrix.firstRow, lcs) { first = first.adding(lc, scaledBy: coefficient) }
        for i in 1..<lcs.count { lcs[i] = lcs[i].adding(lane0, scaledBy: matrix.firstColumn[i - 1]) }
        lcs[0] = first
        if var v = values {
            let v0 = v[0]
            let newFirst = zip(matrix.firstRow, v).reduce(Fr.zero) { $0 + $1.0 * $1.1 }
            for i in 1..<v.count { v[i] += matrix.firstColumn[i - 1] * v0 }
            v[0] = newFirst
            values = v
        }
    }
}
