import ChainKit
import Crypto
import Foundation

// MARK: - Governance results

/// A rotation waiting for its timelock, as clients see it.
public struct RotationStatus: Sendable, Hashable {
    /// Names the rotation in cancel and execute.
    public let id: String
    /// Planned (48 h) or emergency (72 h).
    public let kind: RotationKind
    /// The key that will co-sign after execution.
    public let newGuardianPublicKey: SolanaPublicKey
    /// The sequence number of the scheduling action.
    public let sequence: UInt64
    /// When it was scheduled.
    public let scheduledAt: Date
    /// The earliest execution time.
    public let executeAfter: Date
}

/// A wallet's governance state (seed 001 §8.4 "governance status"). Public: the same facts are on-chain.
public struct GovernanceStatus: Sendable, Hashable {
    /// The wallet.
    public let wallet: SolanaPublicKey
    /// 1 (no governance record) or 2.
    public let version: Int
    /// The last action's sequence number (0 for a v1 wallet).
    public let sequence: UInt64
    /// The sequence number the next action must carry.
    public var nextSequence: UInt64 { sequence + 1 }
    /// The key that co-signs now.
    public let guardianPublicKey: SolanaPublicKey
    /// The rotation waiting for its timelock, if any.
    public let pendingRotation: RotationStatus?
    /// The planned and emergency timelocks, seconds.
    public let plannedRotationDelay: TimeInterval
    public let emergencyRotationDelay: TimeInterval
}

/// The result of a governance action: the new state and the guardian's signed attestation of the action.
public struct GovernanceReceipt: Sendable, Hashable {
    /// The state after the action.
    public let status: GovernanceStatus
    /// Signed with the guardian key that was current when the action was taken.
    public let attestation: SignedAttestation
    /// For an executed rotation with a vault migration: the migration transactions (standard Base64), the outgoing
    /// guardian key's slot filled where it is a signer, in the order given. Empty otherwise.
    public let migrationTransactions: [String]

    public init(status: GovernanceStatus, attestation: SignedAttestation, migrationTransactions: [String] = []) {
        self.status = status
        self.attestation = attestation
        self.migrationTransactions = migrationTransactions
    }
}

// MARK: - Governance

extension GuardianService {
    /// The wallet's governance version, sequence and pending rotation.
    /// - Throws: `invalid_wallet_address`, `not_enrolled`, storage errors.
    public func governanceStatus(wallet walletText: String) async throws(GuardianError) -> GovernanceStatus {
        let wallet = try Self.parseWallet(walletText)
        guard let record = try await storage({ try await store.wallet(wallet) }) else {
            throw GuardianError.notEnrolled
        }
        let governance = try await storage { try await store.governance(wallet) }
        return status(record, governance)
    }

    /// Moves a v1 wallet to v2 (seed 001 §8.3) and creates its governance record; the migration is action number 1.
    ///
    /// - Parameters:
    ///   - sequence: must be 1 (``GovernanceStatus/nextSequence`` of a v1 wallet).
    ///   - code: a TOTP code, burned.
    /// - Throws: `already_migrated`, `sequence_mismatch`, the code's errors, session and storage errors.
    public func migrateGovernance(
        session: Session, wallet walletText: String, sequence: UInt64, code: String, clientIP: String? = nil
    ) async throws(GuardianError) -> GovernanceReceipt {
        try await governanceAction(session: session, wallet: walletText, clientIP: clientIP) {
            () async throws(GuardianError) -> GovernanceReceipt in
            let (record, governance, now) = try await self.loadGovernanceState(walletText)
            guard governance == nil else { throw GuardianError.alreadyMigrated }
            guard sequence == 1 else { throw GuardianError.sequenceMismatch(current: 0) }
            let (proofs, _) = try await self.proofs(for: .totp(code: code), action: .migrate, record: record, at: now)
            let created = GovernanceRecord(wallet: record.wallet, sequence: 1, migratedAt: now, pendingRotation: nil)
            let attestation = try self.attest(.migrate, record: record, sequence: 1, at: now, extra: [:])
            let event = AuditEvent(.governanceMigrated, at: now, wallet: record.wallet, detail: ["sequence": "1"])
            let outcome = try await self.storage {
                try await self.store.commitAuthorized(
                    AuthorizedCommit(
                        wallet: record.wallet, proofs: proofs + [.session(self.live(session))],
                        change: .migrate(created), at: now), audit: self.audit(event))
            }
            try self.check(outcome)
            return GovernanceReceipt(status: self.status(record, created), attestation: attestation)
        }
    }

