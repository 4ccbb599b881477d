import BN254
import Curves
import Fields

// MARK: - Bit decomposition

extension ConstraintSystem {
    /// ⌈log₂ r⌉ = 254: the bit length of BN254 scalar field elements.
    public static let fieldBitCount = 254

    /// `2ⁱ` for `i = 0 … 253`, by repeated doubling.
    static let powersOfTwo: [Fr] = {
        var powers = [Fr.one]
        for _ in 1..<fieldBitCount { powers.append(powers.last!.doubled()) }
        return powers
    }()

    /// `Σ 2ⁱ·bits[i]` (little-endian; no constraint).
    public func packBits(_ bits: [Boolean]) -> LinearCombination {
        precondition(bits.count <= Self.fieldBitCount, "cannot pack more than 254 bits into one field element")
        var sum = LinearCombination.zero
        for (i, bit) in bits.enumerated() { sum = sum.adding(bit.lc, scaledBy: Self.powersOfTwo[i]) }
        return sum
    }

    /// The little-endian bits of `x`, proving `x < 2^bitCount` (`bitCount` booleanity constraints + 1 packing
    /// constraint `(Σ 2ⁱbᵢ) · 1 = x`).
    ///
    /// For `bitCount ≤ 253` the packed sum is below `2²⁵³ < r`, so it cannot wrap and the bits are unique. For
    /// `bitCount = 254` both `x` and `x + r` may fit, so the bits are additionally constrained to be at most
    /// `r − 1` (``enforceLessThanOrEqual(_:constant:)``, about 250 more constraints): the decomposition is then
    /// the canonical one, as bellman's `into_bits_le_strict` and circomlib's `Num2Bits_strict` require.
    @discardableResult
    public func decomposeIntoBits(_ x: LinearCombination, bitCount: Int) throws(CircuitError) -> [Boolean] {
        try decomposeIntoBits(x, bitCount: bitCount, claimedBits: nil)
    }

    /// ``decomposeIntoBits(_:bitCount:)`` where, when proving, `claimedBits` (if given) replace the honest bits
    /// and every later witness is derived from them — a cheating prover, for soundness tests.
    func decomposeIntoBits(
        _ x: LinearCombination, bitCount: Int,
        claimedBits: [Bool]?
    ) throws(CircuitError) -> [Boolean] {
        guard (1...Self.fieldBitCount).contains(bitCount) else {
            throw .invalidBitWidth(bitCount, allowed: 1...Self.fieldBitCount, gadget: "bit decomposition")
        }
        let limbs = value(of: x)?.canonicalLimbs
        var bits = [Boolean]()
        bits.reserveCapacity(bitCount)
        for i in 0..<bitCount {
            let bit = claimedBits.map { $0[i] } ?? limbs.map { ($0[i >> 6] >> UInt64(i & 63)) & 1 == 1 }
            bits.append(try allocateBoolean { bit })
        }
        enforce(packBits(bits), .one, x, label: "bit packing")
        if bitCount == Self.fieldBitCount {
            try enforceLessThanOrEqual(bits, constant: -Fr.one)
        }
        return bits
    }

    /// Proves `0 ≤ x < 2^bitCount` (``decomposeIntoBits(_:bitCount:)`` without keeping the bits).
    public func enforceFitsInBits(_ x: LinearCombination, bitCount: Int) throws(CircuitError) {
        try decomposeIntoBits(x, bitCount: bitCount)
    }

    /// Enforces `Σ 2ⁱ·bits[i] ≤ constant` for little-endian bits (at most 254).
    ///
    /// Scans from the most significant bit keeping `E` = "the bits so far equal the constant's". At each 0 bit of
    /// the constant, `E ∧ bitᵢ` would make the value larger, so `E · bitᵢ = 0` is enforced; across a run of 1
    /// bits `E` is ANDed with the run (k-ary AND: at most 2 constraints per run). Bits below the constant's lowest
    /// 0 bit cannot matter. Cost ≈ one constraint per 0 bit plus two per run of 1 bits.
    public func enforceLessThanOrEqual(_ bits: [Boolean], constant: Fr) throws(CircuitError) {
        guard bits.count <= Self.fieldBitCount else {
            throw .invalidBitWidth(bits.count, allowed: 0...Self.fieldBitCount, gadget: "comparison with a constant")
        }
        let limbs = constant.canonicalLimbs
        func constantBit(_ i: Int) -> Bool { (limbs[i >> 6] >> UInt64(i & 63)) & 1 == 1 }
        let n = bits.count
        // constant ≥ 2ⁿ: every n-bit value is below it.
        if (n..<256).contains(where: constantBit) { return }
        // constant = 2ⁿ − 1 (no 0 bit): likewise.
        guard let lowestZero = (0..<n).first(where: { !constantBit($0) }) else { return }

        var equalSoFar = Boolean.true
        var run = [Boolean]()
        for i in stride(from: n - 1, through: lowestZero, by: -1) {
            if constantBit(i) {
                run.append(bits[i])
                continue
            }
            if !run.isEmpty {
                equalSoFar = try and([equalSoFar] + run)
                run.removeAll(keepingCapacity: true)
            }
            if equalSoFar.constantValue == true {
                enforce(bits[i], is: false)
            } else {
                enforce(equalSoFar.lc, bits[i].lc, .zero, label: "at most constant")
            }
        }
    }
}

