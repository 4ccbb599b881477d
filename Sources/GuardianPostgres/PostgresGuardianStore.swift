import ChainKit
import Foundation
import Guardian
import Logging
import NIOCore
import OTP
import PostgresNIO

// MARK: - PostgreSQL store

/// A ``GuardianStore`` on PostgreSQL, for several guardian nodes serving the same wallets: the SQLite store's contract
/// and outcomes, with every compare-and-set in SQL inside one transaction, so that it holds across connections, pools
/// and machines.
///
/// - **Mutations.** Each mutating call is one atomic mutation inside a savepoint of a group-committed batch — one READ
///   COMMITTED transaction and one WAL flush for everything queued on this node meanwhile (`PostgresWriter`). A
///   mutation locks what it decides on (keyring, session `FOR SHARE`, wallet row `FOR NO KEY UPDATE` or the burning
///   `UPDATE`, the wallet's other rows) and re-reads under those locks; compare-and-set updates carry their condition
///   in the `WHERE` clause, which PostgreSQL re-checks on the newest row version. A mutation that throws rolls back
///   alone; serialization failures and deadlocks (SQLSTATE 40001, 40P01) run it again, at most
///   ``Options/maximumAttempts`` times, then it is reported as `.busy`.
/// - **Audit chain.** Every batch first locks the single `audit_head` row, so batches of every node queue there and
///   extend one chain — and cannot deadlock one another.
/// - **Connections.** A bounded pool (``Options/maximumConnections``) to the first server of the connection string
///   that accepts writes; connection failures with several hosts make the next call look for the writable one again.
///   Every call has a deadline (``Options/operationTimeout``): an unreachable database is `.unavailable` (HTTP 503)
///   quickly, never a hung request.
/// - **Durability.** A call returns after its batch's COMMIT did, with `synchronous_commit=on`.
/// - **Secrets** are the sealed bytes the guardian layer hands over, stored exactly as SQLite stores them; the master
///   key never reaches the database.
///
/// The design note is `docs/postgres.md`.
public final class PostgresGuardianStore: GuardianStore, Sendable {
    /// Tuning knobs; the defaults suit one guardian node on a 2-core machine.
    public struct Options: Sendable {
        /// Connections this store (one node) opens at most: 16. The sum over all nodes must stay below the server's
        /// `max_connections`.
        public var maximumConnections = 16
        /// Connections kept open when idle: 1.
        public var minimumConnections = 1
        /// How long one connection attempt may take, unless the connection string sets `connect_timeout`: 5 s.
        public var connectTimeout: Duration = .seconds(5)
        /// The deadline of one store call, waiting for a connection and retries included: 10 s. Past it the call
        /// fails with `.unavailable`.
        public var operationTimeout: Duration = .seconds(10)
        /// The deadline of opening the store — finding the server and applying migrations: 60 s.
        public var openTimeout: Duration = .seconds(60)
        /// Mutations committed together at most (group commit; see `PostgresWriter`): 64. Larger batches amortise
        /// the commit's WAL flush further but hold the audit head, and every node's writes, longer.
        public var maximumBatch = 64
        /// Attempts of one mutation on serialization failures and deadlocks (and on a batch lost before its commit): 8.
        public var maximumAttempts = 8
        /// The first retry's backoff ceiling, doubling per attempt up to 100 ms (full jitter): 2 ms.
        public var retryBaseDelay: Duration = .milliseconds(2)
        /// After every host failed the writable check, calls fail at once for this long before the next probe: 250 ms.
        public var reselectInterval: Duration = .milliseconds(250)
        /// With several hosts: a call still waiting for a connection after this long has the server probed, and a
        /// server that fails the probe is dropped for the next writable one: 1 s. Without it a killed primary holds
        /// every call until its deadline (``operationTimeout``) before the store fails over — 11 s was measured.
        public var stalledLeaseCheck: Duration = .seconds(1)
        /// The server's `lock_timeout` for the store's sessions: a lock waited for longer fails as `.busy`. 5 s.
        public var lockTimeout: Duration = .seconds(5)
        /// The server's `statement_timeout`: 15 s.
        public var statementTimeout: Duration = .seconds(15)
        /// The server's `idle_in_transaction_session_timeout`: a node that stops mid-transaction (cut off, frozen)
        /// has its transaction — and the locks it holds, the audit head among them — ended by the server. 5 s.
        public var idleInTransactionTimeout: Duration = .seconds(5)
        /// The sessions' `synchronous_commit`: `on` (the default) — a commit returns once its WAL is flushed, and on
        /// the synchronous standby too when the server names one (`synchronous_standby_names`), so an acknowledged burn
        /// survives a crash or a failover. `remote_apply` also waits until the standby has applied it; nil keeps the
        /// server's setting. Never `off` or `local` with standbys: a burn could then be lost on failover.
        public var synchronousCommit: String? = "on"
        /// The schema the store's tables live in (created if missing), so that several guardians — or tests — can
        /// share one database; nil: the server's `search_path` (normally `public`). A lowercase SQL identifier.
        public var schema: String?
        /// Where postgres-nio logs (nothing by default).
        public var logger = Logger(label: "chronoguard.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

        /// The defaults above.
        public init() {}
    }

