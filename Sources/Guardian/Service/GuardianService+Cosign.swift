import ChainKit
import Crypto
import Foundation
import OTP

// MARK: - Cosign result

/// A completed capsule: the guardian's signature, released only after the code's step was durably burned.
public struct CosignResult: Sendable, Hashable {
    /// Identifies the capsule in the cosign record, the audit log and metrics.
    public let operationID: String
    /// The guardian's Ed25519 signature over the transaction's exact message bytes.
    public let signature: SolanaSignature
    /// The key that signed: the wallet's guardian.
    public let guardianPublicKey: SolanaPublicKey
    /// The transaction with the guardian's slot filled (other slots as received), standard Base64.
    public let signedTransactionBase64: String
    /// The TOTP step that was burned.
    public let step: UInt64
    /// The capsule's states with their timings.
    public let timeline: CapsuleTimeline
}

// MARK: - The capsule

extension GuardianService {
    /// Co-signs a Solana transaction after a fresh TOTP code: the capsule.
    ///
    /// In order: session → rate limits (API key, wallet; the per-IP bucket is ``admit(clientIP:)``'s, charged before the
    /// request is read) → enrollment and lockout → parse the transaction and
    /// require the wallet and its guardian key as signers and a recent blockhash → the wallet's transaction policy, if
    /// any (docs/policies.md) (**sealed**) → verify the code within
    /// ±window steps and after the last accepted step (**validating**) → decrypt the guardian key for this signature
    /// only (**decrypting**) → sign the exact message bytes (**signing**) → in one database transaction, compare-and-set
    /// the last accepted step, re-check the policy's limits, and write the cosign record, spends and audit events
    /// (**burning**) → return (**completed**).
    ///
    /// Any failure releases nothing and consumes nothing; a wrong code only counts a failed attempt. Of N concurrent
    /// requests carrying one valid code, exactly one gets a signature: each wallet's capsules run one at a time here,
    /// and the store's compare-and-set holds across processes.
    ///
    /// - Parameters:
    ///   - session: from ``authenticate(token:)``; must belong to `wallet`.
    ///   - transactionBase64: a serialized legacy or v0 transaction (standard Base64); signature slots may be empty
    ///     or partly filled, but filled ones must be valid.
    ///   - code: the code from the authenticator app.
    ///   - apiKey: the key for its rate limit, when the server has API keys.
    /// - Throws: ``GuardianError`` — `session_invalid`, `session_wallet_mismatch`, `invalid_wallet_address`,
    ///   `rate_limited`, `not_enrolled`, `enrollment_pending`, `wallet_disabled`, `wallet_locked`,
    ///   `malformed_transaction`, `wallet_not_signer`, `guardian_not_signer`, `missing_recent_blockhash`,
    ///   `invalid_request` (code shape), the wallet policy's `policy_*` refusals and `policy_changed`, `invalid_code`,
    ///   `code_already_used`, storage errors.
    public func cosign(
        session: Session, wallet walletText: String, transactionBase64: String, code: String, apiKey: String? = nil
    ) async throws(GuardianError) -> CosignResult {
        let startedAt = clock.now()
        let operationID = Self.operationID(at: startedAt)
        var recorder = CapsuleRecorder(operationID: operationID, startedAt: startedAt)
        do {
            let result = try await runCapsule(
                &recorder, session: session, walletText: walletText, transactionBase64: transactionBase64, code: code,
                apiKey: apiKey)
            metrics.capsuleFinished(result.timeline)
            return result
        } catch {
            recorder.fail(error.code)
            metrics.capsuleFinished(recorder.timeline)
            throw error.tagged(operationID: operationID)
        }
    }

