import Foundation
import Guardian

// MARK: - Checkpointer

/// Moves WAL pages back into the database file from a thread of its own (`PRAGMA wal_checkpoint(PASSIVE)`, which
/// never blocks the writer or readers), so commits never pay for a checkpoint inline; the writer's automatic
/// checkpoint is turned off. A `TRUNCATE`-free passive checkpoint lets the writer restart the WAL from its beginning
/// once every frame has been copied back, which keeps the WAL file small.
final class SQLiteCheckpointer: @unchecked Sendable {
    private let connection: SQLiteHandle
    private let interval: TimeInterval
    private let condition = NSCondition()
    private var stopping = false
    private var stopped = false

    init(connection: SQLiteHandle, interval: TimeInterval) {
        self.connection = connection
        self.interval = interval
    }

    func start() {
        let thread = Thread { [self] in self.loop() }
        thread.name = "guardian-sqlite-checkpoint"
        thread.qualityOfService = .utility
        thread.start()
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !stopped { condition.wait() }
        condition.unlock()
        connection.close()
    }

    private func loop() {
        condition.lock()
        while !stopping {
            _ = condition.wait(until: Date().addingTimeInterval(interval))
            if stopping { break }
            condition.unlock()
            try? connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            condition.lock()
        }
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
