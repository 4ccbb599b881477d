// MARK: - PrimeField

/// An element of a prime field 𝔽ₚ with a modulus below 2²⁵⁶ (arkworks `ark_ff::PrimeField`).
///
/// Every value is kept fully reduced, so `==` and hashing compare canonical values. Conversions to
/// and from integers are *canonical*: failable initializers reject any encoding whose integer is
/// not below the modulus, so each field element has exactly one accepted encoding.
///
/// None of the operations promise constant time; they are meant for public data (verification,
/// circuit witnesses that are later proven) — see docs/bn254.md.
public protocol PrimeField: Field {
    // Arithmetic (`zero`, `one`, `+`, `-`, `*`, `squared()`, `inverse()`, `isZero`,
    // `random(using:)`, ...) is inherited from ``Field``.

    /// The modulus as four little-endian 64-bit limbs.
    static var modulusLimbs: [UInt64] { get }

    /// The field element `value mod p`.
    init(_ value: UInt64)
    /// Parses an unsigned decimal integer (ASCII digits only, no sign or whitespace; leading
    /// zeros are accepted). Returns `nil` for an empty string, any non-digit, or a value not below
    /// the modulus.
    init?(decimalString: String)
    /// Creates an element from exactly four little-endian limbs; `nil` unless the value is below
    /// the modulus.
    init?(canonicalLimbs: [UInt64])
    /// Interprets a big-endian byte string of any length as an integer and reduces it modulo `p`
    /// (as in hash-to-field: EIP-2537 / RFC 9380 §5 reduce 48–64 bytes this way).
    init(reducingBigEndianBytes: [UInt8])
    /// Decodes exactly 32 big-endian bytes; `nil` for any other length or a value not below the
    /// modulus (the EIP-196/197 encoding of a field element).
    init?(bigEndianBytes: [UInt8])

    /// The canonical value as four little-endian limbs.
    var canonicalLimbs: [UInt64] { get }
    /// The canonical value as 32 big-endian bytes.
    var bigEndianBytes: [UInt8] { get }
    /// The canonical value in decimal (also used for `description`).
    var decimalString: String { get }
    /// `self^e` for an exponent given as little-endian 64-bit limbs (any count; not reduced).
    func pow(_ exponentLimbs: [UInt64]) -> Self

    /// A uniformly random element from `SystemRandomNumberGenerator` (a CSPRNG).
    static func random() -> Self
}
