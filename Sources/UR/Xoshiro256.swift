// MARK: - Xoshiro256**

/// The pseudo-random generator that tells encoder and decoder which fragments a fountain part mixes
/// (BCR-2020-005 §UR Encoding: `(seqNum ‖ checksum) → SHA256 → Xoshiro256`): Blackman and Vigna's xoshiro256**,
/// its four 64-bit state words read big-endian from a SHA-256 digest, with the reference implementations' mapping to
/// doubles and bounded integers so that the sequence of choices is bit-exact with theirs. Not cryptographic.
struct Xoshiro256 {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Seeds from the SHA-256 of `seed` (the reference's `Xoshiro256(data)`).
    init(seed: [UInt8]) {
        let digest = SHA256.hash(seed)
        var words: [UInt64] = [0, 0, 0, 0]
        for index in 0..<32 { words[index / 8] = words[index / 8] << 8 | UInt64(digest[index]) }
        state = (words[0], words[1], words[2], words[3])
    }

    /// Seeds from the SHA-256 of the UTF-8 of `string` (the reference's test seeds, e.g. "Wolf").
    init(string: String) { self.init(seed: Array(string.utf8)) }

    /// Seeds from the SHA-256 of `value` as four big-endian bytes (the reference's `Xoshiro256(crc32)`).
    init(uint32 value: UInt32) { self.init(seed: Xoshiro256.bigEndian(value)) }

    /// The next 64-bit output: `rotl(s1 · 5, 7) · 9`, then the state update of xoshiro256**.
    mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    /// `next() / 2⁶⁴` as a double in [0, 1] (the reference divides the converted output by `Double(UInt64.max) + 1`,
    /// which rounds to 2⁶⁴; an output within 2¹⁰ of 2⁶⁴ rounds to exactly 1).
    mutating func nextDouble() -> Double {
        Double(next()) / 18_446_744_073_709_551_616.0
    }

    /// An integer in `low...high` as the reference draws it: `⌊nextDouble() · (high − low + 1)⌋ + low`, clamped to
    /// `high` for the rare double that rounds to 1.
    mutating func nextInt(in low: Int, _ high: Int) -> Int {
        let span = Double(high - low + 1)
        let offset = Int(nextDouble() * span)
        return min(low + offset, high)
    }

    /// A byte as the reference's `next_byte`: `nextInt(0, 255)`.
    mutating func nextByte() -> UInt8 { UInt8(nextInt(in: 0, 255)) }

    /// `count` bytes from ``nextByte()`` (the reference's `next_data`, used by its tests' `makeMessage`).
    mutating func nextData(count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for _ in 0..<count { bytes.append(nextByte()) }
        return bytes
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [
            UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
            UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value),
        ]
    }

    private func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
        value << count | value >> (64 - count)
    }
}
