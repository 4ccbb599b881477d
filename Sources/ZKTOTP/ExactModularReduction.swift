import BN254
import Circuit
import Curves
import Fields

// MARK: - Exact reduction modulo 10⁶

/// The in-circuit `code = h mod 10⁶` for a field element h taken as its canonical integer in [0, r), with exactly
/// one satisfying (quotient, code) for every h — including h ≥ 2²⁵³ (SEEDS-NOTES item 5; docs/zktotp.md).
///
/// The naive `h = q·10⁶ + code` with `code < 10⁶` and a loose range check on q also admits (q′, code′) with
/// q′·10⁶ + code′ = h + r, a second code whenever h + r still fits the range. Here the witness is
/// q (234 bits) and code (20 bits), and the constraints are:
///
/// 1. booleanity of all 254 bits;
/// 2. `h = 10⁶·Σ 2ʲqⱼ + Σ 2ⁱcᵢ` (one constraint);
/// 3. `code ≤ 10⁶ − 1` (comparison of the 20 code bits with a constant);
/// 4. `code + 2²⁰·q ≤ C + 2²⁰·Q` as integers, where r − 1 = Q·10⁶ + C (Q = ⌊(r−1)/10⁶⌋, C = (r−1) mod 10⁶): one
///    lexicographic comparison of the 254-bit string (q ‖ code) with a constant.
///
/// Since code < 2²⁰, (4) says (q, code) ≤ (Q, C) lexicographically, i.e. q·10⁶ + code ≤ Q·10⁶ + C = r − 1 as
/// integers. So the integer N = q·10⁶ + code lies in [0, r), and (2) says N ≡ h (mod r) with h ∈ [0, r): N = h, and
/// the division algorithm makes (q, code) unique. An honest prover always succeeds: for any h < r,
/// q = ⌊h/10⁶⌋ ≤ Q < 2²³⁴ and (q, code) ≤ (Q, C) because h ≤ r − 1.
public enum ExactModularReduction {
    /// The divisor, 10⁶.
    public static let modulus: UInt64 = 1_000_000
    /// Bits of the remainder: 10⁶ − 1 < 2²⁰.
    public static let codeBitCount = 20
    /// Bits of the quotient: Q = ⌊(r − 1)/10⁶⌋ < 2²³⁴ (Q has exactly 234 bits).
    public static let quotientBitCount = 234

    /// (Q, C) with r − 1 = Q·10⁶ + C: the largest quotient and, for it, the largest remainder.
    /// Q = 21888242871839275222246405745257275088548364400416034343698204186575808, C = 495616.
    public static let largest: (quotient: FieldLimbs, remainder: UInt64) = divide((-Fr.one).canonical)

    /// The integer division of a 256-bit value by 10⁶ (schoolbook, top limb first).
    public static func divide(_ value: FieldLimbs) -> (quotient: FieldLimbs, remainder: UInt64) {
        var remainder: UInt64 = 0
        var q = [UInt64](repeating: 0, count: 4)
        for (i, limb) in [value.l3, value.l2, value.l1, value.l0].enumerated() {
            (q[3 - i], remainder) = modulus.dividingFullWidth((remainder, limb))
        }
        return (FieldLimbs(q[0], q[1], q[2], q[3]), remainder)
    }

    /// The variables the gadget allocated.
    public struct Output: Sendable {
        /// The remainder as a linear combination of its bits (value in [0, 10⁶)).
        public let code: LinearCombination
        /// The remainder's bits, least significant first.
        public let codeBits: [Boolean]
        /// The quotient's bits, least significant first.
        public let quotientBits: [Boolean]
    }

    /// A (possibly dishonest) prover's claimed quotient and remainder, for adversarial tests and analysis: the
    /// gadget allocates their low 234 and 20 bits instead of the honest ⌊h/10⁶⌋ and h mod 10⁶, and every other
    /// witness follows from those bits. The constraints are identical either way.
    public struct Claim: Sendable, Hashable {
        /// The claimed quotient (only its low 234 bits can be allocated).
        public var quotient: FieldLimbs
        /// The claimed remainder (only its low 20 bits can be allocated).
        public var code: UInt64

