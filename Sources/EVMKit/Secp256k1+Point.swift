import Fields

// MARK: - Points

extension Secp256k1 {
    /// A point in homogeneous projective coordinates (X : Y : Z) for (X/Z, Y/Z); the identity is (0 : 1 : 0).
    ///
    /// Addition and doubling are the *complete* formulas of Renes, Costello and Batina, "Complete addition formulas
    /// for prime order elliptic curves" (EUROCRYPT 2016), Algorithms 7 and 9 for a = 0 with b₃ = 3b = 21: one
    /// straight-line sequence of field operations for every input — P + P, P + (−P) and the identity included —
    /// so the group law has no branch at all, which is what constant-time signing needs.
    @usableFromInline
    struct Point: Sendable {
        @usableFromInline var x: Fp
        @usableFromInline var y: Fp
        @usableFromInline var z: Fp

        @inlinable @inline(__always)
        init(x: Fp, y: Fp, z: Fp) {
            self.x = x
            self.y = y
            self.z = z
        }

        /// The identity (0 : 1 : 0).
        @usableFromInline static let identity = Point(x: .zero, y: .one, z: .zero)

        /// The generator G (SEC 2 v2 §2.4.1).
        @usableFromInline static let generator = Point(
            x: Fp(
                canonical: FieldLimbs(
                    0x59F2_815B_16F8_1798, 0x029B_FCDB_2DCE_28D9, 0x55A0_6295_CE87_0B07, 0x79BE_667E_F9DC_BBAC))!,
            y: Fp(
                canonical: FieldLimbs(
                    0x9C47_D08F_FB10_D4B8, 0xFD17_B448_A685_5419, 0x5DA4_FBFC_0E11_08A8, 0x483A_DA77_26A3_C465))!,
            z: .one)

        /// 3·b = 21, the only curve constant the formulas use.
        @usableFromInline static let b3 = Fp(21)

        /// `true` for the identity (Z = 0).
        @inlinable
        var isIdentity: Bool { z.isZero }

        /// An affine point (x, y); the caller has checked it is on the curve.
        @inlinable
        init(affineX: Fp, y: Fp) { self.init(x: affineX, y: y, z: .one) }

        /// P + Q, complete (RCB16 Algorithm 7: 12M + 2m_b₃ + 19a).
        @inlinable
        func adding(_ q: Point) -> Point {
            var t0 = x * q.x
            var t1 = y * q.y
            var t2 = z * q.z
            var t3 = x + y
            var t4 = q.x + q.y
            t3 = t3 * t4
            t4 = t0 + t1
            t3 = t3 - t4
            t4 = y + z
            var x3 = q.y + q.z
            t4 = t4 * x3
            x3 = t1 + t2
            t4 = t4 - x3
            x3 = x + z
            var y3 = q.x + q.z
            x3 = x3 * y3
            y3 = t0 + t2
            y3 = x3 - y3
            x3 = t0 + t0
            t0 = x3 + t0
            t2 = Self.b3 * t2
            var z3 = t1 + t2
            t1 = t1 - t2
            y3 = Self.b3 * y3
            x3 = t4 * y3
            t2 = t3 * t1
            x3 = t2 - x3
            y3 = y3 * t0
            t1 = t1 * z3
            y3 = t1 + y3
            t0 = t0 * t3
            z3 = z3 * t4
            z3 = z3 + t0
            return Point(x: x3, y: y3, z: z3)
        }

