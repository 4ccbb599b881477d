// MARK: - Bit buffer

/// An append-only sequence of bits, most significant bit first, as QR code bit streams are
/// written (ISO/IEC 18004:2015 §7.4.1).
struct BitBuffer: Sendable, Hashable {
    /// Packed bits; the last byte's unused low bits are zero.
    private(set) var bytes: [UInt8] = []
    /// Number of valid bits.
    private(set) var count = 0

    init() {}

    init(minimumCapacity bits: Int) {
        bytes.reserveCapacity((bits + 7) / 8)
    }

    /// Appends the low `bitCount` bits of `value`, most significant first.
    mutating func append(_ value: UInt32, bitCount: Int) {
        precondition((0...31).contains(bitCount) && value >> bitCount == 0, "value does not fit in \(bitCount) bits")
        var remaining = bitCount
        while remaining > 0 {
            let used = count & 7
            if used == 0 { bytes.append(0) }
            let take = min(8 - used, remaining)
            let chunk = UInt8(truncatingIfNeeded: value >> (remaining - take)) & UInt8((1 << take) - 1)
            bytes[bytes.count - 1] |= chunk << (8 - used - take)
            remaining -= take
            count += take
        }
    }

    /// Appends all bits of another buffer.
    mutating func append(contentsOf other: BitBuffer) {
        // Walk `other` a whole byte at a time; only its last byte may be partial.
        var index = 0
        while index < other.count {
            let take = min(8, other.count - index)
            append(UInt32(other.bytes[index >> 3] >> (8 - take)), bitCount: take)
            index += take
        }
    }

    /// The bit at `index` (0 = first appended).
    subscript(index: Int) -> Bool {
        bytes[index >> 3] & (0x80 >> UInt8(index & 7)) != 0
    }
}
