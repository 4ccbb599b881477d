import ChainKit
import Foundation
import Guardian
import GuardianTestSupport
import Testing

@testable import GuardianSQLite

/// The SQLite store itself: files, pragmas, migrations, group commit.
@Suite struct SQLiteStoreTests {
    @Test func createsPrivateFilesWithDurableSettings() async throws {
        let directory = try DataDirectory()
        let (harness, store) = try await GuardianHarness.sqlite(directory)
        _ = try await harness.enroll()
        let attributes = { (name: String) in
            try FileManager.default.attributesOfItem(atPath: directory.url.appendingPathComponent(name).path)[
                .posixPermissions] as? Int
        }
        #expect(try attributes("") == 0o700)
        #expect(try attributes("guardian.sqlite") == 0o600)
        #expect(try attributes("guardian.sqlite-wal") == 0o600)
        #expect(try attributes("master.key") == 0o600)
        let (journal, synchronous) = try await store.writerSettings()
        #expect(journal == "wal")
        #expect(synchronous == 2)  // FULL (sqlite.org/pragma.html#pragma_synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA)
        store.close()
    }

    @Test func migrationsRunOnceAndRefuseANewerSchema() async throws {
        let directory = try DataDirectory()
        var store = try await SQLiteGuardianStore.open(directory: directory.url)
        store.close()
        store = try await SQLiteGuardianStore.open(directory: directory.url)
        store.close()
        let (version, rows) = try withRawDatabase(store.databasePath) { db in
            (
                try db.queryOne("PRAGMA user_version") { $0.int64(0) },
                try db.query("SELECT version, name FROM schema_migrations") { ($0.int64(0), $0.text(1)) }
            )
        }
        #expect(version == Int64(SQLiteSchema.latestVersion))
        #expect(rows.map(\.0) == SQLiteSchema.migrations.map { Int64($0.version) })
        try withRawDatabase(store.databasePath) { try $0.execute("PRAGMA user_version = 99") }
        await #expect(throws: GuardianStoreError.self) { try await SQLiteGuardianStore.open(directory: directory.url) }
    }

