import ChainKit
import Foundation

// MARK: - Assets and periods

/// What a spending limit counts: SOL (in lamports) or one SPL token mint (in the mint's raw base units).
public enum PolicyAsset: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Native SOL, counted in lamports (1 SOL = 10^9 lamports).
    case sol
    /// An SPL Token or Token-2022 mint, counted in raw base units (`amount` of `TransferChecked`).
    case token(mint: SolanaPublicKey)

    /// Lamports per SOL: 10^9 (`solana_native_token::LAMPORTS_PER_SOL`), i.e. 9 decimals.
    public static let solDecimals: UInt8 = 9

    /// `SOL`, or the mint's Base58 address: the stable text used in JSON, storage and audit events.
    public var text: String {
        switch self {
        case .sol: "SOL"
        case .token(let mint): mint.base58
        }
    }

    /// Parses ``text``; nil for anything else.
    public init?(text: String) {
        if text == "SOL" {
            self = .sol
            return
        }
        guard text.utf8.count <= 44, let mint = SolanaPublicKey(text) else { return nil }
        self = .token(mint: mint)
    }

    public var description: String {
        switch self {
        case .sol: "SOL"
        case .token(let mint): "token \(mint)"
        }
    }

    /// SOL first, then mints by address.
    public static func < (lhs: PolicyAsset, rhs: PolicyAsset) -> Bool {
        switch (lhs, rhs) {
        case (.sol, .token): true
        case (.token(let a), .token(let b)): a < b
        default: false
        }
    }
}

/// The rolling window a spending limit covers.
public enum SpendingPeriod: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    /// The last 24 hours: 86,400 s.
    case day
    /// The last 7 days: 604,800 s (7 × 86,400).
    case week

    /// The window's length in seconds.
    public var seconds: Int64 {
        switch self {
        case .day: 86_400
        case .week: 604_800
        }
    }

    /// `24-hour` or `7-day`, for messages.
    public var label: String { self == .day ? "24-hour" : "7-day" }

    public static func < (lhs: SpendingPeriod, rhs: SpendingPeriod) -> Bool { lhs.seconds < rhs.seconds }
}

/// At most `amount` of `asset` may leave the wallet within any rolling `period`.
public struct SpendingLimit: Hashable, Sendable {
    /// What is counted.
    public var asset: PolicyAsset
    /// The rolling window.
    public var period: SpendingPeriod
    /// The most that may be spent in the window: lamports for SOL, base units for a token.
    public var amount: UInt64

    /// A limit of `amount` per `period` for `asset`.
    public init(asset: PolicyAsset, period: SpendingPeriod, amount: UInt64) {
        self.asset = asset
        self.period = period
        self.amount = amount
    }

    /// The rule a limit implements: one per asset and period.
    public struct Key: Hashable, Sendable, Comparable {
        public let asset: PolicyAsset
        public let period: SpendingPeriod
        public static func < (lhs: Key, rhs: Key) -> Bool { (lhs.asset, lhs.period) < (rhs.asset, rhs.period) }
    }

    /// The asset and period.
    public var key: Key { Key(asset: asset, period: period) }
}

// MARK: - Policy

/// A wallet's transaction policy, evaluated inside the capsule before the code is checked (see `docs/policies.md`).
///
/// Once a wallet has a policy, every instruction of a transaction it asks the guardian to co-sign must be one that
/// Chronoguard decodes and prices (System transfers and account creations, SPL Token / Token-2022 transfers, plus the
/// harmless Associated Token Account creations, Compute Budget settings and memos) or belong to an allow-listed
/// program. Value that decoded instructions move out of the wallet counts against the spending limits and must go to
/// an allowed destination.
///
/// The rules follow the controls of Squads spending limits, Argent daily limits and Fireblocks/Coinbase policy rules.
/// Values are canonical: limits sorted by asset then period, one per (asset, period).
public struct TransactionPolicy: Hashable, Sendable {
    /// The spending limits, sorted by asset then period (at most one per pair).
    public let spendingLimits: [SpendingLimit]
    /// Where value may go (for SOL the receiving account, for tokens the destination token account); nil allows any
    /// destination.
    public let allowedDestinations: Set<SolanaPublicKey>?
    /// Programs whose instructions are allowed even though Chronoguard cannot price them (their effects are not
    /// counted against the limits).
    public let allowedPrograms: Set<SolanaPublicKey>

    /// Most spending limits in one policy: 32 (16 assets × 2 periods; bounds the work per cosign).
    public static let maximumSpendingLimits = 32
    /// Most allowed destinations: 256.
    public static let maximumDestinations = 256
    /// Most allowed programs: 64 (a transaction can name at most 64 accounts in a legacy message anyway).
    public static let maximumPrograms = 64

    /// A validated policy.
    /// - Throws: `invalid_policy` when two limits cover the same asset and period, or a list exceeds its maximum.
    public init(
        spendingLimits: [SpendingLimit] = [], allowedDestinations: Set<SolanaPublicKey>? = nil,
        allowedPrograms: Set<SolanaPublicKey> = []
    ) throws(GuardianError) {
        guard spendingLimits.count <= Self.maximumSpendingLimits else {
            throw GuardianError(
                .invalidPolicy,
                "A policy may have at most \(Self.maximumSpendingLimits) spending limits; \(spendingLimits.count) were given."
            )
        }
        var seen = Set<SpendingLimit.Key>()
        for limit in spendingLimits where !seen.insert(limit.key).inserted {
            throw GuardianError(
                .invalidPolicy,
                "Two spending limits cover \(limit.asset) per \(limit.period.rawValue); keep one limit per asset and period."
            )
        }
        guard (allowedDestinations?.count ?? 0) <= Self.maximumDestinations else {
            throw GuardianError(
                .invalidPolicy,
                "A policy may allow at most \(Self.maximumDestinations) destinations; \(allowedDestinations?.count ?? 0) were given."
            )
        }
        guard allowedPrograms.count <= Self.maximumPrograms else {
            throw GuardianError(
                .invalidPolicy,
                "A policy may allow at most \(Self.maximumPrograms) programs; \(allowedPrograms.count) were given.")
        }
        self.init(
            canonical: spendingLimits.sorted { $0.key < $1.key }, allowedDestinations: allowedDestinations,
            allowedPrograms: allowedPrograms)
    }

