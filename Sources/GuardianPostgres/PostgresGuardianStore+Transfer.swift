import Foundation
import Guardian
import NIOCore
import PostgresNIO

// MARK: - Importing a guardian (store migrate)

extension PostgresGuardianStore {
    /// Rows per `INSERT` statement: one round trip for many rows, far below the protocol's 65,535 parameters.
    static let importChunk = 500

    /// Writes every row of `tables` (``GuardianStoreTransfer``) into this store's empty database, in one transaction:
    /// all of it or nothing. The audit head is locked first, so no node can write meanwhile; the rows are written as
    /// they are (sealed secrets stay sealed, the audit chain keeps its MACs) and the head is set to the source's.
    ///
    /// The deadline is the store's ``Options/openTimeout``: give it room for a large database.
    ///
    /// - Throws: ``PostgresImportRefusal`` when the target already holds guardian state (a keyring, a wallet, an audit
    ///   record, … — migrating into a used database would mix two guardians), or the database's error
    ///   (`GuardianStoreError` `.conflict` for a row that breaks a constraint, `.unavailable`, …).
    public func importTables(_ tables: [GuardianStoreTransfer.Rows]) async throws {
        try await database.exclusiveTransaction { sql in
            let head = try await sql.first(
                "SELECT sequence, mac FROM audit_head WHERE id = 1 FOR UPDATE", as: (Int64, ByteBuffer?).self)
            let counts = GuardianStoreTransfer.tables.filter { $0.name != "audit_head" }.map {
                "(SELECT count(*) FROM \($0.name))"
            }
            let stored = try await sql.value(
                PostgresQuery(unsafeSQL: "SELECT " + counts.joined(separator: " + ")), as: Int64.self)
            guard let head, head.0 == 0, stored == 0 else {
                throw PostgresImportRefusal(rows: Int(stored ?? 0), auditHead: head?.0 ?? 0)
            }
            for rows in tables {
                if rows.table.name == "audit_head" {
                    guard let row = rows.rows.first else { continue }
                    let columns = Dictionary(uniqueKeysWithValues: zip(rows.table.columns, row))
                    var bindings = PostgresBindings()
                    Self.bind(columns["sequence"] ?? .null, into: &bindings)
                    Self.bind(columns["mac"] ?? .null, into: &bindings)
                    try await sql.run(
                        PostgresQuery(
                            unsafeSQL: "UPDATE audit_head SET sequence = $1, mac = $2 WHERE id = 1", binds: bindings))
                    continue
                }
                var start = 0
                while start < rows.rows.count {
                    let chunk = rows.rows[start..<min(start + Self.importChunk, rows.rows.count)]
                    try await sql.run(Self.insert(rows.table, chunk))
                    start += chunk.count
                }
            }
        }
    }

    /// `INSERT INTO table (columns) VALUES ($1, …), (…)` for `rows`.
    static func insert(_ table: GuardianStoreTransfer.Table, _ rows: ArraySlice<[GuardianStoreTransfer.Value]>)
        -> PostgresQuery
    {
        var bindings = PostgresBindings(capacity: rows.count * table.columns.count)
        var tuples: [String] = []
        tuples.reserveCapacity(rows.count)
        var parameter = 1
        for row in rows {
            var placeholders: [String] = []
            for index in table.columns.indices {
                bind(index < row.count ? row[index] : .null, into: &bindings)
                placeholders.append("$\(parameter)")
                parameter += 1
            }
            tuples.append("(" + placeholders.joined(separator: ", ") + ")")
        }
        let sql =
            "INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES "
            + tuples.joined(separator: ", ")
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    static func bind(_ value: GuardianStoreTransfer.Value, into bindings: inout PostgresBindings) {
        switch value {
        case .null: bindings.appendNull()
        case .integer(let integer): bindings.append(integer)
        case .text(let text): bindings.append(text)
        case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
        }
    }

    /// Every table of ``GuardianStoreTransfer/tables`` as stored here (in one snapshot): what the migration compares
    /// with its source afterwards.
    public func exportTables() async throws -> [GuardianStoreTransfer.Rows] {
        try await database.exclusiveTransaction { sql in
            try await sql.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            var result: [GuardianStoreTransfer.Rows] = []
            for table in GuardianStoreTransfer.tables {
                let order = table.name == "audit_log" ? " ORDER BY sequence" : ""
                let rows = try await sql.rows(
                    PostgresQuery(
                        unsafeSQL: "SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name)\(order)"))
                var values: [[GuardianStoreTransfer.Value]] = []
                for row in rows {
                    var decoded: [GuardianStoreTransfer.Value] = []
                    for cell in row {
                        decoded.append(try Self.value(cell))
                    }
                    values.append(decoded)
                }
                if table.name == "audit_head", values.first?[1] == .integer(0) { values = [] }  // empty chain
                result.append(GuardianStoreTransfer.Rows(table: table, rows: values))
            }
            return result
        }
    }

    static func value(_ cell: PostgresCell) throws -> GuardianStoreTransfer.Value {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int8, .int4, .int2: return .integer(try cell.decode(Int64.self))
        case .bytea: return .blob(Array(try cell.decode(ByteBuffer.self).readableBytesView))
        default: return .text(try cell.decode(String.self))
        }
    }
}

/// The target of an import already holds guardian state; nothing was written.
public struct PostgresImportRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// Rows found in the guardian's tables.
    public let rows: Int
    /// The audit head's sequence (0: no record).
    public let auditHead: Int64

    public var description: String {
        "the target database already holds guardian state (\(rows) row(s), audit head at record \(auditHead))"
    }
}
