import ChainKit
import Foundation
import Guardian
import NIOCore
import PostgresNIO

// MARK: - Governance and recovery codes

extension PostgresGuardianStore {
    public func governance(_ wallet: SolanaPublicKey) async throws -> GovernanceRecord? {
        try await database.session { sql in try await Self.readGovernance(sql, wallet) }
    }

    public func recoveryCodes(_ wallet: SolanaPublicKey) async throws -> RecoveryCodeSet? {
        try await database.session { sql in
            let rows = try await sql.rows(
                """
                SELECT code_index, set_id, salt, scrypt_log_n, scrypt_r, scrypt_p, hash, created_at_ms, used_at_ms
                FROM recovery_codes WHERE wallet = \(PostgresStoreSQL.buffer(wallet)) ORDER BY code_index
                """)
            let codes = try rows.map { row in
                let (index, setID, salt, logN, r, p, hash, createdAt, usedAt) = try row.decode(
                    (Int64, String, ByteBuffer, Int64, Int64, Int64, ByteBuffer, Int64, Int64?).self)
                guard let logN = Int(exactly: logN), let r = Int(exactly: r), let p = Int(exactly: p) else {
                    throw GuardianStoreError(
                        .corrupt, "recovery code of wallet \(wallet) has out-of-range scrypt costs")
                }
                return (
                    index: index, setID: setID, salt: PostgresStoreSQL.bytes(salt),
                    parameters: ScryptParameters(logN: logN, r: r, p: p), hash: PostgresStoreSQL.bytes(hash),
                    createdAt: PostgresStoreSQL.date(createdAt), usedAt: usedAt.map(PostgresStoreSQL.date)
                )
            }
            guard let first = codes.first else { return nil }
            guard
                codes.enumerated().allSatisfy({
                    $0.element.index == Int64($0.offset) && $0.element.setID == first.setID
                })
            else {
                throw GuardianStoreError(.corrupt, "recovery codes of wallet \(wallet) do not form one set")
            }
            return RecoveryCodeSet(
                id: first.setID, salt: first.salt, parameters: first.parameters, hashes: codes.map(\.hash),
                usedAt: codes.map(\.usedAt), createdAt: first.createdAt)
        }
    }

    public func commitAuthorized(_ commit: AuthorizedCommit, audit: AuditAppend) async throws -> AuthorizedCommitOutcome
    {
        let at = PostgresStoreSQL.milliseconds(commit.at)
        do {
            return try await database.write { sql in
                // Every refusal throws `Refusal`: the transaction rolls back, so a proof consumed before a later check
                // fails is restored (nothing half-written).
                let wallet = PostgresStoreSQL.buffer(commit.wallet)
                guard
                    let (state, activatedAt) = try await sql.first(
                        "SELECT state, activated_at_ms FROM wallets WHERE wallet = \(wallet) FOR NO KEY UPDATE",
                        as: (String, Int64?).self)
                else { throw Refusal(.walletNotActive) }
                if case .reenroll = commit.change {
                    // re-enrolling again before confirming is fine
                    guard activatedAt != nil else { throw Refusal(.walletNotActive) }
                } else if state != EnrollmentState.active.rawValue {
                    throw Refusal(.walletNotActive)
                }
                for proof in commit.proofs {
                    switch proof {
                    case .totpStep(let step):
                        let stored = try PostgresStoreSQL.storedStep(step)
                        guard
                            try await PostgresStoreSQL.burnStep(
                                sql, wallet: commit.wallet, step: stored, activeOnly: false)
                        else { throw Refusal(.stepAlreadyUsed) }
                    case .recoveryCode(let setID, let index):
                        let changed = try await sql.count(
                            """
                            UPDATE recovery_codes SET used_at_ms = \(at)
                            WHERE wallet = \(wallet) AND code_index = \(Int64(index)) AND set_id = \(setID) AND used_at_ms IS NULL
                            RETURNING 1
                            """)
                        guard changed == 1 else { throw Refusal(.recoveryCodeUsed) }
                    case .challenge(let id):
                        let changed = try await sql.count(
                            """
                            UPDATE challenges SET consumed_at_ms = \(at)
                            WHERE id = \(id) AND wallet = \(wallet) AND consumed_at_ms IS NULL RETURNING 1
                            """)
                        guard changed == 1 else { throw Refusal(.challengeUsed) }
                    case .session(let condition):
                        guard try await PostgresStoreSQL.sessionIsLive(sql, condition) else {
                            throw Refusal(.sessionEnded)
                        }
                    }
                }
                if let sequence = commit.sequence {
                    let changed = try await sql.count(
                        """
                        UPDATE governance SET sequence = \(try PostgresStoreSQL.storedSequence(sequence.new))
                        WHERE wallet = \(wallet) AND sequence = \(try PostgresStoreSQL.storedSequence(sequence.expected))
                        RETURNING 1
                        """)
                    guard changed == 1 else {
                        let current = try await sql.value(
                            "SELECT sequence FROM governance WHERE wallet = \(wallet)", as: Int64.self)
                        throw Refusal(.sequenceConflict(current: current.flatMap { UInt64(exactly: $0) }))
                    }
                }
                try await Self.apply(commit.change, sql, wallet: commit.wallet)
                try await sql.append(audit)
                return AuthorizedCommitOutcome.committed
            }
        } catch let refusal as Refusal {
            return refusal.outcome
        }
    }

