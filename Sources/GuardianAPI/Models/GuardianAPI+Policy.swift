import ChainKit
import Foundation

// MARK: - Policy wire models

extension GuardianAPI {
    /// A transaction policy as JSON (openapi.json `Policy`). Amounts are decimal strings: a `u64` exceeds JSON's safe
    /// integers (RFC 8259 §6).
    public struct Policy: Codable, Sendable, Hashable {
        /// Spending limits; absent means none.
        public var spendingLimits: [SpendingLimit]
        /// Allowed destinations (Base58); absent or null allows any destination.
        public var allowedDestinations: [String]?
        /// Programs allowed beyond those Chronoguard prices (Base58); absent means none.
        public var allowedPrograms: [String]

        public init(
            spendingLimits: [SpendingLimit] = [], allowedDestinations: [String]? = nil, allowedPrograms: [String] = []
        ) {
            self.spendingLimits = spendingLimits
            self.allowedDestinations = allowedDestinations
            self.allowedPrograms = allowedPrograms
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case spendingLimits, allowedDestinations, allowedPrograms }

        public init(from decoder: any Decoder) throws {
            let container = try StrictJSON.container(decoder, keyedBy: CodingKeys.self)
            spendingLimits = try container.decodeIfPresent([SpendingLimit].self, forKey: .spendingLimits) ?? []
            allowedDestinations = try container.decodeIfPresent([String].self, forKey: .allowedDestinations)
            allowedPrograms = try container.decodeIfPresent([String].self, forKey: .allowedPrograms) ?? []
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(spendingLimits, forKey: .spendingLimits)
            try container.encode(allowedDestinations, forKey: .allowedDestinations)
            try container.encode(allowedPrograms, forKey: .allowedPrograms)
        }
    }

    /// One spending limit as JSON.
    public struct SpendingLimit: Codable, Sendable, Hashable {
        /// `SOL` or a mint's Base58 address.
        public var asset: String
        /// `day` (rolling 86,400 s) or `week` (rolling 604,800 s).
        public var period: String
        /// Decimal string: lamports for SOL, raw base units for a token.
        public var amount: String

        public init(asset: String, period: String, amount: String) {
            self.asset = asset
            self.period = period
            self.amount = amount
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case asset, period, amount }

        public init(from decoder: any Decoder) throws {
            let container = try StrictJSON.container(decoder, keyedBy: CodingKeys.self)
            asset = try container.decode(String.self, forKey: .asset)
            period = try container.decode(String.self, forKey: .period)
            amount = try container.decode(String.self, forKey: .amount)
        }
    }

    /// `PUT /v1/wallets/{wallet}/policy` request: the policy wanted (null removes it) and a fresh code.
    public struct PolicyUpdateRequest: Codable, Sendable, Hashable {
        /// The policy the owner wants; null removes the policy (loosening: applies after 24 hours).
        public var policy: Policy?
        /// The code the authenticator app shows.
        public var code: String

        public init(policy: Policy?, code: String) {
            self.policy = policy
            self.code = code
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case policy, code }

        public init(from decoder: any Decoder) throws {
            let container = try StrictJSON.container(decoder, keyedBy: CodingKeys.self)
            // Required, but may be null: an absent key is more likely a mistake than a wish to remove the policy.
            guard container.contains(.policy) else {
                throw DecodingError.keyNotFound(
                    CodingKeys.policy, .init(codingPath: container.codingPath, debugDescription: "policy is required"))
            }
            policy = try container.decodeNil(forKey: .policy) ? nil : container.decode(Policy.self, forKey: .policy)
            code = try container.decode(String.self, forKey: .code)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(policy, forKey: .policy)
            try container.encode(code, forKey: .code)
        }
    }

    /// A looser policy waiting for its time.
    public struct PendingPolicy: Codable, Sendable, Hashable {
        /// The policy that will apply; null: the policy will be removed.
        public var policy: Policy?
        /// When it applies.
        public var effectiveAt: Date

        public init(policy: Policy?, effectiveAt: Date) {
            self.policy = policy
            self.effectiveAt = effectiveAt
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(policy, forKey: .policy)
            try container.encode(effectiveAt, forKey: .effectiveAt)
        }
    }

    /// One active limit with its current window.
    public struct SpendingLimitUsage: Codable, Sendable, Hashable {
        public var asset: String
        public var period: String
        /// The limit (decimal string).
        public var limit: String
        /// Spent in the rolling window by committed cosigns (decimal string).
        public var spent: String
        /// What may still be spent now (decimal string).
        public var remaining: String

        public init(asset: String, period: String, limit: String, spent: String, remaining: String) {
            self.asset = asset
            self.period = period
            self.limit = limit
            self.spent = spent
            self.remaining = remaining
        }
    }

    /// `GET` and `PUT /v1/wallets/{wallet}/policy` response.
    public struct PolicyResponse: Codable, Sendable, Hashable {
        public var wallet: String
        /// The policy in force; null: none.
        public var active: Policy?
        /// A looser policy and when it applies; null: nothing pending.
        public var pending: PendingPolicy?
        /// Usage of each active spending limit.
        public var usage: [SpendingLimitUsage]
        /// +1 per update; 0 when the wallet never had a policy.
        public var revision: Int64
        /// The instant the usage describes.
        public var asOf: Date

        public init(
            wallet: String, active: Policy?, pending: PendingPolicy?, usage: [SpendingLimitUsage], revision: Int64,
            asOf: Date
        ) {
            self.wallet = wallet
            self.active = active
            self.pending = pending
            self.usage = usage
            self.revision = revision
            self.asOf = asOf
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(wallet, forKey: .wallet)
            try container.encode(active, forKey: .active)
            try container.encode(pending, forKey: .pending)
            try container.encode(usage, forKey: .usage)
            try container.encode(revision, forKey: .revision)
            try container.encode(asOf, forKey: .asOf)
        }
    }
}
