import ChainKit
import Foundation

// MARK: - Read-only audit access

/// What verifying the audit chain reads, and nothing that writes: ``GuardianService/verifyAuditLog(store:keyProvider:anchor:)``
/// takes one, so a store opened read-only (`SQLiteAuditReader`) can be checked without any way to change it.
public protocol AuditLogReader: Sendable {
    /// The key metadata, nil for a brand-new database.
    func loadKeyring() async throws -> StoredKeyring?
    /// Records with sequence numbers greater than `sequence`, ascending, at most `limit`.
    func auditRecords(after sequence: Int64, limit: Int) async throws -> [AuditRecord]
    /// The stored head of the chain (nil when empty).
    func auditHead() async throws -> AuditAnchor?
}

// MARK: - Store protocol

/// Persistence for the guardian. Implementations: ``InMemoryGuardianStore`` (tests), `SQLiteGuardianStore`
/// (GuardianSQLite, the default), and later PostgreSQL — the domain never sees which.
///
/// Rules every implementation keeps:
/// - Each mutating call is **one transaction**: its state change and its audit events commit together or not at all,
///   and a call that returns has committed durably (a crash afterwards loses nothing).
/// - Audit events are appended in call order to a single chain: the implementation reads the chain head inside the
///   transaction, seals each event with the given ``AuditSealer``, and stores record and new head.
/// - The compare-and-set conditions below are evaluated inside the transaction, so concurrent callers — in this
///   process or another one on the same database — cannot both win.
public protocol GuardianStore: AuditLogReader {
    // MARK: Keys

    /// Stores the first keyring; returns false (and changes nothing) when one already exists.
    func initializeKeyring(_ keyring: StoredKeyring, audit: AuditAppend) async throws -> Bool

    /// Rewraps every data key and the audit key under a new master key, atomically.
    /// - Returns: the number of wallets rewrapped.
    /// - Throws: ``GuardianStoreError`` `.conflict` when the stored master key id is not `rotation.fromKeyID`.
    func rotateKeys(_ rotation: KeyRotation, audit: AuditAppend) async throws -> Int

    // MARK: Login

    func insertChallenge(_ challenge: StoredChallenge) async throws
    func challenge(id: String) async throws -> StoredChallenge?

    /// Marks the challenge consumed if it is not yet, and stores the session — atomically.
    /// - Returns: false when the challenge was already consumed (or is gone); nothing is written then.
    func completeLogin(challengeID: String, consumedAt: Date, session: StoredSession, audit: AuditAppend) async throws
        -> Bool

    func session(tokenHash: [UInt8]) async throws -> StoredSession?
    /// Deletes a session; returns whether it existed.
    func deleteSession(tokenHash: [UInt8], audit: AuditAppend) async throws -> Bool

    // MARK: Wallets

    func wallet(_ wallet: SolanaPublicKey) async throws -> WalletRecord?

    /// Stores a pending enrollment, replacing a previous pending one, unless the wallet is active or was ever
    /// activated (a re-enrolling wallet keeps its guardian key: only a timelocked rotation may change it).
    func savePendingEnrollment(_ record: WalletRecord, session: SessionCondition?, audit: AuditAppend) async throws
        -> EnrollmentWriteOutcome

    /// Activates a pending enrollment with its first accepted step, if still pending with the same guardian key, and
    /// replaces the wallet's recovery codes with `recoveryCodes` (voiding any older set) in the same transaction.
    func activateEnrollment(
        wallet: SolanaPublicKey, guardianPublicKey: SolanaPublicKey, step: UInt64, at: Date,
        recoveryCodes: RecoveryCodeSet, session: SessionCondition?, audit: AuditAppend
    ) async throws -> Bool