    /// Counters for tests and benchmarks.
    public struct Statistics: Sendable, Hashable {
        /// Mutations (and migrations) run again after a serialization failure, a deadlock or a lost batch.
        public var retries = 0
        /// Mutations that failed as `.busy` because every attempt failed so.
        public var exhaustedRetries = 0
        /// Batches committed (group commit: one transaction, one WAL flush each).
        public var transactions = 0
        /// Mutations those batches carried (their ratio is the batch factor).
        public var mutations = 0
    }

    let database: PostgresDatabase

    private init(database: PostgresDatabase) {
        self.database = database
    }

    /// Connects to the writable server of `configuration`, starts the pool and applies pending migrations.
    ///
    /// - Throws: ``GuardianStoreError`` `.unavailable` when no server can be used (each host and why),
    ///   `.unsupportedSchema` when the database is newer than this code.
    public static func open(configuration: PostgresConnectionConfiguration, options: Options = Options())
        async throws -> PostgresGuardianStore
    {
        if let schema = options.schema { try PostgresSchema.validate(schema: schema) }
        let database = try await PostgresDatabase.connect(
            configuration, options: options, startupParameters: startupParameters(configuration, options))
        do {
            try await PostgresSchema.migrate(database, schema: options.schema, now: Date())
        } catch {
            await database.close()
            throw error
        }
        return PostgresGuardianStore(database: database)
    }

    /// Parses `url` (see ``PostgresConnectionConfiguration``) and opens the store.
    ///
    /// - Throws: ``PostgresConfigurationError`` for a malformed string; otherwise as
    ///   ``open(configuration:options:)``.
    public static func open(url: String, options: Options = Options()) async throws -> PostgresGuardianStore {
        try await open(configuration: PostgresConnectionConfiguration(parsing: url), options: options)
    }

    /// Closes the pool's connections; later calls fail with `.closed`. Calls in flight finish or fail first.
    public func close() async { await database.close() }

    /// A store dropped without ``close()`` still closes its connections (in the background).
    deinit {
        let database = database
        Task { await database.close() }
    }

    /// The server the store is connected to now.
    public var connectedHost: PostgresConnectionConfiguration.Host? {
        get async { await database.currentHost }
    }

    /// Retry counters since the store opened.
    public var statistics: Statistics { database.currentStatistics }

    /// The settings each session starts with.
    static func startupParameters(_ configuration: PostgresConnectionConfiguration, _ options: Options)
        -> [(String, String)]
    {
        func milliseconds(_ duration: Duration) -> String {
            String(max(1, duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000))
        }
        var parameters = [
            ("application_name", configuration.applicationName),
            ("lock_timeout", milliseconds(options.lockTimeout)),
            ("statement_timeout", milliseconds(options.statementTimeout)),
            ("idle_in_transaction_session_timeout", milliseconds(options.idleInTransactionTimeout)),
        ]
        if let synchronousCommit = options.synchronousCommit {
            parameters.append(("synchronous_commit", synchronousCommit))
        }
        if let schema = options.schema { parameters.append(("search_path", schema)) }
        return parameters
    }

