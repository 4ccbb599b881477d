import ChainKit
import Crypto
import Foundation
import OTP

// MARK: - Service

/// The guardian co-signer's domain: wallet sign-in, TOTP enrollment, and the capsule that co-signs a Solana
/// transaction only after a fresh code, consumed exactly once.
///
/// The HTTP server wraps these async methods one-to-one; every failure is a ``GuardianError`` with a stable code and
/// a sentence (the server picks the HTTP status). The service holds no per-request state of its own: it is a `Sendable` class whose methods
/// can run concurrently; per-wallet work is serialised by an internal gate (see ``cosign(session:wallet:transactionBase64:code:apiKey:)``).
///
/// Start it with ``start(store:keyProvider:configuration:clock:metrics:qrRenderer:rateLimiter:)``.
public final class GuardianService: Sendable {
    /// The settings the service was started with.
    public let configuration: GuardianConfiguration
    let store: any GuardianStore
    let keyProvider: any MasterKeyProvider
    let clock: any GuardianClock
    let metrics: any GuardianMetrics
    let qrRenderer: (any QRRenderer)?
    let rateLimiter: any RateLimiter
    let keyRing: Locked<KeyRing>
    let walletGate = KeyedAsyncLock<SolanaPublicKey>()
    let rotationGate = KeyedAsyncLock<Int>()
    /// Recovery-code scrypt work, fair between clients and bounded (``FairWorkScheduler``; configured by
    /// ``GuardianConfiguration/Governance/scryptSlots`` and ``GuardianConfiguration/Governance/scryptQueueLimit``).
    let scrypt: FairWorkScheduler

    private init(
        store: any GuardianStore, keyProvider: any MasterKeyProvider, configuration: GuardianConfiguration,
        clock: any GuardianClock, metrics: any GuardianMetrics, qrRenderer: (any QRRenderer)?,
        rateLimiter: any RateLimiter, keyRing: KeyRing
    ) {
        self.store = store
        self.keyProvider = keyProvider
        self.configuration = configuration
        self.clock = clock
        self.metrics = metrics
        self.qrRenderer = qrRenderer
        self.rateLimiter = rateLimiter
        self.keyRing = Locked(keyRing)
        self.scrypt = FairWorkScheduler(
            slots: configuration.governance.scryptSlots, maximumWaiting: configuration.governance.scryptQueueLimit,
            maximumWaitingPerClient: configuration.governance.scryptQueueLimitPerClient)
    }

    /// Opens the service on a store: loads the master key from `keyProvider` (creating it for a brand-new database),
    /// checks that it is the key the database was written with, and finishes a rotation a crash interrupted.
    ///
    /// - Throws: ``GuardianError`` `invalid_configuration`, `key_provider_failed`, `master_key_mismatch`, or a storage
    ///   error.
    public static func start(
        store: any GuardianStore,
        keyProvider: any MasterKeyProvider,
        configuration: GuardianConfiguration,
        clock: any GuardianClock = SystemClock(),
        metrics: any GuardianMetrics = NoGuardianMetrics(),
        qrRenderer: (any QRRenderer)? = nil,
        rateLimiter: any RateLimiter = InMemoryRateLimiter()
    ) async throws(GuardianError) -> GuardianService {
        try validate(configuration, now: clock.now())
        let keyRing = try await loadKeyRing(store: store, keyProvider: keyProvider, now: clock.now())
        return GuardianService(
            store: store, keyProvider: keyProvider, configuration: configuration, clock: clock, metrics: metrics,
            qrRenderer: qrRenderer, rateLimiter: rateLimiter, keyRing: keyRing)
    }

    // MARK: Start-up

