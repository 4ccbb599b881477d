import Foundation
import Guardian
import PostgresNIO

// MARK: - Migrations

/// Versioned schema migrations, applied in order at open inside one transaction that first takes a transaction-level
/// advisory lock (per schema), so that nodes starting together apply each migration once (the others wait, then find
/// nothing left to do). `schema_migrations` records the versions applied. Append new migrations; never edit a released one.
///
/// The tables, columns and encodings are SQLite's (GuardianSQLite's `SQLiteSchema`, version 3), with PostgreSQL's
/// types: `bytea` for blobs, `bigint` for integers and millisecond times, `text` for text — so a database moves between
/// the two stores row by row, and secrets are stored as the same sealed bytes.
enum PostgresSchema {
    struct Migration: Sendable {
        let version: Int
        let name: String
        /// One statement each.
        let statements: [String]

        /// The statements as one `DO` block (the extended query protocol takes one statement per message; a block
        /// is one, so a migration costs one round trip however many statements it has).
        var block: String {
            "DO $migration$\nBEGIN\n" + statements.map { $0 + ";\n" }.joined() + "END\n$migration$"
        }
    }

    /// The advisory lock that serialises migrations of one schema: this class (the ASCII bytes "Cgmi" as a big-endian
    /// integer) and `hashtext` of the schema's name (advisory locks are per database already).
    static let advisoryLockClass: Int32 = 0x4367_6d69

    /// Refuses a schema name that is not a plain lowercase SQL identifier (it goes into `search_path` and DDL).
    static func validate(schema: String) throws {
        func isLetter(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || byte == UInt8(ascii: "_")
        }
        let bytes = Array(schema.utf8)
        guard let first = bytes.first, isLetter(first), bytes.count < 64, !schema.hasPrefix("pg_"),
            bytes.allSatisfy({ isLetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else {
            throw GuardianStoreError(
                .conflict,
                "the schema name '\(schema)' is not a lowercase SQL identifier (a–z, 0–9, _; at most 63 bytes; not pg_…)"
            )
        }
    }

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "initial schema (SQLite schema 3: keys, logins, wallets, audit, governance, policies)",
            statements: [
                // Key metadata: which master key wraps the data keys, and the wrapped audit MAC key.
                """
                CREATE TABLE keyring (
                    id bigint PRIMARY KEY CHECK (id = 1),
                    master_key_id text NOT NULL,
                    wrapped_audit_key bytea NOT NULL
                )
                """,
                // What a challenge's signature authorises: 'login', or 'governance:<action>'.
                """
                CREATE TABLE challenges (
                    id text PRIMARY KEY,
                    wallet bytea NOT NULL,
                    message text NOT NULL,
                    nonce text NOT NULL,
                    issued_at_ms bigint NOT NULL,
                    expires_at_ms bigint NOT NULL,
                    consumed_at_ms bigint,
                    purpose text NOT NULL DEFAULT 'login'
                )
                """,
                "CREATE INDEX challenges_by_expiry ON challenges (expires_at_ms)",
                // Sessions are stored by the SHA-256 of their token: a database reader cannot use them.
                """
                CREATE TABLE sessions (
                    token_hash bytea PRIMARY KEY,
                    wallet bytea NOT NULL,
                    created_at_ms bigint NOT NULL,
                    expires_at_ms bigint NOT NULL
                )
                """,
                "CREATE INDEX sessions_by_expiry ON sessions (expires_at_ms)",
                // Secrets are ciphertexts only (envelope encryption, see KeyEnvelope).
                """
                CREATE TABLE wallets (
                    wallet bytea PRIMARY KEY CHECK (octet_length(wallet) = 32),
                    state text NOT NULL CHECK (state IN ('pending', 'active')),
                    guardian_public_key bytea NOT NULL CHECK (octet_length(guardian_public_key) = 32),
                    master_key_id text NOT NULL,
                    wrapped_data_key bytea NOT NULL,
                    sealed_totp_secret bytea NOT NULL,
                    sealed_guardian_seed bytea NOT NULL,
                    totp_algorithm text NOT NULL,
                    totp_digits bigint NOT NULL,
                    totp_period bigint NOT NULL,
                    last_accepted_step bigint CHECK (last_accepted_step >= 0),
                    consecutive_failures bigint NOT NULL DEFAULT 0,
                    locked_until_ms bigint,
                    created_at_ms bigint NOT NULL,
                    activated_at_ms bigint
                )
                """,
                // One row per completed capsule. UNIQUE (wallet, step): a burned step can never be recorded twice,
                // whatever the code above does.
                """
                CREATE TABLE cosigns (
                    operation_id text PRIMARY KEY,
                    wallet bytea NOT NULL,
                    guardian_public_key bytea NOT NULL,
                    step bigint NOT NULL,
                    message_hash bytea NOT NULL,
                    recent_blockhash bytea NOT NULL,
                    signature bytea NOT NULL,
                    created_at_ms bigint NOT NULL,
                    timeline text NOT NULL,
                    UNIQUE (wallet, step)
                )
                """,
                // Append-only, hash-chained and keyed (AuditSealer). The triggers stop accidents; the MACs catch the rest.
                """
                CREATE TABLE audit_log (
                    sequence bigint PRIMARY KEY,
                    at_ms bigint NOT NULL,
                    kind text NOT NULL,
                    wallet bytea,
                    operation_id text,
                    detail text NOT NULL,
                    previous_mac bytea NOT NULL,
                    mac bytea NOT NULL
                )
                """,
                """
                CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
                END
                $$
                """,
                """
                CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
                    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
                """,
                """
                CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
                """,
                // The chain's head: always one row (sequence 0 and no MAC while the chain is empty), locked FOR UPDATE
                // by every append — the one place all writers of every node queue, so the chain cannot fork.
                """
                CREATE TABLE audit_head (
                    id bigint PRIMARY KEY CHECK (id = 1),
                    sequence bigint NOT NULL CHECK (sequence >= 0),
                    mac bytea,
                    CHECK ((sequence = 0) = (mac IS NULL))
                )
                """,
                "INSERT INTO audit_head (id, sequence, mac) VALUES (1, 0, NULL)",
                // v2 wallets: the governance sequence and at most one pending guardian-key rotation.
                """
                CREATE TABLE governance (
                    wallet bytea PRIMARY KEY REFERENCES wallets (wallet),
                    sequence bigint NOT NULL CHECK (sequence >= 0),
                    migrated_at_ms bigint NOT NULL,
                    rotation_id text,
                    rotation_kind text CHECK (rotation_kind IN ('planned', 'emergency')),
                    rotation_new_key bytea CHECK (octet_length(rotation_new_key) = 32),
                    rotation_sealed_seed bytea,
                    rotation_sequence bigint,
                    rotation_scheduled_at_ms bigint,
                    rotation_execute_after_ms bigint,
                    CHECK ((rotation_id IS NULL) = (rotation_new_key IS NULL)
                       AND (rotation_id IS NULL) = (rotation_sealed_seed IS NULL)
                       AND (rotation_id IS NULL) = (rotation_execute_after_ms IS NULL))
                )
                """,
                // Break-glass recovery codes: scrypt hashes only, one row per code. A new set replaces the old rows.
                """
                CREATE TABLE recovery_codes (
                    wallet bytea NOT NULL REFERENCES wallets (wallet),
                    code_index bigint NOT NULL CHECK (code_index >= 0),
                    set_id text NOT NULL,
                    salt bytea NOT NULL,
                    scrypt_log_n bigint NOT NULL,
                    scrypt_r bigint NOT NULL,
                    scrypt_p bigint NOT NULL,
                    hash bytea NOT NULL CHECK (octet_length(hash) = 32),
                    created_at_ms bigint NOT NULL,
                    used_at_ms bigint,
                    PRIMARY KEY (wallet, code_index)
                )
                """,
                // A wallet's policy state as TransactionPolicy JSON text; revision goes up by one per update.
                """
                CREATE TABLE wallet_policies (
                    wallet bytea PRIMARY KEY CHECK (octet_length(wallet) = 32),
                    revision bigint NOT NULL CHECK (revision > 0),
                    active_policy text,
                    pending_policy text,
                    pending_effective_at_ms bigint,
                    updated_at_ms bigint NOT NULL,
                    CHECK (pending_effective_at_ms IS NOT NULL OR pending_policy IS NULL)
                )
                """,
                // What committed cosigns moved out of each wallet, one row per asset, the amount as decimal text (a u64
                // exceeds bigint).
                """
                CREATE TABLE policy_spends (
                    operation_id text NOT NULL,
                    wallet bytea NOT NULL CHECK (octet_length(wallet) = 32),
                    asset text NOT NULL,
                    amount text NOT NULL CHECK (amount ~ '^[0-9]+$'),
                    at_ms bigint NOT NULL,
                    PRIMARY KEY (operation_id, asset)
                )
                """,
                "CREATE INDEX policy_spends_by_wallet ON policy_spends (wallet, at_ms)",
                "CREATE INDEX policy_spends_by_time ON policy_spends (at_ms)",
            ]),
        Migration(
            version: 2, name: "rate buckets shared by every node",
            statements: [
                // Token buckets (per wallet), one row each: tokens left at updated_at_ms. UNLOGGED: no WAL, not
                // replicated; after a crash or a failover the buckets start full again, which only forgives.
                """
                CREATE UNLOGGED TABLE rate_buckets (
                    key text PRIMARY KEY,
                    tokens double precision NOT NULL,
                    updated_at_ms bigint NOT NULL,
                    admitted boolean NOT NULL
                )
                """,
                "CREATE INDEX rate_buckets_by_time ON rate_buckets (updated_at_ms)",
            ]),
    ]