    private func runCapsule(
        _ recorder: inout CapsuleRecorder, session: Session, walletText: String, transactionBase64: String,
        code: String, apiKey: String?
    ) async throws(GuardianError) -> CosignResult {
        let wallet = try Self.parseWallet(walletText)
        let now = clock.now()
        try check(session, for: wallet, at: now)
        try await applyRateLimits(wallet: wallet, apiKey: apiKey, at: now)

        return try await walletGate.withLock(wallet) { () async throws(GuardianError) -> CosignResult in
            guard let (record, policyState) = try await storage({ try await store.capsuleState(wallet) }) else {
                throw GuardianError.notEnrolled
            }
            guard record.state == .active else { throw GuardianError.enrollmentPending }
            let now = clock.now()  // re-read: the gate may have queued us
            try checkLockout(record, at: now)

            // Sealed: everything the signature depends on is fixed and checked.
            let transaction = try Self.parseTransaction(
                transactionBase64, wallet: wallet, guardian: record.guardianPublicKey,
                verifyingPresentSignatures: configuration.verifiesPresentSignatures)
            guard OTPCode.parse(code, digits: record.totp.digits) != nil else {
                throw Self.malformedCode(digits: record.totp.digits)
            }
            // The vault rules (docs/vault.md), before the code: the guardian is never the second signature of a vault
            // instruction the wallet does not sign.
            try VaultRules.checkCosign(transaction, wallet: wallet, guardian: record.guardianPublicKey)
            // The wallet's transaction policy, before the code: a refusal consumes nothing (GuardianService+Policy).
            let policyCheck = try await evaluatePolicy(
                transaction, wallet: wallet, state: policyState, at: now, operationID: recorder.timeline.operationID)
            recorder.enter(.sealed)

            // Validating: the code against the secret, after the last accepted step.
            recorder.enter(.validating)
            let dataKey = try dataKey(for: record)
            let totp = try totp(for: record, dataKey: dataKey)
            let unixTime = Int64(now.timeIntervalSince1970.rounded(.down))
            let window = configuration.verificationWindow
            let check: OTPCheck
            do { check = try totp.check(code, at: unixTime, window: window, after: record.lastAcceptedStep) } catch {
                throw .internal("TOTP verification failed: \(error)")
            }
            let match: OTPMatch
            switch check {
            case .accepted(let accepted):
                match = accepted
            case .alreadyUsed:
                // A right code whose step is spent is a replay, not a guess: report it and do not count it.
                let event = AuditEvent(
                    .codeReplayed, at: now, wallet: wallet, operationID: recorder.timeline.operationID)
                try await storage { try await store.appendAudit(audit(event)) }
                throw GuardianError.codeAlreadyUsed
            case .rejected:
                throw try await recordWrongCode(
                    record, at: now, operationID: recorder.timeline.operationID, refusingWhileLocked: true)
            }

            // Decrypting: the guardian key exists in plaintext only from here to the end of this scope.
            recorder.enter(.decrypting)
            let guardian: SolanaKeypair
            do {
                var seed = try KeyEnvelope.openSecret(
                    record.keys.sealedGuardianSeed, purpose: .guardianSeed, wallet: wallet, dataKey: dataKey)
                defer { wipe(&seed) }
                guardian = try SolanaKeypair(seed: seed)
            } catch {
                throw .internal("guardian key failed authentication")
            }
            guard guardian.publicKey == record.guardianPublicKey else {
                throw .internal("guardian seed does not match its public key")
            }

            // Signing: the exact message bytes every signer signs.
            recorder.enter(.signing)
            let messageBytes = transaction.messageBytes
            let signature: SolanaSignature
            let signed: SolanaTransaction
            do {
                signature = try guardian.sign(messageBytes)
                signed = try transaction.settingSignature(signature, for: guardian.publicKey)
            } catch {
                throw .internal("signing failed: \(error)")
            }

            // Burning: compare-and-set the step, record, audit — one transaction. Only a commit releases the signature.
            recorder.enter(.burning)
            let cosign = CosignRecord(
                operationID: recorder.timeline.operationID, wallet: wallet, guardianPublicKey: guardian.publicKey,
                step: match.step,
                messageHash: Array(SHA256.hash(data: messageBytes)), recentBlockhash: transaction.recentBlockhash,
                signature: signature,
                createdAt: now, timeline: recorder.timeline.encoded)
            let event = AuditEvent(
                .cosignCompleted, at: now, wallet: wallet, operationID: cosign.operationID,
                detail: ["step": String(match.step)])
            let outcome = try await storage {
                try await store.commitCosign(
                    CosignCommit(
                        wallet: wallet, step: match.step, record: cosign, policy: policyCheck, session: live(session),
                        lockout: LockoutCondition(at: now, disableAfter: configuration.lockout.disableAfter)),
                    audit: audit(event))
            }
            switch outcome {
            case .committed: break
            case .stepAlreadyUsed: throw GuardianError.codeAlreadyUsed
            case .walletNotActive: throw GuardianError.notEnrolled
            case .sessionEnded: throw GuardianError.sessionInvalid  // logged out while the request was in flight
            case .walletLocked(let state):
                // Locked meanwhile by wrong codes on another node: the lock wins, nothing was consumed.
                var locked = record
                locked.lockout = state
                try checkLockout(locked, at: now)
                throw GuardianError.walletLocked(retryAfter: 1)
            case .guardianRotated:
                throw GuardianError(
                    .guardianNotSigner,
                    "The wallet's guardian key was rotated while this transaction was being co-signed; nothing was signed or consumed — rebuild it for the new guardian key (see the governance status)."
                )
            case .policyChanged:
                throw GuardianError(
                    .policyChanged,
                    "The wallet's transaction policy changed while this transaction was being co-signed; nothing was signed or consumed — send it again with the same code."
                )
            case .spendingLimitExceeded(let violation):
                // Another capsule committed spends first: refused as at evaluation, the code is not consumed.
                let error = GuardianError.spendingLimitExceeded(violation)
                try await auditPolicyRefusal(error, wallet: wallet, at: now, operationID: cosign.operationID)
                throw error
            }
            recorder.enter(.completed)
            return CosignResult(
                operationID: cosign.operationID, signature: signature, guardianPublicKey: guardian.publicKey,
                signedTransactionBase64: Data(signed.serialized()).base64EncodedString(), step: match.step,
                timeline: recorder.timeline)
        }
    }

