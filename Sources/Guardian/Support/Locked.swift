import Foundation

// MARK: - Locked value

/// A value guarded by a mutex, for the few pieces of shared mutable state the service keeps (rate-limit buckets, the
/// key ring, the per-wallet gates). Critical sections are short and never suspend.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    @inline(__always)
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
