// MARK: - MontgomeryPrimeField

/// A ``PrimeField`` whose elements are stored in Montgomery form `a·R mod p`, `R = 2²⁵⁶`, on four
/// inline 64-bit limbs (arkworks `ark_ff::MontConfig` / `Fp256`).
///
/// Conforming types supply only storage and constants; every operation is a default
/// implementation here, marked `@inlinable` so callers in other modules get code specialized to
/// the concrete field with the modulus folded into immediates.
public protocol MontgomeryPrimeField: PrimeField {
    /// The modulus `p`: any odd prime below 2²⁵⁶. Moduli with a spare top bit (both BN254 fields)
    /// get the no-carry CIOS multiplication and carry-free addition; full-width ones (secp256k1's
    /// p and n) the carrying variants — chosen at compile time from the literal.
    static var modulus: FieldLimbs { get }
    /// `−p⁻¹ mod 2⁶⁴`.
    static var montgomeryInverse: UInt64 { get }
    /// `R mod p` with `R = 2²⁵⁶`: the Montgomery form of 1.
    static var montgomeryR: FieldLimbs { get }
    /// `R² mod p`: multiplying by it (Montgomery product) converts into Montgomery form.
    static var montgomeryR2: FieldLimbs { get }

    /// Wraps an already-reduced Montgomery representation without checks.
    init(montgomery: FieldLimbs)
    /// The Montgomery representation `a·R mod p`.
    var montgomery: FieldLimbs { get }
}

// MARK: - Constants and conversions

extension MontgomeryPrimeField {
    @inlinable
    public static var zero: Self { Self(montgomery: .zero) }

    @inlinable
    public static var one: Self { Self(montgomery: montgomeryR) }

    @inlinable
    public static var modulusLimbs: [UInt64] { modulus.array }

    @inlinable
    public init(_ value: UInt64) {
        self.init(
            montgomery: Montgomery.multiply(
                FieldLimbs(value, 0, 0, 0), Self.montgomeryR2,
                Self.modulus, Self.montgomeryInverse))
    }

    /// Creates an element from a canonical 256-bit integer; `nil` unless it is below the modulus.
    @inlinable
    public init?(canonical value: FieldLimbs) {
        guard value.isLess(than: Self.modulus) else { return nil }
        self.init(montgomery: Montgomery.multiply(value, Self.montgomeryR2, Self.modulus, Self.montgomeryInverse))
    }

    /// Creates `value mod p` for any 256-bit integer (subtracts `p` while the value is too large;
    /// at most a handful of times since `p > 2²⁵³`). Variable time: for public values.
    @inlinable
    public init(reducing value: FieldLimbs) {
        var v = value
        while !v.isLess(than: Self.modulus) {
            v = v.subtractingReportingBorrow(Self.modulus).difference
        }
        self.init(canonical: v)!
    }

    @inlinable
    public init?(canonicalLimbs: [UInt64]) {
        guard let limbs = FieldLimbs(canonicalLimbs) else { return nil }
        self.init(canonical: limbs)
    }

    @inlinable
    public init?(decimalString: String) {
        guard let value = FieldLimbs(decimalString: decimalString) else { return nil }
        self.init(canonical: value)
    }

    @inlinable
    public init(reducingBigEndianBytes bytes: [UInt8]) {
        // Horner's rule over 64-bit chunks: acc ← acc·2⁶⁴ + chunk. 2⁶⁴ < p, so it is canonical.
        let twoTo64 = Self(canonical: FieldLimbs(0, 1, 0, 0))!
        var accumulator = Self.zero
        var index = 0
        let head = bytes.count % 8
        if head != 0 {
            accumulator = Self(Self.word(bytes, from: 0, count: head))
            index = head
        }
        while index < bytes.count {
            accumulator = accumulator * twoTo64 + Self(Self.word(bytes, from: index, count: 8))
            index += 8
        }
        self = accumulator
    }

    @inlinable
    public init?(bigEndianBytes bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        let value = FieldLimbs(
            Self.word(bytes, from: 24, count: 8), Self.word(bytes, from: 16, count: 8),
            Self.word(bytes, from: 8, count: 8), Self.word(bytes, from: 0, count: 8))
        self.init(canonical: value)
    }