    // MARK: Keys

    public func loadKeyring() async throws -> StoredKeyring? {
        try await database.session { sql in try await PostgresStoreSQL.loadKeyring(sql) }
    }

    public func initializeKeyring(_ keyring: StoredKeyring, audit: AuditAppend) async throws -> Bool {
        try await database.write { sql in
            let inserted = try await sql.count(
                """
                INSERT INTO keyring (id, master_key_id, wrapped_audit_key)
                VALUES (1, \(keyring.masterKeyID), \(ByteBuffer(bytes: keyring.wrappedAuditKey)))
                ON CONFLICT (id) DO NOTHING RETURNING 1
                """)
            guard inserted == 1 else { return false }
            try await sql.append(audit)
            return true
        }
    }

    public func rotateKeys(_ rotation: KeyRotation, audit: AuditAppend) async throws -> Int {
        try await database.write { sql in
            // The keyring row first: enrollments read it FOR SHARE before writing a wallet, so none slips in between
            // the rewrap below and the commit with a data key under the old master key.
            let current = try await sql.value(
                "SELECT master_key_id FROM keyring WHERE id = 1 FOR UPDATE", as: String.self)
            guard current == rotation.fromKeyID else {
                throw GuardianStoreError(
                    .conflict, "stored master key id is \(current ?? "absent"), not \(rotation.fromKeyID)")
            }
            let rows = try await sql.rows(
                "SELECT wallet, wrapped_data_key, master_key_id FROM wallets ORDER BY wallet FOR NO KEY UPDATE")
            for row in rows {
                let (walletBytes, wrapped, keyID) = try row.decode((ByteBuffer, ByteBuffer, String).self)
                let wallet = try PostgresStoreSQL.publicKey(PostgresStoreSQL.bytes(walletBytes))
                let rewrapped = try rotation.rewrap(wallet, PostgresStoreSQL.bytes(wrapped), keyID)
                try await sql.run(
                    "UPDATE wallets SET wrapped_data_key = \(ByteBuffer(bytes: rewrapped)), master_key_id = \(rotation.toKeyID) WHERE wallet = \(walletBytes)"
                )
            }
            try await sql.run(
                "UPDATE keyring SET master_key_id = \(rotation.toKeyID), wrapped_audit_key = \(ByteBuffer(bytes: rotation.wrappedAuditKey)) WHERE id = 1"
            )
            try await sql.append(audit)
            return rows.count
        }
    }

    // MARK: Login

    /// One autocommit statement, idempotent (`ON CONFLICT DO NOTHING`: challenge ids are random, so a row with the same
    /// id is this insert's, landed before its connection failed), so it can be sent again on another connection.
    public func insertChallenge(_ challenge: StoredChallenge) async throws {
        try await database.session { sql in
            try await sql.run(
                """
                INSERT INTO challenges (id, wallet, message, nonce, issued_at_ms, expires_at_ms, consumed_at_ms, purpose)
                VALUES (\(challenge.id), \(PostgresStoreSQL.buffer(challenge.wallet)), \(challenge.message), \(challenge.nonce),
                    \(PostgresStoreSQL.milliseconds(challenge.issuedAt)), \(PostgresStoreSQL.milliseconds(challenge.expiresAt)),
                    NULL, \(challenge.purpose))
                ON CONFLICT (id) DO NOTHING
                """)
        }
    }

    public func challenge(id: String) async throws -> StoredChallenge? {
        try await database.session { sql in
            guard
                let (id, wallet, message, nonce, issued, expires, consumed, purpose) = try await sql.first(
                    "SELECT id, wallet, message, nonce, issued_at_ms, expires_at_ms, consumed_at_ms, purpose FROM challenges WHERE id = \(id)",
                    as: (String, ByteBuffer, String, String, Int64, Int64, Int64?, String).self)
            else { return nil }
            return StoredChallenge(
                id: id, wallet: try PostgresStoreSQL.publicKey(PostgresStoreSQL.bytes(wallet)), message: message,
                nonce: nonce, issuedAt: PostgresStoreSQL.date(issued), expiresAt: PostgresStoreSQL.date(expires),
                consumedAt: consumed.map(PostgresStoreSQL.date), purpose: purpose)
        }
    }

