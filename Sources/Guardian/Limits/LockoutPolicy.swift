import Foundation

// MARK: - Lockout

/// Progressive lockout after consecutive wrong codes (NIST SP 800-63B §5.2.2 "Rate Limiting (Throttling)").
///
/// The first ``freeFailures`` wrong codes in a row cost nothing (typos happen); each further one locks the wallet for
/// ``initialLock`` doubling per failure, capped at ``maximumLock``. With the defaults: failures 1–2 free, then 1, 2, 4,
/// 8, 16, 32 minutes, then 60 minutes each. At ``disableAfter`` consecutive failures the wallet is disabled until an
/// operator unlocks it: §5.2.2 requires limiting consecutive failed attempts on one account to no more than 100.
/// A correct code resets the count. Over 100 guesses at 3 candidate codes each (±1 step) an attacker's chance is
/// at most 300 / 10^6.
public struct LockoutPolicy: Sendable, Hashable {
    /// Wrong codes tolerated before the first lock (seed 002 allows 3 attempts; the 3rd wrong one locks).
    public var freeFailures: Int
    /// The first lock: 60 s.
    public var initialLock: TimeInterval
    /// The longest lock: 3,600 s (1 hour).
    public var maximumLock: TimeInterval
    /// Consecutive failures that disable the wallet: 100 (NIST SP 800-63B §5.2.2).
    public var disableAfter: Int

    /// The defaults are the policy; see the properties.
    public init(
        freeFailures: Int = 2, initialLock: TimeInterval = 60, maximumLock: TimeInterval = 3_600,
        disableAfter: Int = 100
    ) {
        self.freeFailures = max(0, freeFailures)
        self.initialLock = initialLock
        self.maximumLock = max(initialLock, maximumLock)
        self.disableAfter = max(1, disableAfter)
    }

    /// How long the `failures`-th consecutive wrong code locks the wallet; nil when it does not.
    /// `initialLock · 2^(failures − freeFailures − 1)`, capped at ``maximumLock``.
    public func lockDuration(afterConsecutiveFailures failures: Int) -> TimeInterval? {
        guard failures > freeFailures else { return nil }
        let doublings = failures - freeFailures - 1
        // 2^62 would overflow nothing in Double, but stop doubling once past the cap anyway.
        var duration = initialLock
        for _ in 0..<min(doublings, 62) where duration < maximumLock { duration *= 2 }
        return min(duration, maximumLock)
    }

    /// The state after one more wrong code at `now`.
    public func afterFailure(_ state: LockoutState, at now: Date) -> LockoutState {
        let failures = state.consecutiveFailures + 1
        let lockedUntil = lockDuration(afterConsecutiveFailures: failures).map { now.addingTimeInterval($0) }
        return LockoutState(consecutiveFailures: failures, lockedUntil: lockedUntil)
    }

    /// Whether `state` refuses codes at `now`: disabled, or locked until after `now`.
    public func refusesCodes(_ state: LockoutState, at now: Date) -> Bool {
        LockoutCondition(at: now, disableAfter: disableAfter).refuses(state)
    }

    /// Whether `state` means the wallet is disabled (no expiry).
    public func isDisabled(_ state: LockoutState) -> Bool { state.consecutiveFailures >= disableAfter }

    /// Seconds until a locked wallet accepts codes again at `now` (rounded up), nil when not locked.
    public func retryAfter(_ state: LockoutState, at now: Date) -> Int? {
        guard let until = state.lockedUntil, until > now else { return nil }
        return Swift.max(1, Int(saturatingSecondsUp: until.timeIntervalSince(now)))
    }

    /// How many more wrong codes lock the wallet, for the error message (0: it is locked now).
    func remainingBeforeLock(_ state: LockoutState) -> Int {
        max(0, freeFailures + 1 - state.consecutiveFailures)
    }
}
