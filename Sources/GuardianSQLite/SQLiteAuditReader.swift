import Foundation
import Guardian

// MARK: - Read-only audit access

/// The guardian database opened read-only (`SQLITE_OPEN_READONLY`), for `chronoguard audit verify`: it can read the
/// keyring and the audit chain and has no way to write — no migration, no checkpoint, no keyring creation — so
/// verifying a database never changes it, even one no guardian has initialised.
///
/// Safe while a server runs on the same database (WAL readers see the last committed state).
public final class SQLiteAuditReader: AuditLogReader, @unchecked Sendable {
    /// One connection, used under `lock`.
    private let connection: SQLiteHandle
    private let lock = NSLock()

    /// Opens the database file at `path` read-only; it must exist.
    ///
    /// - Throws: `GuardianStoreError` when the file is missing or is not a SQLite database.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw GuardianStoreError(.io, "There is no guardian database at \(path); check the data directory.")
        }
        self.connection = try SQLiteHandle(path: path, readOnly: true, busyTimeoutMilliseconds: 5_000)
    }

    func read<T>(_ body: (SQLiteHandle) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(connection)
    }

    public func loadKeyring() async throws -> StoredKeyring? {
        try read(SQLiteGuardianStore.loadKeyring)
    }

    public func auditRecords(after sequence: Int64, limit: Int) async throws -> [AuditRecord] {
        try read { try SQLiteGuardianStore.auditRecords($0, after: sequence, limit: limit) }
    }

    public func auditHead() async throws -> AuditAnchor? {
        try read(WriteContext.loadAuditHead)
    }
}