    /// Counts one wrong code: increments the consecutive failures, applies `policy` to lock the wallet, and appends the
    /// events `audit` builds from the new state, in one transaction on the stored state. With `refusingWhileLocked`, a
    /// wallet whose stored state already refuses codes at `at` (``LockoutPolicy/refusesCodes(_:at:)``: locked or
    /// disabled — by wrong codes on another node since this one read it) is left as it is: nothing is counted or
    /// appended, and the outcome says so, so that the caller answers as it answers a right code then — locked — and a
    /// guess evaluated in that race tells nothing. Returns nil when the wallet does not exist.
    func recordFailedAttempt(
        wallet: SolanaPublicKey, at: Date, policy: LockoutPolicy, sealer: AuditSealer, refusingWhileLocked: Bool,
        audit: @escaping @Sendable (LockoutState) -> [AuditEvent]
    ) async throws -> FailedAttemptOutcome?

    /// Burns a step: sets the wallet's last accepted step to `commit.step` only if the wallet is active and its stored
    /// step is absent or smaller, resets the lockout, stores the cosign record and the audit events.
    func commitCosign(_ commit: CosignCommit, audit: AuditAppend) async throws -> CosignCommitOutcome

    /// Clears a wallet's lockout (an operator action); returns whether the wallet exists.
    func unlockWallet(_ wallet: SolanaPublicKey, audit: AuditAppend) async throws -> Bool

    func cosignRecord(operationID: String) async throws -> CosignRecord?

    /// Appends events that accompany no state change (a replayed code, a revoked session).
    func appendAudit(_ audit: AuditAppend) async throws

    /// Takes one token from the token bucket `key` (refilled continuously at `policy`'s rate, capped at its capacity)
    /// at `now`: a compare-and-set in the store, so that every node serving the store draws from the same bucket ("10
    /// per 5 minutes" means 10 across all nodes). A store only one process uses may keep its buckets in that process.
    func takeRateToken(_ key: String, policy: TokenBucketPolicy, at now: Date) async throws -> RateLimitDecision

    // MARK: Governance and recovery

    /// The wallet's governance record; nil for a v1 wallet.
    func governance(_ wallet: SolanaPublicKey) async throws -> GovernanceRecord?

    /// The wallet's current recovery-code set, nil when none was issued.
    func recoveryCodes(_ wallet: SolanaPublicKey) async throws -> RecoveryCodeSet?

    /// Consumes every proof of `commit` (a TOTP step, a recovery code, a governance challenge), checks and advances
    /// the governance sequence, and applies the change — all in one transaction, or nothing at all. Each proof is a
    /// compare-and-set, so of two concurrent commits using one proof exactly one succeeds, across processes too.
    func commitAuthorized(_ commit: AuthorizedCommit, audit: AuditAppend) async throws -> AuthorizedCommitOutcome

    // MARK: Transaction policies

    /// The wallet's stored policy state (``PolicyState/none`` when it never had one), pending policy not promoted.
    func policyState(wallet: SolanaPublicKey) async throws -> PolicyState

    /// The wallet record and its policy state, for the capsule: read as one snapshot where the store can (one read
    /// transaction in SQLite, so the second lookup reuses the pages the first one loaded). Nil when there is no wallet.
    func capsuleState(_ wallet: SolanaPublicKey) async throws -> (record: WalletRecord, policy: PolicyState)?

    /// The wallet's committed spends made after `date`, oldest first.
    func spendRecords(wallet: SolanaPublicKey, after date: Date) async throws -> [SpendRecord]

    /// Burns `update.step` with the same compare-and-set as ``commitCosign(_:audit:)`` (wallet active, step greater
    /// than the stored one; resets the lockout), and in the same transaction replaces the policy state by
    /// `stored.updated(with: update.policy, at: update.at)` and appends the events `audit` builds from the new state.
    func updatePolicy(
        _ update: PolicyUpdate, sealer: AuditSealer, audit: @escaping @Sendable (PolicyState) -> [AuditEvent]
    ) async throws -> PolicyUpdateOutcome

    /// Deletes spend records made at or before `date` (older than every window); returns how many.
    func purgeSpendRecords(through date: Date) async throws -> Int

    // MARK: Maintenance

    /// Deletes challenges and sessions that expired before `date`; returns how many rows went.
    func purgeExpired(before date: Date) async throws -> Int
}

// MARK: - Inputs and outcomes

