import BN254
import Curves
import Fields

// MARK: - SparsePoseidonParameters

/// The Poseidon permutation of ``PoseidonParameters`` rewritten so that each partial round costs `2t − 1`
/// multiplications instead of `t²` (Poseidon paper, eprint 2019/458, Appendix B; the same transformation as
/// circomlibjs' `poseidon_opt.js` / Neptune). It computes exactly the same function.
///
/// Evaluation order, with `S` the x⁵ S-box and `h = R_F/2`:
/// 1. rounds `0 ..< h`: add ``firstHalfConstants``[r], `S` on every lane, multiply by ``mds`` — except the
///    last of them, which multiplies by ``preSparseMatrix`` and then adds ``preSparseConstants``;
/// 2. partial rounds `k = 0 ..< R_P`: `state[0] = S(state[0]) + partialRoundConstants[k]`, then multiply by the
///    sparse ``sparseMatrices``[k];
/// 3. rounds `0 ..< h`: `S` on every lane, multiply by ``mds``, then add ``secondHalfConstants``[r] (none after
///    the last round).
///
/// Derivation (both steps leave the state at every full-round boundary unchanged):
/// * constants: writing round `r` as `y ← M·(S(y) + M⁻¹c_{r+1})`, the lane-1…t−1 part of a partial round's
///   post-S-box constant commutes with that round's S-box, so it moves one round back through `M⁻¹`; sweeping
///   from the last partial round to the first leaves one scalar per partial round and folds the rest into the
///   constant after the last first-half round;
/// * matrices: a round matrix `A = [[a₀₀, vᵀ], [w, Â]]` factors as `A = N·diag(1, Â)` with
///   `N = [[a₀₀, vᵀÂ⁻¹], [w, I]]`; `diag(1, Â)` commutes with a partial round's S-box and lane-0 constant, so it
///   moves into the previous round's matrix (`A_{k−1} = diag(1, Â_k)·M`), and finally into ``preSparseMatrix``.
///   Unrolled, `Â_k = M̂^(R_P − k)` with `M̂` the lower-right block of `M`, so one inversion serves every round.
public struct SparsePoseidonParameters: Sendable {
    /// A partial-round matrix that equals the identity except in its first row and first column.
    public struct SparseMatrix: Sendable, Hashable {
        /// Row 0, all `t` entries: `state'[0] = Σⱼ firstRow[j]·state[j]`.
        public let firstRow: [Fr]
        /// Column 0 below the diagonal (`t − 1` entries): `state'[i] = state[i] + firstColumn[i − 1]·state[0]`.
        public let firstColumn: [Fr]
    }

    /// State width `t`.
    public let width: Int
    /// The constants added before the S-box in the first `R_F/2` rounds (the reference round constants).
    public let firstHalfConstants: [[Fr]]
    /// The MDS matrix (rounds `0 ..< R_F/2 − 1` and the whole second half).
    public let mds: [[Fr]]
    /// The dense matrix of the last first-half round: `diag(1, Â₀)·M`.
    public let preSparseMatrix: [[Fr]]
    /// Added after ``preSparseMatrix``: all lane-1…t−1 constants of the partial rounds, moved back.
    public let preSparseConstants: [Fr]
    /// Added to lane 0 after its S-box in each partial round.
    public let partialRoundConstants: [Fr]
    /// One sparse matrix per partial round.
    public let sparseMatrices: [SparseMatrix]
    /// Added after the MDS in the second-half rounds except the last (the reference constants of the rounds
    /// that follow them).
    public let secondHalfConstants: [[Fr]]

