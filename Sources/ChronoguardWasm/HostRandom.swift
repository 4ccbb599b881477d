// MARK: - Randomness and output from the host (WASI preview 1)

/// The host's CSPRNG through WASI `random_get` (a browser shim maps it to `crypto.getRandomValues`), buffered.
///
/// There is no fallback: ``refill()`` reports failure before proving starts; should a refill fail in the middle of a
/// proof, the generator hands out zeros and sets ``failed``, and the caller discards the proof (``cgProve(_:_:_:)``)
/// — it never leaves the module.
struct HostRandom: RandomNumberGenerator {
    /// Buffered random bytes (the two proof scalars need 64 with rejection sampling's rare redraws).
    private var buffer = [UInt8](repeating: 0, count: 256)
    /// Next unread byte in ``buffer``.
    private var position = 256
    /// Whether any `random_get` call failed.
    private(set) var failed = false

    /// Fills the buffer from the host; false (and ``failed``) when the host refuses.
    mutating func refill() -> Bool {
        let status = buffer.withUnsafeMutableBufferPointer { cg_wasi_random_get($0.baseAddress, UInt32($0.count)) }
        guard status == 0 else {
            failed = true
            return false
        }
        position = 0
        return true
    }

    mutating func next() -> UInt64 {
        if position + 8 > buffer.count, !refill() {
            buffer = [UInt8](repeating: 0, count: buffer.count)
            position = 0
        }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(buffer[position + i]) &<< UInt64(8 * i) }
        position += 8
        return value
    }
}

/// `putchar(3)` for the Swift runtime's fatal-error messages: bytes are collected per line and written to stderr
/// (WASI `fd_write` on descriptor 2), where a host can report them before throwing the trapped instance away.
@_cdecl("putchar")
public func putchar(_ character: Int32) -> Int32 {
    Stderr.append(UInt8(truncatingIfNeeded: character))
    return character
}

/// A fixed line buffer for ``putchar(_:)`` (no heap: it may run while the heap is what failed).
enum Stderr {
    /// Bytes collected so far in the static line buffer.
    nonisolated(unsafe) static var count: UInt32 = 0
    /// The line buffer (256 bytes of static storage).
    nonisolated(unsafe) static var line:
        (
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
        ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    static func append(_ byte: UInt8) {
        withUnsafeMutableBytes(of: &line) { buffer in
            buffer[Int(count)] = byte
            count += 1
            if byte == 0x0A || Int(count) == buffer.count {
                var vector = cg_wasi_ciovec(
                    buf: UnsafePointer(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)), buf_len: count)
                var written: UInt32 = 0
                _ = cg_wasi_fd_write(2, &vector, 1, &written)
                count = 0
            }
        }
    }
}

/// Nanoseconds on the host's monotonic clock (WASI `clock_time_get`), 0 if it has none.
@_expose(wasm, "cg_monotonic_nanos")
@_cdecl("cg_monotonic_nanos")
public func cgMonotonicNanos() -> Int64 {
    var time: UInt64 = 0
    guard cg_wasi_clock_time_get(1, 1000, &time) == 0 else { return 0 }
    return Int64(bitPattern: time)
}
