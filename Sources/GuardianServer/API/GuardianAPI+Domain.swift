import ChainKit
import Foundation
import Guardian
import GuardianAPI

// MARK: - Wire models ⇄ domain

// The wire models live in GuardianAPI, which knows nothing of the domain; these conversions are the server's.

extension GuardianAPI.Policy {
    /// The wire form of a domain policy (lists sorted).
    init(_ policy: TransactionPolicy) {
        self.init(
            spendingLimits: policy.spendingLimits.map {
                GuardianAPI.SpendingLimit(asset: $0.asset.text, period: $0.period.rawValue, amount: String($0.amount))
            },
            allowedDestinations: policy.allowedDestinations.map { $0.sorted().map(\.base58) },
            allowedPrograms: policy.allowedPrograms.sorted().map(\.base58))
    }

    /// The domain policy; a value that does not parse is a 400 naming its field (under `policy.`), a policy that
    /// breaks a rule (duplicate limit, list too long) is the domain's 422 `invalid_policy`.
    func domain() throws -> TransactionPolicy {
        var limits: [Guardian.SpendingLimit] = []
        for (index, limit) in spendingLimits.enumerated() {
            let field = "policy.spendingLimits[\(index)]"
            guard let asset = PolicyAsset(text: limit.asset) else {
                throw APIError.invalidRequest(
                    "Field `\(field).asset` must be \"SOL\" or a token mint's Base58 address.", field: field + ".asset")
            }
            guard let period = SpendingPeriod(rawValue: limit.period) else {
                throw APIError.invalidRequest(
                    "Field `\(field).period` must be \"day\" or \"week\".", field: field + ".period")
            }
            guard let amount = PolicyAmount.parse(limit.amount) else {
                throw APIError.invalidRequest(
                    "Field `\(field).amount` must be a decimal string of an unsigned 64-bit integer (lamports for SOL, base units for a token), such as \"5000000000\".",
                    field: field + ".amount")
            }
            limits.append(Guardian.SpendingLimit(asset: asset, period: period, amount: amount))
        }
        func keys(_ texts: [String], _ name: String) throws -> Set<SolanaPublicKey> {
            var keys = Set<SolanaPublicKey>()
            for (index, text) in texts.enumerated() {
                guard text.utf8.count <= 44, let key = SolanaPublicKey(text) else {
                    throw APIError.invalidRequest(
                        "Field `policy.\(name)[\(index)]` must be a Base58 Solana address.",
                        field: "policy.\(name)[\(index)]")
                }
                keys.insert(key)
            }
            return keys
        }
        let destinations = try allowedDestinations.map { try keys($0, "allowedDestinations") }
        return try TransactionPolicy(
            spendingLimits: limits, allowedDestinations: destinations,
            allowedPrograms: keys(allowedPrograms, "allowedPrograms"))
    }
}

extension GuardianAPI.PolicyResponse {
    /// The wire form of a wallet's policy status.
    init(_ status: WalletPolicyStatus) {
        self.init(
            wallet: status.wallet.base58, active: status.active.map(GuardianAPI.Policy.init),
            pending: status.pending.map {
                GuardianAPI.PendingPolicy(policy: $0.policy.map(GuardianAPI.Policy.init), effectiveAt: $0.effectiveAt)
            },
            usage: status.usage.map {
                GuardianAPI.SpendingLimitUsage(
                    asset: $0.limit.asset.text, period: $0.limit.period.rawValue, limit: String($0.limit.amount),
                    spent: String($0.spent), remaining: String($0.remaining))
            },
            revision: status.revision, asOf: status.at)
    }
}