    /// Schedules a rotation of the guardian key: the guardian generates the next keypair now (sealed like the current
    /// one) and will co-sign with it only after the timelock — 48 h planned, 72 h emergency — and an execute call.
    ///
    /// A planned rotation needs a TOTP code; an emergency one a TOTP code or a recovery code with a signed challenge.
    /// - Throws: `governance_not_enabled`, `sequence_mismatch`, `rotation_pending`, authorisation, session and
    ///   storage errors.
    public func scheduleRotation(
        session: Session, wallet walletText: String, kind: RotationKind, sequence: UInt64,
        authorization: GovernanceAuthorization, clientIP: String? = nil
    ) async throws(GuardianError) -> GovernanceReceipt {
        try await governanceAction(session: session, wallet: walletText, clientIP: clientIP) {
            () async throws(GuardianError) -> GovernanceReceipt in
            let (record, governance, now) = try await self.loadGovernanceState(walletText)
            let current = try self.requireSequence(governance, sequence)
            guard current.pendingRotation == nil else {
                throw GuardianError(
                    .rotationPending,
                    "A rotation is already pending; cancel it first (its id is in the governance status) or wait for it to execute."
                )
            }
            if kind == .planned, case .recoveryCode = authorization {
                throw GuardianError(
                    .invalidRequest,
                    "A planned rotation needs a code from the authenticator app; with a recovery code, schedule an emergency rotation."
                )
            }
            let (proofs, method) = try await self.proofs(
                for: authorization, action: .scheduleRotation, record: record, at: now, client: clientIP)
            let dataKey = try self.dataKey(for: record)
            let next = SolanaKeypair()
            var seed = next.seed
            defer { wipe(&seed) }
            let sealed: [UInt8]
            do {
                sealed = try KeyEnvelope.sealSecret(
                    seed, purpose: .pendingGuardianSeed, wallet: record.wallet, dataKey: dataKey)
            } catch {
                throw .internal("sealing the next guardian key failed")
            }
            let delay =
                kind == .planned
                ? self.configuration.governance.plannedRotationDelay
                : self.configuration.governance.emergencyRotationDelay
            let rotation = PendingRotation(
                id: SecureRandom.hexIdentifier(), kind: kind, newGuardianPublicKey: next.publicKey,
                sealedNewGuardianSeed: sealed,
                sequence: sequence, scheduledAt: now, executeAfter: now.addingTimeInterval(delay))
            let attestation = try self.attest(
                .scheduleRotation, record: record, sequence: sequence, at: now, dataKey: dataKey,
                extra: [
                    "Rotation": kind.rawValue, "Rotation Id": rotation.id, "New Guardian": next.publicKey.base58,
                    "Execute After": SignedAttestation.timestamp(rotation.executeAfter), "Authorized By": method,
                ])
            let event = AuditEvent(
                .rotationScheduled, at: now, wallet: record.wallet,
                detail: [
                    "sequence": String(sequence), "kind": kind.rawValue, "rotation_id": rotation.id,
                    "new_guardian": next.publicKey.base58,
                    "execute_after_ms": String(AuditEvent.milliseconds(rotation.executeAfter)), "authorized_by": method,
                ])
            let commit = AuthorizedCommit(
                wallet: record.wallet, proofs: proofs + [.session(self.live(session))],
                sequence: (current.sequence, sequence), change: .scheduleRotation(rotation), at: now)
            try self.check(
                try await self.storage { try await self.store.commitAuthorized(commit, audit: self.audit(event)) },
                rotationChanged: GuardianError(
                    .rotationPending, "A rotation was scheduled meanwhile; read the governance status."))
            var updated = current
            updated.sequence = sequence
            updated.pendingRotation = rotation
            return GovernanceReceipt(status: self.status(record, updated), attestation: attestation)
        }
    }

