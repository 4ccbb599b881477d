// MARK: - FieldLimbs

/// A 256-bit unsigned integer stored inline as four little-endian 64-bit limbs.
///
/// This is the storage type behind ``Fq`` and ``Fr`` (arkworks `BigInt<4>`). It is a plain value
/// type with no heap allocation, so field elements can live in registers. Arithmetic here is
/// *integer* arithmetic on 256-bit words (with explicit carries); modular arithmetic lives in
/// ``MontgomeryPrimeField``.
public struct FieldLimbs: Sendable, Hashable {
    /// Limb 0 (least significant 64 bits).
    public var l0: UInt64
    /// Limb 1.
    public var l1: UInt64
    /// Limb 2.
    public var l2: UInt64
    /// Limb 3 (most significant 64 bits).
    public var l3: UInt64

    /// Creates a value from four little-endian limbs.
    @inlinable @inline(__always)
    public init(_ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64) {
        self.l0 = l0
        self.l1 = l1
        self.l2 = l2
        self.l3 = l3
    }

    /// The value zero.
    @inlinable
    public static var zero: FieldLimbs { FieldLimbs(0, 0, 0, 0) }

    /// Creates a value from exactly four little-endian limbs; `nil` for any other count.
    @inlinable
    public init?(_ limbs: [UInt64]) {
        guard limbs.count == 4 else { return nil }
        self.init(limbs[0], limbs[1], limbs[2], limbs[3])
    }

    /// The limbs as a little-endian array (not for hot paths).
    @inlinable
    public var array: [UInt64] { [l0, l1, l2, l3] }

    /// `true` when every limb is zero.
    @inlinable @inline(__always)
    public var isZero: Bool { (l0 | l1 | l2 | l3) == 0 }

    /// Bit `i` (0 = least significant) of the 256-bit value.
    @inlinable
    public func bit(_ i: Int) -> Bool {
        let limb: UInt64
        switch i >> 6 {
        case 0: limb = l0
        case 1: limb = l1
        case 2: limb = l2
        case 3: limb = l3
        default: return false
        }
        return (limb >> UInt64(i & 63)) & 1 == 1
    }

    /// The number of significant bits (0 for zero).
    @inlinable
    public var bitWidth: Int {
        if l3 != 0 { return 256 - l3.leadingZeroBitCount }
        if l2 != 0 { return 192 - l2.leadingZeroBitCount }
        if l1 != 0 { return 128 - l1.leadingZeroBitCount }
        return 64 - l0.leadingZeroBitCount
    }
}

// MARK: - Carry arithmetic

extension FieldLimbs {
    /// `a + b·c + carry` as a (low, high) pair. Cannot overflow 128 bits:
    /// (2⁶⁴−1) + (2⁶⁴−1)² + (2⁶⁴−1) = 2¹²⁸ − 1.
    @inlinable @inline(__always)
    static func mulAdd(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ carry: UInt64) -> (low: UInt64, high: UInt64) {
        let (hi, lo) = wideMultiply(b, c)
        let (s1, o1) = lo.addingReportingOverflow(a)
        let (s2, o2) = s1.addingReportingOverflow(carry)
        return (s2, hi &+ bit(o1) &+ bit(o2))
    }

    /// The full 128-bit product `a·b` as (high, low).
    ///
    /// On 64-bit targets this is `UInt64.multipliedFullWidth(by:)`, one machine instruction. On 32-bit targets
    /// (wasm32) the standard library's version falls back to generic double-width code that LLVM optimizes very
    /// slowly once inlined into curve arithmetic (tens of CPU-minutes for the Groth16 prover) and runs slowly too; the
    /// product is built instead from four 32×32 → 64-bit products (schoolbook), which wasm's `i64.mul` does natively.
    @inlinable @inline(__always)
    public static func wideMultiply(_ a: UInt64, _ b: UInt64) -> (high: UInt64, low: UInt64) {
        #if _pointerBitWidth(_32)
            let a0 = a & 0xFFFF_FFFF
            let a1 = a &>> 32
            let b0 = b & 0xFFFF_FFFF
            let b1 = b &>> 32
            let p00 = a0 &* b0
            let p01 = a0 &* b1
            let p10 = a1 &* b0
            let p11 = a1 &* b1
            // middle = (p00 >> 32) + low32(p01) + low32(p10) < 3·2³², no overflow.
            let middle = (p00 &>> 32) &+ (p01 & 0xFFFF_FFFF) &+ (p10 & 0xFFFF_FFFF)
            let low = (middle &<< 32) | (p00 & 0xFFFF_FFFF)
            let high = p11 &+ (p01 &>> 32) &+ (p10 &>> 32) &+ (middle &>> 32)
            return (high, low)
        #else
            let (high, low) = a.multipliedFullWidth(by: b)
            return (high, low)
        #endif
    }

