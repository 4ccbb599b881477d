import CoreMetrics
import Metrics

// MARK: - Metrics hooks

/// What the guardian reports for monitoring. Every method has an empty default, so an implementation overrides only
/// what it records. ``SwiftMetricsGuardianMetrics`` forwards to swift-metrics (and so to Prometheus, StatsD, OTel).
///
/// Calls happen on the request path: implementations must be cheap and must not block.
public protocol GuardianMetrics: Sendable {
    /// A capsule ended (completed or failed); the timeline has the outcome, the failure code and the timings.
    func capsuleFinished(_ timeline: CapsuleTimeline)
    /// A request was refused by a rate limit.
    func rateLimited(_ scope: RateLimitScope)
    /// A wrong code locked (or disabled) a wallet.
    func walletLocked(consecutiveFailures: Int, disabled: Bool)
    /// A sign-in attempt ended; `failure` is nil on success.
    func loginFinished(failure: GuardianError.Code?)
}

extension GuardianMetrics {
    public func capsuleFinished(_ timeline: CapsuleTimeline) {}
    public func rateLimited(_ scope: RateLimitScope) {}
    public func walletLocked(consecutiveFailures: Int, disabled: Bool) {}
    public func loginFinished(failure: GuardianError.Code?) {}
}

/// Records nothing.
public struct NoGuardianMetrics: GuardianMetrics {
    public init() {}
}

// MARK: - swift-metrics

/// Forwards to swift-metrics under a label prefix (default `chronoguard`):
///
/// | metric | type | dimensions |
/// |---|---|---|
/// | `<prefix>_cosign_total` | counter | `outcome` = `completed` or the failure code |
/// | `<prefix>_cosign_duration_seconds` | timer | `outcome` = `completed` / `failed` |
/// | `<prefix>_rate_limited_total` | counter | `scope` |
/// | `<prefix>_wallet_lockouts_total` | counter | `kind` = `locked` / `disabled` |
/// | `<prefix>_login_total` | counter | `outcome` = `succeeded` or the failure code |
///
/// Handles are created once, up front: the hot path only increments.
public struct SwiftMetricsGuardianMetrics: GuardianMetrics {
    private let cosignCompleted: Counter
    private let cosignFailed: [GuardianError.Code: Counter]
    private let completedDuration: Timer
    private let failedDuration: Timer
    private let rateLimitedCounters: [RateLimitScope: Counter]
    private let locked: Counter
    private let disabled: Counter
    private let loginSucceeded: Counter
    private let loginFailed: [GuardianError.Code: Counter]

    /// Creates every metric handle under `prefix`; requires `MetricsSystem.bootstrap` to have run.
    public init(prefix: String = "chronoguard") {
        cosignCompleted = Counter(label: "\(prefix)_cosign_total", dimensions: [("outcome", "completed")])
        cosignFailed = Dictionary(
            uniqueKeysWithValues: GuardianError.Code.allCases.map {
                ($0, Counter(label: "\(prefix)_cosign_total", dimensions: [("outcome", $0.rawValue)]))
            })
        completedDuration = Timer(label: "\(prefix)_cosign_duration_seconds", dimensions: [("outcome", "completed")])
        failedDuration = Timer(label: "\(prefix)_cosign_duration_seconds", dimensions: [("outcome", "failed")])
        rateLimitedCounters = Dictionary(
            uniqueKeysWithValues: RateLimitScope.allCases.map {
                ($0, Counter(label: "\(prefix)_rate_limited_total", dimensions: [("scope", $0.rawValue)]))
            })
        locked = Counter(label: "\(prefix)_wallet_lockouts_total", dimensions: [("kind", "locked")])
        disabled = Counter(label: "\(prefix)_wallet_lockouts_total", dimensions: [("kind", "disabled")])
        loginSucceeded = Counter(label: "\(prefix)_login_total", dimensions: [("outcome", "succeeded")])
        loginFailed = Dictionary(
            uniqueKeysWithValues: GuardianError.Code.allCases.map {
                ($0, Counter(label: "\(prefix)_login_total", dimensions: [("outcome", $0.rawValue)]))
            })
    }

    public func capsuleFinished(_ timeline: CapsuleTimeline) {
        let nanoseconds = timeline.entries.last?.offsetNanoseconds ?? 0
        if let failure = timeline.failure {
            cosignFailed[failure]?.increment()
            failedDuration.recordNanoseconds(nanoseconds)
        } else {
            cosignCompleted.increment()
            completedDuration.recordNanoseconds(nanoseconds)
        }
    }

    public func rateLimited(_ scope: RateLimitScope) { rateLimitedCounters[scope]?.increment() }

    public func walletLocked(consecutiveFailures: Int, disabled isDisabled: Bool) {
        (isDisabled ? disabled : locked).increment()
    }

    public func loginFinished(failure: GuardianError.Code?) {
        if let failure { loginFailed[failure]?.increment() } else { loginSucceeded.increment() }
    }
}
