import CSQLite
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

// MARK: - Export

extension SQLiteAuditReader {
    /// Every table of ``GuardianStoreTransfer/tables``, read in one read transaction (one consistent snapshot even
    /// while a server writes). The database must be at this build's schema version: open it with
    /// ``SQLiteGuardianStore`` first, which migrates it.
    ///
    /// - Throws: `GuardianStoreError` `.unsupportedSchema` for a database at another schema version.
    public func exportTables() throws -> [GuardianStoreTransfer.Rows] {
        try read { connection in
            let version = Int(try connection.queryOne("PRAGMA user_version") { $0.int64(0) } ?? 0)
            guard version == SQLiteSchema.latestVersion else {
                throw GuardianStoreError(
                    .unsupportedSchema,
                    "the SQLite database has schema version \(version), this build moves version \(SQLiteSchema.latestVersion)"
                )
            }
            try connection.execute("BEGIN")
            defer { try? connection.execute("COMMIT") }
            return try GuardianStoreTransfer.tables.map { table in
                let columns = table.columns.joined(separator: ", ")
                let order = table.name == "audit_log" ? " ORDER BY sequence" : ""
                let rows = try connection.query("SELECT \(columns) FROM \(table.name)\(order)") { row in
                    (0..<Int32(table.columns.count)).map { row.value($0) }
                }
                return GuardianStoreTransfer.Rows(table: table, rows: rows)
            }
        }
    }
}

extension SQLiteRow {
    /// The column as stored (SQLite's dynamic type).
    func value(_ column: Int32) -> GuardianStoreTransfer.Value {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL: .null
        case SQLITE_INTEGER: .integer(int64(column))
        case SQLITE_BLOB: .blob(blob(column))
        case SQLITE_FLOAT: .text(String(sqlite3_column_double(statement, column)))
        default: .text(text(column))
        }
    }
}