    /// The version this code brings a database to.
    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies the missing migrations in one transaction under the advisory lock.
    /// - Throws: ``GuardianStoreError`` `.unsupportedSchema` when the database is newer than this code.
    static func migrate(_ database: PostgresDatabase, schema: String?, now: Date) async throws {
        try await database.exclusiveTransaction { sql in
            try await sql.run("SELECT pg_advisory_xact_lock(\(advisoryLockClass), hashtext(\(schema ?? "")))")
            if let schema {
                // Validated: a plain identifier. Under the lock, so nodes starting together do not race to create it.
                try await sql.run(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"))
            }
            try await sql.run(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version bigint PRIMARY KEY,
                    name text NOT NULL,
                    applied_at_ms bigint NOT NULL
                )
                """)
            let current =
                try await sql.value(
                    "SELECT coalesce(max(version), 0) FROM schema_migrations", as: Int64.self) ?? 0
            guard current <= Int64(latestVersion) else {
                throw GuardianStoreError(
                    .unsupportedSchema,
                    "the database has schema version \(current), newer than this build's \(latestVersion); upgrade the service"
                )
            }
            for migration in migrations where Int64(migration.version) > current {
                // One round trip per migration: its statements as one anonymous PL/pgSQL block.
                try await sql.run(PostgresQuery(unsafeSQL: migration.block))
                try await sql.run(
                    "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (\(Int64(migration.version)), \(migration.name), \(PostgresStoreSQL.milliseconds(now)))"
                )
            }
        }
    }
}
