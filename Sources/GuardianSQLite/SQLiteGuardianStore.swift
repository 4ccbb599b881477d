import ChainKit
import Foundation
import Guardian
import OTP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - SQLite store

/// The default ``GuardianStore``: SQLite embedded in a data directory (the system SQLite 3 through `CSQLite`),
/// in WAL mode with `synchronous=FULL`, so every commit is on disk before the call returns — a burned code survives a
/// crash or a power loss.
///
/// Layout: one writer connection on its own thread with group commit (see ``SQLiteWriter``), read-only connections
/// for queries, a checkpointer thread, prepared statements everywhere. Several processes may open the same database:
/// the writers serialise on SQLite's write lock, and every compare-and-set holds across them.
public final class SQLiteGuardianStore: GuardianStore, @unchecked Sendable {
    /// Tuning knobs; the defaults suit a 2-core server.
    public struct Options: Sendable {
        /// Read-only connections: 4 (more than the cores, so a slow read from disk does not stall the others).
        public var readerCount = 4
        /// Mutations per transaction at most: 256.
        public var maximumBatch = 256
        /// How long a writer waits for another process's write lock before reporting `busy`: 5 s.
        public var busyTimeoutMilliseconds: Int32 = 5_000
        /// Seconds between passive WAL checkpoints: 0.2.
        public var checkpointInterval: TimeInterval = 0.2
        /// The writer's page cache, KiB: 16 MiB (`PRAGMA cache_size = -16384`); it stays warm across commits.
        public var cacheKibibytes = 16_384
        /// Each reader's page cache, KiB: 256 (64 pages). SQLite empties a reader's cache whenever another
        /// connection has committed (WAL), and emptying walks the cache's hash table — so under write load a large
        /// reader cache is pure cost (`pcache1TruncateUnsafe` was ~2 % of the server's CPU with 16 MiB and 1.4 %
        /// with 1 MiB); a cosign's snapshot (session, wallet, policy) touches about 10 pages.
        public var readerCacheKibibytes = 256
        /// Memory-mapped I/O for the database file, bytes: 0, off (`PRAGMA mmap_size`). Measured under the cosign load
        /// (Benchmarks/run-cosign-benchmark.sh): with 256 MiB mapped, every commit that grows the file makes each
        /// reader remap it (munmap, TLB shootdowns, page faults), which cost more than the copies it saves; off, p99 at
        /// 1,000 cosigns/s fell from 7.8 ms to 4.6–6.8 ms and throughput rose.
        public var mmapBytes = 0

        /// The defaults above.
        public init() {}
    }

    /// The database file name inside the data directory.
    public static let databaseFileName = "guardian.sqlite"

    /// The database file.
    public let databasePath: String
    let writer: SQLiteWriter
    let rateBuckets = InMemoryRateLimiter()
    let readers: SQLiteReaderPool
    let checkpointer: SQLiteCheckpointer
    private let closeLock = NSLock()
    private var isClosed = false

    private init(
        databasePath: String, writer: SQLiteWriter, readers: SQLiteReaderPool, checkpointer: SQLiteCheckpointer
    ) {
        self.databasePath = databasePath
        self.writer = writer
        self.readers = readers
        self.checkpointer = checkpointer
    }

    /// Opens (creating if needed) the database in `directory` and runs pending migrations.
    ///
    /// The directory is created with mode 0700 and the database file with 0600; SQLite gives its `-wal` and `-shm`
    /// files the database file's mode.
    public static func open(directory: URL, options: Options = Options()) async throws -> SQLiteGuardianStore {
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = directory.appendingPathComponent(databaseFileName).path
        let fd = Glue.open(path, O_RDWR | O_CREAT, 0o600)  // create with 0600 before SQLite does with 0644
        if fd >= 0 { Glue.close(fd) }
        return try open(path: path, options: options)
    }

