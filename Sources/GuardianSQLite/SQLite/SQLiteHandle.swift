import CSQLite
import Foundation
import Guardian

// MARK: - Values

/// A value bound to a statement parameter.
enum SQLiteValue {
    case integer(Int64)
    case blob([UInt8])
    case text(String)
    case null

    static func optional(_ value: Int64?) -> SQLiteValue { value.map { .integer($0) } ?? .null }
    static func optional(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
    static func optional(_ value: [UInt8]?) -> SQLiteValue { value.map { .blob($0) } ?? .null }
}

/// SQLite's "make your own copy" destructor (`SQLITE_TRANSIENT`, sqlite3.h: `((sqlite3_destructor_type)-1)`).
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

// MARK: - Connection

/// One SQLite connection (the system SQLite 3 through the `CSQLite` module map, called directly), with a cache of
/// prepared statements (`SQLITE_PREPARE_PERSISTENT`). Not thread-safe: each handle is owned by one thread at a time — the writer thread,
/// the checkpointer thread, or a reader under its lock — so it is opened with `SQLITE_OPEN_NOMUTEX`.
final class SQLiteHandle {
    private var db: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    let path: String

    /// The oldest SQLite the store runs on: 3.37.0 (`sqlite3_changes64`); upserts need 3.24, `prepare_v3` 3.20.
    static let minimumVersionNumber: Int32 = 3_037_000

    init(path: String, readOnly: Bool, busyTimeoutMilliseconds: Int32) throws {
        self.path = path
        guard sqlite3_libversion_number() >= Self.minimumVersionNumber else {
            throw GuardianStoreError(
                .io,
                "SQLite \(String(cString: sqlite3_libversion())) is too old: the store needs 3.37 or newer; upgrade libsqlite3"
            )
        }
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX
            | SQLITE_OPEN_EXRESCODE
        var handle: OpaquePointer?
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw GuardianStoreError(.io, "cannot open \(path): \(message) (\(status))")
        }
        self.db = handle
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
    }

    deinit { close() }

    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements.removeAll()
        if let db { sqlite3_close_v2(db) }
        db = nil
    }

    /// Runs one or more statements without parameters or results (pragmas, DDL, transaction control).
    func execute(_ sql: String) throws {
        guard let db else { throw GuardianStoreError(.closed, "connection closed") }
        let status = sqlite3_exec(db, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw error(status, sql) }
    }

    /// Runs a statement and returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLiteValue] = []) throws -> Int {
        let statement = try prepare(sql, values)
        defer { reset(statement) }
        let status = sqlite3_step(statement)
        guard status == SQLITE_DONE || status == SQLITE_ROW else { throw error(status, sql) }
        return Int(sqlite3_changes64(db))
    }

    /// Runs a query, decoding each row.
    func query<T>(_ sql: String, _ values: [SQLiteValue] = [], _ decode: (SQLiteRow) throws -> T) throws -> [T] {
        let statement = try prepare(sql, values)
        defer { reset(statement) }
        var rows: [T] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return rows }
            guard status == SQLITE_ROW else { throw error(status, sql) }
            rows.append(try decode(SQLiteRow(statement: statement)))
        }
    }

    /// Runs a query expected to return at most one row.
    func queryOne<T>(_ sql: String, _ values: [SQLiteValue] = [], _ decode: (SQLiteRow) throws -> T) throws -> T? {
        let statement = try prepare(sql, values)
        defer { reset(statement) }
        let status = sqlite3_step(statement)
        if status == SQLITE_DONE { return nil }
        guard status == SQLITE_ROW else { throw error(status, sql) }
        return try decode(SQLiteRow(statement: statement))
    }

    /// Whether the connection is outside any transaction (SQLite rolls a transaction back by itself after some
    /// errors — `SQLITE_FULL`, `SQLITE_IOERR`, `SQLITE_NOMEM` — and this is how to notice).
    var isAutocommit: Bool { db.map { sqlite3_get_autocommit($0) != 0 } ?? true }

    // MARK: Statements

    private func prepare(_ sql: String, _ values: [SQLiteValue]) throws -> OpaquePointer {
        guard let db else { throw GuardianStoreError(.closed, "connection closed") }
        let statement: OpaquePointer
        if let cached = statements[sql] {
            statement = cached
        } else {
            var prepared: OpaquePointer?
            let status = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
            guard status == SQLITE_OK, let prepared else { throw error(status, sql) }
            statements[sql] = prepared
            statement = prepared
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .integer(let number): status = sqlite3_bind_int64(statement, index, number)
            case .blob(let bytes):
                status = bytes.withUnsafeBytes { raw in
                    // A zero-length blob needs a non-null pointer to be a blob rather than NULL.
                    sqlite3_bind_blob64(
                        statement, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64(raw.count),
                        transient)
                }
            case .text(let string):
                status = sqlite3_bind_text64(
                    statement, index, string, UInt64(string.utf8.count), transient, UInt8(SQLITE_UTF8))
            case .null: status = sqlite3_bind_null(statement, index)
            }
            guard status == SQLITE_OK else {
                reset(statement)
                throw error(status, sql)
            }
        }
        return statement
    }

    private func reset(_ statement: OpaquePointer) {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    private func error(_ status: Int32, _ sql: String) -> GuardianStoreError {
        let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "closed"
        let primary = status & 0xFF  // extended result codes carry the primary code in their low byte (sqlite3.h)
        let kind: GuardianStoreError.Kind
        switch primary {
        case SQLITE_BUSY, SQLITE_LOCKED: kind = .busy
        case SQLITE_CORRUPT, SQLITE_NOTADB: kind = .corrupt
        default: kind = .io
        }
        return GuardianStoreError(kind, "\(message) (code \(status)) in: \(sql.prefix(80))")
    }
}

// MARK: - Rows

/// The current row of a stepping statement; valid only inside the decode closure.
struct SQLiteRow {
    let statement: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let base = sqlite3_column_blob(statement, column) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: base, count: count))
    }

    func optionalBlob(_ column: Int32) -> [UInt8]? { isNull(column) ? nil : blob(column) }

    func text(_ column: Int32) -> String {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let base = sqlite3_column_text(statement, column) else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: base, count: count), as: UTF8.self)
    }

    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
}
