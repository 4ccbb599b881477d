import Foundation
import Guardian

// MARK: - Read-only audit access

/// A guardian database on PostgreSQL opened for reading the audit chain only (`chronoguard audit verify`): its sessions
/// start with `default_transaction_read_only = on`, it applies no migration and never creates a keyring, so verifying
/// a database never changes it. Safe while guardian nodes write to the same database.
public final class PostgresAuditReader: AuditLogReader, Sendable {
    let database: PostgresDatabase

    private init(database: PostgresDatabase) { self.database = database }

    /// Connects to a server of `configuration` (any one that answers: a standby serves reads too).
    /// - Throws: ``GuardianStoreError`` `.unavailable` when no server answers.
    public static func open(
        configuration: PostgresConnectionConfiguration,
        options: PostgresGuardianStore.Options = PostgresGuardianStore.Options()
    ) async throws -> PostgresAuditReader {
        var configuration = configuration
        configuration.targetSessionAttributes = .any
        var options = options
        options.minimumConnections = 0
        options.maximumConnections = min(options.maximumConnections, 2)
        let parameters =
            PostgresGuardianStore.startupParameters(configuration, options) + [("default_transaction_read_only", "on")]
        return PostgresAuditReader(
            database: try await PostgresDatabase.connect(configuration, options: options, startupParameters: parameters)
        )
    }

    /// Closes the connections.
    public func close() async { await database.close() }

    deinit {
        let database = database
        Task { await database.close() }
    }

    public func loadKeyring() async throws -> StoredKeyring? {
        try await database.session { sql in try await PostgresStoreSQL.loadKeyring(sql) }
    }

    public func auditRecords(after sequence: Int64, limit: Int) async throws -> [AuditRecord] {
        try await database.session { sql in try await PostgresStoreSQL.auditRecords(sql, after: sequence, limit: limit)
        }
    }

    public func auditHead() async throws -> AuditAnchor? {
        try await database.session { sql in try await PostgresStoreSQL.auditHead(sql) }
    }
}
