import Foundation

// MARK: - Moving a guardian between stores

/// The rows of a guardian's database, table by table, as the stores keep them: what `chronoguard store migrate` reads
/// from one store and writes into another. The SQLite and PostgreSQL stores share their tables, columns and encodings
/// (schema 3), so a database moves row by row; secrets stay the sealed bytes they are (the master key is not needed
/// and never touched).
public enum GuardianStoreTransfer {
    /// One stored value.
    public enum Value: Sendable, Hashable {
        case null
        case integer(Int64)
        case text(String)
        case blob([UInt8])
    }

    /// A table's rows, values in ``Table/columns`` order.
    public struct Rows: Sendable, Hashable {
        public let table: Table
        public var rows: [[Value]]

        public init(table: Table, rows: [[Value]]) {
            self.table = table
            self.rows = rows
        }
    }

    /// A table and its columns.
    public struct Table: Sendable, Hashable {
        public let name: String
        public let columns: [String]
    }

    /// Every table holding guardian state, parents before children (foreign keys), `audit_head` last. Expired
    /// challenges and sessions move too: they are purged as usual.
    public static let tables: [Table] = [
        Table(name: "keyring", columns: ["id", "master_key_id", "wrapped_audit_key"]),
        Table(
            name: "challenges",
            columns: ["id", "wallet", "message", "nonce", "issued_at_ms", "expires_at_ms", "consumed_at_ms", "purpose"]
        ),
        Table(name: "sessions", columns: ["token_hash", "wallet", "created_at_ms", "expires_at_ms"]),
        Table(
            name: "wallets",
            columns: [
                "wallet", "state", "guardian_public_key", "master_key_id", "wrapped_data_key", "sealed_totp_secret",
                "sealed_guardian_seed", "totp_algorithm", "totp_digits", "totp_period", "last_accepted_step",
                "consecutive_failures", "locked_until_ms", "created_at_ms", "activated_at_ms",
            ]),
        Table(
            name: "cosigns",
            columns: [
                "operation_id", "wallet", "guardian_public_key", "step", "message_hash", "recent_blockhash",
                "signature", "created_at_ms", "timeline",
            ]),
        Table(
            name: "audit_log",
            columns: ["sequence", "at_ms", "kind", "wallet", "operation_id", "detail", "previous_mac", "mac"]),
        Table(
            name: "governance",
            columns: [
                "wallet", "sequence", "migrated_at_ms", "rotation_id", "rotation_kind", "rotation_new_key",
                "rotation_sealed_seed", "rotation_sequence", "rotation_scheduled_at_ms", "rotation_execute_after_ms",
            ]),
        Table(
            name: "recovery_codes",
            columns: [
                "wallet", "code_index", "set_id", "salt", "scrypt_log_n", "scrypt_r", "scrypt_p", "hash",
                "created_at_ms", "used_at_ms",
            ]),
        Table(
            name: "wallet_policies",
            columns: [
                "wallet", "revision", "active_policy", "pending_policy", "pending_effective_at_ms", "updated_at_ms",
            ]),
        Table(name: "policy_spends", columns: ["operation_id", "wallet", "asset", "amount", "at_ms"]),
        Table(name: "audit_head", columns: ["id", "sequence", "mac"]),
    ]

    /// How many rows each table holds, by name.
    public static func counts(_ rows: [Rows]) -> [String: Int] {
        Dictionary(rows.map { ($0.table.name, $0.rows.count) }, uniquingKeysWith: +)
    }
}
