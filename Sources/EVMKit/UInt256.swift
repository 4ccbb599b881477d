import Fields

// MARK: - UInt256

/// An unsigned 256-bit integer: the EVM word, and the type of every quantity in a transaction (value in wei, gas,
/// fees, nonces) and of ABI `uint<M>` values. Stored as ``FieldLimbs`` (four little-endian 64-bit limbs, shared with
/// the prime-field code in `Fields`).
///
/// Arithmetic is checked: ``addingReportingOverflow(_:)`` and ``multipliedReportingOverflow(by:)`` say when the
/// result does not fit, and the operators `+` / `*` are not offered, so overflow can never wrap silently or trap.
public struct UInt256: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The four little-endian limbs.
    public var limbs: FieldLimbs

    /// Wraps four little-endian limbs.
    public init(limbs: FieldLimbs) { self.limbs = limbs }

    /// A value that fits in 64 bits.
    public init(_ value: UInt64) { limbs = FieldLimbs(value, 0, 0, 0) }

    public init(integerLiteral value: UInt64) { self.init(value) }

    /// Zero.
    public static let zero = UInt256(0)
    /// 2²⁵⁶ − 1.
    public static let max = UInt256(limbs: FieldLimbs(.max, .max, .max, .max))

    /// A big-endian byte string of at most 32 bytes (leading zeros allowed); `nil` if longer.
    public init?<Bytes: Collection<UInt8>>(bigEndian bytes: Bytes) {
        guard bytes.count <= 32 else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in bytes.reversed().enumerated() {
            words[index / 8] |= UInt64(byte) << UInt64(8 * (index % 8))
        }
        limbs = FieldLimbs(words[0], words[1], words[2], words[3])
    }

    /// Parses an unsigned decimal integer (digits only), or `0x`-prefixed hexadecimal (any number of digits, leading
    /// zeros allowed); `nil` if malformed or ≥ 2²⁵⁶.
    public init?(_ text: String) {
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            var digits = Array(text.utf8.dropFirst(2))
            guard !digits.isEmpty, digits.count <= 64 || digits.prefix(digits.count - 64).allSatisfy({ $0 == 48 })
            else { return nil }
            if digits.count > 64 { digits = Array(digits.suffix(64)) }
            var words: [UInt64] = [0, 0, 0, 0]
            for (index, character) in digits.reversed().enumerated() {
                guard let nibble = Hex.nibble(character) else { return nil }
                words[index / 16] |= UInt64(nibble) << UInt64(4 * (index % 16))
            }
            limbs = FieldLimbs(words[0], words[1], words[2], words[3])
        } else {
            guard let value = FieldLimbs(decimalString: text) else { return nil }
            limbs = value
        }
    }

    /// Parses a JSON-RPC QUANTITY: `0x` + hex digits without leading zeros (`0x0` for zero) (Ethereum JSON-RPC
    /// specification, "Hex encoding").
    public init(quantity text: String) throws(EVMError) {
        let digits = text.utf8.dropFirst(2)
        guard text.hasPrefix("0x"), !digits.isEmpty, digits.count == 1 || digits.first != UInt8(ascii: "0"),
            let value = UInt256(text)
        else {
            throw EVMError(
                .invalidNumber, "a JSON-RPC quantity is 0x + hex digits without leading zeros; got \(text.prefix(80))")
        }
        self = value
    }

    /// 32 big-endian bytes (the ABI and EVM word layout).
    public var bigEndianBytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for limb in [limbs.l3, limbs.l2, limbs.l1, limbs.l0] {
            for shift in stride(from: 56, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: limb >> UInt64(shift)))
            }
        }
        return out
    }

    /// Big-endian bytes without leading zeros (empty for zero): RLP's integer encoding (Yellow Paper, Appendix B).
    public var minimalBigEndianBytes: [UInt8] { Array(bigEndianBytes.drop { $0 == 0 }) }

    /// The value in decimal.
    public var description: String { limbs.decimalString }

    /// A JSON-RPC QUANTITY: `0x` + lowercase hex without leading zeros.
    public var quantity: String {
        let hex = Hex.encode(minimalBigEndianBytes, prefix: false)
        let trimmed = hex.drop { $0 == "0" }
        return "0x" + (trimmed.isEmpty ? "0" : trimmed)
    }

    /// The value as `UInt64`, or `nil` if it does not fit.
    public var uint64: UInt64? { limbs.l1 | limbs.l2 | limbs.l3 == 0 ? limbs.l0 : nil }

    /// `true` for zero.
    public var isZero: Bool { limbs.isZero }

    /// The number of significant bits (0 for zero).
    public var bitWidth: Int { limbs.bitWidth }

    /// `self + other` and whether it overflowed 2²⁵⁶.
    public func addingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (sum, carry) = limbs.addingReportingCarry(other.limbs)
        return (UInt256(limbs: sum), carry)
    }

    /// `self − other` and whether it borrowed (other > self).
    public func subtractingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (difference, borrow) = limbs.subtractingReportingBorrow(other.limbs)
        return (UInt256(limbs: difference), borrow)
    }

    /// The full 512-bit product `self × other` as (high, low) halves (schoolbook, four limbs by four).
    public func multipliedFullWidth(by other: UInt256) -> (high: UInt256, low: UInt256) {
        let a = limbs.array
        let b = other.limbs.array
        var product = [UInt64](repeating: 0, count: 8)
        for i in 0..<4 {
            var carry: UInt64 = 0
            for j in 0..<4 {
                let (high, low) = a[i].multipliedFullWidth(by: b[j])
                let (s1, o1) = low.addingReportingOverflow(product[i + j])
                let (s2, o2) = s1.addingReportingOverflow(carry)
                product[i + j] = s2
                carry = high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
            }
            product[i + 4] = carry
        }
        return (
            UInt256(limbs: FieldLimbs(product[4], product[5], product[6], product[7])),
            UInt256(limbs: FieldLimbs(product[0], product[1], product[2], product[3]))
        )
    }

    /// `self × other` modulo 2²⁵⁶ and whether the full product needed more than 256 bits.
    public func multipliedReportingOverflow(by other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (high, low) = multipliedFullWidth(by: other)
        return (low, !high.isZero)
    }

    public static func < (a: UInt256, b: UInt256) -> Bool { a.limbs.isLess(than: b.limbs) }
}
