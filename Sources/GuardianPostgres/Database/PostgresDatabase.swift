import Foundation
import Guardian
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import PostgresNIO

// MARK: - Database

/// The store's access to PostgreSQL: the writable server of the configured list, a bounded pool of connections to it
/// (postgres-nio's `PostgresClient`, run by a task this object owns), mutations in group-committed batches
/// (``PostgresWriter``) with bounded retries, a deadline on every call, and the mapping of driver and server errors to
/// ``GuardianStoreError``.
final class PostgresDatabase: Sendable {
    let configuration: PostgresConnectionConfiguration
    let options: PostgresGuardianStore.Options
    private let access: Access
    private let writer: PostgresWriter

    /// What the writer needs of the database: connections on the current node, error mapping, counters.
    struct Access: Sendable {
        let configuration: PostgresConnectionConfiguration
        let nodes: NodeSelector
        let statistics: NIOLockedValueBox<PostgresGuardianStore.Statistics>
        /// ``PostgresGuardianStore/Options/stalledLeaseCheck``.
        let stalledLeaseCheck: Duration

        /// Leases a connection of the current node for `body`. Errors of the lease are mapped (and drop the node when
        /// the connection failed); errors of `body` pass through unmapped, for the caller to classify with the node.
        func withConnection(
            _ body: @escaping @Sendable (PostgresConnection, NodeSelector.Node) async throws -> Void
        ) async throws {
            let node = try await nodes.node()
            // With several hosts, a lease still waiting after `stalledLeaseCheck` has the node checked: a pool whose
            // server died (killed, failed over) waits for connections it can no longer make, and would otherwise hold
            // every call until its deadline. A node that fails the check is dropped, which fails the waiting leases,
            // and the callers' retries go to the server that now accepts writes.
            let leased = NIOLockedValueBox(false)
            let watchdog: Task<Void, Never>? =
                configuration.hosts.count > 1
                ? Task { [nodes, stalledLeaseCheck] in
                    try? await Task.sleep(for: stalledLeaseCheck)
                    guard !Task.isCancelled, !leased.withLockedValue({ $0 }) else { return }
                    await nodes.check(node)
                } : nil
            defer { watchdog?.cancel() }
            do {
                try await node.client.withConnection { connection in
                    leased.withLockedValue { $0 = true }
                    do { try await body(connection, node) } catch { throw BodyFailure(error: error) }
                }
            } catch let failure as BodyFailure {
                throw failure.error
            } catch {
                throw await classify(error, node)
            }
        }

        /// The error to throw for `error`: a ``RetryableFailure``, a ``GuardianStoreError``, or `error` itself when it
        /// is not the database's (a refusal, a rewrap failure). Connection-level failures with several hosts also drop
        /// the node, so that the next call looks for the writable server again.
        func classify(_ error: any Error, _ node: NodeSelector.Node?) async -> any Error {
            guard let node else { return error }
            let mapped = PostgresErrorMapping.map(error, host: node.host)
            if let storeError = mapped as? GuardianStoreError, storeError.kind == .unavailable,
                configuration.hosts.count > 1
            {
                await nodes.invalidate(generation: node.generation)
            }
            return mapped
        }

        func countRetry() { statistics.withLockedValue { $0.retries += 1 } }
        func countExhausted() { statistics.withLockedValue { $0.exhaustedRetries += 1 } }
    }

    private init(
        configuration: PostgresConnectionConfiguration, options: PostgresGuardianStore.Options, nodes: NodeSelector
    ) {
        self.configuration = configuration
        self.options = options
        self.access = Access(
            configuration: configuration, nodes: nodes,
            statistics: NIOLockedValueBox(PostgresGuardianStore.Statistics()),
            stalledLeaseCheck: options.stalledLeaseCheck)
        self.writer = PostgresWriter(
            maximumBatch: options.maximumBatch, maximumAttempts: options.maximumAttempts,
            batchTimeout: options.operationTimeout, logger: options.logger, database: access)
    }