    public func completeLogin(challengeID: String, consumedAt: Date, session: StoredSession, audit: AuditAppend)
        async throws -> Bool
    {
        try await database.write { sql in
            // The compare-and-set that makes a nonce single-use.
            let consumed = try await sql.count(
                """
                UPDATE challenges SET consumed_at_ms = \(PostgresStoreSQL.milliseconds(consumedAt))
                WHERE id = \(challengeID) AND consumed_at_ms IS NULL RETURNING 1
                """)
            guard consumed == 1 else { return false }
            try await sql.run(
                """
                INSERT INTO sessions (token_hash, wallet, created_at_ms, expires_at_ms)
                VALUES (\(ByteBuffer(bytes: session.tokenHash)), \(PostgresStoreSQL.buffer(session.wallet)),
                    \(PostgresStoreSQL.milliseconds(session.createdAt)), \(PostgresStoreSQL.milliseconds(session.expiresAt)))
                """)
            try await sql.append(audit)
            return true
        }
    }

    public func session(tokenHash: [UInt8]) async throws -> StoredSession? {
        try await database.session { sql in
            guard
                let (wallet, created, expires) = try await sql.first(
                    "SELECT wallet, created_at_ms, expires_at_ms FROM sessions WHERE token_hash = \(ByteBuffer(bytes: tokenHash))",
                    as: (ByteBuffer, Int64, Int64).self)
            else { return nil }
            return StoredSession(
                tokenHash: tokenHash, wallet: try PostgresStoreSQL.publicKey(PostgresStoreSQL.bytes(wallet)),
                createdAt: PostgresStoreSQL.date(created), expiresAt: PostgresStoreSQL.date(expires))
        }
    }

    public func deleteSession(tokenHash: [UInt8], audit: AuditAppend) async throws -> Bool {
        try await database.write { sql in
            guard
                try await sql.count(
                    "DELETE FROM sessions WHERE token_hash = \(ByteBuffer(bytes: tokenHash)) RETURNING 1") == 1
            else { return false }
            try await sql.append(audit)
            return true
        }
    }

    // MARK: Wallets

    public func wallet(_ wallet: SolanaPublicKey) async throws -> WalletRecord? {
        try await database.session { sql in try await PostgresStoreSQL.readWallet(sql, wallet) }
    }

