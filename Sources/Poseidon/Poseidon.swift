import BN254
import Curves
import Fields

// MARK: - Poseidon

/// The Poseidon hash over the BN254 scalar field, bit-compatible with circomlib's `poseidon.circom` and
/// circomlibjs' `poseidon` (Grassi, Khovratovich, Rechberger, Roy, Schofnegger, "Poseidon: A New Hash Function
/// for Zero-Knowledge Proof Systems", USENIX Security 2021, eprint 2019/458).
///
/// Hashing `n` inputs (1…16) runs the width `t = n + 1` permutation on the state `[0, input₀, …, inputₙ₋₁]`
/// (one capacity lane set to zero, no padding or domain tag) and returns lane 0 — circomlib's construction, not
/// the paper's sponge with a length tag. Parameters: x⁵ S-box, `R_F = 8`, `R_P` per width from
/// ``PoseidonParameters/partialRoundCounts``, constants from the reference Grain LFSR.
///
/// Not constant time: fine for public data and for witnesses that are about to be proven.
public enum Poseidon {
    /// The largest number of inputs circomlib defines (width 17).
    public static let maxInputCount = 16

    /// `Poseidon(inputs)` for 1…16 inputs, as circomlib `Poseidon(n)` / circomlibjs `poseidon(inputs)`.
    /// - Throws: ``PoseidonError/invalidInputCount(_:)`` for an empty array or more than 16 elements.
    public static func hash(_ inputs: [Fr]) throws(PoseidonError) -> Fr {
        guard (1...maxInputCount).contains(inputs.count) else { throw .invalidInputCount(inputs.count) }
        // Widths 2…17 always exist natively; the Embedded build ships only some (PoseidonParameters+Embedded.swift).
        let table = try PoseidonParameters.forWidth(inputs.count + 1).table
        return withUnsafeTemporaryAllocation(of: Fr.self, capacity: 2 * table.width) { buffer in
            let state = buffer.baseAddress!
            state.initialize(to: .zero)
            (state + 1).initialize(from: inputs, count: inputs.count)
            (state + table.width).initialize(repeating: .zero, count: table.width)
            table.permute(state, scratch: state + table.width)
            return state[0]
        }
    }

    /// `Poseidon([a])` (width 2) without heap allocation.
    public static func hash(_ a: Fr) -> Fr {
        fixedWidth(Width2.table, a, .zero, .zero, .zero)
    }

    /// `Poseidon([a, b])` (width 3) without heap allocation — the Merkle-tree / commitment workhorse.
    public static func hash(_ a: Fr, _ b: Fr) -> Fr {
        fixedWidth(Width3.table, a, b, .zero, .zero)
    }

    /// `Poseidon([a, b, c])` (width 4) without heap allocation.
    public static func hash(_ a: Fr, _ b: Fr, _ c: Fr) -> Fr {
        fixedWidth(Width4.table, a, b, c, .zero)
    }

    /// `Poseidon([a, b, c, d])` (width 5) without heap allocation.
    public static func hash(_ a: Fr, _ b: Fr, _ c: Fr, _ d: Fr) -> Fr {
        fixedWidth(Width5.table, a, b, c, d)
    }

    /// Applies the width-`state.count` Poseidon permutation in place (all lanes of the output, as circomlib's
    /// `PoseidonEx` exposes them). `Poseidon.hash(x) == permuted([0] + x)[0]`.
    /// - Throws: ``PoseidonError/invalidWidth(_:)`` unless the state has 2…17 elements.
    public static func permute(_ state: inout [Fr]) throws(PoseidonError) {
        let table = try PoseidonParameters.forWidth(state.count).table
        withUnsafeTemporaryAllocation(of: Fr.self, capacity: table.width) { scratch in
            scratch.initialize(repeating: .zero)
            state.withUnsafeMutableBufferPointer { lanes in
                table.permute(lanes.baseAddress!, scratch: scratch.baseAddress!)
            }
        }
    }

    // MARK: - Fixed-width fast path

    // Hoisted so the fixed-width calls skip the width switch; each is initialised on first use only. Widths 4 and 5
    // are not in the Embedded (WebAssembly) build's tables: nothing there calls the three- and four-input overloads.
    private enum Width2 { static let table = PoseidonParameters.cached(2)!.table }
    private enum Width3 { static let table = PoseidonParameters.cached(3)!.table }
    private enum Width4 { static let table = PoseidonParameters.cached(4)!.table }
    private enum Width5 { static let table = PoseidonParameters.cached(5)!.table }

    /// Runs the permutation on `[0, a, b, c, d][0 ..< t]` in a stack buffer (room for t ≤ 5 plus scratch). The
    /// scratch lanes start right after the state, over the unused (zero) input slots.
    @inline(__always)
    private static func fixedWidth(_ table: PoseidonTable, _ a: Fr, _ b: Fr, _ c: Fr, _ d: Fr) -> Fr {
        withUnsafeTemporaryAllocation(of: Fr.self, capacity: 10) { buffer in
            let state = buffer.baseAddress!
            state.initialize(to: .zero)
            (state + 1).initialize(to: a)
            (state + 2).initialize(to: b)
            (state + 3).initialize(to: c)
            (state + 4).initialize(to: d)
            (state + 5).initialize(repeating: .zero, count: 5)
            table.permute(state, scratch: state + table.width)
            return state[0]
        }
    }
}