    /// Connects to the first acceptable server of `configuration` (see ``NodeSelector``) and starts its pool.
    /// - Throws: ``GuardianStoreError`` `.unavailable` naming each host and why it was not used.
    static func connect(
        _ configuration: PostgresConnectionConfiguration, options: PostgresGuardianStore.Options,
        startupParameters: [(String, String)]
    ) async throws -> PostgresDatabase {
        let tls = try TLSSettings(configuration)
        let nodes = NodeSelector(
            configuration: configuration, options: options, tls: tls, startupParameters: startupParameters)
        _ = try await withDeadline(options.openTimeout) { try await nodes.node() }
        return PostgresDatabase(configuration: configuration, options: options, nodes: nodes)
    }

    /// Stops taking mutations and stops the pool; later calls fail with `.closed`.
    func close() async {
        writer.close()
        await access.nodes.close()
    }

    /// The server the pool talks to now (nil while none is selected).
    var currentHost: PostgresConnectionConfiguration.Host? {
        get async { await access.nodes.currentHost }
    }

    var currentStatistics: PostgresGuardianStore.Statistics {
        var statistics = access.statistics.withLockedValue { $0 }
        (statistics.transactions, statistics.mutations) = writer.statistics
        return statistics
    }

    // MARK: Calls

    /// Runs `body` as one atomic mutation: inside a savepoint of the next group-committed batch (``PostgresWriter``),
    /// READ COMMITTED, after the batch locked the audit head. Serialization failures and deadlocks run it again in a
    /// later batch (at most ``PostgresGuardianStore/Options/maximumAttempts`` times, then `.busy`); errors `body`
    /// throws itself roll it back and pass through. Returns once the batch has committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T {
        let writer = writer
        return try await withDeadline(options.operationTimeout) { try await writer.write(body) }
    }

    /// Runs `body` on one pooled connection without an explicit transaction (each statement commits on its own): reads,
    /// and single-statement writes.
    func session<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T {
        try await withDeadline(options.operationTimeout) {
            do {
                return try await self.leased { session in try await body(session) }
            } catch let failure as RetryableFailure {
                throw GuardianStoreError(.busy, failure.detail)
            }
        }
    }

    /// Runs `body` in a transaction of its own, outside the batches and without the audit head (schema migrations,
    /// which run before the head exists, with the open deadline); retried on serialization failures and deadlocks.
    func exclusiveTransaction<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) async throws -> T)
        async throws -> T
    {
        try await withDeadline(options.openTimeout) {
            var attempt = 1
            while true {
                do {
                    return try await self.leased { session in
                        try await session.run("BEGIN ISOLATION LEVEL READ COMMITTED")
                        do {
                            let value = try await body(session)
                            try await session.run("COMMIT")
                            return value
                        } catch {
                            _ = try? await session.run("ROLLBACK")
                            throw error
                        }
                    }
                } catch let failure as RetryableFailure where attempt < self.options.maximumAttempts {
                    _ = failure
                    self.access.countRetry()
                    try await Task.sleep(for: Self.backoff(attempt: attempt, base: self.options.retryBaseDelay))
                    attempt += 1
                }
            }
        }
    }

    /// Leases a connection for `body`; every error comes out mapped. The calls that come here are reads and
    /// idempotent single statements, so a connection that turns out closed — before use (the server ended it while it
    /// sat in the pool, and the pool has not noticed yet) or during the call — is replaced and the call run again, up
    /// to five times with a short backoff (the call's deadline still bounds the whole).
    private func leased<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T
    {
        let logger = options.logger
        let access = access
        var attempt = 1
        while true {
            let result = NIOLockedValueBox<T?>(nil)
            var node: NodeSelector.Node?
            do {
                node = try await access.nodes.node()
                try await access.withConnection { connection, _ in
                    guard !connection.isClosed else { throw ClosedBeforeUse() }
                    let value = try await body(PostgresSession(connection: connection, logger: logger))
                    result.withLockedValue { $0 = value }
                }
            } catch let error where attempt < 5 && (error is ClosedBeforeUse || PostgresWriter.endsTheConnection(error))
            {
                attempt += 1
                try await Task.sleep(for: Self.backoff(attempt: attempt, base: .milliseconds(5)))
                continue
            } catch {
                throw await access.classify(error, node)
            }
            guard let value = result.withLockedValue({ $0 }) else {
                throw GuardianStoreError(.io, "a call returned no result")
            }
            return value
        }
    }

    /// Full jitter over an exponential ceiling (Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog 2015).
    static func backoff(attempt: Int, base: Duration) -> Duration {
        let seconds = Double(base.components.attoseconds) / 1e18 + Double(base.components.seconds)
        let ceiling = min(seconds * Double(1 << min(attempt, 16)), 0.1)
        return .microseconds(Int64((Double.random(in: 0...ceiling) * 1e6).rounded()))
    }
}

