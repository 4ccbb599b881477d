import Foundation
import Guardian

// MARK: - Migrations

/// Versioned schema migrations, applied in order at open inside one transaction. `PRAGMA user_version` holds the
/// version reached; `schema_migrations` records when each ran. Append new migrations; never edit a released one.
enum SQLiteSchema {
    struct Migration {
        let version: Int
        let name: String
        let sql: String
    }

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "initial schema",
            sql: """
                CREATE TABLE schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at_ms INTEGER NOT NULL
                );

                -- Key metadata: which master key wraps the data keys, and the wrapped audit MAC key.
                CREATE TABLE keyring (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    master_key_id TEXT NOT NULL,
                    wrapped_audit_key BLOB NOT NULL
                );

                CREATE TABLE challenges (
                    id TEXT PRIMARY KEY,
                    wallet BLOB NOT NULL,
                    message TEXT NOT NULL,
                    nonce TEXT NOT NULL,
                    issued_at_ms INTEGER NOT NULL,
                    expires_at_ms INTEGER NOT NULL,
                    consumed_at_ms INTEGER
                ) WITHOUT ROWID;
                CREATE INDEX challenges_by_expiry ON challenges (expires_at_ms);

                -- Sessions are stored by the SHA-256 of their token: a database reader cannot use them.
                CREATE TABLE sessions (
                    token_hash BLOB PRIMARY KEY,
                    wallet BLOB NOT NULL,
                    created_at_ms INTEGER NOT NULL,
                    expires_at_ms INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX sessions_by_expiry ON sessions (expires_at_ms);

                -- Secrets are ciphertexts only (envelope encryption, see KeyEnvelope).
                CREATE TABLE wallets (
                    wallet BLOB PRIMARY KEY CHECK (length(wallet) = 32),
                    state TEXT NOT NULL CHECK (state IN ('pending', 'active')),
                    guardian_public_key BLOB NOT NULL CHECK (length(guardian_public_key) = 32),
                    master_key_id TEXT NOT NULL,
                    wrapped_data_key BLOB NOT NULL,
                    sealed_totp_secret BLOB NOT NULL,
                    sealed_guardian_seed BLOB NOT NULL,
                    totp_algorithm TEXT NOT NULL,
                    totp_digits INTEGER NOT NULL,
                    totp_period INTEGER NOT NULL,
                    last_accepted_step INTEGER CHECK (last_accepted_step >= 0),
                    consecutive_failures INTEGER NOT NULL DEFAULT 0,
                    locked_until_ms INTEGER,
                    created_at_ms INTEGER NOT NULL,
                    activated_at_ms INTEGER
                ) WITHOUT ROWID;

                -- One row per completed capsule. Operation ids start with a millisecond timestamp, so inserts append.
                -- UNIQUE (wallet, step): a burned step can never be recorded twice, whatever the code above does.
                CREATE TABLE cosigns (
                    operation_id TEXT PRIMARY KEY,
                    wallet BLOB NOT NULL,
                    guardian_public_key BLOB NOT NULL,
                    step INTEGER NOT NULL,
                    message_hash BLOB NOT NULL,
                    recent_blockhash BLOB NOT NULL,
                    signature BLOB NOT NULL,
                    created_at_ms INTEGER NOT NULL,
                    timeline TEXT NOT NULL,
                    UNIQUE (wallet, step)
                ) WITHOUT ROWID;

                -- Append-only, hash-chained and keyed (AuditSealer). The triggers stop accidents; the MACs catch the rest.
                CREATE TABLE audit_log (
                    sequence INTEGER PRIMARY KEY,
                    at_ms INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    wallet BLOB,
                    operation_id TEXT,
                    detail TEXT NOT NULL,
                    previous_mac BLOB NOT NULL,
                    mac BLOB NOT NULL
                );
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TABLE audit_head (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    sequence INTEGER NOT NULL,
                    mac BLOB NOT NULL
                );
                """),
        Migration(
            version: 2, name: "governance and recovery codes",
            sql: """
                -- What a challenge's signature authorises: 'login', or 'governance:<action>'. Old rows are sign-ins.
                ALTER TABLE challenges ADD COLUMN purpose TEXT NOT NULL DEFAULT 'login';

                -- v2 wallets (seed 001 §8): the governance sequence and at most one pending guardian-key rotation.
                -- The pending key's seed is sealed under the wallet's data key like the current one.
                CREATE TABLE governance (
                    wallet BLOB PRIMARY KEY REFERENCES wallets (wallet),
                    sequence INTEGER NOT NULL CHECK (sequence >= 0),
                    migrated_at_ms INTEGER NOT NULL,
                    rotation_id TEXT,
                    rotation_kind TEXT CHECK (rotation_kind IN ('planned', 'emergency')),
                    rotation_new_key BLOB CHECK (length(rotation_new_key) = 32),
                    rotation_sealed_seed BLOB,
                    rotation_sequence INTEGER,
                    rotation_scheduled_at_ms INTEGER,
                    rotation_execute_after_ms INTEGER,
                    CHECK ((rotation_id IS NULL) = (rotation_new_key IS NULL)
                       AND (rotation_id IS NULL) = (rotation_sealed_seed IS NULL)
                       AND (rotation_id IS NULL) = (rotation_execute_after_ms IS NULL))
                ) WITHOUT ROWID;

                -- Break-glass recovery codes: scrypt hashes only (RFC 7914), one row per code, the set's salt and cost
                -- on every row. A new set replaces the old rows, which voids the old codes.
                CREATE TABLE recovery_codes (
                    wallet BLOB NOT NULL REFERENCES wallets (wallet),
                    code_index INTEGER NOT NULL CHECK (code_index >= 0),
                    set_id TEXT NOT NULL,
                    salt BLOB NOT NULL,
                    scrypt_log_n INTEGER NOT NULL,
                    scrypt_r INTEGER NOT NULL,
                    scrypt_p INTEGER NOT NULL,
                    hash BLOB NOT NULL CHECK (length(hash) = 32),
                    created_at_ms INTEGER NOT NULL,
                    used_at_ms INTEGER,
                    PRIMARY KEY (wallet, code_index)
                ) WITHOUT ROWID;
                """),
        Migration(
            version: 3, name: "transaction policies",
            sql: """
                -- A wallet's policy state: the active policy and a pending (looser) one, as TransactionPolicy JSON.
                -- active_policy NULL: no policy. pending_effective_at_ms NULL: nothing pending; with pending_policy NULL
                -- the pending change removes the policy. revision goes up by one per update (cosign commits check it).
                CREATE TABLE wallet_policies (
                    wallet BLOB PRIMARY KEY CHECK (length(wallet) = 32),
                    revision INTEGER NOT NULL CHECK (revision > 0),
                    active_policy TEXT,
                    pending_policy TEXT,
                    pending_effective_at_ms INTEGER,
                    updated_at_ms INTEGER NOT NULL,
                    CHECK (pending_effective_at_ms IS NOT NULL OR pending_policy IS NULL)
                ) WITHOUT ROWID;

                -- What committed cosigns moved out of each wallet, one row per asset ('SOL' or the mint in Base58), the
                -- amount as decimal text (a u64 exceeds SQLite's signed 64-bit INTEGER). Rolling sums read by (wallet, at).
                CREATE TABLE policy_spends (
                    operation_id TEXT NOT NULL,
                    wallet BLOB NOT NULL CHECK (length(wallet) = 32),
                    asset TEXT NOT NULL,
                    amount TEXT NOT NULL CHECK (amount <> '' AND amount NOT GLOB '*[^0-9]*'),
                    at_ms INTEGER NOT NULL,
                    PRIMARY KEY (operation_id, asset)
                ) WITHOUT ROWID;
                CREATE INDEX policy_spends_by_wallet ON policy_spends (wallet, at_ms);
                CREATE INDEX policy_spends_by_time ON policy_spends (at_ms);
                """),
    ]

    /// The version this code brings a database to.
    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies the missing migrations on the writer connection.
    /// - Throws: ``GuardianStoreError`` `.unsupportedSchema` when the database is newer than this code.
    static func migrate(_ connection: SQLiteHandle, now: Date) throws {
        try connection.execute("BEGIN IMMEDIATE")
        do {
            let current = Int(try connection.queryOne("PRAGMA user_version") { $0.int64(0) } ?? 0)
            guard current <= latestVersion else {
                throw GuardianStoreError(
                    .unsupportedSchema,
                    "the database has schema version \(current), newer than this build's \(latestVersion); upgrade the service"
                )
            }
            for migration in migrations where migration.version > current {
                try connection.execute(migration.sql)
                try connection.run(
                    "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)",
                    [
                        .integer(Int64(migration.version)), .text(migration.name),
                        .integer(Int64(now.timeIntervalSince1970 * 1000)),
                    ])
                try connection.execute("PRAGMA user_version = \(migration.version)")
            }
            try connection.execute("COMMIT")
        } catch {
            if !connection.isAutocommit { try? connection.execute("ROLLBACK") }
            throw error
        }
    }
}