// MARK: - Comparisons of bounded values

extension ConstraintSystem {
    /// Largest bit width the comparison gadgets accept: `a − b + 2ⁿ` must stay below `2ⁿ⁺¹ ≤ 2²⁵³ < r`.
    public static let maxComparisonBitWidth = 252

    /// The bit `a < b`, for values known to lie in `[0, 2^bitWidth)` (circomlib `LessThan(n)`): decomposes
    /// `a − b + 2ⁿ` into `n + 1` bits; its top bit is set exactly when `a ≥ b` (`n + 2` constraints).
    ///
    /// The gadget does **not** range-check `a` and `b`: outside `[0, 2ⁿ)` the result is meaningless. Bound them
    /// first (``enforceFitsInBits(_:bitCount:)``, or because they are packed from bits). Compare with a constant
    /// by passing `.constant(c)` with `c < 2ⁿ`.
    public func isLessThan(
        _ a: LinearCombination, _ b: LinearCombination,
        bitWidth: Int
    ) throws(CircuitError) -> Boolean {
        try checkComparisonWidth(bitWidth)
        let shifted = a - b + Self.powersOfTwo[bitWidth]
        return try decomposeIntoBits(shifted, bitCount: bitWidth + 1)[bitWidth].not
    }

    /// The bit `a ≤ b` for values in `[0, 2^bitWidth)` (see ``isLessThan(_:_:bitWidth:)``).
    public func isLessThanOrEqual(
        _ a: LinearCombination, _ b: LinearCombination,
        bitWidth: Int
    ) throws(CircuitError) -> Boolean {
        try isLessThan(b, a, bitWidth: bitWidth).not
    }

    /// The bit `a > b` for values in `[0, 2^bitWidth)` (see ``isLessThan(_:_:bitWidth:)``).
    public func isGreaterThan(
        _ a: LinearCombination, _ b: LinearCombination,
        bitWidth: Int
    ) throws(CircuitError) -> Boolean {
        try isLessThan(b, a, bitWidth: bitWidth)
    }

    /// The bit `a ≥ b` for values in `[0, 2^bitWidth)` (see ``isLessThan(_:_:bitWidth:)``).
    public func isGreaterThanOrEqual(
        _ a: LinearCombination, _ b: LinearCombination,
        bitWidth: Int
    ) throws(CircuitError) -> Boolean {
        try isLessThan(a, b, bitWidth: bitWidth).not
    }

    /// Enforces `a < b` for values in `[0, 2^bitWidth)`: `b − a − 1` must fit in `n` bits (`n + 1`
    /// constraints). If `a ≥ b` it is a field element of at least `r − 2ⁿ`, which does not.
    public func enforceLessThan(
        _ a: LinearCombination, _ b: LinearCombination,
        bitWidth: Int
    ) throws(CircuitError) {
        try checkComparisonWidth(bitWidth)
        try enforceFitsInBits(b - a - Fr.one, bitCount: bitWidth)
    }

    /// Enforces `a ≤ b` for values in `[0, 2^bitWidth)`: `b − a` must fit in `n` bits (`n + 1` constraints).
    public func enforceLessThanOrEqual(
        _ a: LinearCombination, _ b: LinearCombination,
        bitWidth: Int
    ) throws(CircuitError) {
        try checkComparisonWidth(bitWidth)
        try enforceFitsInBits(b - a, bitCount: bitWidth)
    }

    private func checkComparisonWidth(_ bitWidth: Int) throws(CircuitError) {
        guard (1...Self.maxComparisonBitWidth).contains(bitWidth) else {
            throw .invalidBitWidth(bitWidth, allowed: 1...Self.maxComparisonBitWidth, gadget: "comparison")
        }
    }
}
