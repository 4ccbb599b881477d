import Foundation

// MARK: - Rate limiting

/// What a rate limit counts requests by.
public enum RateLimitScope: String, Sendable, Hashable, CaseIterable {
    case wallet
    case clientIP = "client_ip"
    case apiKey = "api_key"
    /// Break-glass validations per wallet: their own, stricter bucket (seed 001 §10.2).
    case breakGlass = "break_glass"

    var noun: String {
        switch self {
        case .wallet: "wallet"
        case .clientIP: "client address"
        case .apiKey: "API key"
        case .breakGlass: "wallet's break-glass validations"
        }
    }
}

/// A token bucket: holds up to ``capacity`` tokens, refills continuously at `capacity / interval` per second, and each
/// request takes one. Bursts up to the capacity pass; the long-run rate is capped at `capacity` per `interval`.
public struct TokenBucketPolicy: Sendable, Hashable {
    /// Tokens the bucket holds when full: the largest burst.
    public var capacity: Double
    /// Seconds to refill an empty bucket completely.
    public var interval: TimeInterval

    /// `capacity` requests per `interval` seconds, e.g. `TokenBucketPolicy(capacity: 10, per: 300)`.
    ///
    /// Not checked here, so a bad value in a configuration cannot trap: ``GuardianService/start(store:keyProvider:configuration:clock:metrics:qrRenderer:rateLimiter:)``
    /// refuses a configuration whose buckets are not ``isValid`` with `invalid_configuration`.
    public init(capacity: Double, per interval: TimeInterval) {
        self.capacity = capacity
        self.interval = interval
    }

    /// Largest capacity and interval accepted: 10^9 (requests, seconds — about 32 years).
    public static let maximumValue: Double = 1e9

    /// Finite, capacity 1…10^9, interval above 0 and at most 10^9 s: a bucket whose arithmetic stays finite.
    public var isValid: Bool {
        capacity.isFinite && interval.isFinite && capacity >= 1 && capacity <= Self.maximumValue
            && interval > 0 && interval <= Self.maximumValue && refillRate.isFinite && refillRate > 0
    }

    /// Tokens per second.
    public var refillRate: Double { capacity / interval }
}

/// The verdict on one request.
public enum RateLimitDecision: Sendable, Hashable {
    case allowed
    /// Refused; a token is available again after this many seconds.
    case limited(retryAfterSeconds: Int)
}

/// Counts requests per key. The in-process ``InMemoryRateLimiter`` is the default; a deployment running several
/// instances behind a load balancer can supply a shared one (Redis, the database) through this protocol.
public protocol RateLimiter: Sendable {
    /// Takes one token from the bucket of (`scope`, `key`) at `now`, or refuses.
    func acquire(_ scope: RateLimitScope, key: String, policy: TokenBucketPolicy, at now: Date) -> RateLimitDecision
}

/// Token buckets in memory, sharded to keep lock contention low under concurrent requests.
///
/// Memory stays bounded: a bucket that has refilled completely is indistinguishable from a new one, so when a shard
/// grows past ``pruneThreshold`` buckets the full ones are dropped.
public final class InMemoryRateLimiter: RateLimiter, Sendable {
    /// Shards: a power of two so the shard is a mask of the key's hash.
    static let shardCount = 16
    /// Buckets per shard before idle (full) ones are pruned.
    public let pruneThreshold: Int

    struct Bucket {
        var tokens: Double
        var updated: TimeInterval
        /// The policy the bucket was last used with, so pruning judges each bucket by its own refill rate.
        var capacity: Double
        var refillRate: Double

        func isFull(at time: TimeInterval) -> Bool { tokens + max(0, time - updated) * refillRate >= capacity }
    }

    struct Key: Hashable {
        let scope: RateLimitScope
        let key: String
    }

    private let shards: [Locked<[Key: Bucket]>]

    /// - Parameter pruneThreshold: buckets per shard (of 16) before full ones are dropped: 65,536.
    public init(pruneThreshold: Int = 65_536) {
        self.pruneThreshold = pruneThreshold
        self.shards = (0..<Self.shardCount).map { _ in Locked([:]) }
    }

    public func acquire(_ scope: RateLimitScope, key: String, policy: TokenBucketPolicy, at now: Date)
        -> RateLimitDecision
    {
        let bucketKey = Key(scope: scope, key: key)
        let shard = shards[bucketKey.hashValue & (Self.shardCount - 1)]
        let time = now.timeIntervalSince1970
        return shard.withLock { buckets in
            var bucket =
                buckets[bucketKey]
                ?? Bucket(
                    tokens: policy.capacity, updated: time, capacity: policy.capacity, refillRate: policy.refillRate)
            bucket.capacity = policy.capacity
            bucket.refillRate = policy.refillRate
            // Refill for the elapsed time; a clock that went backwards refills nothing.
            let elapsed = max(0, time - bucket.updated)
            bucket.tokens = min(policy.capacity, bucket.tokens + elapsed * policy.refillRate)
            bucket.updated = max(bucket.updated, time)
            let decision: RateLimitDecision
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                decision = .allowed
            } else {
                decision = .limited(
                    retryAfterSeconds: max(1, Int(saturatingSecondsUp: (1 - bucket.tokens) / policy.refillRate)))
            }
            buckets[bucketKey] = bucket
            if buckets.count > pruneThreshold {
                buckets = buckets.filter { _, b in !b.isFull(at: time) }
            }
            return decision
        }
    }
}
