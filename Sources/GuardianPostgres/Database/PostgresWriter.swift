import Foundation
import Guardian
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

// MARK: - Group-commit writer

/// The store's mutations, run in batches: one PostgreSQL transaction per batch, each mutation inside its own
/// `SAVEPOINT`, one `COMMIT` — and so one WAL flush — for all of them (group commit, as `SQLiteWriter` does for SQLite).
///
/// Why: every mutation appends to the one audit chain, so each must wait for the previous one's commit; one transaction
/// per call therefore commits at the disk's fsync rate whatever the number of nodes (about 240/s on the test machines).
/// A batch takes everything queued on this node while the previous batch ran, so batches grow with the load.
///
/// Each batch begins by locking the audit head (`SELECT … FOR UPDATE`), before any other lock: batches of every node
/// queue on that one row and never hold row locks while waiting for it, so writers cannot deadlock one another. Inside
/// the batch each mutation stays atomic and independent:
/// - a mutation that throws (a refusal, a failed statement) is rolled back to its savepoint and fails alone;
/// - one that fails with a serialization failure or deadlock (40001, 40P01) is rolled back to its savepoint and queued
///   for the next batch, at most ``PostgresGuardianStore/Options/maximumAttempts`` times, then fails as `.busy`;
/// - when the connection fails, the batch is lost: the mutations already run fail as `.unavailable` (their outcome is
///   unknown), the others are queued again (nothing of them ran);
/// - callers are resumed only after the `COMMIT` returned: a result in hand is a committed result.
final class PostgresWriter: Sendable {
    private struct State {
        var queue: [WriteRequest] = []
        var draining = false
        var closed = false
        var transactions = 0
        var mutations = 0
    }

    private let state = NIOLockedValueBox(State())
    private let maximumBatch: Int
    private let maximumAttempts: Int
    private let logger: Logger
    private let database: PostgresDatabase.Access
    private let batchTimeout: Duration

    init(
        maximumBatch: Int, maximumAttempts: Int, batchTimeout: Duration, logger: Logger,
        database: PostgresDatabase.Access
    ) {
        self.maximumBatch = max(1, maximumBatch)
        self.maximumAttempts = max(1, maximumAttempts)
        self.batchTimeout = batchTimeout
        self.logger = logger
        self.database = database
    }

    /// Transactions committed and the mutations they carried.
    var statistics: (transactions: Int, mutations: Int) {
        state.withLockedValue { ($0.transactions, $0.mutations) }
    }

