import BN254
import Curves
import Fields

// MARK: - PoseidonParameters

/// The Poseidon permutation parameters for one state width `t` over the BN254 scalar field, exactly as
/// circomlib's `poseidon.circom` and circomlibjs' `poseidon_reference.js` use them (Grassi et al., "Poseidon",
/// USENIX Security 2021 / eprint 2019/458, §2–§4).
///
/// The reference permutation runs `R_F + R_P` rounds; round `r` adds ``roundConstants``[r] to every lane, applies
/// the S-box `x⁵` to every lane (full rounds: the first and last `R_F/2`) or only to lane 0 (the `R_P` partial
/// rounds in between), then multiplies by ``mds``: `state'[i] = Σⱼ mds[i][j]·state[j]`.
///
/// The values come from `scripts/generate-poseidon-constants.py` (the reference Grain LFSR generator) and are
/// parsed once per width on first use. ``sparse`` is the same permutation rewritten with fewer multiplications
/// (paper Appendix B), which ``Poseidon`` and the circuit gadget evaluate.
public final class PoseidonParameters: Sendable {
    /// State width `t` = 1 capacity lane + number of hashed inputs.
    public let width: Int
    /// `R_F`, the number of full rounds (8 for every width, split 4 before and 4 after the partial rounds).
    public let fullRounds: Int
    /// `R_P`, the number of partial rounds (circomlib's `N_ROUNDS_P[t − 2]`).
    public let partialRounds: Int
    /// Round constants, one row of `width` elements per round, `fullRounds + partialRounds` rows.
    public let roundConstants: [[Fr]]
    /// The `width × width` Cauchy MDS matrix, row-major.
    public let mds: [[Fr]]
    /// The equivalent sparse form used for evaluation.
    public let sparse: SparsePoseidonParameters
    /// ``sparse`` flattened for the permutation's hot loop.
    let table: PoseidonTable