    public func savePendingEnrollment(_ record: WalletRecord, session: SessionCondition?, audit: AuditAppend)
        async throws -> EnrollmentWriteOutcome
    {
        let step = try record.lastAcceptedStep.map(PostgresStoreSQL.storedStep)
        return try await database.write { sql in
            // Locks in the store's order (keyring, session, wallet); outcomes in the SQLite store's order.
            let current = try await sql.value(
                "SELECT master_key_id FROM keyring WHERE id = 1 FOR SHARE", as: String.self)
            if let session, try await !PostgresStoreSQL.sessionIsLive(sql, session) { return .sessionEnded }
            let wallet = PostgresStoreSQL.buffer(record.wallet)
            // Active, or activated once (re-enrolling): the guardian key may then change only through a rotation.
            if let (state, activatedAt) = try await sql.first(
                "SELECT state, activated_at_ms FROM wallets WHERE wallet = \(wallet) FOR NO KEY UPDATE",
                as: (String, Int64?).self), state == EnrollmentState.active.rawValue || activatedAt != nil
            {
                return .alreadyActive
            }
            if let current, current != record.keys.masterKeyID { return .staleMasterKey(current: current) }
            // INSERT OR REPLACE, still conditional: a row another transaction inserted and activated since the check
            // above (there was none to lock) is not replaced.
            let written = try await sql.count(
                """
                INSERT INTO wallets (\(unescaped: PostgresStoreSQL.walletColumns))
                VALUES (\(wallet), \(record.state.rawValue), \(PostgresStoreSQL.buffer(record.guardianPublicKey)),
                    \(record.keys.masterKeyID), \(ByteBuffer(bytes: record.keys.wrappedDataKey)),
                    \(ByteBuffer(bytes: record.keys.sealedTOTPSecret)), \(ByteBuffer(bytes: record.keys.sealedGuardianSeed)),
                    \(record.totp.algorithm.rawValue), \(Int64(record.totp.digits)), \(Int64(record.totp.period)), \(step),
                    \(Int64(record.lockout.consecutiveFailures)), \(record.lockout.lockedUntil.map(PostgresStoreSQL.milliseconds)),
                    \(PostgresStoreSQL.milliseconds(record.createdAt)), \(record.activatedAt.map(PostgresStoreSQL.milliseconds)))
                ON CONFLICT (wallet) DO UPDATE SET state = excluded.state, guardian_public_key = excluded.guardian_public_key,
                    master_key_id = excluded.master_key_id, wrapped_data_key = excluded.wrapped_data_key,
                    sealed_totp_secret = excluded.sealed_totp_secret, sealed_guardian_seed = excluded.sealed_guardian_seed,
                    totp_algorithm = excluded.totp_algorithm, totp_digits = excluded.totp_digits,
                    totp_period = excluded.totp_period, last_accepted_step = excluded.last_accepted_step,
                    consecutive_failures = excluded.consecutive_failures, locked_until_ms = excluded.locked_until_ms,
                    created_at_ms = excluded.created_at_ms, activated_at_ms = excluded.activated_at_ms
                WHERE wallets.state <> 'active' AND wallets.activated_at_ms IS NULL
                RETURNING 1
                """)
            guard written == 1 else { return .alreadyActive }
            try await sql.append(audit)
            return .saved
        }
    }

    public func activateEnrollment(
        wallet: SolanaPublicKey, guardianPublicKey: SolanaPublicKey, step: UInt64, at: Date,
        recoveryCodes: RecoveryCodeSet, session: SessionCondition?, audit: AuditAppend
    ) async throws -> Bool {
        let step = try PostgresStoreSQL.storedStep(step)
        return try await database.write { sql in
            if let session, try await !PostgresStoreSQL.sessionIsLive(sql, session) { return false }
            let changed = try await sql.count(
                """
                UPDATE wallets SET state = 'active', activated_at_ms = \(PostgresStoreSQL.milliseconds(at)),
                    last_accepted_step = \(step), consecutive_failures = 0, locked_until_ms = NULL
                WHERE wallet = \(PostgresStoreSQL.buffer(wallet)) AND state = 'pending'
                    AND guardian_public_key = \(PostgresStoreSQL.buffer(guardianPublicKey))
                    AND (last_accepted_step IS NULL OR last_accepted_step < \(step))
                RETURNING 1
                """)
            guard changed == 1 else { return false }
            try await Self.replaceRecoveryCodes(sql, wallet: wallet, with: recoveryCodes)
            try await sql.append(audit)
            return true
        }
    }

    public func recordFailedAttempt(
        wallet: SolanaPublicKey, at: Date, policy: LockoutPolicy, sealer: AuditSealer, refusingWhileLocked: Bool,
        audit: @escaping @Sendable (LockoutState) -> [AuditEvent]
    ) async throws -> FailedAttemptOutcome? {
        try await database.write { sql in
            // Read under the row lock: failures arriving on every node at once are counted one by one.
            guard
                let (failures, lockedUntil) = try await sql.first(
                    "SELECT consecutive_failures, locked_until_ms FROM wallets WHERE wallet = \(PostgresStoreSQL.buffer(wallet)) FOR NO KEY UPDATE",
                    as: (Int64, Int64?).self)
            else { return nil }
            guard let count = Int(exactly: failures) else {
                throw GuardianStoreError(.corrupt, "wallet row has an out-of-range failure count")
            }
            let current = LockoutState(consecutiveFailures: count, lockedUntil: lockedUntil.map(PostgresStoreSQL.date))
            if refusingWhileLocked, policy.refusesCodes(current, at: at) { return .refusedWhileLocked(current) }
            let next = policy.afterFailure(current, at: at)
            try await sql.run(
                """
                UPDATE wallets SET consecutive_failures = \(Int64(next.consecutiveFailures)),
                    locked_until_ms = \(next.lockedUntil.map(PostgresStoreSQL.milliseconds))
                WHERE wallet = \(PostgresStoreSQL.buffer(wallet))
                """)
            try await sql.append(audit(next), sealer: sealer)
            return .counted(next)
        }
    }