// MARK: - Deadline

/// Runs `operation` and returns its result, or throws `.unavailable` once `limit` has passed: a database that stops
/// answering (a cut cable, a frozen primary) must turn into a quick 503, not a request that hangs until TCP gives up.
/// The abandoned operation is cancelled and finishes in the background; a write that commits after its caller was told
/// "unavailable" changes nothing that matters, since every change it makes is a compare-and-set that a retry sees.
func withDeadline<T: Sendable>(
    _ limit: Duration, _ what: String = "the database did not answer",
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(
                continuation,
                work: Task {
                    do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
                },
                timer: Task {
                    try? await Task.sleep(for: limit)
                    guard !Task.isCancelled else { return }
                    race.finish(.failure(GuardianStoreError(.unavailable, "\(what) within \(limit)")))
                })
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

// MARK: - Sessions

/// One leased connection inside a call: statements, and (in a write) the audit chain's head.
final class PostgresSession {
    let connection: PostgresConnection
    let logger: Logger
    /// The chain head, read `FOR UPDATE` at the first append (nil until then).
    private var auditHead: AuditAnchor?
    private var auditLocked = false
    private var headChanged = false

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Runs `query` and returns all its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }

    /// Runs `query`, discarding rows.
    func run(_ query: PostgresQuery) async throws {
        _ = try await connection.query(query, logger: logger).collect()
    }

    /// Runs `query` (a statement with `RETURNING`) and returns how many rows it returned: how many it changed.
    func count(_ query: PostgresQuery) async throws -> Int {
        try await rows(query).count
    }

    /// The first row's decoded columns, nil without rows.
    func first<each Column: PostgresDecodable>(_ query: PostgresQuery, as _: (repeat each Column).Type) async throws
        -> (repeat each Column)?
    {
        guard let row = try await rows(query).first else { return nil }
        return try row.decode((repeat each Column).self)
    }

    /// The first row's single column, nil without rows.
    func value<Column: PostgresDecodable>(_ query: PostgresQuery, as _: Column.Type) async throws -> Column? {
        guard let row = try await rows(query).first else { return nil }
        return try row.decode(Column.self)
    }

    // MARK: Audit

    /// The head as this transaction sees it, and whether it moved (saved before a mutation, restored when the mutation
    /// rolls back to its savepoint).
    var auditState: (head: AuditAnchor?, changed: Bool) {
        get { (auditHead, headChanged) }
        set { (auditHead, headChanged) = newValue }
    }

    /// Locks the audit head row (`SELECT … FOR UPDATE`) and reads it: every batch does this first, so batches of every
    /// node queue on that one row — the chain never forks, and no batch holds a row lock while it waits.
    func lockAuditHead() async throws {
        guard
            let head = try await first(
                "SELECT sequence, mac FROM audit_head WHERE id = 1 FOR UPDATE", as: (Int64, ByteBuffer?).self)
        else { throw GuardianStoreError(.corrupt, "the audit_head row is missing") }
        auditHead = try PostgresStoreSQL.anchor(sequence: head.0, mac: head.1)
        auditLocked = true
    }

    /// Seals `events` after the chain head and inserts them (the head locked first, if the batch has not yet).
    func append(_ events: [AuditEvent], sealer: AuditSealer) async throws {
        guard !events.isEmpty else { return }
        if !auditLocked { try await lockAuditHead() }
        var sql =
            "INSERT INTO audit_log (sequence, at_ms, kind, wallet, operation_id, detail, previous_mac, mac) VALUES "
        var binds = PostgresBindings(capacity: events.count * 8)
        for (index, event) in events.enumerated() {
            let record = sealer.seal(event, after: auditHead)
            let base = index * 8
            sql += (index == 0 ? "" : ", ") + "(" + (1...8).map { "$\(base + $0)" }.joined(separator: ", ") + ")"
            binds.append(record.sequence)
            binds.append(event.atMilliseconds)
            binds.append(event.kind.rawValue)
            binds.append(event.wallet.map { ByteBuffer(bytes: $0.bytes) })
            binds.append(event.operationID)
            binds.append(event.detail)
            binds.append(ByteBuffer(bytes: record.previousMAC))
            binds.append(ByteBuffer(bytes: record.mac))
            auditHead = AuditAnchor(sequence: record.sequence, mac: record.mac)
        }
        try await run(PostgresQuery(unsafeSQL: sql, binds: binds))
        headChanged = true
    }

    func append(_ audit: AuditAppend) async throws { try await append(audit.events, sealer: audit.sealer) }

    /// Writes the head once per transaction, if it moved (called just before COMMIT).
    func storeAuditHead() async throws {
        guard headChanged, let auditHead else { return }
        try await run(
            "UPDATE audit_head SET sequence = \(auditHead.sequence), mac = \(ByteBuffer(bytes: auditHead.mac)) WHERE id = 1"
        )
        headChanged = false
    }
}

