import ChainKit
import Foundation
import OTP

// MARK: - Policy status

/// One spending limit with what its window holds now.
public struct SpendingLimitUsage: Sendable, Hashable {
    /// The limit.
    public let limit: SpendingLimit
    /// Spent in the current rolling window (committed cosigns only), saturating at `UInt64.max`.
    public let spent: UInt64
    /// What may still be spent now: `limit − spent`, or 0.
    public var remaining: UInt64 { limit.amount > spent ? limit.amount - spent : 0 }
}

/// A wallet's policy as it stands at ``at``: a pending policy whose time has come is already active.
public struct WalletPolicyStatus: Sendable, Hashable {
    /// The wallet.
    public let wallet: SolanaPublicKey
    /// The policy in force, nil for none.
    public let active: TransactionPolicy?
    /// The looser policy waiting for its time, if any.
    public let pending: PendingPolicy?
    /// Usage of each active limit, in the policy's order.
    public let usage: [SpendingLimitUsage]
    /// The policy revision (0: never set).
    public let revision: Int64
    /// The instant the status describes.
    public let at: Date
}

// MARK: - Policy operations

extension GuardianService {
    /// The wallet's policy, pending change and limit usage (for the wallet's own session).
    /// - Throws: `session_invalid`, `session_wallet_mismatch`, `invalid_wallet_address`, `not_enrolled`, storage errors.
    public func policyStatus(session: Session, wallet walletText: String) async throws(GuardianError)
        -> WalletPolicyStatus
    {
        let wallet = try Self.parseWallet(walletText)
        let now = clock.now()
        try check(session, for: wallet, at: now)
        guard try await storage({ try await store.wallet(wallet) }) != nil else { throw GuardianError.notEnrolled }
        return try await status(wallet, state: storage { try await store.policyState(wallet: wallet) }, at: now)
    }

    /// Sets (or, with nil, removes) the wallet's transaction policy after a fresh TOTP code, whose step is burned with
    /// the cosign's compare-and-set. Tightening applies at once; what is looser applies 24 hours later
    /// (``PolicyState/updated(with:at:)``); the stored state is recomputed inside the store's transaction, so
    /// concurrent updates from several processes compose.
    ///
    /// - Throws: ``GuardianError`` — `session_invalid`, `session_wallet_mismatch`, `invalid_wallet_address`,
    ///   `rate_limited`, `not_enrolled`, `enrollment_pending`, `wallet_disabled`, `wallet_locked`, `invalid_request`
    ///   (code shape), `invalid_code`, `code_already_used`, storage errors.
    public func updatePolicy(
        session: Session, wallet walletText: String, policy: TransactionPolicy?, code: String, apiKey: String? = nil
    ) async throws(GuardianError) -> WalletPolicyStatus {
        let wallet = try Self.parseWallet(walletText)
        let now = clock.now()
        try check(session, for: wallet, at: now)
        try await applyRateLimits(wallet: wallet, apiKey: apiKey, at: now)
        return try await walletGate.withLock(wallet) { () async throws(GuardianError) -> WalletPolicyStatus in
            let record = try await activeWallet(wallet)
            let now = clock.now()
            // The same code path as every governance action: lockout, shape, ±window after the last step, replay audit.
            guard
                case .totpStep(let step) = try await proofs(
                    for: .totp(code: code), action: .updatePolicy, record: record, at: now
                ).proofs.first
            else {
                throw .internal("a TOTP authorisation yielded no step")
            }
            let update = PolicyUpdate(wallet: wallet, step: step, policy: policy, at: now, session: live(session))
            let outcome = try await storage {
                try await store.updatePolicy(update, sealer: sealer) { state in
                    [Self.policyUpdatedEvent(state, wallet: wallet, step: step, at: now)]
                }
            }
            switch outcome {
            case .updated(let state): return try await status(wallet, state: state, at: now)
            case .stepAlreadyUsed: throw GuardianError.codeAlreadyUsed
            case .walletNotActive: throw GuardianError.notEnrolled
            case .sessionEnded: throw GuardianError.sessionInvalid
            }
        }
    }

