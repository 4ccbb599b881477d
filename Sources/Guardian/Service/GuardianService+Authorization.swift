import ChainKit
import Crypto
import Foundation
import OTP

// MARK: - Authorisation of governance and recovery actions

/// How the wallet owner proves a governance or recovery action: the authenticator (a TOTP code), or — when the
/// authenticator is lost — a recovery code together with the wallet's signature over a fresh governance challenge
/// naming the action (so a leaked recovery code alone, or a session token alone, is not enough).
public enum GovernanceAuthorization: Sendable, Hashable {
    /// A TOTP code; its step is burned with the same compare-and-set as a cosign.
    case totp(code: String)
    /// A recovery code (consumed), plus the challenge from ``GuardianService/governanceChallenge(session:wallet:action:)``
    /// and the wallet's Ed25519 signature over its text (consumed too).
    case recoveryCode(String, challengeID: String, signature: SolanaSignature)
}

/// The actions that carry a governance challenge or an attestation.
public enum GovernanceAction: String, Sendable, Hashable, CaseIterable, Codable {
    case migrate
    case scheduleRotation = "schedule_rotation"
    case cancelRotation = "cancel_rotation"
    case executeRotation = "execute_rotation"
    case breakGlass = "break_glass"
    case reenroll
    case regenerateRecoveryCodes = "regenerate_recovery_codes"
    case updatePolicy = "update_policy"

    /// The challenge purpose stored with a governance challenge for this action.
    var challengePurpose: String { "governance:" + rawValue }

    /// The statement of this action's governance challenge (SIWS `statement`): what the wallet owner is asked to
    /// sign, and what a client checks, word for word, before signing (``GuardianConfiguration/SignIn/defaultStatement``
    /// is the sign-in one; the two can never be confused).
    public var challengeStatement: String {
        "Authorize the Chronoguard guardian action \(rawValue) for this wallet. Sign only if you started it."
    }
}

/// A governance challenge: Sign In With Solana text whose statement names the action; the wallet signs it to
/// authorise exactly that action once.
public struct GovernanceChallenge: Sendable, Hashable {
    /// The id to send back with the signature.
    public let id: String
    /// The action it authorises.
    public let action: GovernanceAction
    /// The exact text to sign (UTF-8).
    public let message: String
    /// When it stops being accepted.
    public let expiresAt: Date
}

extension GuardianService {
    /// Issues a challenge for `action` that the wallet signs when it authorises the action with a recovery code.
    ///
    /// - Throws: `session_invalid`, `session_wallet_mismatch`, `invalid_wallet_address`, `rate_limited`, storage errors.
    public func governanceChallenge(session: Session, wallet walletText: String, action: GovernanceAction)
        async throws(GuardianError) -> GovernanceChallenge
    {
        let wallet = try Self.parseWallet(walletText)
        let now = clock.now()
        try check(session, for: wallet, at: now)
        let signIn = configuration.signIn
        let id = SecureRandom.hexIdentifier()
        let nonce = SecureRandom.alphanumeric(configuration.nonceLength)
        let message: SIWSMessage
        do {
            message = try SIWSMessage(
                domain: signIn.domain, address: wallet,
                statement: action.challengeStatement,
                uri: signIn.uri, chainID: signIn.chainID, nonce: nonce, issuedAt: SIWSTimestamp(now, rounding: .down),
                expirationTime: SIWSTimestamp(
                    now.addingTimeInterval(min(configuration.governance.challengeLifetime, SIWSLimits.maximumLifetime)),
                    rounding: .down), requestID: id)
        } catch {
            throw .internal("building the governance challenge failed: \(error)")
        }
        let stored = StoredChallenge(
            id: id, wallet: wallet, message: message.text, nonce: nonce, issuedAt: message.issuedAt.date,
            expiresAt: message.expirationTime.date, purpose: action.challengePurpose)
        try await storage { try await store.insertChallenge(stored) }
        return GovernanceChallenge(id: id, action: action, message: message.text, expiresAt: stored.expiresAt)
    }

    /// Checks an authorisation for `action` on `record` and returns the proofs to consume with the change. Nothing is
    /// consumed here; a wrong TOTP or recovery code counts a failed attempt (and may lock the wallet). A recovery
    /// code's scrypt check is scheduled fairly for `client` (``FairWorkScheduler``).
    func proofs(
        for authorization: GovernanceAuthorization, action: GovernanceAction, record: WalletRecord, at now: Date,
        client: String? = nil
    ) async throws(GuardianError) -> (proofs: [AuthorizedCommit.Proof], method: String) {
        try checkLockout(record, at: now)
        switch authorization {
        case .totp(let code):
            guard OTPCode.parse(code, digits: record.totp.digits) != nil else {
                throw Self.malformedCode(digits: record.totp.digits)
            }
            let totp = try totp(for: record, dataKey: dataKey(for: record))
            let check: OTPCheck
            do {
                check = try totp.check(
                    code, at: Int64(now.timeIntervalSince1970.rounded(.down)), window: configuration.verificationWindow,
                    after: record.lastAcceptedStep)
            } catch {
                throw .internal("TOTP verification failed: \(error)")
            }
            switch check {
            case .accepted(let match): return ([.totpStep(match.step)], "totp")
            case .alreadyUsed:
                // A replay, not a guess: audited like one in the capsule, not counted.
                try await storage {
                    try await store.appendAudit(
                        audit(
                            AuditEvent(
                                .codeReplayed, at: now, wallet: record.wallet, detail: ["action": action.rawValue])))
                }
                throw GuardianError.codeAlreadyUsed
            case .rejected: throw try await recordWrongCode(record, at: now, operationID: nil)
            }
        case .recoveryCode(let code, let challengeID, let signature):
            try await checkGovernanceChallenge(
                challengeID, signature: signature, action: action, wallet: record.wallet, at: now)
            guard let set = try await storage({ try await store.recoveryCodes(record.wallet) }) else {
                throw GuardianError(
                    .invalidRecoveryCode,
                    "This wallet has no recovery codes; confirm the enrollment first, or use a code from the authenticator app."
                )
            }
            let index: Int?
            do { index = try await scrypt.run(client: client) { try RecoveryCodes.match(code, in: set) } } catch let
                error as GuardianError
            {
                throw error
            } catch {
                throw .internal("hashing the recovery code failed: \(error)")
            }
            guard let index else {
                throw try await recordWrongCode(record, at: now, operationID: nil, recoveryCode: true)
            }
            guard set.usedAt[index] == nil else { throw GuardianError.recoveryCodeUsed }
            return ([.recoveryCode(setID: set.id, index: index), .challenge(id: challengeID)], "recovery_code")
        }
    }