    @inlinable
    static func word(_ bytes: [UInt8], from start: Int, count: Int) -> UInt64 {
        var w: UInt64 = 0
        for i in start..<(start + count) { w = (w << 8) | UInt64(bytes[i]) }
        return w
    }

    /// The canonical (non-Montgomery) value.
    @inlinable
    public var canonical: FieldLimbs {
        Montgomery.reduce(montgomery, Self.modulus, Self.montgomeryInverse)
    }

    @inlinable
    public var canonicalLimbs: [UInt64] { canonical.array }

    @inlinable
    public var bigEndianBytes: [UInt8] {
        let c = canonical
        var out = [UInt8]()
        out.reserveCapacity(32)
        for limb in [c.l3, c.l2, c.l1, c.l0] {
            for shift in stride(from: 56, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: limb >> UInt64(shift)))
            }
        }
        return out
    }

    @inlinable
    public var decimalString: String { canonical.decimalString }

    public var description: String { decimalString }

    @inlinable
    public var isZero: Bool { montgomery.isZero }
}

// MARK: - Arithmetic

extension MontgomeryPrimeField {
    @inlinable @inline(__always)
    public static func + (a: Self, b: Self) -> Self {
        Self(montgomery: Montgomery.add(a.montgomery, b.montgomery, modulus))
    }

    @inlinable @inline(__always)
    public static func - (a: Self, b: Self) -> Self {
        Self(montgomery: Montgomery.subtract(a.montgomery, b.montgomery, modulus))
    }

    @inlinable @inline(__always)
    public static func * (a: Self, b: Self) -> Self {
        Self(montgomery: Montgomery.multiply(a.montgomery, b.montgomery, modulus, montgomeryInverse))
    }

    @inlinable @inline(__always)
    public static prefix func - (a: Self) -> Self {
        Self(montgomery: Montgomery.negate(a.montgomery, modulus))
    }

    @inlinable @inline(__always)
    public static func += (a: inout Self, b: Self) { a = a + b }

    @inlinable @inline(__always)
    public static func -= (a: inout Self, b: Self) { a = a - b }

    @inlinable @inline(__always)
    public static func *= (a: inout Self, b: Self) { a = a * b }

    @inlinable @inline(__always)
    public func squared() -> Self { self * self }

    @inlinable @inline(__always)
    public func doubled() -> Self { self + self }

    /// `self^e` for a 256-bit exponent. Variable time in the exponent only (which every caller passes as a public
    /// constant: p − 2, (p + 1)/4, …), never in `self`.
    ///
    /// Short exponents use left-to-right square-and-multiply; long ones a fixed 4-bit window (Menezes, van Oorschot
    /// and Vanstone, *Handbook of Applied Cryptography*, Algorithm 14.82): 14 products for the table, then per digit
    /// four squarings and at most one product — about 255 squarings + 64 products for an inversion instead of
    /// 255 + one per set bit (~250 for secp256k1's p − 2).
    @inlinable
    public func pow(_ exponent: FieldLimbs) -> Self {
        let width = exponent.bitWidth
        guard width > 64 else {
            var result = Self.one
            var i = width - 1
            while i >= 0 {
                result = result.squared()
                if exponent.bit(i) { result *= self }
                i -= 1
            }
            return result
        }
        var table = [Self](repeating: .one, count: 16)
        table[1] = self
        for j in 2..<16 { table[j] = table[j - 1] * self }
        let words = [exponent.l0, exponent.l1, exponent.l2, exponent.l3]
        var result = Self.one
        var started = false
        for digitIndex in stride(from: (width - 1) / 4, through: 0, by: -1) {
            if started { result = result.squared().squared().squared().squared() }
            let digit = Int((words[digitIndex >> 4] >> UInt64((digitIndex & 15) * 4)) & 0xF)
            if digit != 0 {
                result = started ? result * table[digit] : table[digit]
                started = true
            }
        }
        return result
    }