    public func commitCosign(_ commit: CosignCommit, audit: AuditAppend) async throws -> CosignCommitOutcome {
        let step = try PostgresStoreSQL.storedStep(commit.step)
        let record = commit.record
        return try await database.write { sql in
            if let condition = commit.session, try await !PostgresStoreSQL.sessionIsLive(sql, condition) {
                return .sessionEnded
            }
            // The wallet row locked first: cosigns and policy updates of one wallet queue here, so the policy reads
            // below see every spend and revision committed before, on any node.
            let row = try await sql.first(
                "SELECT state, last_accepted_step, guardian_public_key, consecutive_failures, locked_until_ms FROM wallets WHERE wallet = \(PostgresStoreSQL.buffer(commit.wallet)) FOR NO KEY UPDATE",
                as: (String, Int64?, ByteBuffer, Int64, Int64?).self)
            // The policy's conditions first (reads only), as the SQLite store orders its outcomes.
            if let refusal = try await Self.policyRefusal(sql, commit) { return refusal }
            guard let row, row.0 == EnrollmentState.active.rawValue else { return .walletNotActive }
            // Only while the key that signed is still the wallet's guardian (a rotation may have executed meanwhile).
            guard PostgresStoreSQL.bytes(row.2) == record.guardianPublicKey.bytes else { return .guardianRotated }
            // Not locked nor disabled now, on the stored count: failures are recorded under this same row lock, so a
            // lock another node's wrong codes set before this point wins.
            if let lockout = commit.lockout {
                let state = LockoutState(
                    consecutiveFailures: Int(clamping: row.3), lockedUntil: row.4.map(PostgresStoreSQL.date))
                if lockout.refuses(state) { return .walletLocked(state) }
            }
            // The burn: a compare-and-set on the last accepted step.
            guard try await PostgresStoreSQL.burnStep(sql, wallet: commit.wallet, step: step, activeOnly: true) else {
                return .stepAlreadyUsed(lastAccepted: try row.1.map(PostgresStoreSQL.unsignedStep))
            }
            try await sql.run(
                """
                INSERT INTO cosigns (operation_id, wallet, guardian_public_key, step, message_hash, recent_blockhash, signature, created_at_ms, timeline)
                VALUES (\(record.operationID), \(PostgresStoreSQL.buffer(record.wallet)), \(PostgresStoreSQL.buffer(record.guardianPublicKey)),
                    \(step), \(ByteBuffer(bytes: record.messageHash)), \(ByteBuffer(bytes: record.recentBlockhash.bytes)),
                    \(ByteBuffer(bytes: record.signature.bytes)), \(PostgresStoreSQL.milliseconds(record.createdAt)), \(record.timeline))
                """)
            try await Self.insertSpends(sql, commit)
            try await sql.append(audit)
            return .committed
        }
    }

    public func unlockWallet(_ wallet: SolanaPublicKey, audit: AuditAppend) async throws -> Bool {
        try await database.write { sql in
            guard
                try await sql.count(
                    "UPDATE wallets SET consecutive_failures = 0, locked_until_ms = NULL WHERE wallet = \(PostgresStoreSQL.buffer(wallet)) RETURNING 1"
                ) == 1
            else { return false }
            try await sql.append(audit)
            return true
        }
    }