    /// The challenge must be this wallet's, for this action, unused, unexpired, and signed by the wallet.
    private func checkGovernanceChallenge(
        _ id: String, signature: SolanaSignature, action: GovernanceAction, wallet: SolanaPublicKey, at now: Date
    ) async throws(GuardianError) {
        guard id.utf8.count <= 64, let stored = try await storage({ try await store.challenge(id: id) }),
            stored.wallet == wallet
        else {
            throw GuardianError(
                .challengeNotFound,
                "No such governance challenge for this wallet; request one for the action \(action.rawValue).")
        }
        guard stored.purpose == action.challengePurpose else {
            throw GuardianError(
                .challengeNotFound,
                "This challenge was not issued for the action \(action.rawValue); request a governance challenge for it."
            )
        }
        guard stored.consumedAt == nil else {
            throw GuardianError(.nonceReused, "This governance challenge has already been used; request a new one.")
        }
        guard now < stored.expiresAt else {
            throw GuardianError(
                .challengeExpired,
                "The governance challenge expired; request a new one and sign it within \(Int(configuration.governance.challengeLifetime)) s."
            )
        }
        do {
            let message = try SIWSMessage(text: stored.message)
            try message.verify(
                signature: signature, expectedDomain: configuration.signIn.domain, expectedNonce: stored.nonce, at: now)
        } catch {
            throw GuardianError(
                .invalidSignature,
                "The signature is not the wallet's Ed25519 signature of the governance challenge; sign the exact message returned by the challenge."
            )
        }
    }

    /// Turns a store refusal into the error the caller sees.
    func check(
        _ outcome: AuthorizedCommitOutcome,
        rotationChanged: GuardianError = GuardianError(
            .noPendingRotation, "The pending rotation changed meanwhile; read the governance status and retry.")
    ) throws(GuardianError) {
        switch outcome {
        case .committed: return
        case .walletNotActive: throw GuardianError.enrollmentPending
        case .stepAlreadyUsed: throw GuardianError.codeAlreadyUsed
        case .recoveryCodeUsed: throw GuardianError.recoveryCodeUsed
        case .challengeUsed:
            throw GuardianError(.nonceReused, "This governance challenge has already been used; request a new one.")
        case .sessionEnded: throw GuardianError.sessionInvalid
        case .sequenceConflict(let current): throw GuardianError.sequenceMismatch(current: current)
        case .alreadyMigrated: throw GuardianError.alreadyMigrated
        case .rotationChanged: throw rotationChanged
        }
    }

    /// The wallet's guardian keypair, decrypted for one signature; the caller drops it right after.
    func guardianKeypair(for record: WalletRecord, dataKey: SymmetricKey) throws(GuardianError) -> SolanaKeypair {
        let guardian: SolanaKeypair
        do {
            var seed = try KeyEnvelope.openSecret(
                record.keys.sealedGuardianSeed, purpose: .guardianSeed, wallet: record.wallet, dataKey: dataKey)
            defer { wipe(&seed) }
            guardian = try SolanaKeypair(seed: seed)
        } catch {
            throw .internal("guardian key failed authentication")
        }
        guard guardian.publicKey == record.guardianPublicKey else {
            throw .internal("guardian seed does not match its public key")
        }
        return guardian
    }

    /// The active wallet record, or the error saying why there is none.
    func activeWallet(_ wallet: SolanaPublicKey) async throws(GuardianError) -> WalletRecord {
        guard let record = try await storage({ try await store.wallet(wallet) }) else {
            throw GuardianError.notEnrolled
        }
        guard record.state == .active else { throw GuardianError.enrollmentPending }
        return record
    }
}

/// Limits of Sign In With Solana messages used as challenges.
enum SIWSLimits {
    /// Challenges live at most 5 minutes (the sign-in rule, kept for governance challenges).
    static let maximumLifetime: TimeInterval = 300
}

// MARK: - Errors

extension GuardianError {
    static let alreadyMigrated = GuardianError(
        .alreadyMigrated, "This wallet already uses governance v2; read its governance status.")

    static let governanceNotEnabled = GuardianError(
        .governanceNotEnabled,
        "This wallet is v1 and has no governance record; migrate it to v2 first (POST …/governance/migrate).")

    static let recoveryCodeUsed = GuardianError(
        .recoveryCodeUsed, "This recovery code has already been used; each recovery code works once. Use another one.")

    static func sequenceMismatch(current: UInt64?) -> GuardianError {
        let expected = (current ?? 0) + 1
        return GuardianError(
            .sequenceMismatch,
            "The governance sequence number must be \(expected) (one more than the last action's \(current ?? 0)); read the governance status and retry with it."
        )
    }
}