    /// Opens the database at an explicit file path.
    public static func open(path: String, options: Options = Options()) throws -> SQLiteGuardianStore {
        let writerConnection = try SQLiteHandle(
            path: path, readOnly: false, busyTimeoutMilliseconds: options.busyTimeoutMilliseconds)
        // WAL: readers and the writer proceed concurrently; FULL: fsync the WAL at every commit (durability).
        try writerConnection.execute(
            """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA wal_autocheckpoint = 0;
            PRAGMA journal_size_limit = 67108864;
            PRAGMA cache_size = -\(options.cacheKibibytes);
            PRAGMA mmap_size = \(options.mmapBytes);
            PRAGMA trusted_schema = OFF;
            PRAGMA secure_delete = ON;
            """)
        guard try writerConnection.queryOne("PRAGMA journal_mode", [], { $0.text(0) }) == "wal" else {
            throw GuardianStoreError(.io, "the database at \(path) cannot use WAL mode (network file system?)")
        }
        try SQLiteSchema.migrate(writerConnection, now: Date())
        var readerConnections: [SQLiteHandle] = []
        for _ in 0..<max(1, options.readerCount) {
            let reader = try SQLiteHandle(
                path: path, readOnly: true, busyTimeoutMilliseconds: options.busyTimeoutMilliseconds)
            try reader.execute(
                "PRAGMA cache_size = -\(options.readerCacheKibibytes); PRAGMA mmap_size = \(options.mmapBytes); PRAGMA query_only = ON; PRAGMA trusted_schema = OFF;"
            )
            readerConnections.append(reader)
        }
        let checkpointConnection = try SQLiteHandle(
            path: path, readOnly: false, busyTimeoutMilliseconds: options.busyTimeoutMilliseconds)
        try checkpointConnection.execute("PRAGMA synchronous = FULL;")
        let writer = SQLiteWriter(connection: writerConnection, maximumBatch: max(1, options.maximumBatch))
        let checkpointer = SQLiteCheckpointer(connection: checkpointConnection, interval: options.checkpointInterval)
        writer.start()
        checkpointer.start()
        return SQLiteGuardianStore(
            databasePath: path, writer: writer, readers: SQLiteReaderPool(connections: readerConnections),
            checkpointer: checkpointer)
    }

    /// Finishes queued writes, checkpoints, and closes every connection. Further calls fail with `.closed`.
    public func close() {
        closeLock.lock()
        defer { closeLock.unlock() }
        guard !isClosed else { return }
        isClosed = true
        writer.stop()
        checkpointer.stop()
        readers.close()
        writer.closeConnection()
    }

    deinit { close() }

    /// Transactions committed and mutations they carried (the group-commit batch factor is their ratio).
    public var commitStatistics: (transactions: Int, mutations: Int) { writer.statistics }

    // MARK: Keys

    public func loadKeyring() async throws -> StoredKeyring? {
        try readers.read(Self.loadKeyring)
    }

    static func loadKeyring(_ db: SQLiteHandle) throws -> StoredKeyring? {
        try db.queryOne("SELECT master_key_id, wrapped_audit_key FROM keyring WHERE id = 1") { row in
            StoredKeyring(masterKeyID: row.text(0), wrappedAuditKey: row.blob(1))
        }
    }

    public func initializeKeyring(_ keyring: StoredKeyring, audit: AuditAppend) async throws -> Bool {
        try await writer.write { context in
            let db = context.connection
            guard try db.queryOne("SELECT 1 FROM keyring WHERE id = 1", [], { _ in true }) == nil else { return false }
            try db.run(
                "INSERT INTO keyring (id, master_key_id, wrapped_audit_key) VALUES (1, ?, ?)",
                [.text(keyring.masterKeyID), .blob(keyring.wrappedAuditKey)])
            try context.append(audit)
            return true
        }
    }