    init(roundConstants: [[Fr]], mds: [[Fr]], fullRounds: Int, partialRounds: Int) {
        let t = mds.count
        let half = fullRounds / 2
        let mdsInverse = Matrix.inverse(mds)
        width = t
        self.mds = mds
        firstHalfConstants = Array(roundConstants[0..<half])
        secondHalfConstants = Array(roundConstants[(half + partialRounds + 1)...])

        // Post-S-box constants d_r = M⁻¹·c_{r+1} for rounds h−1 … h+R_P−1, then the backward sweep.
        var post = (half - 1..<half + partialRounds).map { Matrix.apply(mdsInverse, roundConstants[$0 + 1]) }
        var scalars = [Fr](repeating: .zero, count: partialRounds)
        for k in stride(from: partialRounds - 1, through: 0, by: -1) {
            let round = k + 1  // index into `post` (post[0] belongs to round h − 1)
            var rest = post[round]
            scalars[k] = rest[0]
            rest[0] = .zero
            let moved = Matrix.apply(mdsInverse, rest)
            for i in 0..<t { post[round - 1][i] += moved[i] }
        }
        partialRoundConstants = scalars

        // Sparse factorisation. Every A_k keeps M's first row, and its lower-right block is Â_k = M̂^(R_P − k)
        // (M̂ = M without row and column 0), its first column below the diagonal is M̂^(R_P − k − 1)·w. So
        // N_k's row tail vᵀÂ_k⁻¹ = vᵀ(M̂⁻¹)^(R_P − k) and column M̂^(R_P − k − 1)·w follow by repeated
        // vector–matrix products from one inversion; going from the last partial round back to the first.
        let lower = (1..<t).map { i in Array(mds[i][1...]) }  // M̂
        let lowerInverse = Matrix.inverse(lower)
        var rowTail = Array(mds[0][1...])  // vᵀ, multiplied by M̂⁻¹ once per round
        var column = (1..<t).map { mds[$0][0] }  // w, multiplied by M̂ once per round
        var sparse = [SparseMatrix]()
        sparse.reserveCapacity(partialRounds)
        for _ in 0..<partialRounds {
            rowTail = (0..<(t - 1)).map { j in (0..<(t - 1)).reduce(Fr.zero) { $0 + rowTail[$1] * lowerInverse[$1][j] }
            }
            sparse.append(SparseMatrix(firstRow: [mds[0][0]] + rowTail, firstColumn: column))
            column = Matrix.apply(lower, column)
        }
        sparseMatrices = sparse.reversed()
        // P = diag(1, M̂^R_P)·M.
        let blockPower = Matrix.power(lower, partialRounds)
        var current = mds
        for i in 1..<t {
            current[i] = (0..<t).map { j in (1..<t).reduce(Fr.zero) { $0 + blockPower[i - 1][$1 - 1] * mds[$1][j] } }
        }
        preSparseMatrix = current
        preSparseConstants = Matrix.apply(current, post[0])
    }
}

// MARK: - Small dense matrices over Fr (parameter derivation only)

enum Matrix {
    static func identity(_ n: Int) -> [[Fr]] {
        (0..<n).map { i in (0..<n).map { $0 == i ? Fr.one : Fr.zero } }
    }

    static func apply(_ m: [[Fr]], _ v: [Fr]) -> [Fr] {
        m.map { row in zip(row, v).reduce(Fr.zero) { $0 + $1.0 * $1.1 } }
    }

    static func multiply(_ a: [[Fr]], _ b: [[Fr]]) -> [[Fr]] {
        a.map { row in
            (0..<b[0].count).map { j in (0..<b.count).reduce(Fr.zero) { $0 + row[$1] * b[$1][j] } }
        }
    }

    /// `m^exponent` by square-and-multiply.
    static func power(_ m: [[Fr]], _ exponent: Int) -> [[Fr]] {
        var result = identity(m.count)
        var base = m
        var e = exponent
        while e > 0 {
            if e & 1 == 1 { result = multiply(result, base) }
            base = multiply(base, base)
            e >>= 1
        }
        return result
    }

    /// Gauss–Jordan inverse. Every matrix inverted here is a Cauchy matrix or a product of invertible blocks of
    /// one, so a missing pivot means corrupted constants.
    static func inverse(_ m: [[Fr]]) -> [[Fr]] {
        let n = m.count
        var a = m
        var result = identity(n)
        for column in 0..<n {
            guard let pivot = (column..<n).first(where: { !a[$0][column].isZero }) else {
                preconditionFailure("Poseidon matrix is singular; the generated constants are corrupted")
            }
            a.swapAt(column, pivot)
            result.swapAt(column, pivot)
            let scale = a[column][column].inverse()!
            for j in 0..<n {
                a[column][j] *= scale
                result[column][j] *= scale
            }
            for row in 0..<n where row != column && !a[row][column].isZero {
                let factor = a[row][column]
                for j in 0..<n {
                    a[row][j] -= factor * a[column][j]
                    result[row][j] -= factor * result[column][j]
                }
            }
        }
        return result
    }
}
