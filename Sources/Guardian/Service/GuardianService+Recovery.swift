import ChainKit
import Crypto
import Foundation
import OTP

// MARK: - Recovery results

/// A confirmed enrollment: the guardian's status and the break-glass recovery codes, shown exactly once.
public struct EnrollmentConfirmation: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The wallet's guardian, now active.
    public let status: GuardianStatus
    /// Ten single-use recovery codes. Secret: show once, never log; the service keeps only their scrypt hashes.
    public let recoveryCodes: [String]

    public var description: String {
        "EnrollmentConfirmation(wallet: \(status.wallet), state: \(status.state), \(recoveryCodes.count) recovery codes redacted)"
    }
    public var debugDescription: String { description }
}

/// The outcome of a break-glass validation (seed 001 §10.2).
public struct BreakGlassValidation: Sendable, Hashable {
    /// The wallet.
    public let wallet: SolanaPublicKey
    /// `totp` or `recovery_code`.
    public let method: String
    /// The guardian's signed statement that the owner passed the second factor for recovery, valid until
    /// ``expiresAt``.
    public let attestation: SignedAttestation
    /// End of the attestation's validity.
    public let expiresAt: Date
    /// Unused recovery codes left.
    public let remainingRecoveryCodes: Int
}

// MARK: - Break-glass and recovery codes

extension GuardianService {
    /// Issues a new set of recovery codes (shown once), voiding every older code. Needs a TOTP code, burned.
    /// - Throws: the code's errors, session and storage errors.
    public func regenerateRecoveryCodes(
        session: Session, wallet walletText: String, code: String, clientIP: String? = nil
    ) async throws(GuardianError) -> [String] {
        let wallet = try Self.parseWallet(walletText)
        let now = clock.now()
        try check(session, for: wallet, at: now)
        try await applyRateLimits(wallet: wallet, apiKey: nil, at: now)
        return try await walletGate.withLock(wallet) { () async throws(GuardianError) -> [String] in
            let record = try await activeWallet(wallet)
            let now = clock.now()
            let (proofs, _) = try await proofs(
                for: .totp(code: code), action: .regenerateRecoveryCodes, record: record, at: now, client: clientIP)
            let issued = try await issueRecoveryCodes(at: now, client: clientIP)
            let event = AuditEvent(
                .recoveryCodesIssued, at: now, wallet: wallet,
                detail: ["set_id": issued.set.id, "count": String(issued.codes.count), "reason": "regenerated"])
            try check(
                try await storage {
                    try await store.commitAuthorized(
                        AuthorizedCommit(
                            wallet: wallet, proofs: proofs + [.session(live(session))],
                            change: .replaceRecoveryCodes(issued.set), at: now), audit: audit(event))
                })
            return issued.codes
        }
    }

    /// Validates a TOTP code, or a recovery code with a signed `break_glass` challenge, for a recovery operation,
    /// under the break-glass bucket (3 per hour per wallet by default). The code or recovery code is consumed; the
    /// result carries the guardian's signed recovery attestation.
    /// - Throws: `rate_limited`, the authorisation's errors, session and storage errors.
    public func validateBreakGlass(
        session: Session, wallet walletText: String, authorization: GovernanceAuthorization, clientIP: String? = nil
    ) async throws(GuardianError) -> BreakGlassValidation {
        let wallet = try Self.parseWallet(walletText)
        let now = clock.now()
        try check(session, for: wallet, at: now)
        try await applyRateLimits(wallet: nil, apiKey: nil, at: now)
        try take(
            .breakGlass, key: Hex.encode(wallet.bytes), policy: configuration.governance.breakGlassRateLimit, at: now)
        return try await walletGate.withLock(wallet) { () async throws(GuardianError) -> BreakGlassValidation in
            let record = try await activeWallet(wallet)
            let governance = try await storage { try await store.governance(wallet) }
            let now = clock.now()
            let (proofs, method) = try await proofs(
                for: authorization, action: .breakGlass, record: record, at: now, client: clientIP)
            let expiresAt = now.addingTimeInterval(configuration.governance.breakGlassAttestationLifetime)
            let operationID = Self.operationID(at: now)
            let attestation = try attest(
                .breakGlass, record: record, sequence: governance?.sequence ?? 0, at: now,
                extra: [
                    "Method": method, "Operation": operationID, "Expires At": SignedAttestation.timestamp(expiresAt),
                ])
            let event = AuditEvent(
                .breakGlassValidated, at: now, wallet: wallet, operationID: operationID, detail: ["method": method])
            try check(
                try await storage {
                    try await store.commitAuthorized(
                        AuthorizedCommit(
                            wallet: wallet, proofs: proofs + [.session(live(session))], change: .none, at: now),
                        audit: audit(event))
                })
            let remaining = try await storage { try await store.recoveryCodes(wallet) }?.remaining ?? 0
            return BreakGlassValidation(
                wallet: wallet, method: method, attestation: attestation, expiresAt: expiresAt,
                remainingRecoveryCodes: remaining)
        }
    }

