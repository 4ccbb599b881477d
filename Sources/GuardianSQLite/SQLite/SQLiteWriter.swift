import Foundation
import Guardian

// MARK: - Group-commit writer

/// The single writer: one connection owned by one thread, which runs every mutation of the store.
///
/// Mutations queue up while the previous transaction commits; the thread then takes all that are waiting (up to
/// ``maximumBatch``) and runs them in **one** SQLite transaction, each inside its own `SAVEPOINT` — so each stays
/// atomic and independent (a failing one rolls back to its savepoint and the others proceed) — and commits once.
/// With `journal_mode=WAL` and `synchronous=FULL` that commit is one fsync of the WAL for the whole batch (group
/// commit, as in DeWitt et al., "Implementation Techniques for Main Memory Database Systems", SIGMOD 1984). Callers
/// are resumed only after the commit has returned: a result in hand is a result on disk.
///
/// Under load, batches grow by themselves (everything that arrived during one fsync goes into the next), so the
/// number of fsyncs per second stays near the disk's limit while throughput scales with the batch size.
final class SQLiteWriter: @unchecked Sendable {
    /// Mutations per transaction at most; bounds the latency a large batch adds to its first member.
    let maximumBatch: Int

    private let connection: SQLiteHandle
    private let condition = NSCondition()
    private var queue: [WriteRequest] = []
    private var stopping = false
    private var stopped = false
    private var thread: Thread?

    /// Statistics for benchmarks: transactions committed and mutations they carried.
    private(set) var committedTransactions = 0
    private(set) var committedMutations = 0

    init(connection: SQLiteHandle, maximumBatch: Int) {
        self.connection = connection
        self.maximumBatch = maximumBatch
    }

    func start() {
        let thread = Thread { [self] in self.loop() }
        thread.name = "guardian-sqlite-writer"
        thread.qualityOfService = .userInitiated
        self.thread = thread
        thread.start()
    }

    /// Runs `body` inside a savepoint of the next batch and returns its result once the batch has committed.
    /// `body` runs on the writer thread; it must not block on anything but the database.
    func write<T: Sendable>(_ body: @escaping @Sendable (WriteContext) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let request = WriteRequest(body: body, continuation: continuation)
            condition.lock()
            if stopping {
                condition.unlock()
                continuation.resume(throwing: GuardianStoreError(.closed, "the store is closed"))
                return
            }
            queue.append(request)
            condition.signal()
            condition.unlock()
        }
    }

    /// Finishes the queued mutations, then stops the thread.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !stopped { condition.wait() }
        condition.unlock()
    }

    /// Closes the connection once the thread has stopped.
    func closeConnection() { connection.close() }

    var statistics: (transactions: Int, mutations: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (committedTransactions, committedMutations)
    }

    // MARK: Loop

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty && stopping {
                stopped = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let take = min(queue.count, maximumBatch)
            let batch = Array(queue.prefix(take))
            queue.removeFirst(take)
            condition.unlock()
            run(batch[...])
        }
    }

    private func run(_ batch: ArraySlice<WriteRequest>) {
        var pending = batch
        while !pending.isEmpty {
            pending = runTransaction(pending)
        }
    }

    /// Runs as many of `batch` as one transaction allows; returns those still to run (only after SQLite aborted the
    /// transaction on its own, which fails the members already run and restarts with the rest).
    /// Transaction control goes through cached prepared statements too: `sqlite3_exec` would re-parse each one.
    private func runTransaction(_ batch: ArraySlice<WriteRequest>) -> ArraySlice<WriteRequest> {
        let context: WriteContext
        do {
            try connection.run("BEGIN IMMEDIATE")
            context = WriteContext(connection: connection, auditHead: try WriteContext.loadAuditHead(connection))
        } catch {
            if !connection.isAutocommit { try? connection.execute("ROLLBACK") }
            for request in batch { request.fail(error) }
            return []
        }
        var done: [WriteRequest] = []
        done.reserveCapacity(batch.count)
        for (offset, request) in zip(batch.indices, batch) {
            let headBefore = context.auditHead
            do {
                try connection.run("SAVEPOINT mutation")
                try request.run(context)
                try connection.run("RELEASE mutation")
                done.append(request)
            } catch {
                context.auditHead = headBefore
                // Undo just this mutation. If that is impossible — SQLite already rolled the whole transaction back,
                // or the rollback itself fails — abandon the transaction: a RELEASE now could keep half a mutation.
                let undone =
                    !connection.isAutocommit
                    && (try? connection.run("ROLLBACK TO mutation")) != nil
                    && (try? connection.run("RELEASE mutation")) != nil
                guard undone else {
                    if !connection.isAutocommit { _ = try? connection.run("ROLLBACK") }
                    let lost = GuardianStoreError(.io, "transaction aborted: \(error)")
                    for earlier in done { earlier.fail(lost) }
                    request.fail(error)
                    return batch[(offset + 1)...]
                }
                request.fail(error)
            }
        }
        do {
            try context.storeAuditHead()
            try connection.run("COMMIT")
        } catch {
            if !connection.isAutocommit { try? connection.execute("ROLLBACK") }
            let failure = GuardianStoreError(.io, "commit failed: \(error)")
            for request in done { request.fail(failure) }
            return []
        }
        condition.lock()
        committedTransactions += 1
        committedMutations += done.count
        condition.unlock()
        for request in done { request.succeed() }
        return []
    }
}