        /// P + Q for Q with Z = 1 that is not the identity (RCB16 Algorithm 8: 11M + 2m_b₃ + 13a); complete in P.
        @inlinable
        func addingAffine(_ q: Point) -> Point {
            var t0 = x * q.x
            var t1 = y * q.y
            var t3 = q.x + q.y
            var t4 = x + y
            t3 = t3 * t4
            t4 = t0 + t1
            t3 = t3 - t4
            t4 = q.y * z
            t4 = t4 + y
            var y3 = q.x * z
            y3 = y3 + x
            var x3 = t0 + t0
            t0 = x3 + t0
            var t2 = Self.b3 * z
            var z3 = t1 + t2
            t1 = t1 - t2
            y3 = Self.b3 * y3
            x3 = t4 * y3
            t2 = t3 * t1
            x3 = t2 - x3
            y3 = y3 * t0
            t1 = t1 * z3
            y3 = t1 + y3
            t0 = t0 * t3
            z3 = z3 * t4
            z3 = z3 + t0
            return Point(x: x3, y: y3, z: z3)
        }

        /// 2P, complete (RCB16 Algorithm 9: 6M + 2S + 1m_b₃ + 9a).
        @inlinable
        func doubled() -> Point {
            var t0 = y.squared()
            var z3 = t0 + t0
            z3 = z3 + z3
            z3 = z3 + z3
            var t1 = y * z
            var t2 = z.squared()
            t2 = Self.b3 * t2
            var x3 = t2 * z3
            var y3 = t0 + t2
            z3 = t1 * z3
            t1 = t2 + t2
            t2 = t1 + t2
            t0 = t0 - t2
            y3 = t0 * y3
            y3 = x3 + y3
            t1 = x * y
            x3 = t0 * t1
            x3 = x3 + x3
            return Point(x: x3, y: y3, z: z3)
        }

        /// −P.
        @inlinable
        var negated: Point { Point(x: x, y: -y, z: z) }

        /// `condition ? a : b` without a branch.
        @inlinable @inline(__always)
        static func select(_ condition: Bool, _ a: Point, _ b: Point) -> Point {
            Point(
                x: Fp.select(condition, a.x, b.x), y: Fp.select(condition, a.y, b.y), z: Fp.select(condition, a.z, b.z))
        }

        /// (x, y), or `nil` for the identity. Z⁻¹ by Fermat's little theorem (a fixed exponent: constant time).
        @inlinable
        var affine: (x: Fp, y: Fp)? {
            guard let zInverse = z.inverse() else { return nil }
            return (x * zInverse, y * zInverse)
        }

        /// Whether (x, y) satisfies y² = x³ + 7.
        @inlinable
        static func isOnCurve(x: Fp, y: Fp) -> Bool { y.squared() == x.squared() * x + Fp(7) }
    }
}

// MARK: - Scalar multiplication

extension Secp256k1 {
    /// The fixed-base comb's windows: 52 signed 5-bit digits cover 260 bits (a 256-bit scalar plus the final carry).
    @usableFromInline static let combWindows = 52

    /// `j · 32ⁱ · G` for window i ∈ 0..<52 and j ∈ 1...16, affine (Z = 1): 832 points, 78 KiB, computed once on
    /// first use (~1 ms). A fixed-base comb over these needs no doublings at all.
    @usableFromInline
    static let generatorTable: [Point] = {
        var table = [Point]()
        table.reserveCapacity(combWindows * 16)
        var base = Point.generator
        for _ in 0..<combWindows {
            var multiple = base
            for _ in 1...16 {
                table.append(multiple)
                multiple = multiple.adding(base)
            }
            base = base.doubled().doubled().doubled().doubled().doubled()
        }
        // Normalise to Z = 1 with one shared inversion (Montgomery's trick).
        var zs = table.map(\.z)
        Fp.batchInvert(&zs)
        return zip(table, zs).map { point, zInverse in Point(x: point.x * zInverse, y: point.y * zInverse, z: .one) }
    }()

