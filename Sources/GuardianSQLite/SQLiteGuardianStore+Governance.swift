import ChainKit
import Foundation
import Guardian

// MARK: - Governance and recovery codes

extension SQLiteGuardianStore {
    public func governance(_ wallet: SolanaPublicKey) async throws -> GovernanceRecord? {
        try readers.read { db in try Self.readGovernance(db, wallet) }
    }

    public func recoveryCodes(_ wallet: SolanaPublicKey) async throws -> RecoveryCodeSet? {
        try readers.read { db in
            let rows = try db.query(
                """
                SELECT code_index, set_id, salt, scrypt_log_n, scrypt_r, scrypt_p, hash, created_at_ms, used_at_ms
                FROM recovery_codes WHERE wallet = ? ORDER BY code_index
                """, [.blob(wallet.bytes)]
            ) { row in
                (
                    index: row.int64(0), setID: row.text(1), salt: row.blob(2),
                    parameters: ScryptParameters(logN: Int(row.int64(3)), r: Int(row.int64(4)), p: Int(row.int64(5))),
                    hash: row.blob(6), createdAt: Self.date(row.int64(7)), usedAt: row.optionalInt64(8).map(Self.date)
                )
            }
            guard let first = rows.first else { return nil }
            guard
                rows.enumerated().allSatisfy({ $0.element.index == Int64($0.offset) && $0.element.setID == first.setID }
                )
            else {
                throw GuardianStoreError(.corrupt, "recovery codes of wallet \(wallet) do not form one set")
            }
            return RecoveryCodeSet(
                id: first.setID, salt: first.salt, parameters: first.parameters, hashes: rows.map(\.hash),
                usedAt: rows.map(\.usedAt), createdAt: first.createdAt)
        }
    }

    public func commitAuthorized(_ commit: AuthorizedCommit, audit: AuditAppend) async throws -> AuthorizedCommitOutcome
    {
        let at = Self.milliseconds(commit.at)
        do {
            return try await writer.write { context in
                // Every refusal throws `Refusal`: the writer then rolls this mutation back to its savepoint, so a
                // proof consumed before a later check fails is restored (nothing half-written).
                let db = context.connection
                let wallet = SQLiteValue.blob(commit.wallet.bytes)
                guard
                    let row = try db.queryOne(
                        "SELECT state, activated_at_ms FROM wallets WHERE wallet = ?", [wallet],
                        { ($0.text(0), $0.optionalInt64(1)) })
                else {
                    throw Refusal(.walletNotActive)
                }
                if case .reenroll = commit.change {
                    // re-enrolling again before confirming is fine
                    guard row.1 != nil else { throw Refusal(.walletNotActive) }
                } else if row.0 != EnrollmentState.active.rawValue {
                    throw Refusal(.walletNotActive)
                }
                for proof in commit.proofs {
                    switch proof {
                    case .totpStep(let step):
                        let stored = try Self.storedStep(step)
                        guard try Self.burnStep(db, wallet: commit.wallet, step: stored) else {
                            throw Refusal(.stepAlreadyUsed)
                        }
                    case .recoveryCode(let setID, let index):
                        let changed = try db.run(
                            "UPDATE recovery_codes SET used_at_ms = ? WHERE wallet = ? AND code_index = ? AND set_id = ? AND used_at_ms IS NULL",
                            [.integer(at), wallet, .integer(Int64(index)), .text(setID)])
                        guard changed == 1 else { throw Refusal(.recoveryCodeUsed) }
                    case .challenge(let id):
                        let changed = try db.run(
                            "UPDATE challenges SET consumed_at_ms = ? WHERE id = ? AND wallet = ? AND consumed_at_ms IS NULL",
                            [.integer(at), .text(id), wallet])
                        guard changed == 1 else { throw Refusal(.challengeUsed) }
                    case .session(let condition):
                        guard try Self.sessionIsLive(db, condition) else { throw Refusal(.sessionEnded) }
                    }
                }
                if let sequence = commit.sequence {
                    let changed = try db.run(
                        "UPDATE governance SET sequence = ? WHERE wallet = ? AND sequence = ?",
                        [
                            .integer(try Self.storedSequence(sequence.new)), wallet,
                            .integer(try Self.storedSequence(sequence.expected)),
                        ])
                    guard changed == 1 else {
                        let current = try db.queryOne("SELECT sequence FROM governance WHERE wallet = ?", [wallet]) {
                            UInt64($0.int64(0))
                        }
                        throw Refusal(.sequenceConflict(current: current))
                    }
                }
                try Self.apply(commit.change, db, wallet: commit.wallet)
                try context.append(audit)
                return AuthorizedCommitOutcome.committed
            }
        } catch let refusal as Refusal {
            return refusal.outcome
        }
    }

