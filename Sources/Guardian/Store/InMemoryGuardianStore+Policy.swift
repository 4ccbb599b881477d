import ChainKit
import Foundation

// MARK: - Transaction policies

extension InMemoryGuardianStore {
    public func policyState(wallet: SolanaPublicKey) -> PolicyState { policies[wallet] ?? .none }

    public func spendRecords(wallet: SolanaPublicKey, after date: Date) -> [SpendRecord] {
        let cutoff = AuditEvent.milliseconds(date)
        return spends.filter { $0.wallet == wallet && AuditEvent.milliseconds($0.at) > cutoff }
    }

    public func updatePolicy(
        _ update: PolicyUpdate, sealer: AuditSealer, audit: @escaping @Sendable (PolicyState) -> [AuditEvent]
    ) -> PolicyUpdateOutcome {
        if let condition = update.session, !condition.isSatisfied(by: session(tokenHash: condition.tokenHash)) {
            return .sessionEnded
        }
        guard var record = wallets[update.wallet], record.state == .active else { return .walletNotActive }
        if let last = record.lastAcceptedStep, last >= update.step { return .stepAlreadyUsed(lastAccepted: last) }
        record.lastAcceptedStep = update.step
        record.lockout = .clear
        wallets[update.wallet] = record
        let state = policyState(wallet: update.wallet).updated(with: update.policy, at: update.at)
        policies[update.wallet] = state
        append(audit(state), sealer)
        return .updated(state)
    }

    public func purgeSpendRecords(through date: Date) -> Int {
        let cutoff = AuditEvent.milliseconds(date)
        let before = spends.count
        spends.removeAll { AuditEvent.milliseconds($0.at) <= cutoff }
        return before - spends.count
    }

    /// The policy outcome that stops `commit`, nil when it may proceed (same rules as the SQLite store).
    func policyRefusal(_ commit: CosignCommit) -> CosignCommitOutcome? {
        guard let check = commit.policy else { return nil }
        let now = commit.record.createdAt
        let records = check.limits.isEmpty ? [] : spendRecords(wallet: commit.wallet, after: check.horizon(at: now))
        return check.refusal(storedRevision: policyState(wallet: commit.wallet).revision, records: records, at: now)
    }

    /// Stores the commit's spends, one record per asset.
    func recordSpends(_ commit: CosignCommit) {
        for spend in commit.policy?.spends ?? [] where spend.amount > 0 {
            spends.append(
                SpendRecord(
                    operationID: commit.record.operationID, wallet: commit.wallet, asset: spend.asset,
                    amount: spend.amount, at: commit.record.createdAt))
        }
    }
}