// MARK: - Failures

/// An error thrown inside a call's body (a statement's, or the body's own), kept apart from the lease's errors.
private struct BodyFailure: Error {
    let error: any Error
}

/// A leased connection that was already closed: nothing was sent on it.
struct ClosedBeforeUse: Error, CustomStringConvertible {
    var description: String { "the pooled connection was closed before use" }
}

/// A serialization failure or deadlock: the transaction was rolled back by the server and may be run again.
struct RetryableFailure: Error {
    let detail: String
}

// MARK: - Deadline race

/// The continuation of ``withDeadline(_:_:_:)``, resumed once by whichever of work, timer or
/// cancellation comes first; the others are cancelled.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var work: Task<Void, Never>?
        var timer: Task<Void, Never>?
        var result: Result<T, any Error>?
    }

    private let state = NIOLockedValueBox(State())

    func start(_ continuation: CheckedContinuation<T, any Error>, work: Task<Void, Never>, timer: Task<Void, Never>) {
        let early = state.withLockedValue { state -> Result<T, any Error>? in
            if let result = state.result { return result }
            state.continuation = continuation
            state.work = work
            state.timer = timer
            return nil
        }
        if let early {
            work.cancel()
            timer.cancel()
            continuation.resume(with: early)
        }
    }

    func finish(_ result: Result<T, any Error>) {
        let taken = state.withLockedValue { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>])? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { (state.continuation, state.work, state.timer) = (nil, nil, nil) }
            return (state.continuation, [state.work, state.timer].compactMap { $0 })
        }
        guard let (continuation, tasks) = taken else { return }
        for task in tasks { task.cancel() }
        continuation?.resume(with: result)
    }
}

// MARK: - TLS

/// The connection string's TLS settings as postgres-nio wants them.
struct TLSSettings: Sendable {
    let configuration: TLSConfiguration?
    let required: Bool

    init(_ settings: PostgresConnectionConfiguration) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        var mode = settings.sslMode
        // libpq: with a root certificate given, `require` checks the chain as `verify-ca` does.
        if mode == .require, settings.sslRootCertificate != nil { mode = .verifyCA }
        switch mode {
        case .disable:
            configuration = nil
            required = false
            return
        case .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let path = settings.sslRootCertificate {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw GuardianStoreError(
                    .unavailable, "sslrootcert=\(path) is not a readable file; give a PEM file of trusted roots")
            }
            tls.trustRoots = .file(path)
        }
        configuration = tls
        required = mode != .prefer
    }

    var client: PostgresClient.Configuration.TLS {
        guard let configuration else { return .disable }
        return required ? .require(configuration) : .prefer(configuration)
    }

    func connection() throws -> PostgresConnection.Configuration.TLS {
        guard let configuration else { return .disable }
        let context = try NIOSSLContext(configuration: configuration)
        return required ? .require(context) : .prefer(context)
    }
}