    /// Cancels the pending rotation named `rotationID` (any time before it executes).
    /// - Throws: `no_pending_rotation`, `sequence_mismatch`, authorisation, session and storage errors.
    public func cancelRotation(
        session: Session, wallet walletText: String, rotationID: String, sequence: UInt64,
        authorization: GovernanceAuthorization, clientIP: String? = nil
    ) async throws(GuardianError) -> GovernanceReceipt {
        try await governanceAction(session: session, wallet: walletText, clientIP: clientIP) {
            () async throws(GuardianError) -> GovernanceReceipt in
            let (record, governance, now) = try await self.loadGovernanceState(walletText)
            let current = try self.requireSequence(governance, sequence)
            let rotation = try Self.requireRotation(current, id: rotationID)
            let (proofs, method) = try await self.proofs(
                for: authorization, action: .cancelRotation, record: record, at: now, client: clientIP)
            let attestation = try self.attest(
                .cancelRotation, record: record, sequence: sequence, at: now,
                extra: [
                    "Rotation": rotation.kind.rawValue, "Rotation Id": rotation.id,
                    "New Guardian": rotation.newGuardianPublicKey.base58, "Authorized By": method,
                ])
            let event = AuditEvent(
                .rotationCancelled, at: now, wallet: record.wallet,
                detail: ["sequence": String(sequence), "rotation_id": rotation.id, "authorized_by": method])
            let commit = AuthorizedCommit(
                wallet: record.wallet, proofs: proofs + [.session(self.live(session))],
                sequence: (current.sequence, sequence), change: .cancelRotation(id: rotation.id), at: now)
            try self.check(
                try await self.storage { try await self.store.commitAuthorized(commit, audit: self.audit(event)) })
            var updated = current
            updated.sequence = sequence
            updated.pendingRotation = nil
            return GovernanceReceipt(status: self.status(record, updated), attestation: attestation)
        }
    }