    @Test func concurrentWritesShareTransactions() async throws {
        let directory = try DataDirectory()
        let store = try await SQLiteGuardianStore.open(directory: directory.url)
        defer { store.close() }
        let wallet = SolanaKeypair().publicKey
        let before = store.commitStatistics
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<400 {
                group.addTask {
                    try await store.insertChallenge(
                        StoredChallenge(
                            id: "c\(index)", wallet: wallet, message: "m", nonce: "n", issuedAt: Date(),
                            expiresAt: Date()))
                }
            }
            try await group.waitForAll()
        }
        let after = store.commitStatistics
        #expect(after.mutations - before.mutations == 400)
        // Group commit: fewer transactions (and fsyncs) than mutations.
        #expect(after.transactions - before.transactions < 400)
        #expect(try await store.challenge(id: "c399") != nil)
    }

    @Test func aFailingMutationRollsBackAloneInItsBatch() async throws {
        let directory = try DataDirectory()
        let store = try await SQLiteGuardianStore.open(directory: directory.url)
        defer { store.close() }
        struct Boom: Error {}
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<200 {
                group.addTask {
                    do {
                        try await store.writer.write { context in
                            try context.connection.run(
                                "INSERT INTO challenges (id, wallet, message, nonce, issued_at_ms, expires_at_ms) VALUES (?, ?, 'm', 'n', 0, 0)",
                                [.text("id\(index)"), .blob([UInt8](repeating: 1, count: 32))])
                            if index % 3 == 0 { throw Boom() }  // after its insert: the savepoint must undo it
                        }
                        return true
                    } catch { return false }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 133)
        let ids = try withRawDatabase(store.databasePath) { db in
            try db.query("SELECT id FROM challenges") { $0.text(0) }
        }
        #expect(Set(ids) == Set((0..<200).filter { $0 % 3 != 0 }.map { "id\($0)" }))
    }

    @Test func theAuditLogRefusesUpdatesAndDeletesThroughSQL() async throws {
        let directory = try DataDirectory()
        let (harness, store) = try await GuardianHarness.sqlite(directory)
        _ = try await harness.enroll()
        store.close()
        try withRawDatabase(store.databasePath) { db in
            #expect(throws: GuardianStoreError.self) {
                try db.run("UPDATE audit_log SET detail = 'x' WHERE sequence = 1")
            }
            #expect(throws: GuardianStoreError.self) { try db.run("DELETE FROM audit_log WHERE sequence = 1") }
        }
    }

    @Test func aBurnedStepCannotBeRecordedTwiceEvenBypassingTheCheck() async throws {
        let directory = try DataDirectory()
        let (harness, store) = try await GuardianHarness.sqlite(directory)
        let wallet = try await harness.enroll()
        let result = try await harness.service.cosign(
            session: wallet.session, wallet: wallet.address,
            transactionBase64: TransactionFactory.standard(for: wallet), code: harness.nextCode(wallet))
        store.close()
        // The UNIQUE (wallet, step) constraint holds even for a writer that skips the compare-and-set.
        _ = try withRawDatabase(store.databasePath) { db in
            #expect(throws: GuardianStoreError.self) {
                try db.run(
                    "INSERT INTO cosigns SELECT 'another-op', wallet, guardian_public_key, step, message_hash, recent_blockhash, signature, created_at_ms, timeline FROM cosigns WHERE operation_id = ?",
                    [.text(result.operationID)])
            }
        }
    }

    // MARK: Crash and migration (what only SQLite has; the shared scenarios are GuardianTests' Store*Tests)

    /// The files as a crash leaves them (copied while the store is still open, WAL not checkpointed): every call that
    /// returned is in them.
    @Test func everyReturnedResultIsInTheFilesAtOnce() async throws {
        let directory = try DataDirectory()
        let options = { () -> SQLiteGuardianStore.Options in
            var o = SQLiteGuardianStore.Options()
            o.checkpointInterval = 3_600
            return o
        }()
        let (harness, store) = try await GuardianHarness.sqlite(directory, options: options)
        defer { store.close() }
        let wallet = try await harness.enroll()
        let code = try harness.nextCode(wallet)
        let tx = try TransactionFactory.standard(for: wallet)
        _ = try await harness.service.cosign(
            session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: code)

        let crashed = try directory.crashCopy()
        let (recovered, recoveredStore) = try await GuardianHarness.sqlite(crashed, clock: harness.clock)
        defer { recoveredStore.close() }
        let session = try await recovered.login(wallet.owner)
        #expect(
            await errorCode {
                try await recovered.service.cosign(
                    session: session, wallet: wallet.address, transactionBase64: tx, code: code)
            } == .codeAlreadyUsed)
        #expect(try await recovered.service.verifyAuditLog().isIntact)
    }

    @Test func aVersionOneDatabaseMigratesAndKeepsItsSignIns() async throws {
        let directory = try DataDirectory()
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        let path = directory.url.appendingPathComponent(SQLiteGuardianStore.databaseFileName).path
        // A database as the first release wrote it: schema version 1 with an unconsumed challenge.
        try withRawDatabase(path) { db in
            try db.execute(SQLiteSchema.migrations[0].sql)
            try db.execute("PRAGMA user_version = 1")
            try db.run(
                "INSERT INTO challenges (id, wallet, message, nonce, issued_at_ms, expires_at_ms) VALUES ('old', ?, 'm', 'n', 0, 1)",
                [.blob(SolanaKeypair().publicKey.bytes)])
        }
        let store = try await SQLiteGuardianStore.open(directory: directory.url)
        defer { store.close() }
        #expect(try await store.challenge(id: "old")?.purpose == StoredChallenge.loginPurpose)
        let version = try withRawDatabase(path) { db in try db.queryOne("PRAGMA user_version") { $0.int64(0) } }
        #expect(version == Int64(SQLiteSchema.latestVersion) && SQLiteSchema.latestVersion >= 2)
    }
}

extension SQLiteGuardianStore {
    /// The writer's journal mode and synchronous level, read on the writer connection.
    func writerSettings() async throws -> (String, Int64) {
        try await writer.write { context in
            (
                try context.connection.queryOne("PRAGMA journal_mode") { $0.text(0) } ?? "",
                try context.connection.queryOne("PRAGMA synchronous") { $0.int64(0) } ?? -1
            )
        }
    }
}