    public func rotateKeys(_ rotation: KeyRotation, audit: AuditAppend) async throws -> Int {
        try await writer.write { context in
            let db = context.connection
            let current = try db.queryOne("SELECT master_key_id FROM keyring WHERE id = 1") { $0.text(0) }
            guard current == rotation.fromKeyID else {
                throw GuardianStoreError(
                    .conflict, "stored master key id is \(current ?? "absent"), not \(rotation.fromKeyID)")
            }
            let rows = try db.query("SELECT wallet, wrapped_data_key, master_key_id FROM wallets") { row in
                (row.blob(0), row.blob(1), row.text(2))
            }
            for (walletBytes, wrapped, keyID) in rows {
                let wallet = try Self.publicKey(walletBytes)
                let rewrapped = try rotation.rewrap(wallet, wrapped, keyID)
                try db.run(
                    "UPDATE wallets SET wrapped_data_key = ?, master_key_id = ? WHERE wallet = ?",
                    [.blob(rewrapped), .text(rotation.toKeyID), .blob(walletBytes)])
            }
            try db.run(
                "UPDATE keyring SET master_key_id = ?, wrapped_audit_key = ? WHERE id = 1",
                [.text(rotation.toKeyID), .blob(rotation.wrappedAuditKey)])
            try context.append(audit)
            return rows.count
        }
    }

    // MARK: Login

    public func insertChallenge(_ challenge: StoredChallenge) async throws {
        _ = try await writer.write { context in
            try context.connection.run(
                "INSERT INTO challenges (id, wallet, message, nonce, issued_at_ms, expires_at_ms, consumed_at_ms, purpose) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
                [
                    .text(challenge.id), .blob(challenge.wallet.bytes), .text(challenge.message),
                    .text(challenge.nonce),
                    .integer(Self.milliseconds(challenge.issuedAt)), .integer(Self.milliseconds(challenge.expiresAt)),
                    .text(challenge.purpose),
                ])
        }
    }

    public func challenge(id: String) async throws -> StoredChallenge? {
        try readers.read { db in
            try db.queryOne(
                "SELECT id, wallet, message, nonce, issued_at_ms, expires_at_ms, consumed_at_ms, purpose FROM challenges WHERE id = ?",
                [.text(id)]
            ) { row in
                StoredChallenge(
                    id: row.text(0), wallet: try Self.publicKey(row.blob(1)), message: row.text(2), nonce: row.text(3),
                    issuedAt: Self.date(row.int64(4)), expiresAt: Self.date(row.int64(5)),
                    consumedAt: row.optionalInt64(6).map(Self.date),
                    purpose: row.text(7))
            }
        }
    }

    public func completeLogin(challengeID: String, consumedAt: Date, session: StoredSession, audit: AuditAppend)
        async throws -> Bool
    {
        try await writer.write { context in
            let db = context.connection
            // The compare-and-set that makes a nonce single-use.
            let consumed = try db.run(
                "UPDATE challenges SET consumed_at_ms = ? WHERE id = ? AND consumed_at_ms IS NULL",
                [.integer(Self.milliseconds(consumedAt)), .text(challengeID)])
            guard consumed == 1 else { return false }
            try db.run(
                "INSERT INTO sessions (token_hash, wallet, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?)",
                [
                    .blob(session.tokenHash), .blob(session.wallet.bytes),
                    .integer(Self.milliseconds(session.createdAt)), .integer(Self.milliseconds(session.expiresAt)),
                ])
            try context.append(audit)
            return true
        }
    }

    public func session(tokenHash: [UInt8]) async throws -> StoredSession? {
        try readers.read { db in try Self.readSession(db, tokenHash: tokenHash) }
    }

    static func readSession(_ db: SQLiteHandle, tokenHash: [UInt8]) throws -> StoredSession? {
        try db.queryOne(
            "SELECT wallet, created_at_ms, expires_at_ms FROM sessions WHERE token_hash = ?", [.blob(tokenHash)]
        ) { row in
            StoredSession(
                tokenHash: tokenHash, wallet: try Self.publicKey(row.blob(0)), createdAt: Self.date(row.int64(1)),
                expiresAt: Self.date(row.int64(2)))
        }
    }