    /// Executes the pending rotation once its timelock has passed: from then on only the new key co-signs. Needs
    /// the session only — the timelock, not a code, protects it (the owner may have lost the authenticator).
    /// The attestation is signed by the outgoing key, the one the chain still knows.
    ///
    /// With `migrationTransactions` (a Solana vault, docs/vault.md), the outgoing key also co-signs the vault's
    /// migration — in the same call, since its seed is gone after the commit — but only when the transactions together
    /// move the vault of {wallet, outgoing key, R} to the vault of {wallet, new key, R} and nothing else
    /// (``VaultRules/checkMigration(_:wallet:oldGuardian:newGuardian:)``); the client sends them at once (their
    /// blockhash expires in about a minute).
    /// - Throws: `no_pending_rotation`, `timelock_active` (with the seconds left), `sequence_mismatch`,
    ///   `vault_migration_refused`, `malformed_transaction`, `wallet_not_signer`, `missing_recent_blockhash`, session
    ///   and storage errors.
    public func executeRotation(
        session: Session, wallet walletText: String, rotationID: String, sequence: UInt64,
        migrationTransactions: [String] = [], clientIP: String? = nil
    ) async throws(GuardianError) -> GovernanceReceipt {
        try await governanceAction(session: session, wallet: walletText, clientIP: clientIP) {
            () async throws(GuardianError) -> GovernanceReceipt in
            let (record, governance, now) = try await self.loadGovernanceState(walletText)
            let current = try self.requireSequence(governance, sequence)
            let rotation = try Self.requireRotation(current, id: rotationID)
            guard now >= rotation.executeAfter else {
                let wait = Int(saturatingSecondsUp: rotation.executeAfter.timeIntervalSince(now))
                throw GuardianError(
                    .timelockActive,
                    "The \(rotation.kind.rawValue) rotation's timelock has not passed; it can execute at \(SignedAttestation.timestamp(rotation.executeAfter)) (in \(wait) s).",
                    retryAfterSeconds: wait)
            }
            let migrations = try Self.parseMigration(migrationTransactions, wallet: record.wallet)
            if !migrations.isEmpty {
                _ = try VaultRules.checkMigration(
                    migrations, wallet: record.wallet, oldGuardian: record.guardianPublicKey,
                    newGuardian: rotation.newGuardianPublicKey)
            }
            let dataKey = try self.dataKey(for: record)
            var signedMigrations: [String] = []
            if !migrations.isEmpty {
                let outgoing = try self.guardianKeypair(for: record, dataKey: dataKey)
                for transaction in migrations {
                    var signed = transaction
                    if transaction.signerIndex(of: outgoing.publicKey) != nil {
                        do { signed = try transaction.signing(with: outgoing) } catch {
                            throw .internal("signing the migration failed: \(error)")
                        }
                    }
                    signedMigrations.append(Data(signed.serialized()).base64EncodedString())
                }
            }
            let resealed: [UInt8]
            do {
                var seed = try KeyEnvelope.openSecret(
                    rotation.sealedNewGuardianSeed, purpose: .pendingGuardianSeed, wallet: record.wallet,
                    dataKey: dataKey)
                defer { wipe(&seed) }
                guard try SolanaKeypair(seed: seed).publicKey == rotation.newGuardianPublicKey else {
                    throw KeyEnvelope.EnvelopeError.malformed
                }
                resealed = try KeyEnvelope.sealSecret(
                    seed, purpose: .guardianSeed, wallet: record.wallet, dataKey: dataKey)
            } catch {
                throw .internal("the pending guardian key failed authentication")
            }
            let attestation = try self.attest(
                .executeRotation, record: record, sequence: sequence, at: now, dataKey: dataKey,
                extra: [
                    "Rotation": rotation.kind.rawValue, "Rotation Id": rotation.id,
                    "New Guardian": rotation.newGuardianPublicKey.base58,
                ])
            let event = AuditEvent(
                .rotationExecuted, at: now, wallet: record.wallet,
                detail: [
                    "sequence": String(sequence), "rotation_id": rotation.id,
                    "old_guardian": record.guardianPublicKey.base58,
                    "new_guardian": rotation.newGuardianPublicKey.base58,
                    "migration_transactions": String(signedMigrations.count),
                ])
            let commit = AuthorizedCommit(
                wallet: record.wallet, proofs: [.session(self.live(session))], sequence: (current.sequence, sequence),
                change: .executeRotation(
                    id: rotation.id, guardianPublicKey: rotation.newGuardianPublicKey, sealedGuardianSeed: resealed),
                at: now)
            try self.check(
                try await self.storage { try await self.store.commitAuthorized(commit, audit: self.audit(event)) })
            var updated = current
            updated.sequence = sequence
            updated.pendingRotation = nil
            var rotated = record
            rotated.guardianPublicKey = rotation.newGuardianPublicKey
            return GovernanceReceipt(
                status: self.status(rotated, updated), attestation: attestation,
                migrationTransactions: signedMigrations)
        }
    }

    /// Most migration transactions one execution co-signs.
    static let maximumMigrationTransactions = 16

    /// Decodes migration transactions: each must parse, have the wallet as a required signer and a recent blockhash.
    static func parseMigration(_ texts: [String], wallet: SolanaPublicKey) throws(GuardianError)
        -> [SolanaTransaction]
    {
        guard texts.count <= maximumMigrationTransactions else {
            throw GuardianError(
                .invalidRequest,
                "At most \(maximumMigrationTransactions) migration transactions are co-signed at once; move several balances per transaction."
            )
        }
        var transactions: [SolanaTransaction] = []
        for (index, text) in texts.enumerated() {
            guard text.utf8.count <= GuardianConfiguration.maximumTransactionBase64Length,
                let bytes = Data(base64Encoded: text)
            else {
                throw GuardianError(
                    .malformedTransaction,
                    "Migration transaction \(index) is not standard Base64 of at most Solana's 1232-byte packet.")
            }
            let transaction: SolanaTransaction
            do { transaction = try SolanaTransaction(wireBytes: bytes) } catch {
                throw GuardianError(
                    .malformedTransaction,
                    "Migration transaction \(index) does not parse (\(error.code.rawValue)): \(error.message)")
            }
            guard transaction.signerIndex(of: wallet) != nil else {
                throw GuardianError(
                    .walletNotSigner,
                    "The wallet is not a required signer of migration transaction \(index); the wallet pays for and signs its migration."
                )
            }
            guard transaction.recentBlockhash.bytes.contains(where: { $0 != 0 }) else {
                throw GuardianError(
                    .missingRecentBlockhash, "Migration transaction \(index) has no recent blockhash; set one.")
            }
            transactions.append(transaction)
        }
        return transactions
    }

