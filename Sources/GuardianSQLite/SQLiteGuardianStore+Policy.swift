import ChainKit
import Foundation
import Guardian

// MARK: - Transaction policies

extension SQLiteGuardianStore {
    public func policyState(wallet: SolanaPublicKey) async throws -> PolicyState {
        try readers.read { db in try Self.readPolicyState(db, wallet) }
    }

    public func capsuleState(_ wallet: SolanaPublicKey) async throws -> (record: WalletRecord, policy: PolicyState)? {
        try readers.read { db in
            // One read transaction: one snapshot, and one page-cache validation for both lookups.
            try db.run("BEGIN")
            defer { _ = try? db.run("COMMIT") }
            return try Self.readCapsuleState(db, wallet)
        }
    }

    /// The wallet record and its policy state, inside the caller's read transaction; nil when there is no wallet.
    static func readCapsuleState(_ db: SQLiteHandle, _ wallet: SolanaPublicKey) throws -> (
        record: WalletRecord, policy: PolicyState
    )? {
        guard let record = try readWallet(db, wallet) else { return nil }
        return (record, try readPolicyState(db, wallet))
    }

    public func spendRecords(wallet: SolanaPublicKey, after date: Date) async throws -> [SpendRecord] {
        try readers.read { db in try Self.readSpends(db, wallet, after: date) }
    }

    public func updatePolicy(
        _ update: PolicyUpdate, sealer: AuditSealer, audit: @escaping @Sendable (PolicyState) -> [AuditEvent]
    ) async throws -> PolicyUpdateOutcome {
        let step = try Self.storedStep(update.step)
        return try await writer.write { context in
            let db = context.connection
            if let condition = update.session, try !Self.sessionIsLive(db, condition) { return .sessionEnded }
            // The same compare-and-set as a cosign's burn: a code is never usable twice, whatever it was used for.
            guard try Self.burnStep(db, wallet: update.wallet, step: step, condition: " AND state = 'active'") else {
                let row = try db.queryOne(
                    "SELECT state, last_accepted_step FROM wallets WHERE wallet = ?", [.blob(update.wallet.bytes)]
                ) { ($0.text(0), $0.optionalInt64(1)) }
                guard let row, row.0 == EnrollmentState.active.rawValue else { return .walletNotActive }
                return .stepAlreadyUsed(lastAccepted: row.1.map { UInt64($0) })
            }
            // Recomputed from the stored state inside the transaction: concurrent updates compose.
            let state = try Self.readPolicyState(db, update.wallet).updated(with: update.policy, at: update.at)
            try db.run(
                """
                INSERT INTO wallet_policies (wallet, revision, active_policy, pending_policy, pending_effective_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(wallet) DO UPDATE SET revision = excluded.revision, active_policy = excluded.active_policy,
                    pending_policy = excluded.pending_policy, pending_effective_at_ms = excluded.pending_effective_at_ms, updated_at_ms = excluded.updated_at_ms
                """,
                [
                    .blob(update.wallet.bytes), .integer(state.revision), .optional(try state.active?.storedJSON()),
                    .optional(try state.pending?.policy?.storedJSON()),
                    .optional(state.pending.map { Self.milliseconds($0.effectiveAt) }),
                    .integer(Self.milliseconds(update.at)),
                ])
            try context.append(audit(state), sealer: sealer)
            return .updated(state)
        }
    }

    public func purgeSpendRecords(through date: Date) async throws -> Int {
        let cutoff = Self.milliseconds(date)
        return try await writer.write { context in
            try context.connection.run("DELETE FROM policy_spends WHERE at_ms <= ?", [.integer(cutoff)])
        }
    }

    // MARK: Inside the commit

    /// The outcome that stops a cosign commit under its policy conditions, read inside the write transaction.
    static func policyRefusal(_ db: SQLiteHandle, _ commit: CosignCommit) throws -> CosignCommitOutcome? {
        guard let check = commit.policy else { return nil }
        let now = commit.record.createdAt
        let revision =
            try db.queryOne("SELECT revision FROM wallet_policies WHERE wallet = ?", [.blob(commit.wallet.bytes)]) {
                $0.int64(0)
            } ?? 0
        let records = check.limits.isEmpty ? [] : try readSpends(db, commit.wallet, after: check.horizon(at: now))
        return check.refusal(storedRevision: revision, records: records, at: now)
    }

    /// Writes the commit's spends, one row per asset, at the record's time.
    static func insertSpends(_ db: SQLiteHandle, _ commit: CosignCommit) throws {
        for spend in commit.policy?.spends ?? [] where spend.amount > 0 {
            try db.run(
                "INSERT INTO policy_spends (operation_id, wallet, asset, amount, at_ms) VALUES (?, ?, ?, ?, ?)",
                [
                    .text(commit.record.operationID), .blob(commit.wallet.bytes), .text(spend.asset.text),
                    .text(String(spend.amount)),
                    .integer(milliseconds(commit.record.createdAt)),
                ])
        }
    }

    // MARK: Reading

    static func readPolicyState(_ db: SQLiteHandle, _ wallet: SolanaPublicKey) throws -> PolicyState {
        try db.queryOne(
            "SELECT revision, active_policy, pending_policy, pending_effective_at_ms FROM wallet_policies WHERE wallet = ?",
            [.blob(wallet.bytes)]
        ) { row in
            do {
                let active = try row.optionalText(1).map { try TransactionPolicy(storedJSON: $0) }
                let pending = try row.optionalInt64(3).map {
                    PendingPolicy(
                        policy: try row.optionalText(2).map { try TransactionPolicy(storedJSON: $0) },
                        effectiveAt: date($0))
                }
                return PolicyState(active: active, pending: pending, revision: row.int64(0))
            } catch {
                throw GuardianStoreError(.corrupt, "stored policy does not decode: \(error)")
            }
        } ?? .none
    }

    static func readSpends(_ db: SQLiteHandle, _ wallet: SolanaPublicKey, after date: Date) throws -> [SpendRecord] {
        try db.query(
            "SELECT operation_id, asset, amount, at_ms FROM policy_spends WHERE wallet = ? AND at_ms > ? ORDER BY at_ms",
            [.blob(wallet.bytes), .integer(milliseconds(date))]
        ) { row in
            guard let asset = PolicyAsset(text: row.text(1)), let amount = PolicyAmount.parse(row.text(2)) else {
                throw GuardianStoreError(.corrupt, "stored spend has an unknown asset or amount")
            }
            return SpendRecord(
                operationID: row.text(0), wallet: wallet, asset: asset, amount: amount, at: Self.date(row.int64(3)))
        }
    }
}