    private static func apply(
        _ change: AuthorizedCommit.Change, _ sql: PostgresSession, wallet walletKey: SolanaPublicKey
    )
        async throws
    {
        let wallet = PostgresStoreSQL.buffer(walletKey)
        switch change {
        case .none:
            break
        case .migrate(let record):
            // The wallet row is locked, so no concurrent migration of this wallet can insert between check and insert.
            let inserted = try await sql.count(
                """
                INSERT INTO governance (wallet, sequence, migrated_at_ms)
                VALUES (\(wallet), \(try PostgresStoreSQL.storedSequence(record.sequence)), \(PostgresStoreSQL.milliseconds(record.migratedAt)))
                ON CONFLICT (wallet) DO NOTHING RETURNING 1
                """)
            guard inserted == 1 else { throw Refusal(.alreadyMigrated) }
        case .scheduleRotation(let rotation):
            let changed = try await sql.count(
                """
                UPDATE governance SET rotation_id = \(rotation.id), rotation_kind = \(rotation.kind.rawValue),
                    rotation_new_key = \(PostgresStoreSQL.buffer(rotation.newGuardianPublicKey)),
                    rotation_sealed_seed = \(ByteBuffer(bytes: rotation.sealedNewGuardianSeed)),
                    rotation_sequence = \(try PostgresStoreSQL.storedSequence(rotation.sequence)),
                    rotation_scheduled_at_ms = \(PostgresStoreSQL.milliseconds(rotation.scheduledAt)),
                    rotation_execute_after_ms = \(PostgresStoreSQL.milliseconds(rotation.executeAfter))
                WHERE wallet = \(wallet) AND rotation_id IS NULL
                RETURNING 1
                """)
            guard changed == 1 else { throw Refusal(.rotationChanged) }
        case .cancelRotation(let id):
            guard try await clearRotation(sql, wallet: wallet, id: id) else { throw Refusal(.rotationChanged) }
        case .executeRotation(let id, let key, let sealedSeed):
            guard try await clearRotation(sql, wallet: wallet, id: id) else { throw Refusal(.rotationChanged) }
            try await sql.run(
                """
                UPDATE wallets SET guardian_public_key = \(PostgresStoreSQL.buffer(key)), sealed_guardian_seed = \(ByteBuffer(bytes: sealedSeed))
                WHERE wallet = \(wallet)
                """)
        case .replaceRecoveryCodes(let set):
            try await replaceRecoveryCodes(sql, wallet: walletKey, with: set)
        case .reenroll(let sealedSecret, let totp, let at):
            try await sql.run(
                """
                UPDATE wallets SET state = 'pending', sealed_totp_secret = \(ByteBuffer(bytes: sealedSecret)),
                    totp_algorithm = \(totp.algorithm.rawValue), totp_digits = \(Int64(totp.digits)),
                    totp_period = \(Int64(totp.period)), created_at_ms = \(PostgresStoreSQL.milliseconds(at)),
                    consecutive_failures = 0, locked_until_ms = NULL
                WHERE wallet = \(wallet)
                """)
        }
    }