    /// 0 or 1 from a flag, as a plain zero-extension (a ternary here can become a branch).
    ///
    /// On 32-bit targets (wasm32) `UInt64(truncatingIfNeeded:)` from a narrower type is the standard library's
    /// generic word-by-word loop, and with it inlined into every carry of curve arithmetic LLVM's loop passes ran for
    /// minutes per function; there the select, which LLVM lowers to a zero-extension, is used instead.
    @inlinable @inline(__always)
    public static func bit(_ flag: Bool) -> UInt64 {
        #if _pointerBitWidth(_32)
            flag ? 1 : 0
        #else
            UInt64(truncatingIfNeeded: unsafeBitCast(flag, to: UInt8.self))
        #endif
    }

    /// `a + b + carryIn` with carry out (0 or 1).
    @inlinable @inline(__always)
    static func addCarry(_ a: UInt64, _ b: UInt64, _ carryIn: UInt64) -> (sum: UInt64, carry: UInt64) {
        let (s1, o1) = a.addingReportingOverflow(b)
        let (s2, o2) = s1.addingReportingOverflow(carryIn)
        return (s2, bit(o1) | bit(o2))
    }

    /// `a − b − borrowIn` with borrow out (0 or 1).
    @inlinable @inline(__always)
    static func subBorrow(_ a: UInt64, _ b: UInt64, _ borrowIn: UInt64) -> (difference: UInt64, borrow: UInt64) {
        let (d1, o1) = a.subtractingReportingOverflow(b)
        let (d2, o2) = d1.subtractingReportingOverflow(borrowIn)
        return (d2, bit(o1) | bit(o2))
    }

    /// 256-bit addition; returns the wrapped sum and the carry out of the top limb.
    @inlinable @inline(__always)
    public func addingReportingCarry(_ other: FieldLimbs) -> (sum: FieldLimbs, carry: Bool) {
        let (s0, c0) = Self.addCarry(l0, other.l0, 0)
        let (s1, c1) = Self.addCarry(l1, other.l1, c0)
        let (s2, c2) = Self.addCarry(l2, other.l2, c1)
        let (s3, c3) = Self.addCarry(l3, other.l3, c2)
        return (FieldLimbs(s0, s1, s2, s3), c3 != 0)
    }

    /// 256-bit subtraction; returns the wrapped difference and whether it borrowed (self < other).
    @inlinable @inline(__always)
    public func subtractingReportingBorrow(_ other: FieldLimbs) -> (difference: FieldLimbs, borrow: Bool) {
        let (d0, b0) = Self.subBorrow(l0, other.l0, 0)
        let (d1, b1) = Self.subBorrow(l1, other.l1, b0)
        let (d2, b2) = Self.subBorrow(l2, other.l2, b1)
        let (d3, b3) = Self.subBorrow(l3, other.l3, b2)
        return (FieldLimbs(d0, d1, d2, d3), b3 != 0)
    }

    /// `true` when `self < other` as unsigned 256-bit integers.
    @inlinable @inline(__always)
    public func isLess(than other: FieldLimbs) -> Bool {
        subtractingReportingBorrow(other).borrow
    }

    /// `condition ? a : b` computed with a mask, so it stays branch-free: random carries would
    /// mispredict about half the time, and secret-dependent choices (constant-time table lookups
    /// in secp256k1 signing) must not branch.
    @inlinable @inline(__always)
    public static func select(_ condition: Bool, _ a: FieldLimbs, _ b: FieldLimbs) -> FieldLimbs {
        let mask = 0 &- bit(condition)
        return FieldLimbs(
            b.l0 ^ ((a.l0 ^ b.l0) & mask), b.l1 ^ ((a.l1 ^ b.l1) & mask),
            b.l2 ^ ((a.l2 ^ b.l2) & mask), b.l3 ^ ((a.l3 ^ b.l3) & mask))
    }

    /// Shifts right by one bit.
    @inlinable @inline(__always)
    public func shiftedRightOne() -> FieldLimbs {
        FieldLimbs(
            (l0 >> 1) | (l1 << 63),
            (l1 >> 1) | (l2 << 63),
            (l2 >> 1) | (l3 << 63),
            l3 >> 1)
    }
}

// MARK: - Montgomery arithmetic

