import ChainKit
import Foundation

// MARK: - Governance record

/// Which kind of guardian-key rotation, and so which timelock applies (seed 001 §5, §8.2).
public enum RotationKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Maintenance: authorised by a TOTP code; 48-hour timelock.
    case planned
    /// Lost or suspected authenticator/guardian: a TOTP code, or a recovery code with a fresh wallet signature;
    /// 72-hour timelock — longer, because a weaker proof may have started it and the owner needs time to cancel.
    case emergency
}

/// A scheduled rotation of the wallet's guardian key, waiting for its timelock.
public struct PendingRotation: Sendable, Hashable {
    /// Random id; cancel and execute name it so that they act on exactly this rotation.
    public var id: String
    /// Planned or emergency.
    public var kind: RotationKind
    /// The key that will co-sign after execution.
    public var newGuardianPublicKey: SolanaPublicKey
    /// Its Ed25519 seed, sealed under the wallet's data key with purpose `pending-guardian-ed25519-seed`.
    public var sealedNewGuardianSeed: [UInt8]
    /// The governance sequence number of the scheduling action.
    public var sequence: UInt64
    /// When it was scheduled.
    public var scheduledAt: Date
    /// The earliest time it may execute: `scheduledAt` + the kind's timelock.
    public var executeAfter: Date

    /// A rotation with every field given.
    public init(
        id: String, kind: RotationKind, newGuardianPublicKey: SolanaPublicKey, sealedNewGuardianSeed: [UInt8],
        sequence: UInt64, scheduledAt: Date, executeAfter: Date
    ) {
        self.id = id
        self.kind = kind
        self.newGuardianPublicKey = newGuardianPublicKey
        self.sealedNewGuardianSeed = sealedNewGuardianSeed
        self.sequence = sequence
        self.scheduledAt = scheduledAt
        self.executeAfter = executeAfter
    }
}

/// A v2 wallet's governance state. v1 wallets have none (seed 001 §8.3: migration creates it).
public struct GovernanceRecord: Sendable, Hashable {
    /// The wallet.
    public var wallet: SolanaPublicKey
    /// The sequence number of the last governance action; the next one must carry `sequence + 1`.
    public var sequence: UInt64
    /// When the wallet moved to v2.
    public var migratedAt: Date
    /// The rotation waiting for its timelock, if any (at most one).
    public var pendingRotation: PendingRotation?

    /// A record with every field given.
    public init(wallet: SolanaPublicKey, sequence: UInt64, migratedAt: Date, pendingRotation: PendingRotation?) {
        self.wallet = wallet
        self.sequence = sequence
        self.migratedAt = migratedAt
        self.pendingRotation = pendingRotation
    }
}

// MARK: - Recovery codes

/// scrypt cost parameters (RFC 7914 §2: N = 2^logN, r, p).
public struct ScryptParameters: Sendable, Hashable {
    /// log2 of the CPU/memory cost N.
    public var logN: Int
    /// Block size r.
    public var r: Int
    /// Parallelism p.
    public var p: Int

    /// N = 2^15, r = 8, p = 1: 32 MiB and tens of milliseconds per hash (RFC 7914 §2's interactive-login class).
    public static let standard = ScryptParameters(logN: 15, r: 8, p: 1)

    /// Parameters as given; checked when used.
    public init(logN: Int, r: Int, p: Int) {
        self.logN = logN
        self.r = r
        self.p = p
    }
}

/// A wallet's set of break-glass recovery codes, as stored: only scrypt hashes.
public struct RecoveryCodeSet: Sendable, Hashable {
    /// Random id of the set; a code use names its set, so a regenerated set voids every older code.
    public var id: String
    /// 16 random bytes, shared by the set's hashes (each code carries ≥ 60 random bits, so a per-code salt adds
    /// nothing, and one scrypt evaluation then checks a candidate against the whole set).
    public var salt: [UInt8]
    /// The cost the hashes were made with.
    public var parameters: ScryptParameters
    /// scrypt(code, salt), 32 bytes each, in issue order.
    public var hashes: [[UInt8]]
    /// When each code was used (nil: still usable).
    public var usedAt: [Date?]
    /// When the set was issued.
    public var createdAt: Date