    /// `k·G` in constant time, for secret k (private keys, nonces).
    ///
    /// The scalar is recoded into 52 signed digits dᵢ ∈ [−15, 16] with k = Σ dᵢ·32ⁱ (a digit above 16 becomes
    /// d − 32 with a carry into the next window; the recoding uses masks, not branches), and k·G = Σ ±T[i][|dᵢ|] with
    /// the precomputed ``generatorTable``. Each lookup reads all 16 entries of its window and keeps the wanted one
    /// with a mask (``Point/select(_:_:_:)``), a zero digit keeps the identity, and the sign is applied with another
    /// mask, so the memory access pattern does not depend on k; the 52 additions use the complete formula, so there
    /// is no branch on k either. `scripts/check-constant-time.sh` checks this under Valgrind.
    @inlinable
    static func multiplyGenerator(_ k: Fn) -> Point {
        let limbs = k.canonical
        let words: [UInt64] = [limbs.l0, limbs.l1, limbs.l2, limbs.l3, 0]
        var accumulator = Point.identity
        var carry: UInt64 = 0
        generatorTable.withUnsafeBufferPointer { table in
            for window in 0..<combWindows {
                // Five bits at a public position (possibly straddling two limbs; the shifts are public too).
                let position = window * 5
                let offset = UInt64(position & 63)
                let low = words[position >> 6] >> offset
                let high = offset > 59 ? words[(position >> 6) + 1] << (64 - offset) : 0
                let digit = ((low | high) & 31) &+ carry  // 0…32
                carry = (16 &- digit) >> 63  // 1 when digit > 16
                let signed = digit &- (carry << 5)  // digit − 32 when it carried: two's complement in [−15, 16]
                let negativeMask = 0 &- (signed >> 63)
                let magnitude = (signed ^ negativeMask) &- negativeMask
                var chosen = Point.identity
                for j in 1...16 {
                    chosen = Point.select(constantTimeEqual(UInt64(j), magnitude), table[window * 16 + j - 1], chosen)
                }
                chosen.y = Fp.select(negativeMask == .max, -chosen.y, chosen.y)
                accumulator = accumulator.adding(chosen)
            }
        }
        return accumulator
    }

    /// `a == b` for values below 2⁶³, computed without a comparison branch: (a ⊕ b) − 1 has its top bit set exactly
    /// when a ⊕ b = 0.
    @inlinable @inline(__always)
    static func constantTimeEqual(_ a: UInt64, _ b: UInt64) -> Bool {
        ((a ^ b) &- 1) >> 63 == 1
    }
}

// MARK: - Constant-time check entry point

extension Secp256k1 {
    /// The secret-dependent core of signing, for `scripts/check-constant-time.sh` only: k·G by the constant-time comb
    /// (projective, no inversion), then k⁻¹·(z + X·d) in 𝔽ₙ with the inverse by Fermat's exponent (no zero check).
    /// The checker runs it under Valgrind with `key` and `nonce` marked undefined, so any branch or memory index that
    /// depends on them is reported. Not for signing: nothing here validates its input.
    @_spi(ConstantTimeCheck)
    public static func constantTimeSigningCore(key: [UInt8], nonce: [UInt8], digest: [UInt8]) -> [UInt8] {
        func scalar(_ bytes: [UInt8]) -> Fn {
            var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            for i in 0..<8 {
                words.0 = words.0 << 8 | UInt64(bytes[24 + i])
                words.1 = words.1 << 8 | UInt64(bytes[16 + i])
                words.2 = words.2 << 8 | UInt64(bytes[8 + i])
                words.3 = words.3 << 8 | UInt64(bytes[i])
            }
            // Clear the top bit so the value is below n, without a comparison; then into Montgomery form.
            return Fn(montgomery: FieldLimbs(words.0, words.1, words.2, words.3 & 0x7FFF_FFFF_FFFF_FFFF))
                * Fn(montgomery: Fn.montgomeryR2)
        }
        let d = scalar(key)
        let k = scalar(nonce)
        let z = scalar(digest)
        let point = multiplyGenerator(k)
        let x = Fn(montgomery: point.x.montgomery)
        let nMinus2 = Fn.modulus.subtractingReportingBorrow(FieldLimbs(2, 0, 0, 0)).difference
        let s = k.pow(nMinus2) * (z + x * d)
        return point.x.bigEndianBytes + point.z.bigEndianBytes + s.bigEndianBytes
    }
}