/// Montgomery-form modular arithmetic on ``FieldLimbs`` (Montgomery 1985; CIOS variant of
/// Koç, Acar, Kaliski, "Analyzing and Comparing Montgomery Multiplication Algorithms", 1996).
///
/// All functions take the modulus `p` and `inv = −p⁻¹ mod 2⁶⁴` explicitly; callers pass literal
/// constants, so after inlining the compiler folds them into immediates.
@usableFromInline
enum Montgomery {
    /// One CIOS round: `t ← (t + x·yᵢ + m·p) / 2⁶⁴` with `m = (t₀ + x₀·yᵢ)·inv mod 2⁶⁴`.
    ///
    /// Uses the "no-carry" simplification (gnark-crypto, "Faster big-integer modular
    /// multiplication for most moduli", 2020): valid only when the modulus's top limb is below
    /// (2⁶⁴ − 1)/2 − 1 (both BN254 moduli), so the running value never needs a fifth limb. Moduli
    /// without that spare bit (secp256k1's p and n) use ``roundWithCarry(_:_:_:_:_:)``.
    @inlinable @inline(__always)
    static func round(_ t: FieldLimbs, _ x: FieldLimbs, _ yi: UInt64, _ p: FieldLimbs, _ inv: UInt64) -> FieldLimbs {
        var (lo, a) = FieldLimbs.mulAdd(t.l0, x.l0, yi, 0)
        let m = lo &* inv
        // m·p₀ + lo ≡ 0 (mod 2⁶⁴) by choice of m; only its carry matters.
        let (mh, ml) = FieldLimbs.wideMultiply(m, p.l0)
        var c = mh &+ FieldLimbs.bit(ml.addingReportingOverflow(lo).overflow)
        let r0: UInt64
        let r1: UInt64
        let r2: UInt64
        (lo, a) = FieldLimbs.mulAdd(t.l1, x.l1, yi, a)
        (r0, c) = FieldLimbs.mulAdd(lo, m, p.l1, c)
        (lo, a) = FieldLimbs.mulAdd(t.l2, x.l2, yi, a)
        (r1, c) = FieldLimbs.mulAdd(lo, m, p.l2, c)
        (lo, a) = FieldLimbs.mulAdd(t.l3, x.l3, yi, a)
        (r2, c) = FieldLimbs.mulAdd(lo, m, p.l3, c)
        return FieldLimbs(r0, r1, r2, c &+ a)
    }

    /// One full CIOS round for any odd modulus below 2²⁵⁶: the running value is `t` plus a fifth
    /// limb `t4` (0 or 1), returned as `(t, t4)` (Koç–Acar–Kaliski 1996, Algorithm CIOS).
    @inlinable @inline(__always)
    static func roundWithCarry(
        _ t: FieldLimbs, _ t4: UInt64, _ x: FieldLimbs, _ yi: UInt64, _ p: FieldLimbs, _ inv: UInt64
    ) -> (FieldLimbs, UInt64) {
        // t ← t + x·yᵢ (five limbs plus a carry t5).
        var (a0, c) = FieldLimbs.mulAdd(t.l0, x.l0, yi, 0)
        let a1: UInt64
        let a2: UInt64
        let a3: UInt64
        (a1, c) = FieldLimbs.mulAdd(t.l1, x.l1, yi, c)
        (a2, c) = FieldLimbs.mulAdd(t.l2, x.l2, yi, c)
        (a3, c) = FieldLimbs.mulAdd(t.l3, x.l3, yi, c)
        let (a4, a5) = FieldLimbs.addCarry(t4, c, 0)
        // t ← (t + m·p) / 2⁶⁴ with m chosen so the low limb vanishes.
        let m = a0 &* inv
        (a0, c) = FieldLimbs.mulAdd(a0, m, p.l0, 0)
        let r0: UInt64
        let r1: UInt64
        let r2: UInt64
        (r0, c) = FieldLimbs.mulAdd(a1, m, p.l1, c)
        (r1, c) = FieldLimbs.mulAdd(a2, m, p.l2, c)
        (r2, c) = FieldLimbs.mulAdd(a3, m, p.l3, c)
        let (r3, c2) = FieldLimbs.addCarry(a4, c, 0)
        return (FieldLimbs(r0, r1, r2, r3), a5 &+ c2)
    }

    /// `true` when the modulus leaves the spare top bit the no-carry multiplication and the
    /// carry-free addition need (top limb below (2⁶⁴ − 1)/2 − 1, i.e. p < 2²⁵⁵ − 2¹⁹²·3). The
    /// modulus is a literal at every call site, so this folds to a constant and the unused path
    /// is compiled away.
    @inlinable @inline(__always)
    static func hasSpareBit(_ p: FieldLimbs) -> Bool { p.l3 < 0x7FFF_FFFF_FFFF_FFFE }

