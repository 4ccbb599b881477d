import CSQLite
import Foundation

// MARK: - A small SQLite connection

/// A value bound to a statement parameter.
enum SQLValue: Sendable {
    case integer(Int64)
    case blob([UInt8])
    case text(String)
    case null
}

/// One SQLite 3 connection (the system library through `CSQLite`), WAL mode with `synchronous=FULL` (every commit
/// durable), owned by one actor (``RegistryStore``), so it is opened `SQLITE_OPEN_NOMUTEX`.
final class SQLiteDatabase {
    private var db: OpaquePointer?

    init(path: String) throws(RegistryError) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw .storage("cannot open \(path): \(message)")
        }
        db = handle
        sqlite3_busy_timeout(handle, 5000)
        try execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
    }

    deinit { sqlite3_close_v2(db) }

    func execute(_ sql: String) throws(RegistryError) {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
            throw .storage("exec failed: \(String(cString: sqlite3_errmsg(db)))")
        }
    }

    /// Runs a statement; returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLValue] = []) throws(RegistryError) -> Int {
        let statement = try prepare(sql, values)
        defer { sqlite3_finalize(statement) }
        let status = sqlite3_step(statement)
        guard status == SQLITE_DONE || status == SQLITE_ROW else {
            throw .storage("step failed (\(status)): \(String(cString: sqlite3_errmsg(db)))")
        }
        return Int(sqlite3_changes64(db))
    }

    /// The rows of a query, each decoded by `decode`.
    func query<T>(_ sql: String, _ values: [SQLValue] = [], _ decode: (SQLRow) -> T) throws(RegistryError) -> [T] {
        let statement = try prepare(sql, values)
        defer { sqlite3_finalize(statement) }
        var rows: [T] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW, let statement else {
                throw .storage("query failed (\(status)): \(String(cString: sqlite3_errmsg(db)))")
            }
            rows.append(decode(SQLRow(statement: statement)))
        }
        return rows
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction; rolls back when it throws.
    func transaction<T>(_ body: () throws(RegistryError) -> T) throws(RegistryError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    private func prepare(_ sql: String, _ values: [SQLValue]) throws(RegistryError) -> OpaquePointer? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            throw .storage("prepare failed: \(String(cString: sqlite3_errmsg(db)))")
        }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .integer(let v): status = sqlite3_bind_int64(statement, index, v)
            case .text(let v): status = sqlite3_bind_text(statement, index, v, -1, transient)
            case .blob(let v):
                status = v.withUnsafeBytes {
                    sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), transient)
                }
            case .null: status = sqlite3_bind_null(statement, index)
            }
            guard status == SQLITE_OK else {
                sqlite3_finalize(statement)
                throw .storage("bind failed: \(String(cString: sqlite3_errmsg(db)))")
            }
        }
        return statement
    }
}

/// One result row.
struct SQLRow {
    let statement: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }
    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(statement, column) else { return "" }
        return String(cString: pointer)
    }
    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let pointer = sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
    func optionalBlob(_ column: Int32) -> [UInt8]? { isNull(column) ? nil : blob(column) }
}
