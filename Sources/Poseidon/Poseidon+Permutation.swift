import BN254
import Curves
import Fields

// MARK: - Flat constant table

/// ``SparsePoseidonParameters`` laid out in one immutable allocation, in the order the permutation reads it, so
/// the hot loop walks raw pointers without bounds checks, reference counting or per-call allocation.
final class PoseidonTable: @unchecked Sendable {  // immutable after init; the buffer is never written again
    let width: Int
    let partialRounds: Int
    let halfFullRounds: Int
    private let base: UnsafeMutablePointer<Fr>
    private let count: Int

    let firstHalfConstants: UnsafePointer<Fr>  // halfFullRounds × t
    let mds: UnsafePointer<Fr>  // t × t, row-major
    let preSparseMatrix: UnsafePointer<Fr>  // t × t, row-major
    let preSparseConstants: UnsafePointer<Fr>  // t
    let partialConstants: UnsafePointer<Fr>  // R_P
    let sparseRows: UnsafePointer<Fr>  // R_P × t
    let sparseColumns: UnsafePointer<Fr>  // R_P × (t − 1)
    let secondHalfConstants: UnsafePointer<Fr>  // (halfFullRounds − 1) × t

    init(_ p: SparsePoseidonParameters) {
        let t = p.width
        width = t
        partialRounds = p.partialRoundConstants.count
        halfFullRounds = p.firstHalfConstants.count
        var flat = [Fr]()
        var offsets = [Int]()
        func section(_ values: [Fr]) {
            offsets.append(flat.count)
            flat += values
        }
        section(p.firstHalfConstants.flatMap { $0 })
        section(p.mds.flatMap { $0 })
        section(p.preSparseMatrix.flatMap { $0 })
        section(p.preSparseConstants)
        section(p.partialRoundConstants)
        section(p.sparseMatrices.flatMap { $0.firstRow })
        section(p.sparseMatrices.flatMap { $0.firstColumn })
        section(p.secondHalfConstants.flatMap { $0 })
        count = flat.count
        let buffer = UnsafeMutablePointer<Fr>.allocate(capacity: flat.count)
        buffer.initialize(from: flat, count: flat.count)
        base = buffer
        let pointers = offsets.map { UnsafePointer(buffer + $0) }
        firstHalfConstants = pointers[0]
        mds = pointers[1]
        preSparseMatrix = pointers[2]
        preSparseConstants = pointers[3]
        partialConstants = pointers[4]
        sparseRows = pointers[5]
        sparseColumns = pointers[6]
        secondHalfConstants = pointers[7]
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    // MARK: - Permutation

    /// Applies the permutation in place to `state[0 ..< t]`, using `scratch[0 ..< t]` as workspace.
    @inline(__always)
    func permute(_ state: UnsafeMutablePointer<Fr>, scratch: UnsafeMutablePointer<Fr>) {
        let t = width
        var constants = firstHalfConstants
        for round in 0..<halfFullRounds {
            for i in 0..<t { state[i] = Self.sbox(state[i] + constants[i]) }
            constants += t
            if round < halfFullRounds - 1 {
                Self.multiply(state, by: mds, width: t, scratch: scratch)
            } else {
                Self.multiply(state, by: preSparseMatrix, width: t, scratch: scratch)
                for i in 0..<t { state[i] += preSparseConstants[i] }
            }
        }

        var row = sparseRows
        var column = sparseColumns
        for k in 0..<partialRounds {
            // The lane-1…t−1 part of the new lane 0 does not depend on the S-box output; computing it first
            // lets the CPU overlap it with the S-box's dependent multiplications.
            var lane0 = row[1] * state[1]
            for j in 2..<t { lane0 += row[j] * state[j] }
            let x = Self.sbox(state[0]) + partialConstants[k]
            for i in 1..<t { state[i] += column[i - 1] * x }
            state[0] = lane0 + row[0] * x
            row += t
            column += t - 1
        }

        constants = secondHalfConstants
        for round in 0..<halfFullRounds {
            for i in 0..<t { state[i] = Self.sbox(state[i]) }
            Self.multiply(state, by: mds, width: t, scratch: scratch)
            if round < halfFullRounds - 1 {
                for i in 0..<t { state[i] += constants[i] }
                constants += t
            }
        }
    }

    /// The S-box x⁵ (the smallest α with gcd(α, r − 1) = 1 for BN254's r): two squarings and a product.
    @inline(__always)
    static func sbox(_ x: Fr) -> Fr {
        let x2 = x.squared()
        return x2.squared() * x
    }

    @inline(__always)
    static func multiply(
        _ state: UnsafeMutablePointer<Fr>, by matrix: UnsafePointer<Fr>, width t: Int,
        scratch: UnsafeMutablePointer<Fr>
    ) {
        var entry = matrix
        for i in 0..<t {
            var sum = entry[0] * state[0]
            for j in 1..<t { sum += entry[j] * state[j] }
            scratch[i] = sum
            entry += t
        }
        state.update(from: scratch, count: t)
    }
}