    /// Non-secret facts of an update: the step burned, the revision, the active policy's shape, and when a pending
    /// (looser) policy applies.
    static func policyUpdatedEvent(_ state: PolicyState, wallet: SolanaPublicKey, step: UInt64, at now: Date)
        -> AuditEvent
    {
        let active = state.active
        return AuditEvent(
            .policyUpdated, at: now, wallet: wallet,
            detail: [
                "step": String(step),
                "revision": String(state.revision),
                "active": active == nil
                    ? "none"
                    : "limits:\(active!.spendingLimits.count),destinations:\(active!.allowedDestinations.map { String($0.count) } ?? "any"),programs:\(active!.allowedPrograms.count)",
                "pending_effective_at_ms": state.pending.map { String(AuditEvent.milliseconds($0.effectiveAt)) }
                    ?? "none",
            ])
    }

    private func status(_ wallet: SolanaPublicKey, state stored: PolicyState, at now: Date) async throws(GuardianError)
        -> WalletPolicyStatus
    {
        let state = stored.effective(at: now)
        let limits = state.active?.spendingLimits ?? []
        let records =
            limits.isEmpty
            ? []
            : try await storage {
                try await store.spendRecords(wallet: wallet, after: SpendingLedger.horizon(of: limits, at: now))
            }
        let usage = limits.map {
            SpendingLimitUsage(
                limit: $0, spent: SpendingLedger.total(of: $0.asset, in: $0.period, records: records, at: now))
        }
        return WalletPolicyStatus(
            wallet: wallet, active: state.active, pending: state.pending, usage: usage, revision: state.revision,
            at: now)
    }

    // MARK: Capsule

    /// The capsule's policy step (after parsing, before the code): evaluates the transaction against the wallet's
    /// effective policy and its committed spends, and returns the conditions the commit must re-check. A refusal is
    /// audited and thrown; it consumes no code and counts no failed attempt.
    func evaluatePolicy(
        _ transaction: SolanaTransaction, wallet: SolanaPublicKey, state stored: PolicyState, at now: Date,
        operationID: String
    ) async throws(GuardianError) -> CosignPolicyCheck {
        let state = stored.effective(at: now)
        guard let policy = state.active else {
            return CosignPolicyCheck(expectedRevision: state.revision, spends: [], limits: [])
        }
        do throws(GuardianError) {
            let instructions: [SolanaInstruction]
            do { instructions = try transaction.message.decodedInstructions() } catch {
                throw GuardianError(
                    .malformedTransaction,
                    "Instruction \(error.instructionIndex) does not decode (\(error.code.rawValue)): \(error.message)")
            }
            let assessment = try policy.assess(instructions, wallet: wallet, feePayer: transaction.message.feePayer)
            let check = CosignPolicyCheck(
                expectedRevision: state.revision, spends: assessment.spends, limits: policy.spendingLimits)
            let horizon = check.horizon(at: now)
            let records =
                policy.spendingLimits.isEmpty
                ? [] : try await storage { try await store.spendRecords(wallet: wallet, after: horizon) }
            if let violation = SpendingLedger.firstViolation(
                limits: check.limits, spends: check.spends, records: records, at: now)
            {
                throw GuardianError.spendingLimitExceeded(
                    violation, decimals: assessment.decimals[violation.limit.asset])
            }
            return check
        } catch {
            if error.isPolicyRefusal {
                try await auditPolicyRefusal(error, wallet: wallet, at: now, operationID: operationID)
            }
            throw error
        }
    }

    /// Appends `policy_refused` with the rule's code (the message names addresses and amounts, not secrets, but the
    /// code is what the log needs).
    func auditPolicyRefusal(_ error: GuardianError, wallet: SolanaPublicKey, at now: Date, operationID: String)
        async throws(GuardianError)
    {
        let event = AuditEvent(
            .policyRefused, at: now, wallet: wallet, operationID: operationID, detail: ["rule": error.code.rawValue])
        try await storage { try await store.appendAudit(audit(event)) }
    }

    /// Removes spend records older than the longest window (7 days); part of ``purgeExpired()``.
    func purgeSpendRecords() async throws(GuardianError) -> Int {
        let cutoff = clock.now().addingTimeInterval(-TimeInterval(SpendingPeriod.allCases.map(\.seconds).max()!))
        return try await storage { try await store.purgeSpendRecords(through: cutoff) }
    }
}