    private static func apply(_ change: AuthorizedCommit.Change, _ db: SQLiteHandle, wallet walletKey: SolanaPublicKey)
        throws
    {
        let wallet = SQLiteValue.blob(walletKey.bytes)
        switch change {
        case .none:
            break
        case .migrate(let record):
            guard try db.queryOne("SELECT 1 FROM governance WHERE wallet = ?", [wallet], { _ in true }) == nil else {
                throw Refusal(.alreadyMigrated)
            }
            try db.run(
                "INSERT INTO governance (wallet, sequence, migrated_at_ms) VALUES (?, ?, ?)",
                [wallet, .integer(try storedSequence(record.sequence)), .integer(milliseconds(record.migratedAt))])
        case .scheduleRotation(let rotation):
            let changed = try db.run(
                """
                UPDATE governance SET rotation_id = ?, rotation_kind = ?, rotation_new_key = ?, rotation_sealed_seed = ?, rotation_sequence = ?,
                    rotation_scheduled_at_ms = ?, rotation_execute_after_ms = ?
                WHERE wallet = ? AND rotation_id IS NULL
                """,
                [
                    .text(rotation.id), .text(rotation.kind.rawValue), .blob(rotation.newGuardianPublicKey.bytes),
                    .blob(rotation.sealedNewGuardianSeed),
                    .integer(try storedSequence(rotation.sequence)), .integer(milliseconds(rotation.scheduledAt)),
                    .integer(milliseconds(rotation.executeAfter)), wallet,
                ])
            guard changed == 1 else { throw Refusal(.rotationChanged) }
        case .cancelRotation(let id):
            guard try clearRotation(db, wallet: wallet, id: id) else { throw Refusal(.rotationChanged) }
        case .executeRotation(let id, let key, let sealedSeed):
            guard try clearRotation(db, wallet: wallet, id: id) else { throw Refusal(.rotationChanged) }
            try db.run(
                "UPDATE wallets SET guardian_public_key = ?, sealed_guardian_seed = ? WHERE wallet = ?",
                [.blob(key.bytes), .blob(sealedSeed), wallet])
        case .replaceRecoveryCodes(let set):
            try replaceRecoveryCodes(db, wallet: walletKey, with: set)
        case .reenroll(let sealedSecret, let totp, let at):
            try db.run(
                """
                UPDATE wallets SET state = 'pending', sealed_totp_secret = ?, totp_algorithm = ?, totp_digits = ?, totp_period = ?,
                    created_at_ms = ?, consecutive_failures = 0, locked_until_ms = NULL
                WHERE wallet = ?
                """,
                [
                    .blob(sealedSecret), .text(totp.algorithm.rawValue), .integer(Int64(totp.digits)),
                    .integer(Int64(totp.period)), .integer(milliseconds(at)), wallet,
                ])
        }
    }

    private static func clearRotation(_ db: SQLiteHandle, wallet: SQLiteValue, id: String) throws -> Bool {
        try db.run(
            """
            UPDATE governance SET rotation_id = NULL, rotation_kind = NULL, rotation_new_key = NULL, rotation_sealed_seed = NULL, rotation_sequence = NULL,
                rotation_scheduled_at_ms = NULL, rotation_execute_after_ms = NULL
            WHERE wallet = ? AND rotation_id = ?
            """, [wallet, .text(id)]) == 1
    }

    /// Replaces the wallet's recovery-code rows with `set` (inside the caller's transaction).
    static func replaceRecoveryCodes(_ db: SQLiteHandle, wallet: SolanaPublicKey, with set: RecoveryCodeSet) throws {
        try db.run("DELETE FROM recovery_codes WHERE wallet = ?", [.blob(wallet.bytes)])
        for (index, hash) in set.hashes.enumerated() {
            try db.run(
                """
                INSERT INTO recovery_codes (wallet, code_index, set_id, salt, scrypt_log_n, scrypt_r, scrypt_p, hash, created_at_ms, used_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .blob(wallet.bytes), .integer(Int64(index)), .text(set.id), .blob(set.salt),
                    .integer(Int64(set.parameters.logN)),
                    .integer(Int64(set.parameters.r)), .integer(Int64(set.parameters.p)), .blob(hash),
                    .integer(milliseconds(set.createdAt)),
                    .optional(set.usedAt[index].map(milliseconds)),
                ])
        }
    }

    static func readGovernance(_ db: SQLiteHandle, _ wallet: SolanaPublicKey) throws -> GovernanceRecord? {
        try db.queryOne(
            """
            SELECT sequence, migrated_at_ms, rotation_id, rotation_kind, rotation_new_key, rotation_sealed_seed, rotation_sequence,
                rotation_scheduled_at_ms, rotation_execute_after_ms
            FROM governance WHERE wallet = ?
            """, [.blob(wallet.bytes)]
        ) { row in
            var rotation: PendingRotation?
            if let id = row.optionalText(2) {
                guard let kind = row.optionalText(3).flatMap(RotationKind.init(rawValue:)),
                    let key = row.optionalBlob(4), let seed = row.optionalBlob(5),
                    let sequence = row.optionalInt64(6), let scheduled = row.optionalInt64(7),
                    let executeAfter = row.optionalInt64(8)
                else {
                    throw GuardianStoreError(.corrupt, "pending rotation of wallet \(wallet) is incomplete")
                }
                rotation = PendingRotation(
                    id: id, kind: kind, newGuardianPublicKey: try publicKey(key), sealedNewGuardianSeed: seed,
                    sequence: UInt64(sequence),
                    scheduledAt: date(scheduled), executeAfter: date(executeAfter))
            }
            return GovernanceRecord(
                wallet: wallet, sequence: UInt64(row.int64(0)), migratedAt: date(row.int64(1)),
                pendingRotation: rotation)
        }
    }

    static func storedSequence(_ sequence: UInt64) throws -> Int64 {
        guard sequence <= UInt64(Int64.max) else {
            throw GuardianStoreError(.corrupt, "governance sequence \(sequence) exceeds the storable range")
        }
        return Int64(sequence)
    }
}

// MARK: - Refusals

/// Thrown inside a write to roll the mutation back and report an outcome.
private struct Refusal: Error {
    let outcome: AuthorizedCommitOutcome
    init(_ outcome: AuthorizedCommitOutcome) { self.outcome = outcome }
}