    /// Smallest supported width (one input).
    public static let minWidth = 2
    /// Largest supported width (sixteen inputs).
    public static let maxWidth = 17
    /// `R_F` for every width (circomlib `N_ROUNDS_F`).
    public static let fullRoundCount = 8
    /// `R_P` for `t = 2…17` (circomlib `N_ROUNDS_P`: the paper's security bounds for x⁵ over a 254-bit field,
    /// Table 2 / `calc_round_numbers.py`, as rounded by circomlib).
    public static let partialRoundCounts = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68]

    /// The parameters for state width `width` (2…17), built once and shared.
    public static func forWidth(_ width: Int) throws(PoseidonError) -> PoseidonParameters {
        guard let parameters = cached(width) else { throw .invalidWidth(width) }
        return parameters
    }

    /// Whether round `round` (0-based) applies the S-box to every lane.
    @inlinable
    public func isFullRound(_ round: Int) -> Bool {
        round < fullRounds / 2 || round >= fullRounds / 2 + partialRounds
    }

    /// The parameters of width `width` from the generated tables; `nil` for a width outside 2…17 or, in the Embedded
    /// (WebAssembly) build, one it does not ship (``PoseidonParameters+Embedded.swift``).
    init?(width: Int) {
        guard (Self.minWidth...Self.maxWidth).contains(width) else { return nil }
        self.width = width
        fullRounds = Self.fullRoundCount
        partialRounds = Self.partialRoundCounts[width - Self.minWidth]
        #if hasFeature(Embedded)
            guard let limbs = Self.generatedLimbs(width: width) else { return nil }
            roundConstants = Self.rows(limbs.roundConstants, columns: width)
            mds = Self.rows(limbs.mds, columns: width)
        #else
            roundConstants = Self.parseRows(Self.generatedRoundConstants[width - Self.minWidth], columns: width)
            mds = Self.parseRows(Self.generatedMDS[width - Self.minWidth], columns: width)
        #endif
        precondition(
            roundConstants.count == fullRounds + partialRounds && mds.count == width,
            "PoseidonParameters+Generated.swift does not match the round numbers; regenerate it")
        sparse = SparsePoseidonParameters(
            roundConstants: roundConstants, mds: mds,
            fullRounds: fullRounds, partialRounds: partialRounds)
        table = PoseidonTable(sparse)
    }

    // MARK: - Parsing the generated table

    #if hasFeature(Embedded)
        /// Rows of `columns` field elements from canonical little-endian limbs, four per element. The table is generated
        /// and checked in, so a value not below the modulus is a build defect, not an input error.
        static func rows(_ limbs: [UInt64], columns: Int) -> [[Fr]] {
            let elementCount = limbs.count / 4
            precondition(limbs.count % 4 == 0 && elementCount % columns == 0, "generated limbs do not form whole rows")
            return stride(from: 0, to: elementCount, by: columns).map { rowStart in
                (rowStart..<(rowStart + columns)).map { index in
                    let i = 4 * index
                    guard let value = Fr(canonical: FieldLimbs(limbs[i], limbs[i + 1], limbs[i + 2], limbs[i + 3]))
                    else {
                        preconditionFailure("generated Poseidon constant not below the modulus")
                    }
                    return value
                }
            }
        }
    #else
        /// Parses whitespace-separated `0x…` canonical values, `columns` per line. The table is generated and
        /// checked in, so a malformed entry is a build defect, not an input error.
        static func parseRows(_ text: String, columns: Int) -> [[Fr]] {
            text.split(separator: "\n").map { line in
                let row = line.split(separator: " ").map { token -> Fr in
                    guard let value = parseHex(token) else { preconditionFailure("bad generated constant \(token)") }
                    return value
                }
                precondition(row.count == columns, "generated row has \(row.count) values, expected \(columns)")
                return row
            }
        }

        static func parseHex(_ token: Substring) -> Fr? {
            guard token.hasPrefix("0x"), token.count == 66 else { return nil }
            var bytes = [UInt8]()
            bytes.reserveCapacity(32)
            var digits = token.utf8.dropFirst(2).makeIterator()
            while let high = digits.next(), let low = digits.next() {
                guard let h = hexValue(high), let l = hexValue(low) else { return nil }
                bytes.append(h << 4 | l)
            }
            return Fr(bigEndianBytes: bytes)
        }

        private static func hexValue(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
    #endif

    // MARK: - Per-width cache

    // One lazily initialised global per width, so hashing two inputs never parses the sixteen-input tables.
    // Swift runs each `static let` initialiser exactly once, thread-safely. Each is optional: the Embedded build
    // ships only some widths.
    private static let width2 = PoseidonParameters(width: 2)
    private static let width3 = PoseidonParameters(width: 3)
    private static let width4 = PoseidonParameters(width: 4)
    private static let width5 = PoseidonParameters(width: 5)
    private static let width6 = PoseidonParameters(width: 6)
    private static let width7 = PoseidonParameters(width: 7)
    private static let width8 = PoseidonParameters(width: 8)
    private static let width9 = PoseidonParameters(width: 9)
    private static let width10 = PoseidonParameters(width: 10)
    private static let width11 = PoseidonParameters(width: 11)
    private static let width12 = PoseidonParameters(width: 12)
    private static let width13 = PoseidonParameters(width: 13)
    private static let width14 = PoseidonParameters(width: 14)
    private static let width15 = PoseidonParameters(width: 15)
    private static let width16 = PoseidonParameters(width: 16)
    private static let width17 = PoseidonParameters(width: 17)

    static func cached(_ width: Int) -> PoseidonParameters? {
        switch width {
        case 2: width2
        case 3: width3
        case 4: width4
        case 5: width5
        case 6: width6
        case 7: width7
        case 8: width8
        case 9: width9
        case 10: width10
        case 11: width11
        case 12: width12
        case 13: width13
        case 14: width14
        case 15: width15
        case 16: width16
        case 17: width17
        default: nil
        }
    }
}