    /// Lost authenticator: with the wallet's signature over a `reenroll` governance challenge and a recovery code,
    /// issues a new TOTP secret (shown once, like an enrollment) and revokes the old one at once. The guardian key
    /// stays (only a timelocked rotation changes it); the wallet is pending until the new secret is confirmed, which
    /// also issues a fresh set of recovery codes.
    /// - Throws: `rate_limited` (break-glass bucket), the authorisation's errors, session and storage errors.
    public func reenroll(
        session: Session, wallet walletText: String, recoveryCode: String, challengeID: String,
        signature: SolanaSignature, clientIP: String? = nil
    ) async throws(GuardianError) -> EnrollmentStart {
        let wallet = try Self.parseWallet(walletText)
        let now = clock.now()
        try check(session, for: wallet, at: now)
        try await applyRateLimits(wallet: nil, apiKey: nil, at: now)
        try take(
            .breakGlass, key: Hex.encode(wallet.bytes), policy: configuration.governance.breakGlassRateLimit, at: now)
        return try await walletGate.withLock(wallet) { () async throws(GuardianError) -> EnrollmentStart in
            guard let record = try await storage({ try await store.wallet(wallet) }), record.activatedAt != nil else {
                throw GuardianError(
                    .notEnrolled, "This wallet has never completed enrollment; start enrollment instead.")
            }
            let now = clock.now()
            let authorization = GovernanceAuthorization.recoveryCode(
                recoveryCode, challengeID: challengeID, signature: signature)
            let (proofs, _) = try await proofs(
                for: authorization, action: .reenroll, record: record, at: now, client: clientIP)
            let parameters = configuration.totp
            let (secret, uri, qr) = try newCredential(for: wallet)
            var secretBytes = secret.bytes
            defer { wipe(&secretBytes) }
            let sealed: [UInt8]
            do {
                sealed = try KeyEnvelope.sealSecret(
                    secretBytes, purpose: .totpSecret, wallet: wallet, dataKey: dataKey(for: record))
            } catch {
                throw .internal("sealing the new TOTP secret failed")
            }
            let event = AuditEvent(
                .reenrollmentStarted, at: now, wallet: wallet,
                detail: ["guardian": record.guardianPublicKey.base58, "authorized_by": "recovery_code"])
            let commit = AuthorizedCommit(
                wallet: wallet, proofs: proofs + [.session(live(session))],
                change: .reenroll(sealedTOTPSecret: sealed, totp: parameters, at: now), at: now)
            try check(try await storage { try await store.commitAuthorized(commit, audit: audit(event)) })
            return EnrollmentStart(
                wallet: wallet, guardianPublicKey: record.guardianPublicKey, otpauthURI: uri, qrSVG: qr,
                totp: parameters)
        }
    }

    /// A fresh recovery-code set under the configured cost, scheduled fairly for `client` (``FairWorkScheduler``).
    func issueRecoveryCodes(at now: Date, client: String?) async throws(GuardianError) -> RecoveryCodes.Issued {
        let governance = configuration.governance
        do {
            return try await scrypt.run(client: client) {
                try RecoveryCodes.issue(
                    count: governance.recoveryCodeCount, parameters: governance.recoveryCodeScrypt, at: now)
            }
        } catch let error as GuardianError {
            throw error
        } catch {
            throw .internal("hashing recovery codes failed: \(error)")
        }
    }
}
