import Fields

// MARK: - secp256k1's fields

/// The curve secp256k1 (SEC 2 v2 §2.4.1): y² = x³ + 7 over 𝔽ₚ with p = 2²⁵⁶ − 2³² − 977, a group of prime order n,
/// cofactor 1. Its two fields reuse the Montgomery arithmetic of `Fields` (shared with BN254); both moduli are
/// full-width, so they take the carrying CIOS multiplication, which is branch-free like the rest.
public enum Secp256k1 {
    /// The base field 𝔽ₚ, p = 2²⁵⁶ − 2³² − 977 = 0xFFFFFFFF…FFFFFFFE FFFFFC2F.
    public struct Fp: MontgomeryPrimeField {
        @usableFromInline var storage: FieldLimbs

        @inlinable @inline(__always)
        public init(montgomery: FieldLimbs) { storage = montgomery }

        @inlinable @inline(__always)
        public var montgomery: FieldLimbs { storage }

        /// p, little-endian limbs.
        @inlinable @inline(__always)
        public static var modulus: FieldLimbs {
            FieldLimbs(0xFFFF_FFFE_FFFF_FC2F, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF)
        }

        /// −p⁻¹ mod 2⁶⁴.
        @inlinable @inline(__always)
        public static var montgomeryInverse: UInt64 { 0xD838_091D_D225_3531 }

        /// 2²⁵⁶ mod p = 2³² + 977.
        @inlinable @inline(__always)
        public static var montgomeryR: FieldLimbs { FieldLimbs(0x0000_0001_0000_03D1, 0, 0, 0) }

        /// 2⁵¹² mod p = (2³² + 977)².
        @inlinable @inline(__always)
        public static var montgomeryR2: FieldLimbs { FieldLimbs(0x0000_07A2_000E_90A1, 1, 0, 0) }

        /// A square root, or `nil` for a non-residue: p ≡ 3 (mod 4), so √a = a^((p+1)/4) when a is a square.
        public func squareRoot() -> Fp? {
            let exponent = FieldLimbs(
                0xFFFF_FFFF_BFFF_FF0C, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 0x3FFF_FFFF_FFFF_FFFF)
            let candidate = pow(exponent)
            return candidate.squared() == self ? candidate : nil
        }

        /// `true` when the canonical value is odd (the y-parity of a point).
        public var isOdd: Bool { canonical.l0 & 1 == 1 }
    }

    /// The scalar field 𝔽ₙ, n = 0xFFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFE BAAEDCE6 AF48A03B BFD25E8C D0364141, the
    /// group order: private keys, nonces and the r and s of signatures live here.
    public struct Fn: MontgomeryPrimeField {
        @usableFromInline var storage: FieldLimbs

        @inlinable @inline(__always)
        public init(montgomery: FieldLimbs) { storage = montgomery }

        @inlinable @inline(__always)
        public var montgomery: FieldLimbs { storage }

        /// n, little-endian limbs.
        @inlinable @inline(__always)
        public static var modulus: FieldLimbs {
            FieldLimbs(0xBFD2_5E8C_D036_4141, 0xBAAE_DCE6_AF48_A03B, 0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_FFFF_FFFF)
        }

        /// −n⁻¹ mod 2⁶⁴.
        @inlinable @inline(__always)
        public static var montgomeryInverse: UInt64 { 0x4B0D_FF66_5588_B13F }

        /// 2²⁵⁶ mod n.
        @inlinable @inline(__always)
        public static var montgomeryR: FieldLimbs {
            FieldLimbs(0x402D_A173_2FC9_BEBF, 0x4551_2319_50B7_5FC4, 0x0000_0000_0000_0001, 0)
        }

        /// 2⁵¹² mod n.
        @inlinable @inline(__always)
        public static var montgomeryR2: FieldLimbs {
            FieldLimbs(0x896C_F214_67D7_D140, 0x7414_96C2_0E7C_F878, 0xE697_F5E4_5BCD_07C6, 0x9D67_1CD5_81C6_9BC5)
        }
    }
}
