import ChainKit
import Foundation
import Guardian
import NIOCore
import PostgresNIO

// MARK: - Transaction policies

extension PostgresGuardianStore {
    public func policyState(wallet: SolanaPublicKey) async throws -> PolicyState {
        try await database.session { sql in try await Self.readPolicyState(sql, wallet) }
    }

    /// The wallet and its policy in one statement: one snapshot, one round trip.
    public func capsuleState(_ wallet: SolanaPublicKey) async throws -> (record: WalletRecord, policy: PolicyState)? {
        try await database.session { sql in
            let columns = PostgresStoreSQL.walletColumns.split(separator: ",").map {
                "w." + $0.trimmingCharacters(in: .whitespaces)
            }
            .joined(separator: ", ")
            guard
                let row = try await sql.rows(
                    """
                    SELECT \(unescaped: columns), p.revision, p.active_policy, p.pending_policy, p.pending_effective_at_ms
                    FROM wallets w LEFT JOIN wallet_policies p ON p.wallet = w.wallet
                    WHERE w.wallet = \(PostgresStoreSQL.buffer(wallet))
                    """
                ).first
            else { return nil }
            let record = try PostgresStoreSQL.decodeWallet(row, wallet)
            let cells = Array(row)
            guard cells.count == 19 else {
                throw GuardianStoreError(.corrupt, "capsule row has \(cells.count) columns")
            }
            let revision = try cells[15].decode(Int64?.self)
            let policy = try Self.policyState(
                revision: revision, active: cells[16].decode(String?.self), pending: cells[17].decode(String?.self),
                pendingEffectiveAt: cells[18].decode(Int64?.self))
            return (record, policy)
        }
    }

    public func spendRecords(wallet: SolanaPublicKey, after date: Date) async throws -> [SpendRecord] {
        try await database.session { sql in try await Self.readSpends(sql, wallet, after: date) }
    }

    public func updatePolicy(
        _ update: PolicyUpdate, sealer: AuditSealer, audit: @escaping @Sendable (PolicyState) -> [AuditEvent]
    ) async throws -> PolicyUpdateOutcome {
        let step = try PostgresStoreSQL.storedStep(update.step)
        return try await database.write { sql in
            if let condition = update.session, try await !PostgresStoreSQL.sessionIsLive(sql, condition) {
                return .sessionEnded
            }
            // The same compare-and-set as a cosign's burn: a code is never usable twice, whatever it was used for. It
            // also locks the wallet row, so the policy read below is the latest and concurrent updates compose.
            guard try await PostgresStoreSQL.burnStep(sql, wallet: update.wallet, step: step, activeOnly: true) else {
                let row = try await sql.first(
                    "SELECT state, last_accepted_step FROM wallets WHERE wallet = \(PostgresStoreSQL.buffer(update.wallet))",
                    as: (String, Int64?).self)
                guard let row, row.0 == EnrollmentState.active.rawValue else { return .walletNotActive }
                return .stepAlreadyUsed(lastAccepted: try row.1.map(PostgresStoreSQL.unsignedStep))
            }
            let state = try await Self.readPolicyState(sql, update.wallet).updated(with: update.policy, at: update.at)
            let active: String?
            let pending: String?
            do {
                active = try state.active?.storedJSON()
                pending = try state.pending?.policy?.storedJSON()
            } catch {
                throw GuardianStoreError(.corrupt, "the policy does not encode: \(error)")
            }
            try await sql.run(
                """
                INSERT INTO wallet_policies (wallet, revision, active_policy, pending_policy, pending_effective_at_ms, updated_at_ms)
                VALUES (\(PostgresStoreSQL.buffer(update.wallet)), \(state.revision), \(active), \(pending),
                    \(state.pending.map { PostgresStoreSQL.milliseconds($0.effectiveAt) }), \(PostgresStoreSQL.milliseconds(update.at)))
                ON CONFLICT (wallet) DO UPDATE SET revision = excluded.revision, active_policy = excluded.active_policy,
                    pending_policy = excluded.pending_policy, pending_effective_at_ms = excluded.pending_effective_at_ms,
                    updated_at_ms = excluded.updated_at_ms
                """)
            try await sql.append(audit(state), sealer: sealer)
            return .updated(state)
        }
    }

