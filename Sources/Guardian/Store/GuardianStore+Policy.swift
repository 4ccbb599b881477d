import ChainKit
import Foundation

// MARK: - Policy inputs and outcomes

/// The transaction-policy conditions of one cosign commit (``CosignCommit/policy``), checked by the store inside the
/// commit's transaction so that no interleaving of capsules — in this process or another — commits more than a limit
/// allows, nor commits under a policy other than the one evaluated.
public struct CosignPolicyCheck: Sendable, Hashable {
    /// The policy revision the capsule evaluated (0: the wallet had no policy). A different stored revision yields
    /// ``CosignCommitOutcome/policyChanged``.
    public let expectedRevision: Int64
    /// What the transaction moves out of the wallet; stored as ``SpendRecord``s at the record's time when committed.
    public let spends: [PolicySpend]
    /// The limits to re-check against the committed spends (the evaluated policy's, in its order).
    public let limits: [SpendingLimit]

    public init(expectedRevision: Int64, spends: [PolicySpend], limits: [SpendingLimit]) {
        self.expectedRevision = expectedRevision
        self.spends = spends
        self.limits = limits
    }

    /// The outcome the check yields against the stored revision and spends, nil when the commit may proceed.
    public func refusal(storedRevision: Int64, records: [SpendRecord], at now: Date) -> CosignCommitOutcome? {
        guard storedRevision == expectedRevision else { return .policyChanged }
        if let violation = SpendingLedger.firstViolation(limits: limits, spends: spends, records: records, at: now) {
            return .spendingLimitExceeded(violation)
        }
        return nil
    }

    /// The oldest instant whose spends can matter to ``limits``.
    public func horizon(at now: Date) -> Date { SpendingLedger.horizon(of: limits, at: now) }
}

/// A policy update for ``GuardianStore/updatePolicy(_:sealer:audit:)``.
public struct PolicyUpdate: Sendable, Hashable {
    /// The wallet.
    public let wallet: SolanaPublicKey
    /// The TOTP step the update burns.
    public let step: UInt64
    /// The policy the owner asks for (nil: remove the policy, which is loosening).
    public let policy: TransactionPolicy?
    /// When.
    public let at: Date
    /// The session that asked, which must still be live when the update commits (nil: no session check).
    public let session: SessionCondition?

    public init(
        wallet: SolanaPublicKey, step: UInt64, policy: TransactionPolicy?, at: Date, session: SessionCondition? = nil
    ) {
        self.wallet = wallet
        self.step = step
        self.policy = policy
        self.at = at
        self.session = session
    }
}

/// Result of ``GuardianStore/updatePolicy(_:sealer:audit:)``.
public enum PolicyUpdateOutcome: Sendable, Hashable {
    /// Stored; the new state.
    case updated(PolicyState)
    /// A step at or beyond this one was burned first; nothing was written.
    case stepAlreadyUsed(lastAccepted: UInt64?)
    /// The wallet is missing or not active; nothing was written.
    case walletNotActive
    /// The session that asked was logged out or expired before the commit; nothing was written.
    case sessionEnded
}

// MARK: - Capsule reads

extension GuardianStore {
    /// Two reads; stores with transactions override it with one snapshot.
    public func capsuleState(_ wallet: SolanaPublicKey) async throws -> (record: WalletRecord, policy: PolicyState)? {
        guard let record = try await self.wallet(wallet) else { return nil }
        return (record, try await policyState(wallet: wallet))
    }
}
