import ChainKit
import Foundation

// MARK: - In-memory store

/// A ``GuardianStore`` in process memory, with the same semantics as the SQLite store (each call atomic, compare-and-
/// set conditions, one audit chain) and no durability. For tests and for trying the service out.
public actor InMemoryGuardianStore: GuardianStore {
    private var keyring: StoredKeyring?
    private let rateBuckets = InMemoryRateLimiter()
    private var challenges: [String: StoredChallenge] = [:]
    private var sessions: [[UInt8]: StoredSession] = [:]
    var wallets: [SolanaPublicKey: WalletRecord] = [:]
    private var cosigns: [String: CosignRecord] = [:]
    private var governanceRecords: [SolanaPublicKey: GovernanceRecord] = [:]
    private var recoverySets: [SolanaPublicKey: RecoveryCodeSet] = [:]
    private var audit: [AuditRecord] = []
    private var head: AuditAnchor?
    // Transaction policies (InMemoryGuardianStore+Policy.swift).
    var policies: [SolanaPublicKey: PolicyState] = [:]
    var spends: [SpendRecord] = []

    /// An empty store.
    public init() {}

    // MARK: Audit chain

    func append(_ events: [AuditEvent], _ sealer: AuditSealer) {
        for event in events {
            let record = sealer.seal(event, after: head)
            audit.append(record)
            head = AuditAnchor(sequence: record.sequence, mac: record.mac)
        }
    }

    // MARK: Keys

    public func loadKeyring() -> StoredKeyring? { keyring }

    public func initializeKeyring(_ keyring: StoredKeyring, audit: AuditAppend) -> Bool {
        guard self.keyring == nil else { return false }
        self.keyring = keyring
        append(audit.events, audit.sealer)
        return true
    }

    public func rotateKeys(_ rotation: KeyRotation, audit: AuditAppend) throws -> Int {
        guard keyring?.masterKeyID == rotation.fromKeyID else {
            throw GuardianStoreError(.conflict, "stored master key id is not \(rotation.fromKeyID)")
        }
        // Compute everything first so that a failing rewrap leaves the store untouched (atomicity).
        var updated = wallets
        for (wallet, record) in wallets {
            updated[wallet]!.keys.wrappedDataKey = try rotation.rewrap(
                wallet, record.keys.wrappedDataKey, record.keys.masterKeyID)
            updated[wallet]!.keys.masterKeyID = rotation.toKeyID
        }
        wallets = updated
        keyring = StoredKeyring(masterKeyID: rotation.toKeyID, wrappedAuditKey: rotation.wrappedAuditKey)
        append(audit.events, audit.sealer)
        return updated.count
    }

    // MARK: Login

    public func insertChallenge(_ challenge: StoredChallenge) { challenges[challenge.id] = challenge }

    public func challenge(id: String) -> StoredChallenge? { challenges[id] }

    public func completeLogin(challengeID: String, consumedAt: Date, session: StoredSession, audit: AuditAppend) -> Bool
    {
        guard var challenge = challenges[challengeID], challenge.consumedAt == nil else { return false }
        challenge.consumedAt = consumedAt
        challenges[challengeID] = challenge
        sessions[session.tokenHash] = session
        append(audit.events, audit.sealer)
        return true
    }

    public func session(tokenHash: [UInt8]) -> StoredSession? { sessions[tokenHash] }

    public func deleteSession(tokenHash: [UInt8], audit: AuditAppend) -> Bool {
        guard sessions.removeValue(forKey: tokenHash) != nil else { return false }
        append(audit.events, audit.sealer)
        return true
    }

    // MARK: Wallets

    public func wallet(_ wallet: SolanaPublicKey) -> WalletRecord? { wallets[wallet] }

    public func savePendingEnrollment(_ record: WalletRecord, session: SessionCondition?, audit: AuditAppend)
        -> EnrollmentWriteOutcome
    {
        if let session, !session.isSatisfied(by: sessions[session.tokenHash]) { return .sessionEnded }
        if let existing = wallets[record.wallet], existing.state == .active || existing.activatedAt != nil {
            return .alreadyActive
        }
        if let current = keyring?.masterKeyID, current != record.keys.masterKeyID {
            return .staleMasterKey(current: current)
        }
        wallets[record.wallet] = record
        append(audit.events, audit.sealer)
        return .saved
    }

    public func activateEnrollment(
        wallet: SolanaPublicKey, guardianPublicKey: SolanaPublicKey, step: UInt64, at: Date,
        recoveryCodes: RecoveryCodeSet, session: SessionCondition?, audit: AuditAppend
    ) -> Bool {
        if let session, !session.isSatisfied(by: sessions[session.tokenHash]) { return false }
        guard var record = wallets[wallet], record.state == .pending, record.guardianPublicKey == guardianPublicKey,
            record.lastAcceptedStep.map({ $0 < step }) ?? true
        else { return false }
        record.state = .active
        record.activatedAt = at
        record.lastAcceptedStep = step
        record.lockout = .clear
        wallets[wallet] = record
        recoverySets[wallet] = recoveryCodes
        append(audit.events, audit.sealer)
        return true
    }

    public func recordFailedAttempt(
        wallet: SolanaPublicKey, at: Date, policy: LockoutPolicy, sealer: AuditSealer, refusingWhileLocked: Bool,
        audit: @escaping @Sendable (LockoutState) -> [AuditEvent]
    ) -> FailedAttemptOutcome? {
        guard var record = wallets[wallet] else { return nil }
        if refusingWhileLocked, policy.refusesCodes(record.lockout, at: at) {
            return .refusedWhileLocked(record.lockout)
        }
        record.lockout = policy.afterFailure(record.lockout, at: at)
        wallets[wallet] = record
        append(audit(record.lockout), sealer)
        return .counted(record.lockout)
    }

    public func commitCosign(_ commit: CosignCommit, audit: AuditAppend) -> CosignCommitOutcome {
        if let condition = commit.session, !condition.isSatisfied(by: sessions[condition.tokenHash]) {
            return .sessionEnded
        }
        guard var record = wallets[commit.wallet], record.state == .active else { return .walletNotActive }
        guard record.guardianPublicKey == commit.record.guardianPublicKey else { return .guardianRotated }
        if let lockout = commit.lockout, lockout.refuses(record.lockout) { return .walletLocked(record.lockout) }
        if let last = record.lastAcceptedStep, last >= commit.step { return .stepAlreadyUsed(lastAccepted: last) }
        if let refusal = policyRefusal(commit) { return refusal }
        recordSpends(commit)
        record.lastAcceptedStep = commit.step
        record.lockout = .clear
        wallets[commit.wallet] = record
        cosigns[commit.record.operationID] = commit.record
        append(audit.events, audit.sealer)
        return .committed
    }

    public func unlockWallet(_ wallet: SolanaPublicKey, audit: AuditAppend) -> Bool {
        guard wallets[wallet] != nil else { return false }
        wallets[wallet]!.lockout = .clear
        append(audit.events, audit.sealer)
        return true
    }

    public func cosignRecord(operationID: String) -> CosignRecord? { cosigns[operationID] }

    public func appendAudit(_ audit: AuditAppend) { append(audit.events, audit.sealer) }

    /// One process holds this store: its buckets are the process's.
    public func takeRateToken(_ key: String, policy: TokenBucketPolicy, at now: Date) -> RateLimitDecision {
        rateBuckets.acquire(.wallet, key: key, policy: policy, at: now)
    }

    // MARK: Governance and recovery

    public func governance(_ wallet: SolanaPublicKey) -> GovernanceRecord? { governanceRecords[wallet] }

    public func recoveryCodes(_ wallet: SolanaPublicKey) -> RecoveryCodeSet? { recoverySets[wallet] }

    public func commitAuthorized(_ commit: AuthorizedCommit, audit: AuditAppend) -> AuthorizedCommitOutcome {
        // Work on copies and store them only at the end: any refusal leaves the store as it was.
        let walletKey = commit.wallet
        guard var record = wallets[walletKey] else { return .walletNotActive }
        if case .reenroll = commit.change {
            // re-enrolling again before confirming is fine
            guard record.activatedAt != nil else { return .walletNotActive }
        } else if record.state != .active {
            return .walletNotActive
        }
        var governance = governanceRecords[walletKey]
        var recovery = recoverySets[walletKey]
        var consumedChallenges: [String] = []
        for proof in commit.proofs {
            switch proof {
            case .totpStep(let step):
                if let last = record.lastAcceptedStep, last >= step { return .stepAlreadyUsed }
                record.lastAcceptedStep = step
                record.lockout = .clear
            case .recoveryCode(let setID, let index):
                guard var set = recovery, set.id == setID, set.usedAt.indices.contains(index), set.usedAt[index] == nil
                else { return .recoveryCodeUsed }
                set.usedAt[index] = commit.at
                recovery = set
            case .challenge(let id):
                guard let challenge = challenges[id], challenge.wallet == walletKey, challenge.consumedAt == nil,
                    !consumedChallenges.contains(id)
                else { return .challengeUsed }
                consumedChallenges.append(id)
            case .session(let condition):
                guard condition.isSatisfied(by: sessions[condition.tokenHash]) else { return .sessionEnded }
            }
        }
        if let sequence = commit.sequence {
            guard let current = governance, current.sequence == sequence.expected else {
                return .sequenceConflict(current: governance?.sequence)
            }
            governance?.sequence = sequence.new
        }
        switch commit.change {
        case .none:
            break
        case .migrate(let created):
            guard governance == nil else { return .alreadyMigrated }
            governance = created
        case .scheduleRotation(let rotation):
            guard governance != nil, governance?.pendingRotation == nil else { return .rotationChanged }
            governance?.pendingRotation = rotation
        case .cancelRotation(let id):
            guard governance?.pendingRotation?.id == id else { return .rotationChanged }
            governance?.pendingRotation = nil
        case .executeRotation(let id, let key, let sealedSeed):
            guard governance?.pendingRotation?.id == id else { return .rotationChanged }
            governance?.pendingRotation = nil
            record.guardianPublicKey = key
            record.keys.sealedGuardianSeed = sealedSeed
        case .replaceRecoveryCodes(let set):
            recovery = set
        case .reenroll(let sealedSecret, let totp, let at):
            record.state = .pending
            record.keys.sealedTOTPSecret = sealedSecret
            record.totp = totp
            record.createdAt = at
            record.lockout = .clear
        }
        wallets[walletKey] = record
        governanceRecords[walletKey] = governance
        recoverySets[walletKey] = recovery
        for id in consumedChallenges { challenges[id]?.consumedAt = commit.at }
        append(audit.events, audit.sealer)
        return .committed
    }

    // MARK: Audit

    public func auditRecords(after sequence: Int64, limit: Int) -> [AuditRecord] {
        Array(audit.lazy.filter { $0.sequence > sequence }.prefix(limit))
    }

    public func auditHead() -> AuditAnchor? { head }

    // MARK: Maintenance

    public func purgeExpired(before date: Date) -> Int {
        let challengeCount = challenges.count
        let sessionCount = sessions.count
        challenges = challenges.filter { $0.value.expiresAt >= date }
        sessions = sessions.filter { $0.value.expiresAt >= date }
        return challengeCount - challenges.count + sessionCount - sessions.count
    }

    // MARK: Test access

    /// Rewrites the stored audit records, as an attacker with write access to the storage could (tests of
    /// ``GuardianService/verifyAuditLog(anchor:)``); `rewindHead` also points the stored head at the new last record.
    public func tamperWithAudit(rewindHead: Bool = false, _ transform: @Sendable ([AuditRecord]) -> [AuditRecord]) {
        audit = transform(audit)
        if rewindHead { head = audit.last.map { AuditAnchor(sequence: $0.sequence, mac: $0.mac) } }
    }
}