    /// Runs `body` inside a savepoint of a coming batch; returns its result once the batch has committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T {
        let request = WriteRequest()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                request.prepare(body: body, continuation: continuation)
                let start = state.withLockedValue { state -> Bool? in
                    guard !state.closed else { return nil }
                    state.queue.append(request)
                    defer { state.draining = true }
                    return !state.draining
                }
                switch start {
                case nil: request.fail(GuardianStoreError(.closed, "the store is closed"))
                case true?: Task.detached { await self.drain() }
                case false?: break
                }
            }
        } onCancel: {
            // Not yet run: it is skipped. Already running: its batch decides, and the result goes nowhere.
            request.cancel()
        }
    }

    /// Refuses new mutations and fails the queued ones; a batch running now finishes.
    func close() {
        let queued = state.withLockedValue { state -> [WriteRequest] in
            state.closed = true
            defer { state.queue = [] }
            return state.queue
        }
        for request in queued { request.fail(GuardianStoreError(.closed, "the store is closed")) }
    }

    // MARK: Batches

    private func drain() async {
        var failures = 0
        while true {
            let batch = state.withLockedValue { state -> [WriteRequest] in
                let take = min(state.queue.count, maximumBatch)
                let batch = Array(state.queue.prefix(take))
                state.queue.removeFirst(take)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            let (again, lost) = await run(batch.filter { !$0.skipIfCancelled() })
            if !again.isEmpty {
                let closed = state.withLockedValue { state -> Bool in
                    if !state.closed { state.queue.insert(contentsOf: again, at: 0) }
                    return state.closed
                }
                if closed { for request in again { request.fail(GuardianStoreError(.closed, "the store is closed")) } }
            }
            // After a lost batch, back off before the next (a dead server must not be hammered in a loop).
            failures = lost ? failures + 1 : 0
            if lost { try? await Task.sleep(for: PostgresDatabase.backoff(attempt: failures, base: .milliseconds(5))) }
        }
    }

    /// Runs one batch; returns the requests to run again in the next one, and whether the batch was lost.
    ///
    /// The batch has a deadline (``PostgresGuardianStore/Options/operationTimeout``): a connection that stops answering
    /// (a cut cable, a frozen server, a query the driver never completes) must not stall every later write of this
    /// node. Past it the batch is abandoned — it may no longer send its `COMMIT` — and its connection closed.
    private func run(_ batch: [WriteRequest]) async -> (again: [WriteRequest], lost: Bool) {
        guard !batch.isEmpty else { return ([], false) }
        let outcome = BatchOutcome()
        let logger = logger
        let database = database
        do {
            try await withDeadline(batchTimeout, "the batch did not finish") {
                try await database.withConnection { connection, node in
                    // Closed in the pool: nothing is sent, the batch runs again on another connection.
                    guard !connection.isClosed else { throw ClosedBeforeUse() }
                    outcome.start(node: node, connection: connection)
                    let session = PostgresSession(connection: connection, logger: logger)
                    try await connection.query("BEGIN ISOLATION LEVEL READ COMMITTED", logger: logger)
                    try await session.lockAuditHead()
                    for request in batch {
                        let saved = session.auditState
                        try await connection.query("SAVEPOINT mutation", logger: logger)
                        do {
                            try await request.run(session)
                            try await connection.query("RELEASE SAVEPOINT mutation", logger: logger)
                            outcome.record(done: request)
                        } catch {
                            // A connection that is ending (a FATAL error, closed) takes the batch with it: sending more
                            // on it could wait forever.
                            if connection.isClosed || Self.endsTheConnection(error) { throw error }
                            session.auditState = saved
                            // Undo just this mutation; if that fails the connection is gone and the batch with it.
                            try await connection.query("ROLLBACK TO SAVEPOINT mutation", logger: logger)
                            try await connection.query("RELEASE SAVEPOINT mutation", logger: logger)
                            let mapped = await database.classify(error, node)
                            if mapped is RetryableFailure {
                                outcome.record(again: request)
                            } else {
                                outcome.record(failed: request, mapped)
                            }
                        }
                    }
                    try await session.storeAuditHead()
                    guard outcome.markCommitSent() else {
                        throw GuardianStoreError(.unavailable, "the batch was abandoned at its deadline")
                    }
                    try await connection.query("COMMIT", logger: logger)
                }
            }
        } catch {
            return (await abandon(batch, outcome, error), true)
        }
        let (done, failed, again) = outcome.results
        state.withLockedValue {
            $0.transactions += 1
            $0.mutations += done.count
        }
        for (request, error) in failed { request.fail(error) }
        for request in done { request.succeed() }
        return (requeue(again, failure: nil), false)
    }

    /// The batch failed as a whole (the lease, `BEGIN`, a savepoint command, `COMMIT`, or its deadline): decides each
    /// request's fate.
    ///
    /// Before `COMMIT` was sent nothing committed (the server rolls back a transaction whose connection ends), so every
    /// request runs again. After it, the outcome of the mutations that ran is unknown: they fail as `.unavailable` —
    /// safe, since every change is a compare-and-set that a retry observes — and the others run again.
    private func abandon(_ batch: [WriteRequest], _ outcome: BatchOutcome, _ error: any Error) async -> [WriteRequest] {
        let commitSent = outcome.abandon()
        // A connection found closed before use sent nothing: not an attempt (the drain loop's backoff gives the pool
        // time to notice; the callers' deadlines bound the whole).
        if error is ClosedBeforeUse { return batch }
        let mapped = await database.classify(error, outcome.node)
        guard commitSent, !(mapped is RetryableFailure) else { return requeue(batch, failure: mapped) }
        let done = outcome.results.done
        let unknown = Set(done.map(ObjectIdentifier.init))
        let failure =
            (mapped as? GuardianStoreError).map {
                GuardianStoreError(.unavailable, "commit outcome unknown: \($0.detail)")
            }
            ?? GuardianStoreError(.unavailable, "commit outcome unknown: \(mapped)")
        for request in done { request.fail(failure) }
        return requeue(batch.filter { !unknown.contains(ObjectIdentifier($0)) }, failure: mapped)
    }

    /// Whether `error` means the server is ending the connection (a FATAL or PANIC message, or a closed connection).
    static func endsTheConnection(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .server:
            let severity = error.serverInfo?[.severity] ?? ""
            return severity == "FATAL" || severity == "PANIC"
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return true
        default:
            return false
        }
    }

    /// Counts an attempt for each request and returns those that may run again; the others fail — as `.busy` after
    /// serialization failures or deadlocks, else with `failure`.
    private func requeue(_ requests: [WriteRequest], failure: (any Error)?) -> [WriteRequest] {
        var again: [WriteRequest] = []
        for request in requests {
            request.attempts += 1
            if request.attempts < maximumAttempts {
                database.countRetry()
                again.append(request)
            } else if let failure, !(failure is RetryableFailure) {
                request.fail(failure)
            } else {
                database.countExhausted()
                request.fail(
                    GuardianStoreError(
                        .busy, "gave up after \(request.attempts) attempts on serialization failures or deadlocks"))
            }
        }
        return again
    }
}