    /// Subtracts `p` once if `carry` is set or `t ≥ p`, where the value is `carry·2²⁵⁶ + t < 2p`.
    /// Branch-free.
    @inlinable @inline(__always)
    static func reduceOnce(_ t: FieldLimbs, carry: UInt64, _ p: FieldLimbs) -> FieldLimbs {
        let (d, borrow) = t.subtractingReportingBorrow(p)
        // Keep t only when there was no carry and t < p (bitwise, so no short-circuit branch).
        return FieldLimbs.select(FieldLimbs.bit(borrow) & ~carry & 1 == 1, t, d)
    }

    /// Subtracts `p` once if `t ≥ p` (input must be below 2p).
    @inlinable @inline(__always)
    static func reduceOnce(_ t: FieldLimbs, _ p: FieldLimbs) -> FieldLimbs {
        let (d, borrow) = t.subtractingReportingBorrow(p)
        return FieldLimbs.select(borrow, t, d)
    }

    /// Montgomery product `x·y·R⁻¹ mod p` with `R = 2²⁵⁶`; inputs and output in `[0, p)`.
    ///
    /// On 32-bit targets (wasm32) this is ``multiply29(_:_:_:_:)`` (Montgomery29+Generated.swift): nine unsaturated
    /// 29-bit limbs, each product one native 32×32 → 64-bit multiply with no carry handling, and not inlined. The
    /// 64-bit rounds built from emulated 64×64 products made every curve formula several kilobytes of code and ran at a
    /// third of the speed.
    @inlinable @inline(__always)
    static func multiply(_ x: FieldLimbs, _ y: FieldLimbs, _ p: FieldLimbs, _ inv: UInt64) -> FieldLimbs {
        #if _pointerBitWidth(_32)
            return multiply29(x, y, p, inv)
        #else
            return multiply64(x, y, p, inv)
        #endif
    }

    /// Montgomery product with 64-bit limbs: four CIOS rounds.
    @inlinable @inline(__always)
    static func multiply64(_ x: FieldLimbs, _ y: FieldLimbs, _ p: FieldLimbs, _ inv: UInt64) -> FieldLimbs {
        guard hasSpareBit(p) else {
            var (t, t4) = roundWithCarry(.zero, 0, x, y.l0, p, inv)
            (t, t4) = roundWithCarry(t, t4, x, y.l1, p, inv)
            (t, t4) = roundWithCarry(t, t4, x, y.l2, p, inv)
            (t, t4) = roundWithCarry(t, t4, x, y.l3, p, inv)
            return reduceOnce(t, carry: t4, p)
        }
        var t = round(.zero, x, y.l0, p, inv)
        t = round(t, x, y.l1, p, inv)
        t = round(t, x, y.l2, p, inv)
        t = round(t, x, y.l3, p, inv)
        return reduceOnce(t, p)
    }

    /// Montgomery reduction of a single-width value: `x·R⁻¹ mod p` (leaves Montgomery form).
    @inlinable @inline(__always)
    static func reduce(_ x: FieldLimbs, _ p: FieldLimbs, _ inv: UInt64) -> FieldLimbs {
        multiply(x, FieldLimbs(1, 0, 0, 0), p, inv)
    }

    /// `(x + y) mod p`. Below 2²⁵⁵ (both BN254 moduli) the 256-bit sum cannot carry out; above,
    /// the carry joins the branch-free reduction.
    @inlinable @inline(__always)
    static func add(_ x: FieldLimbs, _ y: FieldLimbs, _ p: FieldLimbs) -> FieldLimbs {
        let (sum, carry) = x.addingReportingCarry(y)
        guard hasSpareBit(p) else { return reduceOnce(sum, carry: FieldLimbs.bit(carry), p) }
        return reduceOnce(sum, p)
    }

    /// `(x − y) mod p`.
    @inlinable @inline(__always)
    static func subtract(_ x: FieldLimbs, _ y: FieldLimbs, _ p: FieldLimbs) -> FieldLimbs {
        let (d, borrow) = x.subtractingReportingBorrow(y)
        // Add p back under a mask instead of branching on the (data-dependent) borrow.
        let mask = 0 &- FieldLimbs.bit(borrow)
        return d.addingReportingCarry(FieldLimbs(p.l0 & mask, p.l1 & mask, p.l2 & mask, p.l3 & mask)).sum
    }

    /// `(−x) mod p`.
    @inlinable @inline(__always)
    static func negate(_ x: FieldLimbs, _ p: FieldLimbs) -> FieldLimbs {
        FieldLimbs.select(x.isZero, x, p.subtractingReportingBorrow(x).difference)
    }
}
