import Foundation
import Guardian

// MARK: - Readers

/// Read-only connections for queries. In WAL mode readers never wait for the writer (and the writer never waits for
/// them); each read statement sees the latest committed transaction.
///
/// Reads run synchronously on the calling thread under the connection's lock: they are point lookups by primary key
/// served from SQLite's page cache in microseconds, far cheaper than a hop to another thread and back.
final class SQLiteReaderPool: @unchecked Sendable {
    private let connections: [SQLiteHandle]
    private let locks: [NSLock]
    private let next = NSLock()
    private var cursor = 0
    private var closed = false

    init(connections: [SQLiteHandle]) {
        precondition(!connections.isEmpty)
        self.connections = connections
        self.locks = connections.map { _ in NSLock() }
    }

    func read<T>(_ body: (SQLiteHandle) throws -> T) throws -> T {
        // Take the first free connection, starting from a rotating index; wait on one if all are busy.
        next.lock()
        let start = cursor
        cursor = (cursor + 1) % connections.count
        let isClosed = closed
        next.unlock()
        guard !isClosed else { throw GuardianStoreError(.closed, "the store is closed") }
        for offset in 0..<connections.count {
            let index = (start + offset) % connections.count
            if locks[index].try() {
                defer { locks[index].unlock() }
                return try body(connections[index])
            }
        }
        locks[start].lock()
        defer { locks[start].unlock() }
        return try body(connections[start])
    }

    func close() {
        next.lock()
        closed = true
        next.unlock()
        for (lock, connection) in zip(locks, connections) {
            lock.lock()
            connection.close()
            lock.unlock()
        }
    }
}