    private init(
        canonical limits: [SpendingLimit], allowedDestinations: Set<SolanaPublicKey>?,
        allowedPrograms: Set<SolanaPublicKey>
    ) {
        self.spendingLimits = limits
        self.allowedDestinations = allowedDestinations
        self.allowedPrograms = allowedPrograms
    }

    /// The limit for `asset` over `period`, if any.
    public func limit(_ asset: PolicyAsset, per period: SpendingPeriod) -> UInt64? {
        spendingLimits.first { $0.asset == asset && $0.period == period }?.amount
    }

    /// Whether some limit counts a token (then token `Transfer`, which names no mint, cannot be priced).
    public var hasTokenLimits: Bool {
        spendingLimits.contains { if case .token = $0.asset { true } else { false } }
    }

    // MARK: Tighter of two

    /// The per-rule tighter of two policies, where nil (no policy) is the loosest: every limit of either (the smaller
    /// amount when both limit the same asset and period), the intersection of the destination allow-lists (nil allows
    /// any), the intersection of the program allow-lists.
    public static func tighter(_ a: TransactionPolicy?, _ b: TransactionPolicy?) -> TransactionPolicy? {
        guard let a else { return b }
        guard let b else { return a }
        var limits: [SpendingLimit.Key: SpendingLimit] = [:]
        for limit in a.spendingLimits + b.spendingLimits {
            if let existing = limits[limit.key], existing.amount <= limit.amount { continue }
            limits[limit.key] = limit
        }
        let destinations: Set<SolanaPublicKey>?
        switch (a.allowedDestinations, b.allowedDestinations) {
        case (nil, let other), (let other, nil): destinations = other
        case (let x?, let y?): destinations = x.intersection(y)
        }
        return TransactionPolicy(
            canonical: limits.values.sorted { $0.key < $1.key }, allowedDestinations: destinations,
            allowedPrograms: a.allowedPrograms.intersection(b.allowedPrograms))
    }

    /// Whether `candidate` is at least as tight as `current` in every rule (so it may apply at once).
    public static func isAtLeastAsTight(_ candidate: TransactionPolicy?, as current: TransactionPolicy?) -> Bool {
        tighter(current, candidate) == candidate
    }
}

// MARK: - Policy state

/// A policy waiting for its time: loosening applies 24 hours after it was asked for.
public struct PendingPolicy: Hashable, Sendable {
    /// The policy that will apply (nil: the wallet will have no policy).
    public let policy: TransactionPolicy?
    /// When it applies.
    public let effectiveAt: Date

    public init(policy: TransactionPolicy?, effectiveAt: Date) {
        self.policy = policy
        self.effectiveAt = effectiveAt
    }
}

/// A wallet's policy as stored: the active policy, an optional pending (looser) one, and a revision that every
/// update increments (the capsule's commit checks it, so a cosign never commits under a policy other than the one it
/// was evaluated against).
public struct PolicyState: Hashable, Sendable {
    /// The policy in force (nil: none; the wallet behaves as if policies did not exist).
    public let active: TransactionPolicy?
    /// A looser policy that replaces ``active`` at its time.
    public let pending: PendingPolicy?
    /// 0 for a wallet that never had a policy; +1 per update.
    public let revision: Int64

    /// How long loosening waits: 24 hours (86,400 s), as Argent applies daily-limit increases after 24 hours.
    public static let looseningDelay: TimeInterval = 86_400

    /// A wallet without policy.
    public static let none = PolicyState(active: nil, pending: nil, revision: 0)

    public init(active: TransactionPolicy?, pending: PendingPolicy?, revision: Int64) {
        self.active = active
        self.pending = pending
        self.revision = revision
    }

    /// The state as it stands at `now`: a pending policy whose time has come (`now ≥ effectiveAt`) is active.
    public func effective(at now: Date) -> PolicyState {
        guard let pending, now >= pending.effectiveAt else { return self }
        return PolicyState(active: pending.policy, pending: nil, revision: revision)
    }

    /// The state after the owner asks for `policy` at `now`: the per-rule tighter of the current policy and
    /// `policy` applies at once; if `policy` is looser anywhere, it becomes pending at `now + 24 h` (replacing any
    /// pending one); otherwise any pending policy is dropped.
    public func updated(with policy: TransactionPolicy?, at now: Date) -> PolicyState {
        let current = effective(at: now).active
        let active = TransactionPolicy.tighter(current, policy)
        // Whole milliseconds: the precision every store keeps, so promotion happens at the same instant in each.
        let effectiveAt = Date(
            timeIntervalSince1970: TimeInterval(AuditEvent.milliseconds(now)) / 1000 + Self.looseningDelay)
        let pending = active == policy ? nil : PendingPolicy(policy: policy, effectiveAt: effectiveAt)
        return PolicyState(active: active, pending: pending, revision: revision + 1)
    }
}
