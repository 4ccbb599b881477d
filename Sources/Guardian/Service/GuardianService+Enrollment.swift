import ChainKit
import Crypto
import Foundation
import OTP

// MARK: - Enrollment results

/// What a new enrollment shows the user, exactly once: the provisioning URI (and its QR code) carry the TOTP secret.
public struct EnrollmentStart: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The enrolling wallet.
    public let wallet: SolanaPublicKey
    /// The guardian's Ed25519 public key: the second signer the wallet's on-chain program will require.
    public let guardianPublicKey: SolanaPublicKey
    /// `otpauth://totp/…` with the secret. Secret: return it once, never log it.
    public let otpauthURI: String
    /// The URI as a QR code in SVG, when the service has a ``QRRenderer``. Secret, like the URI.
    public let qrSVG: String?
    /// Hash, digits and period the authenticator app will use.
    public let totp: TOTPParameters

    public var description: String {
        "EnrollmentStart(wallet: \(wallet), guardian: \(guardianPublicKey), secret redacted)"
    }
    public var debugDescription: String { description }
}

/// A wallet's guardian, as anyone may see it: the public key and where enrollment stands.
public struct GuardianStatus: Sendable, Hashable {
    /// The wallet.
    public let wallet: SolanaPublicKey
    /// The guardian's Ed25519 public key, the co-signer the wallet's program requires.
    public let guardianPublicKey: SolanaPublicKey
    /// Pending (not confirmed) or active.
    public let state: EnrollmentState
    /// When the current enrollment was started.
    public let createdAt: Date
    /// When it was confirmed, if it was.
    public let activatedAt: Date?
    /// Until when codes are refused after wrong ones (nil: not locked).
    public let lockedUntil: Date?
    /// True after too many consecutive wrong codes, until an operator unlocks the wallet.
    public let disabled: Bool
}

// MARK: - Enrollment

extension GuardianService {
    /// Creates the wallet's TOTP secret (CSPRNG) and its guardian Ed25519 keypair, stores both encrypted, and returns
    /// the provisioning URI and QR once. Starting again before confirming replaces the pending secret and key.
    ///
    /// - Throws: `session_invalid`, `session_wallet_mismatch`, `invalid_wallet_address`, `already_enrolled`, storage
    ///   errors.
    public func beginEnrollment(session: Session, wallet walletText: String) async throws(GuardianError)
        -> EnrollmentStart
    {
        let wallet = try Self.parseWallet(walletText)
        try check(session, for: wallet, at: clock.now())
        return try await walletGate.withLock(wallet) { () async throws(GuardianError) -> EnrollmentStart in
            let existing = try await storage { try await store.wallet(wallet) }
            if existing?.state == .active { throw GuardianError.alreadyEnrolled }
            if existing?.activatedAt != nil {
                throw GuardianError(
                    .alreadyEnrolled,
                    "This wallet is re-enrolling: scan the QR code from the re-enrollment and confirm it, or re-enroll again with a recovery code."
                )
            }
            let parameters = configuration.totp
            let (secret, uri, qr) = try newCredential(for: wallet)
            let guardian = SolanaKeypair()

            for _ in 0..<3 {  // retried only if a key rotation commits between wrapping and storing
                let now = clock.now()
                let master = keyRing.withLock { $0.current }
                let record = try sealEnrollment(
                    wallet: wallet, secret: secret, guardian: guardian, master: master, parameters: parameters,
                    lockout: existing?.lockout ?? .clear, now: now)
                let event = AuditEvent(
                    .enrollmentStarted, at: now, wallet: wallet,
                    detail: ["guardian": guardian.publicKey.base58, "master_key_id": master.id])
                switch try await storage({
                    try await store.savePendingEnrollment(record, session: live(session), audit: audit(event))
                }) {
                case .saved:
                    return EnrollmentStart(
                        wallet: wallet, guardianPublicKey: guardian.publicKey, otpauthURI: uri, qrSVG: qr,
                        totp: parameters)
                case .alreadyActive:
                    throw GuardianError.alreadyEnrolled
                case .sessionEnded:
                    throw GuardianError.sessionInvalid
                case .staleMasterKey:
                    await Task.yield()
                }
            }
            throw GuardianError(
                .storageUnavailable, "A key rotation is in progress; retry shortly.", retryAfterSeconds: 1)
        }
    }

    /// A fresh TOTP secret (CSPRNG), its provisioning URI and QR code — rendered before anything is stored, so a
    /// renderer failure leaves no half-made enrollment.
    func newCredential(for wallet: SolanaPublicKey) throws(GuardianError) -> (
        secret: OTPSecret, uri: String, qrSVG: String?
    ) {
        let parameters = configuration.totp
        let secret: OTPSecret
        let uri: String
        do {
            secret = try OTPSecret.generate(for: parameters.algorithm)
            uri = try OTPAuthURI(
                kind: .totp(period: parameters.period), account: wallet.base58, issuer: configuration.issuer,
                secret: secret, algorithm: parameters.algorithm, digits: parameters.digits
            ).uriString
        } catch {
            throw .internal("generating the TOTP secret failed: \(error)")
        }
        do { return (secret, uri, try qrRenderer?.svg(for: uri)) } catch { throw .internal("QR rendering failed") }
    }

