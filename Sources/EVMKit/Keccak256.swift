// MARK: - Keccak-256

/// Keccak-256 as Ethereum uses it: the Keccak[c = 512] sponge with the original `0x01` padding, *not* FIPS 202's
/// SHA3-256 (which pads with `0x06`). Rate 136 bytes, output 32 bytes (Keccak reference, "The Keccak SHA-3
/// submission" v3 §1.1; Ethereum Yellow Paper, Appendix H "KEC").
///
/// One-shot with ``hash(_:)``, or incremental: ``update(_:)`` any number of times, then ``finalize()``.
///
/// ```swift
/// Keccak256.hash(Array("".utf8))  // c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470
/// ```
public struct Keccak256: Sendable {
    /// The sponge's rate in bytes: 1600 − 2·256 bits.
    public static let rate = 136
    /// The digest length in bytes.
    public static let byteCount = 32

    @usableFromInline var state = KeccakState()
    /// Bytes of the current block not yet absorbed (fewer than `rate`).
    @usableFromInline var buffer = [UInt8](repeating: 0, count: 136)
    @usableFromInline var buffered = 0

    /// A fresh hasher.
    public init() {}

    /// The Keccak-256 digest of `bytes`.
    @inlinable
    public static func hash<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        var hasher = Keccak256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Absorbs more input.
    @inlinable
    public mutating func update<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        let handled: Bool? = bytes.withContiguousStorageIfAvailable {
            update(buffer: UnsafeRawBufferPointer($0))
            return true
        }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { update(buffer: $0) }
        }
    }

    /// Absorbs the bytes of a raw buffer.
    @inlinable
    public mutating func update(buffer input: UnsafeRawBufferPointer) {
        var offset = 0
        let count = input.count
        if buffered > 0 {
            let take = min(Self.rate - buffered, count)
            for i in 0..<take { buffer[buffered + i] = input[i] }
            buffered += take
            offset = take
            guard buffered == Self.rate else { return }
            buffer.withUnsafeBytes { absorbBlock($0, at: 0) }
            buffered = 0
        }
        while count - offset >= Self.rate {
            absorbBlock(input, at: offset)
            offset += Self.rate
        }
        for i in offset..<count { buffer[i - offset] = input[i] }
        buffered = count - offset
    }

    /// Pads (`0x01 … 0x80`), absorbs the last block and returns the 32-byte digest. The hasher is consumed.
    @inlinable
    public consuming func finalize() -> [UInt8] {
        for i in buffered..<Self.rate { buffer[i] = 0 }
        buffer[buffered] ^= 0x01
        buffer[Self.rate - 1] ^= 0x80
        buffer.withUnsafeBytes { absorbBlock($0, at: 0) }
        var out = [UInt8](repeating: 0, count: 32)
        let lanes = (state.l00, state.l01, state.l02, state.l03)
        withUnsafeBytes(of: lanes) { raw in
            for i in 0..<32 { out[i] = raw[i] }
        }
        // Lanes are little-endian byte strings (FIPS 202 §3.1.2); the raw copy above assumes a little-endian host.
        #if _endian(big)
            for lane in 0..<4 { out[(lane * 8)..<(lane * 8 + 8)].reverse() }
        #endif
        return out
    }

    /// XORs one 136-byte block (17 little-endian lanes) into the state and permutes.
    @inlinable
    mutating func absorbBlock(_ input: UnsafeRawBufferPointer, at offset: Int) {
        @inline(__always) func lane(_ i: Int) -> UInt64 {
            UInt64(littleEndian: input.loadUnaligned(fromByteOffset: offset &+ i &* 8, as: UInt64.self))
        }
        state.l00 ^= lane(0)
        state.l01 ^= lane(1)
        state.l02 ^= lane(2)
        state.l03 ^= lane(3)
        state.l04 ^= lane(4)
        state.l05 ^= lane(5)
        state.l06 ^= lane(6)
        state.l07 ^= lane(7)
        state.l08 ^= lane(8)
        state.l09 ^= lane(9)
        state.l10 ^= lane(10)
        state.l11 ^= lane(11)
        state.l12 ^= lane(12)
        state.l13 ^= lane(13)
        state.l14 ^= lane(14)
        state.l15 ^= lane(15)
        state.l16 ^= lane(16)
        state.permute()
    }
}