    public func deleteSession(tokenHash: [UInt8], audit: AuditAppend) async throws -> Bool {
        try await writer.write { context in
            guard try context.connection.run("DELETE FROM sessions WHERE token_hash = ?", [.blob(tokenHash)]) == 1
            else { return false }
            try context.append(audit)
            return true
        }
    }

    // MARK: Wallets

    static let walletColumns =
        "wallet, state, guardian_public_key, master_key_id, wrapped_data_key, sealed_totp_secret, sealed_guardian_seed, totp_algorithm, totp_digits, totp_period, last_accepted_step, consecutive_failures, locked_until_ms, created_at_ms, activated_at_ms"

    public func wallet(_ wallet: SolanaPublicKey) async throws -> WalletRecord? {
        try readers.read { db in try Self.readWallet(db, wallet) }
    }

    static func readWallet(_ db: SQLiteHandle, _ wallet: SolanaPublicKey) throws -> WalletRecord? {
        try db.queryOne("SELECT \(walletColumns) FROM wallets WHERE wallet = ?", [.blob(wallet.bytes)]) { row in
            guard let state = EnrollmentState(rawValue: row.text(1)),
                let algorithm = OTPAlgorithm(rawValue: row.text(7))
            else {
                throw GuardianStoreError(.corrupt, "wallet row has an unknown state or algorithm")
            }
            let step = row.optionalInt64(10)
            return WalletRecord(
                wallet: wallet, state: state, guardianPublicKey: try publicKey(row.blob(2)),
                keys: SealedWalletKeys(
                    masterKeyID: row.text(3), wrappedDataKey: row.blob(4), sealedTOTPSecret: row.blob(5),
                    sealedGuardianSeed: row.blob(6)),
                totp: TOTPParameters(algorithm: algorithm, digits: Int(row.int64(8)), period: Int(row.int64(9))),
                lastAcceptedStep: step.map { UInt64($0) },
                lockout: LockoutState(
                    consecutiveFailures: Int(row.int64(11)), lockedUntil: row.optionalInt64(12).map(date)),
                createdAt: date(row.int64(13)), activatedAt: row.optionalInt64(14).map(date))
        }
    }