    /// A 128-bit operation id, time-ordered like a UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then 80
    /// random bits, as 32 hex digits. Time order keeps the cosign table's inserts at the end of its index.
    static func operationID(at date: Date) -> String {
        var bytes = SecureRandom.bytes(16)
        let milliseconds = UInt64(max(0, AuditEvent.milliseconds(date)))
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
        return Hex.encode(bytes)
    }

    /// Decodes and checks a transaction for the capsule.
    static func parseTransaction(
        _ base64: String, wallet: SolanaPublicKey, guardian: SolanaPublicKey, verifyingPresentSignatures: Bool = true
    ) throws(GuardianError) -> SolanaTransaction {
        guard base64.utf8.count <= GuardianConfiguration.maximumTransactionBase64Length else {
            throw GuardianError(
                .malformedTransaction, "The transaction is larger than Solana's 1232-byte packet limit.")
        }
        guard let bytes = Data(base64Encoded: base64) else {
            throw GuardianError(
                .malformedTransaction,
                "The transaction is not standard Base64; send the serialized transaction bytes in Base64.")
        }
        let transaction: SolanaTransaction
        do { transaction = try SolanaTransaction(wireBytes: bytes) } catch {
            throw GuardianError(
                .malformedTransaction, "The transaction does not parse (\(error.code.rawValue)): \(error.message)")
        }
        guard transaction.signerIndex(of: wallet) != nil else {
            throw GuardianError(
                .walletNotSigner,
                "The wallet is not a required signer of this transaction; the guardian co-signs only the wallet's own transactions."
            )
        }
        guard let guardianSlot = transaction.signerIndex(of: guardian) else {
            throw GuardianError(
                .guardianNotSigner,
                "The wallet's guardian key \(guardian) is not a required signer of this transaction; add it as a signer."
            )
        }
        guard transaction.recentBlockhash.bytes.contains(where: { $0 != 0 }) else {
            throw GuardianError(
                .missingRecentBlockhash,
                "The transaction has no recent blockhash; set a recent blockhash (or durable nonce) before co-signing.")
        }
        // Filled slots must already be valid: a bad one would make the network reject the transaction anyway.
        guard verifyingPresentSignatures else { return transaction }
        let messageBytes = transaction.messageBytes
        for (index, pair) in zip(transaction.requiredSigners, transaction.signatures).enumerated()
        where index != guardianSlot && !pair.1.isEmpty {
            guard pair.0.isValidSignature(pair.1, for: messageBytes) else {
                throw GuardianError(
                    .malformedTransaction,
                    "Signature slot \(index) (signer \(pair.0)) holds a signature that does not verify; leave unsigned slots empty (all zeros)."
                )
            }
        }
        return transaction
    }
}