    /// A set with every field given.
    public init(
        id: String, salt: [UInt8], parameters: ScryptParameters, hashes: [[UInt8]], usedAt: [Date?], createdAt: Date
    ) {
        self.id = id
        self.salt = salt
        self.parameters = parameters
        self.hashes = hashes
        self.usedAt = usedAt
        self.createdAt = createdAt
    }

    /// Codes not used yet.
    public var remaining: Int { usedAt.lazy.filter { $0 == nil }.count }
}

// MARK: - Authorised changes

/// A change that must be authorised, and the proofs that authorise it, for
/// ``GuardianStore/commitAuthorized(_:audit:)``. The store consumes every proof and applies the change in one
/// transaction, or does nothing.
public struct AuthorizedCommit: Sendable {
    /// Something consumed to authorise the change — each at most once, ever.
    public enum Proof: Sendable, Hashable {
        /// A TOTP code's step: burned with the same compare-and-set as a cosign (greater than the stored step).
        case totpStep(UInt64)
        /// A recovery code of the current set: marked used if it is not yet.
        case recoveryCode(setID: String, index: Int)
        /// A signed governance challenge: marked consumed if it is not yet.
        case challenge(id: String)
        /// The session that asked: it must still be live (``SessionCondition``); consumes nothing.
        case session(SessionCondition)
    }

    /// What the proofs authorise.
    public enum Change: Sendable {
        /// Nothing beyond consuming the proofs (break-glass validation).
        case none
        /// Creates the governance record (v1 → v2); fails if one exists.
        case migrate(GovernanceRecord)
        /// Sets the pending rotation; fails if one is pending.
        case scheduleRotation(PendingRotation)
        /// Clears the pending rotation with this id.
        case cancelRotation(id: String)
        /// Clears the pending rotation with this id and installs its key as the wallet's guardian.
        case executeRotation(id: String, guardianPublicKey: SolanaPublicKey, sealedGuardianSeed: [UInt8])
        /// Replaces the recovery-code set (voiding the old one).
        case replaceRecoveryCodes(RecoveryCodeSet)
        /// Lost authenticator: a new TOTP secret (sealed under the wallet's data key); the wallet returns to pending
        /// until the new secret is confirmed, and the old secret is gone.
        case reenroll(sealedTOTPSecret: [UInt8], totp: TOTPParameters, at: Date)
    }

    /// The wallet (must be active).
    public var wallet: SolanaPublicKey
    /// Consumed together with the change.
    public var proofs: [Proof]
    /// When set, the governance sequence must equal `expected` and becomes `new`.
    public var sequence: (expected: UInt64, new: UInt64)?
    /// The change.
    public var change: Change
    /// When the proofs are consumed.
    public var at: Date

    /// A commit of `change` authorised by `proofs`.
    public init(
        wallet: SolanaPublicKey, proofs: [Proof], sequence: (expected: UInt64, new: UInt64)? = nil, change: Change,
        at: Date
    ) {
        self.wallet = wallet
        self.proofs = proofs
        self.sequence = sequence
        self.change = change
        self.at = at
    }
}

/// Result of ``GuardianStore/commitAuthorized(_:audit:)``; every case but `committed` wrote nothing.
public enum AuthorizedCommitOutcome: Sendable, Hashable {
    case committed
    /// The wallet is missing or not active.
    case walletNotActive
    /// The TOTP step (or a later one) was burned first.
    case stepAlreadyUsed
    /// The recovery code was used, or its set replaced.
    case recoveryCodeUsed
    /// The governance challenge was consumed first.
    case challengeUsed
    /// The session that asked was logged out or expired before the commit.
    case sessionEnded
    /// The governance sequence is not the expected one (nil: the wallet has no governance record).
    case sequenceConflict(current: UInt64?)
    /// The wallet already has a governance record (migrate).
    case alreadyMigrated
    /// The pending rotation is not the one named (or one is pending already, for schedule).
    case rotationChanged
}