    public func cosignRecord(operationID: String) async throws -> CosignRecord? {
        try await database.session { sql in
            guard
                let (id, wallet, guardian, step, messageHash, blockhash, signature, createdAt, timeline) =
                    try await sql.first(
                        "SELECT operation_id, wallet, guardian_public_key, step, message_hash, recent_blockhash, signature, created_at_ms, timeline FROM cosigns WHERE operation_id = \(operationID)",
                        as: (String, ByteBuffer, ByteBuffer, Int64, ByteBuffer, ByteBuffer, ByteBuffer, Int64, String)
                            .self)
            else { return nil }
            do {
                return CosignRecord(
                    operationID: id, wallet: try PostgresStoreSQL.publicKey(PostgresStoreSQL.bytes(wallet)),
                    guardianPublicKey: try PostgresStoreSQL.publicKey(PostgresStoreSQL.bytes(guardian)),
                    step: try PostgresStoreSQL.unsignedStep(step), messageHash: PostgresStoreSQL.bytes(messageHash),
                    recentBlockhash: try SolanaBlockhash(bytes: PostgresStoreSQL.bytes(blockhash)),
                    signature: try SolanaSignature(bytes: PostgresStoreSQL.bytes(signature)),
                    createdAt: PostgresStoreSQL.date(createdAt), timeline: timeline)
            } catch let error as GuardianStoreError {
                throw error
            } catch {
                throw GuardianStoreError(.corrupt, "cosign record \(id) has a malformed blockhash or signature")
            }
        }
    }

    /// One statement, atomic on its row: refill for the time elapsed since the row's last update (none if the clock
    /// went back), take a token if one is there, remember whether it was taken. Every node's call meets the same row.
    public func takeRateToken(_ key: String, policy: TokenBucketPolicy, at now: Date) async throws -> RateLimitDecision
    {
        let capacity = policy.capacity
        let perMillisecond = policy.refillRate / 1000
        let nowMS = PostgresStoreSQL.milliseconds(now)
        let row = try await database.session { sql in
            try await sql.first(
                """
                INSERT INTO rate_buckets AS b (key, tokens, updated_at_ms, admitted)
                VALUES (\(key), \(capacity) - 1, \(nowMS), true)
                ON CONFLICT (key) DO UPDATE SET
                    tokens = LEAST(\(capacity), b.tokens + GREATEST(0, \(nowMS) - b.updated_at_ms) * \(perMillisecond))
                        - CASE WHEN LEAST(\(capacity), b.tokens + GREATEST(0, \(nowMS) - b.updated_at_ms) * \(perMillisecond)) >= 1
                          THEN 1 ELSE 0 END,
                    updated_at_ms = GREATEST(b.updated_at_ms, \(nowMS)),
                    admitted = LEAST(\(capacity), b.tokens + GREATEST(0, \(nowMS) - b.updated_at_ms) * \(perMillisecond)) >= 1
                RETURNING admitted, tokens
                """, as: (Bool, Double).self)
        }
        guard let (admitted, tokens) = row else {
            throw GuardianStoreError(.corrupt, "rate bucket upsert returned no row")
        }
        if admitted { return .allowed }
        let seconds = (1 - tokens) / policy.refillRate
        return .limited(retryAfterSeconds: max(1, seconds.isFinite ? Int(min(seconds.rounded(.up), 1e9)) : 1))
    }

    public func appendAudit(_ audit: AuditAppend) async throws {
        try await database.write { sql in try await sql.append(audit) }
    }

    // MARK: Audit

    public func auditRecords(after sequence: Int64, limit: Int) async throws -> [AuditRecord] {
        try await database.session { sql in try await PostgresStoreSQL.auditRecords(sql, after: sequence, limit: limit)
        }
    }

    public func auditHead() async throws -> AuditAnchor? {
        try await database.session { sql in try await PostgresStoreSQL.auditHead(sql) }
    }

    // MARK: Maintenance

    public func purgeExpired(before date: Date) async throws -> Int {
        let cutoff = PostgresStoreSQL.milliseconds(date)
        return try await database.write { sql in
            try await sql.count("DELETE FROM challenges WHERE expires_at_ms < \(cutoff) RETURNING 1")
                + sql.count("DELETE FROM sessions WHERE expires_at_ms < \(cutoff) RETURNING 1")
        }
    }
}