    private static func validate(_ configuration: GuardianConfiguration, now: Date) throws(GuardianError) {
        let signIn = configuration.signIn
        do {
            _ = try SIWSMessage(
                domain: signIn.domain, address: .zero, statement: signIn.statement, uri: signIn.uri,
                chainID: signIn.chainID, nonce: SecureRandom.alphanumeric(configuration.nonceLength),
                issuedAt: SIWSTimestamp(now, rounding: .down),
                expirationTime: SIWSTimestamp(now.addingTimeInterval(signIn.challengeLifetime), rounding: .down))
        } catch {
            throw GuardianError(
                .invalidConfiguration,
                "The sign-in settings do not form a valid Sign In With Solana message: \(error.message)")
        }
        guard configuration.nonceLength >= 16 else {
            throw GuardianError(.invalidConfiguration, "The sign-in nonce must have at least 16 random characters.")
        }
        guard signIn.challengeLifetime > 0, configuration.sessionLifetime > 0 else {
            throw GuardianError(.invalidConfiguration, "Challenge and session lifetimes must be positive.")
        }
        do {
            _ = try TOTP(
                secret: OTPSecret.generate(for: configuration.totp.algorithm), algorithm: configuration.totp.algorithm,
                digits: configuration.totp.digits, period: configuration.totp.period)
        } catch {
            throw GuardianError(.invalidConfiguration, "The TOTP parameters are invalid: \(error.message)")
        }
        let buckets = [
            ("wallet", configuration.walletRateLimit), ("client IP", configuration.clientIPRateLimit),
            ("API key", configuration.apiKeyRateLimit),
            ("break-glass", configuration.governance.breakGlassRateLimit),
        ]
        for case let (name, bucket?) in buckets where !bucket.isValid {
            throw GuardianError(
                .invalidConfiguration,
                "The \(name) rate limit must be 1 to 10^9 requests per more than 0 and at most 10^9 seconds, all finite numbers."
            )
        }
        let durations = [
            configuration.sessionLifetime, signIn.challengeLifetime, configuration.governance.plannedRotationDelay,
            configuration.governance.emergencyRotationDelay,
            configuration.governance.breakGlassAttestationLifetime, configuration.governance.challengeLifetime,
        ]
        guard durations.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1e9 }) else {
            throw GuardianError(
                .invalidConfiguration, "Lifetimes and timelocks must be finite numbers of seconds from 0 to 10^9.")
        }
        let lockout = configuration.lockout
        guard (0...1_000).contains(lockout.freeFailures), (1...1_000_000).contains(lockout.disableAfter),
            [lockout.initialLock, lockout.maximumLock].allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1e9 })
        else {
            throw GuardianError(
                .invalidConfiguration,
                "The lockout policy needs 0–1,000 free failures, 1–1,000,000 failures before disabling, and lock durations of 0 to 10^9 seconds."
            )
        }
        guard (0...10).contains(configuration.verificationWindow) else {
            throw GuardianError(
                .invalidConfiguration,
                "The verification window must be 0 to 10 steps (1 is the RFC 6238 recommendation).")
        }
    }

    private static func loadKeyRing(store: any GuardianStore, keyProvider: any MasterKeyProvider, now: Date)
        async throws(GuardianError) -> KeyRing
    {
        var stored = try await storage { try await store.loadKeyring() }
        if stored == nil {
            let master = try keyProvider.candidateKeys(creatingIfMissing: true)[0]
            let auditKey = SymmetricKey(size: .bits256)
            let wrapped: [UInt8]
            do { wrapped = try KeyEnvelope.wrapAuditKey(auditKey, under: master) } catch {
                throw .internal("wrapping the audit key failed: \(error)")
            }
            let keyring = StoredKeyring(masterKeyID: master.id, wrappedAuditKey: wrapped)
            let event = AuditEvent(.keyringCreated, at: now, detail: ["master_key_id": master.id])
            let created = try await storage {
                try await store.initializeKeyring(
                    keyring, audit: AuditAppend(sealer: AuditSealer(key: auditKey), events: [event]))
            }
            if created { return KeyRing(current: master, auditSealer: AuditSealer(key: auditKey)) }
            stored = try await storage { try await store.loadKeyring() }  // another process initialised it first
        }
        guard let stored else { throw .internal("the keyring vanished after initialisation") }
        let candidates = try keyProvider.candidateKeys(creatingIfMissing: false)
        let (index, auditKey) = try openAuditKey(stored, candidates: candidates)
        let master = candidates[index]
        // A rotation committed to the database but not yet promoted by the provider (crash in between): finish it.
        if index != 0 { try keyProvider.promote(master) }
        return KeyRing(current: master, others: candidates, auditSealer: AuditSealer(key: auditKey))
    }

    /// The candidate the keyring was written with (its index) and the audit key it unwraps, or `master_key_mismatch`.
    static func openAuditKey(_ stored: StoredKeyring, candidates: [MasterKey]) throws(GuardianError) -> (
        index: Int, auditKey: SymmetricKey
    ) {
        guard let index = candidates.firstIndex(where: { $0.id == stored.masterKeyID }) else {
            throw GuardianError(
                .masterKeyMismatch,
                "None of the configured master keys (\(candidates.map(\.id).joined(separator: ", "))) is the key this database was written with (\(stored.masterKeyID)); restore the right key file or environment variable."
            )
        }
        do { return (index, try KeyEnvelope.unwrapAuditKey(stored.wrappedAuditKey, master: candidates[index])) } catch {
            throw GuardianError(
                .masterKeyMismatch,
                "The master key \(candidates[index].id) does not open this database's audit key: the key or the database has been altered."
            )
        }
    }

    // MARK: Helpers

    /// Runs a store call, turning its failures into ``GuardianError``s without internal details.
    static func storage<T>(_ body: () async throws -> T) async throws(GuardianError) -> T {
        do { return try await body() } catch let error as GuardianError { throw error } catch {
            throw GuardianError.storage(error)
        }
    }

    func storage<T>(_ body: () async throws -> T) async throws(GuardianError) -> T {
        try await Self.storage(body)
    }

    var sealer: AuditSealer { keyRing.withLock { $0.auditSealer } }

    func audit(_ events: AuditEvent...) -> AuditAppend { AuditAppend(sealer: sealer, events: events) }

    /// A wallet address from a request: 32 bytes of Base58 that are a key some private key can sign for — a canonical
    /// Ed25519 point not of small order (``SolanaPublicKey/isStrictSigningKey``). A session for an address nobody
    /// holds (the all-zero System Program id, say) would not prove control of a wallet, so such addresses can neither
    /// sign in nor enroll.
    static func parseWallet(_ text: String) throws(GuardianError) -> SolanaPublicKey {
        guard text.utf8.count <= 44, let key = try? SolanaPublicKey(base58: text) else {
            throw GuardianError.invalidWallet
        }
        guard key.isStrictSigningKey else { throw GuardianError.unusableWallet }
        return key
    }

    /// The condition a session-authorised write re-checks inside its transaction: `session` still stored (not logged
    /// out) and unexpired *now* — read when the commit is built, not when the request started, since a request can
    /// wait (the wallet's gate, the scrypt queue) in between (``SessionCondition``).
    func live(_ session: Session) -> SessionCondition {
        SessionCondition(tokenHash: session.tokenHash, wallet: session.wallet, at: clock.now())
    }

    /// The session must be unexpired and belong to `wallet`.
    func check(_ session: Session, for wallet: SolanaPublicKey, at now: Date) throws(GuardianError) {
        guard now < session.expiresAt else { throw GuardianError.sessionInvalid }
        guard session.wallet == wallet else { throw GuardianError.sessionWalletMismatch }
    }

    /// Admits one request from `clientIP` through the per-client-IP bucket (``GuardianConfiguration/clientIPRateLimit``),
    /// or refuses it with `rate_limited`.
    ///
    /// Call it first, before reading or parsing anything the client sent: the bucket exists to bound the work a client
    /// can cause, so it must be charged before that work. The guardian's HTTP server charges it for every `/v1` route
    /// before the body is read. The domain methods do not charge it again; their `clientIP` parameters name the
    /// client for fair scheduling of expensive work (scrypt) only.
    public func admit(clientIP: String?) throws(GuardianError) {
        guard let clientIP, let policy = configuration.clientIPRateLimit else { return }
        try take(.clientIP, key: clientIP, policy: policy, at: clock.now())
    }

    /// Applies the per-API-key and per-wallet buckets, in that order (the per-IP one is ``admit(clientIP:)``'s).
    ///
    /// The per-wallet bucket lives in the store (``GuardianStore/takeRateToken(_:policy:at:)``), shared by every node.
    func applyRateLimits(wallet: SolanaPublicKey?, apiKey: String?, at now: Date) async throws(GuardianError) {
        if let apiKey, let policy = configuration.apiKeyRateLimit {
            try take(.apiKey, key: apiKey, policy: policy, at: now)
        }
        if let wallet {
            // hex: cheaper than Base58
            let key = "wallet:" + Hex.encode(wallet.bytes)
            let policy = configuration.walletRateLimit
            let decision = try await storage { try await store.takeRateToken(key, policy: policy, at: now) }
            if case .limited(let retryAfter) = decision {
                metrics.rateLimited(.wallet)
                throw GuardianError.rateLimited(scope: .wallet, retryAfter: retryAfter)
            }
        }
    }

    func take(_ scope: RateLimitScope, key: String, policy: TokenBucketPolicy, at now: Date) throws(GuardianError) {
        if case .limited(let retryAfter) = rateLimiter.acquire(scope, key: key, policy: policy, at: now) {
            metrics.rateLimited(scope)
            throw GuardianError.rateLimited(scope: scope, retryAfter: retryAfter)
        }
    }

    /// Refuses codes while the wallet is locked or disabled.
    func checkLockout(_ record: WalletRecord, at now: Date) throws(GuardianError) {
        if configuration.lockout.isDisabled(record.lockout) { throw GuardianError.walletDisabled }
        if let retryAfter = configuration.lockout.retryAfter(record.lockout, at: now) {
            throw GuardianError.walletLocked(retryAfter: retryAfter)
        }
    }

    /// Unwraps the wallet's data key with whichever known master key wrapped it.
    func dataKey(for record: WalletRecord) throws(GuardianError) -> SymmetricKey {
        guard let master = keyRing.withLock({ $0.key(id: record.keys.masterKeyID) }) else {
            throw .internal("wallet data key wrapped under unknown master key \(record.keys.masterKeyID)")
        }
        do {
            return try KeyEnvelope.unwrapDataKey(record.keys.wrappedDataKey, wallet: record.wallet, master: master)
        } catch {
            throw .internal("wallet data key failed authentication")
        }
    }

    /// Decrypts the wallet's TOTP secret into a verifier; the plaintext bytes are wiped before returning.
    func totp(for record: WalletRecord, dataKey: SymmetricKey) throws(GuardianError) -> TOTP {
        do {
            var secret = try KeyEnvelope.openSecret(
                record.keys.sealedTOTPSecret, purpose: .totpSecret, wallet: record.wallet, dataKey: dataKey)
            defer { wipe(&secret) }
            return try TOTP(
                secret: OTPSecret(bytes: secret), algorithm: record.totp.algorithm, digits: record.totp.digits,
                period: record.totp.period)
        } catch {
            throw .internal("TOTP secret failed authentication or is invalid")
        }
    }

    /// Counts a wrong code (TOTP or recovery) and reports the lock it causes.
    ///
    /// With `refusingWhileLocked` (the cosign path, whose burn re-checks the lock in the store too) a wrong code that
    /// finds the stored state locked — wrong codes on other nodes locked it since this request read it — is not counted
    /// and is answered like a right code then: locked. Wrong codes arriving on every node at once are then evaluated
    /// no more often than the policy allows: the ones past the lock tell the sender nothing, right or wrong.
    func recordWrongCode(
        _ record: WalletRecord, at now: Date, operationID: String?, recoveryCode: Bool = false,
        refusingWhileLocked: Bool = false
    ) async throws(GuardianError) -> GuardianError {
        let policy = configuration.lockout
        let wallet = record.wallet
        let outcome = try await storage {
            try await store.recordFailedAttempt(
                wallet: wallet, at: now, policy: policy, sealer: sealer, refusingWhileLocked: refusingWhileLocked
            ) { state in
                var events = [
                    AuditEvent(
                        recoveryCode ? .recoveryCodeRejected : .codeRejected, at: now, wallet: wallet,
                        operationID: operationID, detail: ["consecutive_failures": String(state.consecutiveFailures)])
                ]
                if policy.isDisabled(state) {
                    events.append(
                        AuditEvent(
                            .walletDisabled, at: now, wallet: wallet,
                            detail: ["consecutive_failures": String(state.consecutiveFailures)]))
                } else if let until = state.lockedUntil {
                    events.append(
                        AuditEvent(
                            .walletLocked, at: now, wallet: wallet,
                            detail: [
                                "consecutive_failures": String(state.consecutiveFailures),
                                "locked_until_ms": String(AuditEvent.milliseconds(until)),
                            ]))
                }
                return events
            }
        }
        guard let outcome else { return GuardianError.notEnrolled }
        let state: LockoutState
        switch outcome {
        case .counted(let counted): state = counted
        case .refusedWhileLocked(let locked):
            var stored = record
            stored.lockout = locked
            try checkLockout(stored, at: now)
            return GuardianError.walletLocked(retryAfter: 1)
        }
        if policy.isDisabled(state) || state.lockedUntil != nil {
            metrics.walletLocked(consecutiveFailures: state.consecutiveFailures, disabled: policy.isDisabled(state))
        }
        if recoveryCode {
            return GuardianError.invalidRecoveryCode(remainingBeforeLock: policy.remainingBeforeLock(state))
        }
        return GuardianError.invalidCode(remainingBeforeLock: policy.remainingBeforeLock(state))
    }
}