    public func purgeSpendRecords(through date: Date) async throws -> Int {
        let cutoff = PostgresStoreSQL.milliseconds(date)
        return try await database.write { sql in
            try await sql.count("DELETE FROM policy_spends WHERE at_ms <= \(cutoff) RETURNING 1")
        }
    }

    // MARK: Inside the commit

    /// The outcome that stops a cosign commit under its policy conditions, read inside the transaction after the
    /// wallet row was locked.
    static func policyRefusal(_ sql: PostgresSession, _ commit: CosignCommit) async throws -> CosignCommitOutcome? {
        guard let check = commit.policy else { return nil }
        let now = commit.record.createdAt
        let revision =
            try await sql.value(
                "SELECT revision FROM wallet_policies WHERE wallet = \(PostgresStoreSQL.buffer(commit.wallet))",
                as: Int64.self) ?? 0
        let records =
            check.limits.isEmpty ? [] : try await readSpends(sql, commit.wallet, after: check.horizon(at: now))
        return check.refusal(storedRevision: revision, records: records, at: now)
    }

    /// Writes the commit's spends, one row per asset, at the record's time.
    static func insertSpends(_ sql: PostgresSession, _ commit: CosignCommit) async throws {
        for spend in commit.policy?.spends ?? [] where spend.amount > 0 {
            try await sql.run(
                """
                INSERT INTO policy_spends (operation_id, wallet, asset, amount, at_ms)
                VALUES (\(commit.record.operationID), \(PostgresStoreSQL.buffer(commit.wallet)), \(spend.asset.text),
                    \(String(spend.amount)), \(PostgresStoreSQL.milliseconds(commit.record.createdAt)))
                """)
        }
    }

    // MARK: Reading

    static func readPolicyState(_ sql: PostgresSession, _ wallet: SolanaPublicKey) async throws -> PolicyState {
        guard
            let (revision, active, pending, effectiveAt) = try await sql.first(
                "SELECT revision, active_policy, pending_policy, pending_effective_at_ms FROM wallet_policies WHERE wallet = \(PostgresStoreSQL.buffer(wallet))",
                as: (Int64, String?, String?, Int64?).self)
        else { return .none }
        return try policyState(revision: revision, active: active, pending: pending, pendingEffectiveAt: effectiveAt)
    }

    /// A policy state from its stored columns (``PolicyState/none`` without a row).
    static func policyState(revision: Int64?, active: String?, pending: String?, pendingEffectiveAt: Int64?) throws
        -> PolicyState
    {
        guard let revision else { return .none }
        do {
            let active = try active.map { try TransactionPolicy(storedJSON: $0) }
            let pending = try pendingEffectiveAt.map {
                PendingPolicy(
                    policy: try pending.map { try TransactionPolicy(storedJSON: $0) },
                    effectiveAt: PostgresStoreSQL.date($0))
            }
            return PolicyState(active: active, pending: pending, revision: revision)
        } catch {
            throw GuardianStoreError(.corrupt, "stored policy does not decode: \(error)")
        }
    }

    static func readSpends(_ sql: PostgresSession, _ wallet: SolanaPublicKey, after date: Date) async throws
        -> [SpendRecord]
    {
        let rows = try await sql.rows(
            """
            SELECT operation_id, asset, amount, at_ms FROM policy_spends
            WHERE wallet = \(PostgresStoreSQL.buffer(wallet)) AND at_ms > \(PostgresStoreSQL.milliseconds(date)) ORDER BY at_ms
            """)
        return try rows.map { row in
            let (operationID, assetText, amountText, at) = try row.decode((String, String, String, Int64).self)
            guard let asset = PolicyAsset(text: assetText), let amount = PolicyAmount.parse(amountText) else {
                throw GuardianStoreError(.corrupt, "stored spend has an unknown asset or amount")
            }
            return SpendRecord(
                operationID: operationID, wallet: wallet, asset: asset, amount: amount,
                at: PostgresStoreSQL.date(at))
        }
    }
}