    // MARK: Helpers

    /// Session, then the IP bucket, then the wallet's bucket, then `body` under the wallet's gate.
    private func governanceAction<T: Sendable>(
        session: Session, wallet walletText: String, clientIP: String?, _ body: () async throws(GuardianError) -> T
    ) async throws(GuardianError) -> T {
        let wallet = try Self.parseWallet(walletText)
        let now = clock.now()
        try check(session, for: wallet, at: now)
        try await applyRateLimits(wallet: wallet, apiKey: nil, at: now)
        return try await walletGate.withLock(wallet) { () async throws(GuardianError) -> T in try await body() }
    }

    private func loadGovernanceState(_ walletText: String) async throws(GuardianError) -> (
        WalletRecord, GovernanceRecord?, Date
    ) {
        let wallet = try Self.parseWallet(walletText)
        let record = try await activeWallet(wallet)
        let governance = try await storage { try await store.governance(wallet) }
        return (record, governance, clock.now())  // read after the gate: queued requests see the time they run
    }

    private func requireSequence(_ governance: GovernanceRecord?, _ sequence: UInt64) throws(GuardianError)
        -> GovernanceRecord
    {
        guard let governance else { throw GuardianError.governanceNotEnabled }
        guard sequence == governance.sequence &+ 1, sequence != 0 else {
            throw GuardianError.sequenceMismatch(current: governance.sequence)
        }
        return governance
    }

    private static func requireRotation(_ governance: GovernanceRecord, id: String) throws(GuardianError)
        -> PendingRotation
    {
        guard let rotation = governance.pendingRotation else {
            throw GuardianError(.noPendingRotation, "No rotation is pending for this wallet; schedule one first.")
        }
        guard rotation.id == id else {
            throw GuardianError(
                .noPendingRotation,
                "The pending rotation is \(rotation.id), not \(id.prefix(64)); read the governance status.")
        }
        return rotation
    }

    /// Signs an attestation of `action` with the wallet's current guardian key.
    /// `dataKey`: the wallet's data key when the caller has already unwrapped it.
    func attest(
        _ action: GovernanceAction, record: WalletRecord, sequence: UInt64, at now: Date,
        dataKey known: SymmetricKey? = nil, extra: KeyValuePairs<String, String>
    ) throws(GuardianError) -> SignedAttestation {
        let key: SymmetricKey
        if let known { key = known } else { key = try dataKey(for: record) }
        let guardian = try guardianKeypair(for: record, dataKey: key)
        var fields: [(String, String)] = [
            ("Action", action.rawValue), ("Wallet", record.wallet.base58), ("Guardian", guardian.publicKey.base58),
            ("Sequence", String(sequence)),
        ]
        fields += extra.map { ($0.key, $0.value) }
        fields.append(("Issued At", SignedAttestation.timestamp(now)))
        return try SignedAttestation.sign(fields, domain: configuration.governance.attestationDomain, with: guardian)
    }

    func status(_ record: WalletRecord, _ governance: GovernanceRecord?) -> GovernanceStatus {
        GovernanceStatus(
            wallet: record.wallet, version: governance == nil ? 1 : 2, sequence: governance?.sequence ?? 0,
            guardianPublicKey: record.guardianPublicKey,
            pendingRotation: governance?.pendingRotation.map {
                RotationStatus(
                    id: $0.id, kind: $0.kind, newGuardianPublicKey: $0.newGuardianPublicKey, sequence: $0.sequence,
                    scheduledAt: $0.scheduledAt, executeAfter: $0.executeAfter)
            },
            plannedRotationDelay: configuration.governance.plannedRotationDelay,
            emergencyRotationDelay: configuration.governance.emergencyRotationDelay)
    }
}
