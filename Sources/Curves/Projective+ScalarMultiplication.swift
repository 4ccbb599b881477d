import Fields

// MARK: - Scalar multiplication

extension Projective {
    /// Window width of the signed-digit (wNAF) scalar multiplication: digits are odd and in
    /// (−2^(w−1), 2^(w−1)), so 2^(w−2) = 4 precomputed multiples P, 3P, 5P, 7P.
    @usableFromInline
    static var windowWidth: Int { 4 }

    /// `[k]P` for a non-negative integer k given as little-endian 64-bit limbs (any length, not
    /// reduced mod r), using width-4 wNAF: about bits doublings and bits/5 additions.
    /// Variable time: intended for public scalars.
    @inlinable
    public func multiplied(byLimbs limbs: [UInt64]) -> Projective {
        if isInfinity { return self }
        let digits = Self.wNAF(limbs, width: Self.windowWidth)
        if digits.isEmpty { return .infinity }
        // Odd multiples P, 3P, 5P, 7P.
        let twice = doubled()
        var table = [self]
        for _ in 1..<(1 << (Self.windowWidth - 2)) { table.append(table[table.count - 1].adding(twice)) }
        var result = Projective.infinity
        for digit in digits.reversed() {
            result = result.doubled()
            if digit > 0 {
                result = result.adding(table[Int(digit) >> 1])
            } else if digit < 0 {
                result = result.adding(-table[Int(-digit) >> 1])
            }
        }
        return result
    }

    /// `[s]P` for a scalar in 𝔽ᵣ (its canonical integer).
    @inlinable
    public func multiplied(by scalar: Curve.ScalarField) -> Projective { multiplied(byLimbs: scalar.canonicalLimbs) }

    /// `[s]P` for a scalar in 𝔽ᵣ.
    @inlinable
    public static func * (point: Projective, scalar: Curve.ScalarField) -> Projective { point.multiplied(by: scalar) }

    /// `[s]P` for a scalar in 𝔽ᵣ.
    @inlinable
    public static func * (scalar: Curve.ScalarField, point: Projective) -> Projective { point.multiplied(by: scalar) }

    /// The width-w non-adjacent form of k, least significant digit first: every nonzero digit is
    /// odd with |d| < 2^(w−1), and any w consecutive digits hold at most one nonzero
    /// (Hankerson–Menezes–Vanstone, "Guide to ECC", Algorithm 3.35).
    @inlinable
    static func wNAF(_ limbs: [UInt64], width: Int) -> [Int8] {
        var k = limbs
        k.append(0)  // headroom for the +|d| carries
        let modulus = UInt64(1) << UInt64(width)
        let half = modulus >> 1
        var digits = [Int8]()
        digits.reserveCapacity(limbs.count * 64 + 1)
        while k.contains(where: { $0 != 0 }) {
            var digit: Int64 = 0
            if k[0] & 1 == 1 {
                let low = k[0] & (modulus - 1)
                if low >= half {
                    digit = Int64(low) - Int64(modulus)
                    // k += |digit|
                    var carry = UInt64(-digit)
                    for i in k.indices where carry != 0 {
                        let (s, o) = k[i].addingReportingOverflow(carry)
                        k[i] = s
                        carry = o ? 1 : 0
                    }
                } else {
                    digit = Int64(low)
                    k[0] -= low  // low bits only, no borrow
                }
            }
            digits.append(Int8(digit))
            // k >>= 1
            for i in 0..<(k.count - 1) { k[i] = (k[i] >> 1) | (k[i + 1] << 63) }
            k[k.count - 1] >>= 1
        }
        return digits
    }
}

extension Affine {
    /// `[k]P` for a non-negative integer k given as little-endian 64-bit limbs.
    @inlinable
    public func multiplied(byLimbs limbs: [UInt64]) -> Projective<Curve> { Projective(self).multiplied(byLimbs: limbs) }
}
