import Foundation
import Guardian
import Logging
import NIOConcurrencyHelpers
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

    init(maximumBatch: Int, maximumAttempts: Int, logger: Logger, database: PostgresDatabase.Access) {
        self.maximumBatch = max(1, maximumBatch)
        self.maximumAttempts = max(1, maximumAttempts)
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
                state.withLockedValue { $0.queue.insert(contentsOf: again, at: 0) }
            }
            // After a lost batch, back off before the next (a dead server must not be hammered in a loop).
            failures = lost ? failures + 1 : 0
            if lost { try? await Task.sleep(for: PostgresDatabase.backoff(attempt: failures, base: .milliseconds(5))) }
        }
    }

    /// Runs one batch; returns the requests to run again in the next one, and whether the batch was lost.
    private func run(_ batch: [WriteRequest]) async -> (again: [WriteRequest], lost: Bool) {
        guard !batch.isEmpty else { return ([], false) }
        let outcome = BatchOutcome()
        let logger = logger
        do {
            try await database.withConnection { connection, node in
                outcome.node = node
                let session = PostgresSession(connection: connection, logger: logger)
                try await connection.query("BEGIN ISOLATION LEVEL READ COMMITTED", logger: logger)
                try await session.lockAuditHead()
                for request in batch {
                    let saved = session.auditState
                    try await connection.query("SAVEPOINT mutation", logger: logger)
                    do {
                        try await request.run(session)
                        try await connection.query("RELEASE SAVEPOINT mutation", logger: logger)
                        outcome.done.append(request)
                    } catch {
                        session.auditState = saved
                        // Undo just this mutation; if that fails the connection is gone and the batch with it.
                        try await connection.query("ROLLBACK TO SAVEPOINT mutation", logger: logger)
                        try await connection.query("RELEASE SAVEPOINT mutation", logger: logger)
                        let mapped = await self.database.classify(error, node)
                        if mapped is RetryableFailure {
                            outcome.again.append(request)
                        } else {
                            outcome.failed.append((request, mapped))
                        }
                    }
                }
                try await session.storeAuditHead()
                outcome.commitSent = true
                try await connection.query("COMMIT", logger: logger)
            }
        } catch {
            return (await abandon(batch, outcome, error), true)
        }
        state.withLockedValue {
            $0.transactions += 1
            $0.mutations += outcome.done.count
        }
        for (request, error) in outcome.failed { request.fail(error) }
        for request in outcome.done { request.succeed() }
        return (requeue(outcome.again, failure: nil), false)
    }

    /// The batch failed as a whole (the lease, `BEGIN`, a savepoint command, or `COMMIT`): decides each request's fate.
    ///
    /// Before `COMMIT` was sent nothing committed (the server rolls back a transaction whose connection ends), so every
    /// request runs again. After it, the outcome of the mutations that ran is unknown: they fail as `.unavailable` —
    /// safe, since every change is a compare-and-set that a retry observes — and the others run again.
    private func abandon(_ batch: [WriteRequest], _ outcome: BatchOutcome, _ error: any Error) async -> [WriteRequest] {
        let mapped = await database.classify(error, outcome.node)
        guard outcome.commitSent, !(mapped is RetryableFailure) else { return requeue(batch, failure: mapped) }
        let unknown = Set(outcome.done.map(ObjectIdentifier.init))
        let failure =
            (mapped as? GuardianStoreError).map {
                GuardianStoreError(.unavailable, "commit outcome unknown: \($0.detail)")
            }
            ?? GuardianStoreError(.unavailable, "commit outcome unknown: \(mapped)")
        for request in outcome.done { request.fail(failure) }
        return requeue(batch.filter { !unknown.contains(ObjectIdentifier($0)) }, failure: mapped)
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

/// What one batch did with its requests (filled inside the lease, read after it, by the one drain task).
private final class BatchOutcome: @unchecked Sendable {
    var node: NodeSelector.Node?
    var commitSent = false
    var done: [WriteRequest] = []
    var failed: [(WriteRequest, any Error)] = []
    var again: [WriteRequest] = []
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
