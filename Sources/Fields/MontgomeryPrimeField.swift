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

    /// `self^e` for a 256-bit exponent (left-to-right square-and-multiply; variable time).
    @inlinable
    public func pow(_ exponent: FieldLimbs) -> Self {
        var result = Self.one
        var i = exponent.bitWidth - 1
        while i >= 0 {
            result = result.squared()
            if exponent.bit(i) { result *= self }
            i -= 1
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