// MARK: - Requests

/// What one batch did with its requests: filled by the batch's task, read by the drain task — also when the batch
/// is abandoned at its deadline while its task still runs, hence the lock.
private final class BatchOutcome: @unchecked Sendable {
    private let lock = NIOLock()
    private var _node: NodeSelector.Node?
    private var connection: PostgresConnection?
    private var commitSent = false
    private var abandoned = false
    private var done: [WriteRequest] = []
    private var failed: [(WriteRequest, any Error)] = []
    private var again: [WriteRequest] = []

    var node: NodeSelector.Node? { lock.withLock { _node } }

    var results: (done: [WriteRequest], failed: [(WriteRequest, any Error)], again: [WriteRequest]) {
        lock.withLock { (done, failed, again) }
    }

    func start(node: NodeSelector.Node, connection: PostgresConnection) {
        lock.withLock {
            _node = node
            self.connection = connection
        }
    }

    func record(done request: WriteRequest) { lock.withLock { done.append(request) } }
    func record(again request: WriteRequest) { lock.withLock { again.append(request) } }
    func record(failed request: WriteRequest, _ error: any Error) { lock.withLock { failed.append((request, error)) } }

    /// Marks the `COMMIT` as about to be sent; false when the batch was abandoned (then it must not be sent).
    func markCommitSent() -> Bool {
        lock.withLock {
            guard !abandoned else { return false }
            commitSent = true
            return true
        }
    }

    /// Abandons the batch: no `COMMIT` is sent after this, and its connection is closed (which fails whatever waits
    /// on it). Returns whether the `COMMIT` had been sent.
    func abandon() -> Bool {
        let (sent, connection) = lock.withLock { () -> (Bool, PostgresConnection?) in
            abandoned = true
            return (commitSent, self.connection)
        }
        if let connection, !connection.isClosed {
            let closing: EventLoopFuture<Void> = connection.close()
            _ = closing
        }
        return sent
    }
}

/// A queued mutation: its body, its result until the commit, and its caller's continuation (resumed once).
final class WriteRequest: @unchecked Sendable {
    private let lock = NIOLock()
    private var body: ((PostgresSession) async throws -> Void)?
    private var resumeSuccess: (() -> Void)?
    private var resumeFailure: ((any Error) -> Void)?
    private var finished = false
    private var cancelled = false
    /// Batches it was part of that did not settle it (written by the drain task only).
    var attempts = 0

    func prepare<T: Sendable>(
        body: @escaping @Sendable (PostgresSession) async throws -> T, continuation: CheckedContinuation<T, any Error>
    ) {
        let box = ResultBox<T>()
        lock.withLock {
            self.body = { session in box.value = try await body(session) }
            self.resumeSuccess = {
                guard let value = box.value else {
                    continuation.resume(throwing: GuardianStoreError(.io, "a committed mutation left no result"))
                    return
                }
                continuation.resume(returning: value)
            }
            self.resumeFailure = { continuation.resume(throwing: $0) }
        }
    }

    func run(_ session: PostgresSession) async throws {
        guard let body = lock.withLock({ self.body }) else { return }
        try await body(session)
    }

    func cancel() { lock.withLock { cancelled = true } }

    /// Fails it with `CancellationError` if it was cancelled before running; returns whether it was.
    func skipIfCancelled() -> Bool {
        guard lock.withLock({ cancelled }) else { return false }
        fail(CancellationError())
        return true
    }

    func succeed() { finish { $0.resumeSuccess?() } }

    func fail(_ error: any Error) { finish { $0.resumeFailure?(error) } }

    private func finish(_ resume: (WriteRequest) -> Void) {
        let first = lock.withLock { () -> Bool in
            defer { finished = true }
            return !finished
        }
        guard first else { return }
        resume(self)
        lock.withLock {
            body = nil
            resumeSuccess = nil
            resumeFailure = nil
        }
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