    public func savePendingEnrollment(_ record: WalletRecord, session: SessionCondition?, audit: AuditAppend)
        async throws -> EnrollmentWriteOutcome
    {
        try await writer.write { context in
            let db = context.connection
            if let session, try !Self.sessionIsLive(db, session) { return .sessionEnded }
            // Active, or activated once (re-enrolling): the guardian key may then change only through a rotation.
            if let existing = try db.queryOne(
                "SELECT state, activated_at_ms FROM wallets WHERE wallet = ?", [.blob(record.wallet.bytes)],
                { ($0.text(0), $0.optionalInt64(1)) }),
                existing.0 == EnrollmentState.active.rawValue || existing.1 != nil
            {
                return .alreadyActive
            }
            let current = try db.queryOne("SELECT master_key_id FROM keyring WHERE id = 1") { $0.text(0) }
            if let current, current != record.keys.masterKeyID { return .staleMasterKey(current: current) }
            try db.run(
                "INSERT OR REPLACE INTO wallets (\(Self.walletColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    .blob(record.wallet.bytes), .text(record.state.rawValue), .blob(record.guardianPublicKey.bytes),
                    .text(record.keys.masterKeyID),
                    .blob(record.keys.wrappedDataKey), .blob(record.keys.sealedTOTPSecret),
                    .blob(record.keys.sealedGuardianSeed),
                    .text(record.totp.algorithm.rawValue), .integer(Int64(record.totp.digits)),
                    .integer(Int64(record.totp.period)),
                    .optional(try record.lastAcceptedStep.map(Self.storedStep)),
                    .integer(Int64(record.lockout.consecutiveFailures)),
                    .optional(record.lockout.lockedUntil.map(Self.milliseconds)),
                    .integer(Self.milliseconds(record.createdAt)),
                    .optional(record.activatedAt.map(Self.milliseconds)),
                ])
            try context.append(audit)
            return .saved
        }
    }

    public func activateEnrollment(
        wallet: SolanaPublicKey, guardianPublicKey: SolanaPublicKey, step: UInt64, at: Date,
        recoveryCodes: RecoveryCodeSet, session: SessionCondition?, audit: AuditAppend
    ) async throws -> Bool {
        let storedStep = try Self.storedStep(step)
        return try await writer.write { context in
            if let session, try !Self.sessionIsLive(context.connection, session) { return false }
            let changed = try context.connection.run(
                """
                UPDATE wallets SET state = 'active', activated_at_ms = ?, last_accepted_step = ?, consecutive_failures = 0, locked_until_ms = NULL
                WHERE wallet = ? AND state = 'pending' AND guardian_public_key = ? AND (last_accepted_step IS NULL OR last_accepted_step < ?)
                """,
                [
                    .integer(Self.milliseconds(at)), .integer(storedStep), .blob(wallet.bytes),
                    .blob(guardianPublicKey.bytes), .integer(storedStep),
                ])
            guard changed == 1 else { return false }
            try Self.replaceRecoveryCodes(context.connection, wallet: wallet, with: recoveryCodes)
            try context.append(audit)
            return true
        }
    }

    public func recordFailedAttempt(
        wallet: SolanaPublicKey, at: Date, policy: LockoutPolicy, sealer: AuditSealer, refusingWhileLocked: Bool,
        audit: @escaping @Sendable (LockoutState) -> [AuditEvent]
    ) async throws -> FailedAttemptOutcome? {
        try await writer.write { context in
            let db = context.connection
            guard
                let current = try db.queryOne(
                    "SELECT consecutive_failures, locked_until_ms FROM wallets WHERE wallet = ?", [.blob(wallet.bytes)],
                    { row in
                        LockoutState(
                            consecutiveFailures: Int(row.int64(0)), lockedUntil: row.optionalInt64(1).map(Self.date))
                    })
            else { return nil }
            if refusingWhileLocked, policy.refusesCodes(current, at: at) { return .refusedWhileLocked(current) }
            let next = policy.afterFailure(current, at: at)
            try db.run(
                "UPDATE wallets SET consecutive_failures = ?, locked_until_ms = ? WHERE wallet = ?",
                [
                    .integer(Int64(next.consecutiveFailures)), .optional(next.lockedUntil.map(Self.milliseconds)),
                    .blob(wallet.bytes),
                ])
            try context.append(audit(next), sealer: sealer)
            return .counted(next)
        }
    }

    /// One process serves a SQLite database (the server holds the data directory's lock): its buckets are the
    /// process's, kept in memory (a durable write per request would halve the commit rate for nothing).
    public func takeRateToken(_ key: String, policy: TokenBucketPolicy, at now: Date) -> RateLimitDecision {
        rateBuckets.acquire(.wallet, key: key, policy: policy, at: now)
    }

    public func commitCosign(_ commit: CosignCommit, audit: AuditAppend) async throws -> CosignCommitOutcome {
        let step = try Self.storedStep(commit.step)
        let record = commit.record
        return try await writer.write { context in
            let db = context.connection
            if let condition = commit.session, try !Self.sessionIsLive(db, condition) { return .sessionEnded }
            // The policy's conditions first (reads only), so a refusal leaves nothing to undo.
            if let refusal = try Self.policyRefusal(db, commit) { return refusal }
            // The burn: a compare-and-set on the last accepted step, evaluated under the write lock — and only while the
            // key that signed is still the wallet's guardian (another process may have executed a rotation meanwhile).
            var condition = " AND state = 'active' AND guardian_public_key = ?"
            var values: [SQLiteValue] = [.blob(record.guardianPublicKey.bytes)]
            if let lockout = commit.lockout {
                condition += " AND consecutive_failures < ? AND (locked_until_ms IS NULL OR locked_until_ms <= ?)"
                values += [.integer(Int64(lockout.disableAfter)), .integer(Self.milliseconds(lockout.at))]
            }
            guard try Self.burnStep(db, wallet: commit.wallet, step: step, condition: condition, values) else {
                let row = try db.queryOne(
                    "SELECT state, last_accepted_step, guardian_public_key, consecutive_failures, locked_until_ms FROM wallets WHERE wallet = ?",
                    [.blob(commit.wallet.bytes)]
                ) { ($0.text(0), $0.optionalInt64(1), $0.blob(2), $0.int64(3), $0.optionalInt64(4)) }
                guard let row, row.0 == EnrollmentState.active.rawValue else { return .walletNotActive }
                guard row.2 == record.guardianPublicKey.bytes else { return .guardianRotated }
                let state = LockoutState(
                    consecutiveFailures: Int(clamping: row.3), lockedUntil: row.4.map(Self.date))
                if let lockout = commit.lockout, lockout.refuses(state) { return .walletLocked(state) }
                return .stepAlreadyUsed(lastAccepted: row.1.map { UInt64($0) })
            }
            try db.run(
                """
                INSERT INTO cosigns (operation_id, wallet, guardian_public_key, step, message_hash, recent_blockhash, signature, created_at_ms, timeline)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(record.operationID), .blob(record.wallet.bytes), .blob(record.guardianPublicKey.bytes),
                    .integer(step), .blob(record.messageHash),
                    .blob(record.recentBlockhash.bytes), .blob(record.signature.bytes),
                    .integer(Self.milliseconds(record.createdAt)), .text(record.timeline),
                ])
            try Self.insertSpends(db, commit)
            try context.append(audit)
            return .committed
        }
    }

    public func unlockWallet(_ wallet: SolanaPublicKey, audit: AuditAppend) async throws -> Bool {
        try await writer.write { context in
            guard
                try context.connection.run(
                    "UPDATE wallets SET consecutive_failures = 0, locked_until_ms = NULL WHERE wallet = ?",
                    [.blob(wallet.bytes)]) == 1
            else { return false }
            try context.append(audit)
            return true
        }
    }

    public func cosignRecord(operationID: String) async throws -> CosignRecord? {
        try readers.read { db in
            try db.queryOne(
                "SELECT operation_id, wallet, guardian_public_key, step, message_hash, recent_blockhash, signature, created_at_ms, timeline FROM cosigns WHERE operation_id = ?",
                [.text(operationID)]
            ) { row in
                CosignRecord(
                    operationID: row.text(0), wallet: try Self.publicKey(row.blob(1)),
                    guardianPublicKey: try Self.publicKey(row.blob(2)),
                    step: UInt64(row.int64(3)), messageHash: row.blob(4),
                    recentBlockhash: try SolanaBlockhash(bytes: row.blob(5)),
                    signature: try SolanaSignature(bytes: row.blob(6)), createdAt: Self.date(row.int64(7)),
                    timeline: row.text(8))
            }
        }
    }

    public func appendAudit(_ audit: AuditAppend) async throws {
        try await writer.write { context in try context.append(audit) }
    }

    // MARK: Audit

    public func auditRecords(after sequence: Int64, limit: Int) async throws -> [AuditRecord] {
        try readers.read { db in try Self.auditRecords(db, after: sequence, limit: limit) }
    }

    static func auditRecords(_ db: SQLiteHandle, after sequence: Int64, limit: Int) throws -> [AuditRecord] {
        try db.query(
            "SELECT sequence, at_ms, kind, wallet, operation_id, detail, previous_mac, mac FROM audit_log WHERE sequence > ? ORDER BY sequence LIMIT ?",
            [.integer(sequence), .integer(Int64(limit))]
        ) { row in
            // An unknown kind is tampering or a newer writer: keep the raw text so the MAC check reports it.
            let kind = AuditEvent.Kind(rawValue: row.text(2))
            let event = AuditEvent(
                kind: kind ?? .codeRejected, atMilliseconds: row.int64(1),
                wallet: try row.optionalBlob(3).map(Self.publicKey), operationID: row.optionalText(4),
                detail: kind == nil ? "unknown_kind=" + row.text(2) : row.text(5))
            return AuditRecord(sequence: row.int64(0), event: event, previousMAC: row.blob(6), mac: row.blob(7))
        }
    }

    public func auditHead() async throws -> AuditAnchor? {
        try readers.read { db in try WriteContext.loadAuditHead(db) }
    }

    // MARK: Maintenance

    public func purgeExpired(before date: Date) async throws -> Int {
        let cutoff = Self.milliseconds(date)
        return try await writer.write { context in
            try context.connection.run("DELETE FROM challenges WHERE expires_at_ms < ?", [.integer(cutoff)])
                + context.connection.run("DELETE FROM sessions WHERE expires_at_ms < ?", [.integer(cutoff)])
        }
    }

    // MARK: Conversions

    // MARK: The burn

    /// The compare-and-set that makes a TOTP step single-use, evaluated under the write lock: the wallet's last accepted
    /// step becomes `step` only if it is absent or smaller (and `condition`, SQL over `wallets`, holds); a success
    /// clears the lockout. Returns whether the row changed.
    static func burnStep(
        _ db: SQLiteHandle, wallet: SolanaPublicKey, step: Int64, condition: String = "", _ values: [SQLiteValue] = []
    ) throws -> Bool {
        try db.run(
            """
            UPDATE wallets SET last_accepted_step = ?, consecutive_failures = 0, locked_until_ms = NULL
            WHERE wallet = ? AND (last_accepted_step IS NULL OR last_accepted_step < ?)\(condition)
            """, [.integer(step), .blob(wallet.bytes), .integer(step)] + values) == 1
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    /// ``SessionCondition``, read inside the caller's write transaction: the session row exists (no logout), belongs
    /// to the wallet and has not expired.
    static func sessionIsLive(_ db: SQLiteHandle, _ condition: SessionCondition) throws -> Bool {
        try db.queryOne(
            "SELECT 1 FROM sessions WHERE token_hash = ? AND wallet = ? AND expires_at_ms > ?",
            [.blob(condition.tokenHash), .blob(condition.wallet.bytes), .integer(milliseconds(condition.at))]
        ) { _ in true } ?? false
    }

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000) }

    static func publicKey(_ bytes: [UInt8]) throws -> SolanaPublicKey {
        do { return try SolanaPublicKey(bytes: bytes) } catch {
            throw GuardianStoreError(.corrupt, "stored key is not 32 bytes")
        }
    }

    /// Steps are stored as SQLite's signed 64-bit INTEGER; a step beyond 2^63 − 1 (year ~10^11 at 30 s) is refused.
    static func storedStep(_ step: UInt64) throws -> Int64 {
        guard step <= UInt64(Int64.max) else {
            throw GuardianStoreError(.corrupt, "TOTP step \(step) exceeds the storable range")
        }
        return Int64(step)
    }
}

// MARK: - POSIX

enum Glue {
    static func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
        #if canImport(Glibc)
            Glibc.open(path, flags, mode)
        #elseif canImport(Musl)
            Musl.open(path, flags, mode)
        #else
            Darwin.open(path, flags, mode)
        #endif
    }

    static func close(_ fd: Int32) {
        #if canImport(Glibc)
            _ = Glibc.close(fd)
        #elseif canImport(Musl)
            _ = Musl.close(fd)
        #else
            _ = Darwin.close(fd)
        #endif
    }
}
