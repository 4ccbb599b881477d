import Foundation
import Guardian
import Prometheus

// MARK: - Domain metrics into Prometheus

/// The guardian's ``GuardianMetrics`` hooks written straight into the server's Prometheus registry (no global
/// `MetricsSystem` bootstrap, so several servers — tests — can live in one process):
///
/// | metric | type | labels |
/// |---|---|---|
/// | `chronoguard_cosign_total` | counter | `outcome` = `completed` or the failure code |
/// | `chronoguard_cosign_duration_seconds` | histogram | `outcome` = `completed` / `failed` |
/// | `chronoguard_rate_limited_total` | counter | `scope` = `wallet` / `client_ip` / `api_key` |
/// | `chronoguard_wallet_lockouts_total` | counter | `kind` = `locked` / `disabled` |
/// | `chronoguard_login_total` | counter | `outcome` = `succeeded` or the failure code |
///
/// Every handle is created up front, so the request path only increments.
public struct PrometheusGuardianMetrics: GuardianMetrics {
    /// Capsule latency buckets: 250 µs to 1 s, roughly ×2.5 per bucket (the capsule's target is single-digit ms).
    static let cosignBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2_500), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
    ]

    /// Metric names: `chronoguard_<name>_<unit>` (Prometheus naming: base unit suffix, `_total` for counters).
    enum Names {
        static var cosign: MetricNameDescriptor {
            MetricNameDescriptor(
                namespace: "chronoguard", metricName: "cosign", unitName: "total",
                helpText: "Cosign capsules by outcome.")
        }
        static var cosignDuration: MetricNameDescriptor {
            MetricNameDescriptor(
                namespace: "chronoguard", metricName: "cosign_duration", unitName: "seconds",
                helpText: "Cosign capsule duration.")
        }
        static var rateLimited: MetricNameDescriptor {
            MetricNameDescriptor(
                namespace: "chronoguard", metricName: "rate_limited", unitName: "total",
                helpText: "Requests refused by a rate limit.")
        }
        static var lockouts: MetricNameDescriptor {
            MetricNameDescriptor(
                namespace: "chronoguard", metricName: "wallet_lockouts", unitName: "total",
                helpText: "Wallets locked or disabled by wrong codes.")
        }
        static var login: MetricNameDescriptor {
            MetricNameDescriptor(
                namespace: "chronoguard", metricName: "login", unitName: "total",
                helpText: "Sign-in verifications by outcome.")
        }
    }

    private let completed: Counter
    private let failed: [GuardianError.Code: Counter]
    private let completedDuration: DurationHistogram
    private let failedDuration: DurationHistogram
    private let rateLimitedCounters: [RateLimitScope: Counter]
    private let locked: Counter
    private let disabled: Counter
    private let loginSucceeded: Counter
    private let loginFailed: [GuardianError.Code: Counter]

    public init(registry: PrometheusCollectorRegistry) {
        completed = registry.makeCounter(descriptor: Names.cosign, labels: [("outcome", "completed")])
        failed = Dictionary(
            uniqueKeysWithValues: GuardianError.Code.allCases.map {
                ($0, registry.makeCounter(descriptor: Names.cosign, labels: [("outcome", $0.rawValue)]))
            })
        completedDuration = registry.makeDurationHistogram(
            descriptor: Names.cosignDuration, labels: [("outcome", "completed")], buckets: Self.cosignBuckets)
        failedDuration = registry.makeDurationHistogram(
            descriptor: Names.cosignDuration, labels: [("outcome", "failed")], buckets: Self.cosignBuckets)
        rateLimitedCounters = Dictionary(
            uniqueKeysWithValues: RateLimitScope.allCases.map {
                ($0, registry.makeCounter(descriptor: Names.rateLimited, labels: [("scope", $0.rawValue)]))
            })
        locked = registry.makeCounter(descriptor: Names.lockouts, labels: [("kind", "locked")])
        disabled = registry.makeCounter(descriptor: Names.lockouts, labels: [("kind", "disabled")])
        loginSucceeded = registry.makeCounter(descriptor: Names.login, labels: [("outcome", "succeeded")])
        loginFailed = Dictionary(
            uniqueKeysWithValues: GuardianError.Code.allCases.map {
                ($0, registry.makeCounter(descriptor: Names.login, labels: [("outcome", $0.rawValue)]))
            })
    }

    public func capsuleFinished(_ timeline: CapsuleTimeline) {
        if let failure = timeline.failure {
            failed[failure]?.increment()
            failedDuration.record(timeline.duration)
        } else {
            completed.increment()
            completedDuration.record(timeline.duration)
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