    /// The inverse by Fermat's little theorem, `a^(p−2)`. Variable-time in the exponent only
    /// (which is public), so it does not leak `a` through branches; ~250 squarings + ~130 products.
    @inlinable
    public func inverse() -> Self? {
        if isZero { return nil }
        let pMinus2 = Self.modulus.subtractingReportingBorrow(FieldLimbs(2, 0, 0, 0)).difference
        return pow(pMinus2)
    }
}

// MARK: - Variable-time inversion

extension MontgomeryPrimeField {
    /// The inverse by the binary extended Euclidean algorithm (Menezes, van Oorschot and Vanstone, *Handbook of
    /// Applied Cryptography*, Algorithm 14.61 for an odd prime modulus): shifts and subtractions only, a few times
    /// faster than ``inverse()``, but its running time depends on the value. **Only for public values** (the r and s
    /// of a signature being verified, a point's Z in verification); secrets use ``inverse()``.
    @inlinable
    public func inverseVariableTime() -> Self? {
        if isZero { return nil }
        let p = Self.modulus
        /// x / 2 mod p for x in [0, p): (x + p) / 2 when x is odd, keeping the carry of x + p as the new top bit.
        @inline(__always) func halve(_ x: FieldLimbs) -> FieldLimbs {
            guard x.l0 & 1 == 1 else { return x.shiftedRightOne() }
            let (sum, carry) = x.addingReportingCarry(p)
            var half = sum.shiftedRightOne()
            if carry { half.l3 |= 1 << 63 }
            return half
        }
        var u = canonical
        var v = p
        var x1 = FieldLimbs(1, 0, 0, 0)
        var x2 = FieldLimbs.zero
        let one = FieldLimbs(1, 0, 0, 0)
        while u != one && v != one {
            while u.l0 & 1 == 0 {
                u = u.shiftedRightOne()
                x1 = halve(x1)
            }
            while v.l0 & 1 == 0 {
                v = v.shiftedRightOne()
                x2 = halve(x2)
            }
            if v.isLess(than: u) || u == v {
                u = u.subtractingReportingBorrow(v).difference
                x1 = Montgomery.subtract(x1, x2, p)
            } else {
                v = v.subtractingReportingBorrow(u).difference
                x2 = Montgomery.subtract(x2, x1, p)
            }
        }
        return Self(canonical: u == one ? x1 : x2)
    }
}

// MARK: - Blinded inversion

extension MontgomeryPrimeField {
    /// The inverse of a secret value without the cost of Fermat's exponentiation: a⁻¹ = b·(a·b)⁻¹ for a fresh
    /// uniformly random nonzero b. The variable-time ``inverseVariableTime()`` then runs on a·b, which is uniformly
    /// distributed and independent of a, so its timing reveals nothing about a (multiplicative blinding; the same
    /// argument as RSA base blinding). b comes from `generator`, which must be a CSPRNG for secrets.
    @inlinable
    public func inverseBlinded<R: RandomNumberGenerator>(using generator: inout R) -> Self? {
        if isZero { return nil }
        var blind = Self.random(using: &generator)
        while blind.isZero { blind = Self.random(using: &generator) }
        guard let inverse = (self * blind).inverseVariableTime() else { return nil }
        return inverse * blind
    }
}

// MARK: - Constant-time selection

extension MontgomeryPrimeField {
    /// `condition ? a : b` without a branch or a secret-dependent memory access.
    @inlinable @inline(__always)
    public static func select(_ condition: Bool, _ a: Self, _ b: Self) -> Self {
        Self(montgomery: FieldLimbs.select(condition, a.montgomery, b.montgomery))
    }
}

// MARK: - Random sampling

extension MontgomeryPrimeField {
    @inlinable
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> Self {
        // Draw bitWidth(p) random bits and reject values ≥ p (acceptance > 1/2), so the result is
        // exactly uniform — no modular bias.
        let topMask: UInt64 = modulus.l3 == 0 ? 0 : (UInt64.max >> UInt64(modulus.l3.leadingZeroBitCount))
        while true {
            let candidate = FieldLimbs(
                generator.next(), generator.next(), generator.next(),
                generator.next() & topMask)
            if let element = Self(canonical: candidate) { return element }
        }
    }
}