/// A master-key rotation for ``GuardianStore/rotateKeys(_:audit:)``.
public struct KeyRotation: Sendable {
    /// The master key id the data keys are wrapped under now.
    public let fromKeyID: String
    /// The new master key's id.
    public let toKeyID: String
    /// The audit key wrapped under the new master key.
    public let wrappedAuditKey: [UInt8]
    /// Rewraps one wallet's data key (given wrapped under `fromKeyID`) under the new key. Runs inside the transaction.
    public let rewrap:
        @Sendable (_ wallet: SolanaPublicKey, _ wrappedDataKey: [UInt8], _ wrappedUnder: String) throws -> [UInt8]

    /// A rotation; `rewrap` runs inside the store's transaction.
    public init(
        fromKeyID: String, toKeyID: String, wrappedAuditKey: [UInt8],
        rewrap: @escaping @Sendable (SolanaPublicKey, [UInt8], String) throws -> [UInt8]
    ) {
        self.fromKeyID = fromKeyID
        self.toKeyID = toKeyID
        self.wrappedAuditKey = wrappedAuditKey
        self.rewrap = rewrap
    }
}

/// Result of ``GuardianStore/savePendingEnrollment(_:session:audit:)``.
public enum EnrollmentWriteOutcome: Sendable, Hashable {
    case saved
    /// The wallet is already active; nothing was written.
    case alreadyActive
    /// The record's data key is wrapped under a master key that is no longer current (a rotation ran meanwhile).
    case staleMasterKey(current: String)
    /// The session that asked was logged out or expired before the commit; nothing was written.
    case sessionEnded
}

/// One capsule's burn for ``GuardianStore/commitCosign(_:audit:)``.
public struct CosignCommit: Sendable {
    /// The wallet whose step is burned.
    public let wallet: SolanaPublicKey
    /// The step to burn (must exceed the stored one).
    public let step: UInt64
    /// The record to store with it.
    public let record: CosignRecord
    /// The transaction policy conditions, checked in the same transaction (nil: none, as for callers that predate
    /// policies).
    public let policy: CosignPolicyCheck?
    /// The session that asked, which must still be live when the burn commits (nil: no session check).
    public let session: SessionCondition?
    /// The wallet must be neither locked nor disabled when the burn commits (nil: no check). Checked on the stored
    /// failure count inside the transaction, so that a lock set meanwhile by another node's wrong codes stops the burn.
    public let lockout: LockoutCondition?

    /// A burn of `step` for `wallet`, recorded as `record`, under the policy conditions `policy`, while `session` lives
    /// and, with `lockout`, while the wallet is not locked.
    public init(
        wallet: SolanaPublicKey, step: UInt64, record: CosignRecord, policy: CosignPolicyCheck? = nil,
        session: SessionCondition? = nil, lockout: LockoutCondition? = nil
    ) {
        self.wallet = wallet
        self.step = step
        self.record = record
        self.policy = policy
        self.session = session
        self.lockout = lockout
    }
}

/// "The wallet is not locked or disabled at `at`": a condition a burn checks inside its transaction, on the stored
/// lockout state. Several nodes verify codes for one wallet at once; a wrong code on one node may lock the wallet while
/// another node is verifying a right one, and the lock must win.
/// What ``GuardianStore/recordFailedAttempt(wallet:at:policy:sealer:refusingWhileLocked:audit:)`` did.
public enum FailedAttemptOutcome: Sendable, Hashable {
    /// Counted: the state after this failure.
    case counted(LockoutState)
    /// Not counted, nothing written: the stored state already refused codes.
    case refusedWhileLocked(LockoutState)

    /// The stored state after the call.
    public var state: LockoutState {
        switch self {
        case .counted(let state), .refusedWhileLocked(let state): state
        }
    }
}

