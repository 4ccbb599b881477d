import Foundation
import Guardian
import GuardianTestSupport
import PostgresNIO

@testable import GuardianSQLite

// MARK: - Raw SQL on a fixture's database

/// What someone with access to the database sees: SQL straight on the SQLite file or the PostgreSQL schema, around the
/// store. The SQL must be what both dialects accept; an in-memory store has none (nil).
extension StoreFixture {
    /// The first column of the first row of `sql`, as an integer.
    func rawInteger(_ sql: String) async throws -> Int64? {
        switch kind {
        case .inMemory: return nil
        case .sqlite: return try withRawSQLite { try $0.queryOne(sql) { $0.int64(0) } }
        case .postgres: return try await postgres!.scalar(PostgresQuery(unsafeSQL: sql), as: Int64.self)
        }
    }

    /// `SELECT count(*) FROM table WHERE condition`.
    func rawCount(_ table: String, where condition: String = "1 = 1") async throws -> Int64? {
        try await rawInteger("SELECT count(*) FROM \(table) WHERE \(condition)")
    }

    /// The first column of every row of `sql`, as text.
    func rawTexts(_ sql: String) async throws -> [String]? {
        switch kind {
        case .inMemory: return nil
        case .sqlite: return try withRawSQLite { try $0.query(sql) { $0.text(0) } }
        case .postgres:
            return try await postgres!.query(PostgresQuery(unsafeSQL: sql)).map { try $0.decode(String.self) }
        }
    }

    /// A blob (bytea) literal in this fixture's dialect.
    func blobLiteral(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        return kind == .postgres ? "'\\x\(hex)'::bytea" : "X'\(hex)'"
    }

    /// Runs `body` on a read-write connection to the SQLite file of a SQLite fixture.
    func withRawSQLite<T>(_ body: (SQLiteHandle) throws -> T) throws -> T {
        precondition(kind == .sqlite, "raw SQLite access on a \(kind) fixture")
        let handle = try SQLiteHandle(path: sqlitePath, readOnly: false, busyTimeoutMilliseconds: 5_000)
        defer { handle.close() }
        return try body(handle)
    }
}
