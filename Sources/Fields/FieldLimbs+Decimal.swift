// MARK: - Decimal conversion

extension FieldLimbs {
    /// Parses an unsigned decimal integer; `nil` for an empty string, a non-ASCII-digit character,
    /// or a value of 2²⁵⁶ or more.
    @inlinable
    public init?(decimalString: String) {
        var value = FieldLimbs.zero
        var sawDigit = false
        for byte in decimalString.utf8 {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            sawDigit = true
            guard let next = value.multipliedAdding(10, UInt64(byte - 0x30)) else { return nil }
            value = next
        }
        guard sawDigit else { return nil }
        self = value
    }

    /// `self·m + a`, or `nil` on overflow past 256 bits.
    @inlinable
    func multipliedAdding(_ m: UInt64, _ a: UInt64) -> FieldLimbs? {
        let (r0, c0) = FieldLimbs.mulAdd(a, l0, m, 0)
        let (r1, c1) = FieldLimbs.mulAdd(0, l1, m, c0)
        let (r2, c2) = FieldLimbs.mulAdd(0, l2, m, c1)
        let (r3, c3) = FieldLimbs.mulAdd(0, l3, m, c2)
        return c3 == 0 ? FieldLimbs(r0, r1, r2, r3) : nil
    }

    /// `(self / d, self mod d)` for a nonzero 64-bit divisor (schoolbook, top limb first).
    @inlinable
    func dividedReportingRemainder(by d: UInt64) -> (quotient: FieldLimbs, remainder: UInt64) {
        var r: UInt64 = 0
        var q3: UInt64
        var q2: UInt64
        var q1: UInt64
        var q0: UInt64
        (q3, r) = d.dividingFullWidth((r, l3))
        (q2, r) = d.dividingFullWidth((r, l2))
        (q1, r) = d.dividingFullWidth((r, l1))
        (q0, r) = d.dividingFullWidth((r, l0))
        return (FieldLimbs(q0, q1, q2, q3), r)
    }

    /// The value in decimal.
    public var decimalString: String {
        if isZero { return "0" }
        // Peel off 19 decimal digits at a time (10¹⁹ is the largest power of ten below 2⁶⁴).
        let chunk: UInt64 = 10_000_000_000_000_000_000
        var parts: [UInt64] = []
        var v = self
        while !v.isZero {
            let (q, r) = v.dividedReportingRemainder(by: chunk)
            parts.append(r)
            v = q
        }
        var s = String(parts.removeLast())
        for part in parts.reversed() {
            let digits = String(part)
            s += String(repeating: "0", count: 19 - digits.count) + digits
        }
        return s
    }
}