        public init(quotient: FieldLimbs, code: UInt64) {
            self.quotient = quotient
            self.code = code
        }
    }

    /// Synthesizes `code = h mod 10⁶` (about 255 + 250 + 15 constraints; see the type's documentation).
    ///
    /// - Parameters:
    ///   - h: the dividend; its value is read in proving mode.
    ///   - claim: `nil` for the honest prover; otherwise the values to allocate (see ``Claim``).
    public static func synthesize(
        _ cs: ConstraintSystem, dividing h: LinearCombination,
        claim: Claim? = nil
    ) throws(CircuitError) -> Output {
        var values: (quotient: FieldLimbs, code: UInt64)?
        if let claim {
            values = (claim.quotient, claim.code)
        } else if let hValue = cs.value(of: h) {
            let (q, c) = divide(hValue.canonical)
            values = (q, c)
        }
        var codeBits = [Boolean]()
        for i in 0..<codeBitCount {
            codeBits.append(try cs.allocateBoolean { values.map { ($0.code >> UInt64(i)) & 1 == 1 } })
        }
        var quotientBits = [Boolean]()
        for j in 0..<quotientBitCount {
            quotientBits.append(try cs.allocateBoolean { values.map { $0.quotient.bit(j) } })
        }
        let code = cs.packBits(codeBits)
        let quotient = cs.packBits(quotientBits)
        // (2) h = 10⁶·q + code.
        cs.enforce(quotient.scaled(by: Fr(modulus)) + code, .one, h, label: "mod 1e6: h = q·1e6 + code")
        // (3) code ≤ 10⁶ − 1.
        try cs.enforceLessThanOrEqual(codeBits, constant: Fr(modulus - 1))
        // (4) (q ‖ code) ≤ (Q ‖ C) as 254-bit integers.
        try enforceAtMost(cs, codeBits + quotientBits, constantBits: boundBits)
        return Output(code: code, codeBits: codeBits, quotientBits: quotientBits)
    }

    /// The little-endian bits of C + 2²⁰·Q (254 bits; above r, so it cannot be an 𝔽ᵣ constant).
    static let boundBits: [Bool] = {
        let (q, c) = largest
        return (0..<codeBitCount).map { (c >> UInt64($0)) & 1 == 1 } + (0..<quotientBitCount).map { q.bit($0) }
    }()

    /// Enforces Σ 2ⁱ·bits[i] ≤ Σ 2ⁱ·constantBits[i] for equally long little-endian bit strings of any length, the
    /// constant given as bits (the same scan as ``Circuit/ConstraintSystem/enforceLessThanOrEqual(_:constant:)``,
    /// which needs the constant below r).
    ///
    /// Scanning from the top, E = "the bits so far equal the constant's". Where the constant has a 0, E ∧ bitᵢ
    /// would make the value larger than the constant, so E·bitᵢ = 0 is enforced; a run of constant 1 bits is folded
    /// into E with one k-ary AND. Bits below the constant's lowest 0 cannot matter. Each AND output is fixed by its
    /// constraints, so the bits alone decide whether the comparison is satisfiable.
    static func enforceAtMost(
        _ cs: ConstraintSystem, _ bits: [Boolean],
        constantBits: [Bool]
    ) throws(CircuitError) {
        precondition(bits.count == constantBits.count, "the value and the constant must have the same bit length")
        guard let lowestZero = constantBits.firstIndex(of: false) else { return }
        var equalSoFar = Boolean.true
        var run = [Boolean]()
        for i in stride(from: bits.count - 1, through: lowestZero, by: -1) {
            if constantBits[i] {
                run.append(bits[i])
                continue
            }
            if !run.isEmpty {
                equalSoFar = try cs.and([equalSoFar] + run)
                run.removeAll(keepingCapacity: true)
            }
            if equalSoFar.constantValue == true {
                cs.enforce(bits[i], is: false)
            } else {
                cs.enforce(equalSoFar.lc, bits[i].lc, .zero, label: "mod 1e6: (q‖code) ≤ (Q‖C)")
            }
        }
    }
}