    private static func clearRotation(_ sql: PostgresSession, wallet: ByteBuffer, id: String) async throws -> Bool {
        try await sql.count(
            """
            UPDATE governance SET rotation_id = NULL, rotation_kind = NULL, rotation_new_key = NULL, rotation_sealed_seed = NULL,
                rotation_sequence = NULL, rotation_scheduled_at_ms = NULL, rotation_execute_after_ms = NULL
            WHERE wallet = \(wallet) AND rotation_id = \(id)
            RETURNING 1
            """) == 1
    }

    /// Replaces the wallet's recovery-code rows with `set` (inside the caller's transaction, under the wallet's lock).
    static func replaceRecoveryCodes(_ sql: PostgresSession, wallet: SolanaPublicKey, with set: RecoveryCodeSet)
        async throws
    {
        let walletBuffer = PostgresStoreSQL.buffer(wallet)
        try await sql.run("DELETE FROM recovery_codes WHERE wallet = \(walletBuffer)")
        guard !set.hashes.isEmpty else { return }
        guard set.usedAt.count == set.hashes.count else {
            throw GuardianStoreError(
                .corrupt, "recovery-code set \(set.id) has \(set.usedAt.count) use marks for \(set.hashes.count) codes")
        }
        var text =
            "INSERT INTO recovery_codes (wallet, code_index, set_id, salt, scrypt_log_n, scrypt_r, scrypt_p, hash, created_at_ms, used_at_ms) VALUES "
        var binds = PostgresBindings(capacity: set.hashes.count * 10)
        for (index, hash) in set.hashes.enumerated() {
            let base = index * 10
            text += (index == 0 ? "" : ", ") + "(" + (1...10).map { "$\(base + $0)" }.joined(separator: ", ") + ")"
            binds.append(walletBuffer)
            binds.append(Int64(index))
            binds.append(set.id)
            binds.append(ByteBuffer(bytes: set.salt))
            binds.append(Int64(set.parameters.logN))
            binds.append(Int64(set.parameters.r))
            binds.append(Int64(set.parameters.p))
            binds.append(ByteBuffer(bytes: hash))
            binds.append(PostgresStoreSQL.milliseconds(set.createdAt))
            binds.append(set.usedAt[index].map(PostgresStoreSQL.milliseconds))
        }
        try await sql.run(PostgresQuery(unsafeSQL: text, binds: binds))
    }

    static func readGovernance(_ sql: PostgresSession, _ wallet: SolanaPublicKey) async throws -> GovernanceRecord? {
        guard
            let (sequence, migratedAt, id, kindText, key, seed, rotationSequence, scheduled, executeAfter) =
                try await sql.first(
                    """
                    SELECT sequence, migrated_at_ms, rotation_id, rotation_kind, rotation_new_key, rotation_sealed_seed,
                        rotation_sequence, rotation_scheduled_at_ms, rotation_execute_after_ms
                    FROM governance WHERE wallet = \(PostgresStoreSQL.buffer(wallet))
                    """,
                    as: (Int64, Int64, String?, String?, ByteBuffer?, ByteBuffer?, Int64?, Int64?, Int64?).self)
        else { return nil }
        var rotation: PendingRotation?
        if let id {
            guard let kind = kindText.flatMap(RotationKind.init(rawValue:)), let key, let seed,
                let rotationSequence = rotationSequence.flatMap({ UInt64(exactly: $0) }), let scheduled,
                let executeAfter
            else {
                throw GuardianStoreError(.corrupt, "pending rotation of wallet \(wallet) is incomplete")
            }
            rotation = PendingRotation(
                id: id, kind: kind, newGuardianPublicKey: try PostgresStoreSQL.publicKey(PostgresStoreSQL.bytes(key)),
                sealedNewGuardianSeed: PostgresStoreSQL.bytes(seed), sequence: rotationSequence,
                scheduledAt: PostgresStoreSQL.date(scheduled), executeAfter: PostgresStoreSQL.date(executeAfter))
        }
        guard let sequence = UInt64(exactly: sequence) else {
            throw GuardianStoreError(.corrupt, "governance sequence of wallet \(wallet) is negative")
        }
        return GovernanceRecord(
            wallet: wallet, sequence: sequence, migratedAt: PostgresStoreSQL.date(migratedAt),
            pendingRotation: rotation)
    }
}

// MARK: - Refusals

/// Thrown inside a transaction to roll it back and report an outcome.
private struct Refusal: Error {
    let outcome: AuthorizedCommitOutcome
    init(_ outcome: AuthorizedCommitOutcome) { self.outcome = outcome }
}
