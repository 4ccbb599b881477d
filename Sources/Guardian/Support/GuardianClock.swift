import Foundation

// MARK: - Clock

/// The wall clock the guardian reads whenever time matters: TOTP steps (RFC 6238 §4.2), challenge and session expiry,
/// lockouts, rate-limit refills, and (later) governance timelocks.
///
/// Inject ``ManualClock`` in tests to move time without waiting; production uses ``SystemClock``.
public protocol GuardianClock: Sendable {
    /// The current instant.
    func now() -> Date
}

extension GuardianClock {
    /// The current Unix time in whole seconds, floored (the `Current Unix time` of RFC 6238 §4.2).
    public func unixSeconds() -> Int64 { Int64(now().timeIntervalSince1970.rounded(.down)) }
}

/// The system's real-time clock.
public struct SystemClock: GuardianClock {
    public init() {}
    /// `Date()`.
    public func now() -> Date { Date() }
}

/// A clock that only moves when told to: for tests and simulations of timelocks and lockouts.
public final class ManualClock: GuardianClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    /// Starts the clock at `start`.
    public init(_ start: Date) { self.current = start }

    /// Starts the clock at a Unix time in seconds.
    public convenience init(unixSeconds: Int64) { self.init(Date(timeIntervalSince1970: TimeInterval(unixSeconds))) }

    public func now() -> Date { lock.withLock { current } }

    /// Moves the clock forward (or backward, for clock-skew tests) by `seconds`.
    public func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }

    /// Sets the clock to `date`.
    public func set(_ date: Date) { lock.withLock { current = date } }
}