extension GuardianStore {
    /// Counts one wrong code whatever the stored state (``recordFailedAttempt(wallet:at:policy:sealer:refusingWhileLocked:audit:)``
    /// without `refusingWhileLocked`); returns the state after it, nil when the wallet does not exist.
    public func recordFailedAttempt(
        wallet: SolanaPublicKey, at: Date, policy: LockoutPolicy, sealer: AuditSealer,
        audit: @escaping @Sendable (LockoutState) -> [AuditEvent]
    ) async throws -> LockoutState? {
        try await recordFailedAttempt(
            wallet: wallet, at: at, policy: policy, sealer: sealer, refusingWhileLocked: false, audit: audit)?.state
    }
}

public struct LockoutCondition: Sendable, Hashable {
    /// The time the lock is judged at.
    public let at: Date
    /// Consecutive failures that disable the wallet (``LockoutPolicy/disableAfter``).
    public let disableAfter: Int

    public init(at: Date, disableAfter: Int) {
        self.at = at
        self.disableAfter = disableAfter
    }

    /// Whether `state` refuses a burn.
    public func refuses(_ state: LockoutState) -> Bool {
        state.consecutiveFailures >= disableAfter || (state.lockedUntil.map { $0 > at } ?? false)
    }
}

/// "The session that asked for this is still live": a condition a session-authorised write checks *inside* its
/// transaction, like the step's compare-and-set. A session is resolved when a request arrives, before its body is
/// read; a logout (or expiry) while the body is still arriving must stop the write, not only the next request.
public struct SessionCondition: Sendable, Hashable {
    /// SHA-256 of the bearer token (the stored session's key).
    public let tokenHash: [UInt8]
    /// The wallet the session must belong to.
    public let wallet: SolanaPublicKey
    /// The session must expire after this instant.
    public let at: Date

    public init(tokenHash: [UInt8], wallet: SolanaPublicKey, at: Date) {
        self.tokenHash = tokenHash
        self.wallet = wallet
        self.at = at
    }

    /// Whether `session` (as stored) satisfies the condition.
    public func isSatisfied(by session: StoredSession?) -> Bool {
        guard let session else { return false }
        return session.wallet == wallet && session.expiresAt > at
    }
}

/// Result of ``GuardianStore/commitCosign(_:audit:)``.
public enum CosignCommitOutcome: Sendable, Hashable {
    /// The step is burned and the record stored.
    case committed
    /// A step at or beyond this one was burned first (a concurrent request, or a replay); nothing was written.
    case stepAlreadyUsed(lastAccepted: UInt64?)
    /// The wallet is missing or not active; nothing was written.
    case walletNotActive
    /// The key that signed is no longer the wallet's guardian (a rotation executed meanwhile, perhaps in another
    /// process); nothing was written and the signature is not released.
    case guardianRotated
    /// The wallet's policy was updated after the capsule evaluated it (another process); nothing was written.
    case policyChanged
    /// The committed spends plus this transaction's would exceed a limit (a concurrent cosign committed first);
    /// nothing was written.
    case spendingLimitExceeded(SpendingLimitViolation)
    /// The session that asked was logged out or expired before the commit; nothing was written.
    case sessionEnded
    /// The wallet was locked or disabled before the commit (wrong codes on another node); nothing was written.
    case walletLocked(LockoutState)
}

// MARK: - Store errors

/// A storage failure. The service turns it into `storage_unavailable` or `internal_error` without details.
public struct GuardianStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Failure categories.
    public enum Kind: String, Sendable, Hashable {
        /// The database is locked by another writer beyond the busy timeout; retrying may succeed.
        case busy
        /// The database server cannot be reached, or stopped answering (refused, lost or timed-out connection, a
        /// server shutting down or turned read-only); retrying after a moment may succeed.
        case unavailable
        /// A condition the caller asserted no longer holds (e.g. the master key id changed).
        case conflict
        /// Disk or database I/O failed, or the database is corrupt.
        case io
        /// The store has been closed.
        case closed
        /// Data read back does not decode (corruption or a bug).
        case corrupt
        /// A schema newer than this code knows.
        case unsupportedSchema
    }

    /// The category.
    public let kind: Kind
    /// Internal detail for the operator's log.
    public let detail: String

    /// An error of `kind` with a note for the operator.
    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "store \(kind.rawValue): \(detail)" }
}