    private func sealEnrollment(
        wallet: SolanaPublicKey, secret: OTPSecret, guardian: SolanaKeypair, master: MasterKey,
        parameters: TOTPParameters, lockout: LockoutState, now: Date
    ) throws(GuardianError) -> WalletRecord {
        let dataKey = SymmetricKey(size: .bits256)
        var seed = guardian.seed
        var secretBytes = secret.bytes
        defer {
            wipe(&seed)
            wipe(&secretBytes)
        }
        do {
            let keys = SealedWalletKeys(
                masterKeyID: master.id,
                wrappedDataKey: try KeyEnvelope.wrapDataKey(dataKey, wallet: wallet, under: master),
                sealedTOTPSecret: try KeyEnvelope.sealSecret(
                    secretBytes, purpose: .totpSecret, wallet: wallet, dataKey: dataKey),
                sealedGuardianSeed: try KeyEnvelope.sealSecret(
                    seed, purpose: .guardianSeed, wallet: wallet, dataKey: dataKey))
            return WalletRecord(
                wallet: wallet, state: .pending, guardianPublicKey: guardian.publicKey, keys: keys, totp: parameters,
                lastAcceptedStep: nil, lockout: lockout, createdAt: now, activatedAt: nil)
        } catch {
            throw .internal("sealing the enrollment secrets failed")
        }
    }

    /// Activates a pending enrollment with a valid code from the authenticator app and issues the wallet's ten
    /// break-glass recovery codes (shown once; stored as scrypt hashes; any older set is void). The code's step is
    /// burned: it cannot then be used for a cosign. Wrong codes count towards the lockout like any other.
    ///
    /// - Throws: `session_invalid`, `session_wallet_mismatch`, `not_enrolled`, `already_enrolled`, `rate_limited`,
    ///   `wallet_locked`, `wallet_disabled`, `invalid_request`, `invalid_code`, `enrollment_pending` (restarted
    ///   meanwhile), storage errors.
    public func confirmEnrollment(session: Session, wallet walletText: String, code: String, clientIP: String? = nil)
        async throws(GuardianError) -> EnrollmentConfirmation
    {
        let wallet = try Self.parseWallet(walletText)
        let now = clock.now()
        try check(session, for: wallet, at: now)
        try await applyRateLimits(wallet: wallet, apiKey: nil, at: now)
        return try await walletGate.withLock(wallet) { () async throws(GuardianError) -> EnrollmentConfirmation in
            guard let record = try await storage({ try await store.wallet(wallet) }) else {
                throw GuardianError.notEnrolled
            }
            guard record.state == .pending else { throw GuardianError.alreadyEnrolled }
            let now = clock.now()
            try checkLockout(record, at: now)
            guard OTPCode.parse(code, digits: record.totp.digits) != nil else {
                throw Self.malformedCode(digits: record.totp.digits)
            }
            let totp = try totp(for: record, dataKey: dataKey(for: record))
            let match: OTPMatch?
            do {
                match = try totp.verify(
                    code, at: Int64(now.timeIntervalSince1970.rounded(.down)), window: configuration.verificationWindow,
                    after: record.lastAcceptedStep)
            } catch {
                throw .internal("TOTP verification failed: \(error)")
            }
            guard let match else { throw try await recordWrongCode(record, at: now, operationID: nil) }
            let issued = try await issueRecoveryCodes(at: now, client: clientIP)
            let events = [
                AuditEvent(
                    .enrollmentConfirmed, at: now, wallet: wallet,
                    detail: ["guardian": record.guardianPublicKey.base58, "step": String(match.step)]),
                AuditEvent(
                    .recoveryCodesIssued, at: now, wallet: wallet,
                    detail: [
                        "set_id": issued.set.id, "count": String(issued.codes.count), "reason": "enrollment_confirmed",
                    ]),
            ]
            let activated = try await storage {
                try await store.activateEnrollment(
                    wallet: wallet, guardianPublicKey: record.guardianPublicKey, step: match.step, at: now,
                    recoveryCodes: issued.set, session: live(session),
                    audit: AuditAppend(sealer: sealer, events: events))
            }
            guard activated else {
                // Refused inside the transaction: tell an ended session apart from a restarted enrollment for the message.
                let stored = try await storage { try await store.session(tokenHash: session.tokenHash) }
                if !live(session).isSatisfied(by: stored) { throw GuardianError.sessionInvalid }
                throw GuardianError(
                    .enrollmentPending,
                    "The enrollment was restarted meanwhile; scan the new QR code and confirm with its code.")
            }
            let status = GuardianStatus(
                wallet: wallet, guardianPublicKey: record.guardianPublicKey, state: .active,
                createdAt: record.createdAt, activatedAt: now, lockedUntil: nil, disabled: false)
            return EnrollmentConfirmation(status: status, recoveryCodes: issued.codes)
        }
    }

    /// The wallet's guardian public key and enrollment state. Public information (the key goes on-chain).
    /// - Throws: `invalid_wallet_address`, `not_enrolled`, storage errors.
    public func guardianStatus(wallet walletText: String) async throws(GuardianError) -> GuardianStatus {
        let wallet = try Self.parseWallet(walletText)
        guard let record = try await storage({ try await store.wallet(wallet) }) else {
            throw GuardianError.notEnrolled
        }
        let now = clock.now()
        return GuardianStatus(
            wallet: wallet, guardianPublicKey: record.guardianPublicKey, state: record.state,
            createdAt: record.createdAt, activatedAt: record.activatedAt,
            lockedUntil: record.lockout.lockedUntil.flatMap { $0 > now ? $0 : nil },
            disabled: configuration.lockout.isDisabled(record.lockout))
    }

    static func malformedCode(digits: Int) -> GuardianError {
        GuardianError(.invalidRequest, "The code must be the \(digits) digits shown by the authenticator app.")
    }
}