// MARK: - Requests

/// A queued mutation: its body, its result until the commit, and its caller's continuation.
final class WriteRequest: @unchecked Sendable {
    private let body: (WriteContext) throws -> Void
    private let resumeSuccess: () -> Void
    private let resumeFailure: (any Error) -> Void

    init<T: Sendable>(
        body: @escaping @Sendable (WriteContext) throws -> T, continuation: CheckedContinuation<T, any Error>
    ) {
        let box = ResultBox<T>()
        self.body = { context in box.value = try body(context) }
        self.resumeSuccess = { continuation.resume(returning: box.value!) }
        self.resumeFailure = { continuation.resume(throwing: $0) }
    }

    func run(_ context: WriteContext) throws { try body(context) }
    func succeed() { resumeSuccess() }
    func fail(_ error: any Error) { resumeFailure(error) }
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

// MARK: - Context

/// What a mutation sees: the writer connection inside the open transaction, and the audit chain's head.
final class WriteContext {
    let connection: SQLiteHandle
    var auditHead: AuditAnchor?
    private var headChanged = false

    init(connection: SQLiteHandle, auditHead: AuditAnchor?) {
        self.connection = connection
        self.auditHead = auditHead
    }

    /// Seals and appends audit events after the current head.
    func append(_ events: [AuditEvent], sealer: AuditSealer) throws {
        for event in events {
            let record = sealer.seal(event, after: auditHead)
            try connection.run(
                "INSERT INTO audit_log (sequence, at_ms, kind, wallet, operation_id, detail, previous_mac, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    .integer(record.sequence), .integer(event.atMilliseconds), .text(event.kind.rawValue),
                    .optional(event.wallet?.bytes),
                    .optional(event.operationID), .text(event.detail), .blob(record.previousMAC), .blob(record.mac),
                ])
            auditHead = AuditAnchor(sequence: record.sequence, mac: record.mac)
            headChanged = true
        }
    }

    func append(_ audit: AuditAppend) throws { try append(audit.events, sealer: audit.sealer) }

    /// The head as stored in `meta` (read inside the transaction, so another process's appends are seen).
    static func loadAuditHead(_ connection: SQLiteHandle) throws -> AuditAnchor? {
        try connection.queryOne("SELECT sequence, mac FROM audit_head WHERE id = 1") { row in
            AuditAnchor(sequence: row.int64(0), mac: row.blob(1))
        }
    }

    /// Writes the head once per transaction, if it moved.
    func storeAuditHead() throws {
        guard headChanged, let auditHead else { return }
        try connection.run(
            "INSERT INTO audit_head (id, sequence, mac) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET sequence = excluded.sequence, mac = excluded.mac",
            [.integer(auditHead.sequence), .blob(auditHead.mac)])
    }
}
