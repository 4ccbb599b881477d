import ChainKit
import Foundation
import Guardian
import GuardianTestSupport
import NIOCore
import PostgresNIO
import Testing

@testable import GuardianPostgres

/// The PostgreSQL store itself, on a real server: migrations, session settings, the schema's own guards, rollback,
/// TLS, and what a client sees when the server is unreachable, read-only or slow.
@Suite struct PostgresStoreTests {
    // MARK: Schema

    @Test func migrationsRunOnceEvenFromNodesStartingTogetherAndRefuseANewerSchema() async throws {
        try await withDatabase { database, _ in
            // Four nodes start at once: the advisory lock lets one migrate; the others find nothing left to do.
            let stores = try await withThrowingTaskGroup(of: PostgresGuardianStore.self) { group in
                for _ in 0..<4 { group.addTask { try await database.openStore() } }
                return try await group.reduce(into: [PostgresGuardianStore]()) { $0.append($1) }
            }
            await closeAll(stores)
            let versions = try await database.query("SELECT version FROM schema_migrations ORDER BY version").map {
                try $0.decode(Int64.self)
            }
            #expect(versions == PostgresSchema.migrations.map { Int64($0.version) })
            #expect(try await database.count("audit_head") == 1)
            try await database.query(
                "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (99, 'from the future', 0)")
            let error = await storeError { try await database.openStore() }
            #expect(error?.kind == .unsupportedSchema, "\(String(describing: error))")
            #expect(error?.detail.contains("schema version 99") == true)
        }
    }

    @Test func aSchemaNameThatIsNotAPlainIdentifierIsRefusedBeforeConnecting() async throws {
        var options = PostgresGuardianStore.Options()
        for name in [
            "Guardian", "guardian; DROP TABLE x", "", "9lives", "pg_guardian", String(repeating: "a", count: 64),
        ] {
            options.schema = name
            let error = await storeError {
                // Port 1: had the name passed, the refused connection would say so instead.
                try await PostgresGuardianStore.open(url: "postgres://u@127.0.0.1:1/d", options: options)
            }
            #expect(
                error?.detail.contains("not a lowercase SQL identifier") == true,
                "\(name): \(String(describing: error))")
        }
    }

    @Test func sessionsAreDurableAndBoundedByTimeouts() async throws {
        try await withDatabase { database, _ in
            // The production defaults (with room for a loaded test machine in the client's own deadline).
            var defaults = PostgresGuardianStore.Options()
            defaults.operationTimeout = database.storeOptions.operationTimeout
            let store = try await database.openStore(options: defaults)
            let settings = try await store.database.session { sql in
                try await sql.rows(
                    """
                    SELECT current_setting('fsync'), current_setting('synchronous_commit'),
                        current_setting('lock_timeout'), current_setting('idle_in_transaction_session_timeout'),
                        current_setting('statement_timeout'), current_setting('application_name'),
                        current_setting('transaction_isolation')
                    """
                ).first!.decode((String, String, String, String, String, String, String).self)
            }
            await store.close()
            #expect(settings.0 == "on" && settings.1 == "on")
            #expect(settings.2 == "5s" && settings.3 == "5s" && settings.4 == "15s")
            #expect(settings.5 == database.configuration.applicationName)  // the connection string's
            #expect(settings.6 == "read committed")
        }
    }

    @Test func theAuditLogRefusesUpdatesDeletesAndTruncationThroughSQL() async throws {
        try await withDatabase { database, keys in
            let (harness, store) = try await GuardianHarness.postgres(database, keys: keys)
            _ = try await harness.enroll()
            await store.close()
            for statement in [
                "UPDATE audit_log SET detail = 'x' WHERE sequence = 1", "DELETE FROM audit_log WHERE sequence = 1",
                "TRUNCATE audit_log",
            ] {
                await #expect(throws: PSQLError.self, "\(statement)") {
                    try await database.query(PostgresQuery(unsafeSQL: statement))
                }
            }
            #expect(try await database.count("audit_log") > 1)
        }
    }

    @Test func aBurnedStepCannotBeRecordedTwiceEvenBypassingTheCheck() async throws {
        try await withDatabase { database, keys in
            let (harness, store) = try await GuardianHarness.postgres(database, keys: keys)
            let wallet = try await harness.enroll()
            let result = try await harness.service.cosign(
                session: wallet.session, wallet: wallet.address,
                transactionBase64: TransactionFactory.standard(for: wallet), code: harness.nextCode(wallet))
            await store.close()
            // UNIQUE (wallet, step) holds even for a writer that skips the compare-and-set.
            await #expect(throws: PSQLError.self) {
                try await database.query(
                    """
                    INSERT INTO cosigns SELECT 'another-op', wallet, guardian_public_key, step, message_hash, recent_blockhash,
                        signature, created_at_ms, timeline FROM cosigns WHERE operation_id = \(result.operationID)
                    """)
            }
        }
    }

    // MARK: Group commit

    @Test func concurrentMutationsShareTransactionsAndAFailingOneRollsBackAlone() async throws {
        try await withDatabase { database, _ in
            let store = try await database.openStore()
            let before = store.statistics
            struct Boom: Error {}
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<300 {
                    group.addTask {
                        do {
                            try await store.database.write { sql in
                                try await sql.run(
                                    "INSERT INTO challenges (id, wallet, message, nonce, issued_at_ms, expires_at_ms) VALUES (\("id\(index)"), \(ByteBuffer(repeating: 1, count: 32)), 'm', 'n', 0, 0)"
                                )
                                if index % 3 == 0 { throw Boom() }  // after its insert: the savepoint must undo it
                            }
                            return true
                        } catch { return false }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            let after = store.statistics
            await store.close()
            #expect(outcomes.filter { $0 }.count == 200)
            let ids = try await database.query("SELECT id FROM challenges").map { try $0.decode(String.self) }
            #expect(Set(ids) == Set((0..<300).filter { $0 % 3 != 0 }.map { "id\($0)" }))
            // Group commit: fewer transactions (and WAL flushes) than mutations.
            #expect(after.mutations - before.mutations == 200)
            #expect(after.transactions - before.transactions < 200, "\(after)")
        }
    }

    /// A batch whose connection is killed before its commit (the server restarting, a network fault): nothing of it
    /// committed, so every mutation in it runs again in the next batch — each caller gets one answer, the code is
    /// burned once and the chain verifies.
    @Test func aBatchLostBeforeItsCommitRunsAgain() async throws {
        try await withDatabase { database, keys in
            let (harness, store) = try await GuardianHarness.postgres(database, keys: keys)
            let wallet = try await harness.enroll()
            let others = (0..<6).map { _ in SolanaKeypair() }
            let walletBytes = ByteBuffer(bytes: wallet.owner.publicKey.bytes)
            let tx = try TransactionFactory.standard(for: wallet)
            let code = try harness.nextCode(wallet)
            let service = harness.service
            let before = store.statistics
            let results = try await database.withConnection { connection, logger in
                _ = try await connection.query("BEGIN", logger: logger).collect()
                _ = try await connection.query(
                    "SELECT 1 FROM wallets WHERE wallet = \(walletBytes) FOR UPDATE", logger: logger
                ).collect()
                let cosign = Task {
                    try await service.cosign(
                        session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: code)
                }
                // Wait until the batch waits for the wallet row, queue sign-ins behind it, then kill the batch.
                let waiting = try await database.waitUntilASessionWaitsOnALock(connection, logger)
                #expect(waiting)
                let logins = others.map { owner in
                    Task {
                        let challenge = try await service.challenge(wallet: owner.publicKey.base58)
                        return try await service.verifyChallenge(
                            id: challenge.id, signature: owner.sign(Array(challenge.message.utf8)))
                    }
                }
                try await Task.sleep(for: .milliseconds(100))
                // The waiting batch's backend, found first and then ended (one statement could end others too).
                let pids = try await connection.query(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = \(database.name) AND wait_event_type = 'Lock'",
                    logger: logger
                ).collect().map { try $0.decode(Int32.self) }
                #expect(pids.count == 1)
                for pid in pids {
                    _ = try await connection.query("SELECT pg_terminate_backend(\(pid))", logger: logger).collect()
                }
                _ = try await connection.query("ROLLBACK", logger: logger).collect()
                var failures: [String] = []
                for login in logins {
                    do { _ = try await login.value } catch {
                        failures.append((error as? GuardianError)?.internalDetail ?? String(describing: error))
                    }
                }
                return (try await cosign.value, failures)
            }
            #expect(results.1.isEmpty, "\(results.1)")
            #expect(store.statistics.retries > before.retries)
            #expect(try await harness.service.cosignRecord(operationID: results.0.operationID) != nil)
            #expect(try await database.count("cosigns") == 1)
            #expect(
                await errorCode {
                    try await service.cosign(
                        session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: code)
                } == .codeAlreadyUsed)
            #expect(try await harness.service.verifyAuditLog().isIntact)
            await store.close()
        }
    }

    // MARK: TLS

    @Test func everySSLModeAgainstAServerWithTLS() async throws {
        try await withDatabase { database, _ in
            let dataDirectory = try #require(try await database.scalar("SHOW data_directory", as: String.self))
            #expect(
                try await database.scalar("SHOW ssl", as: String.self) == "on",
                "the test cluster must run with ssl=on (scripts/postgres-test-cluster.sh turns it on)")
            let certificate = dataDirectory + "/server.crt"
            func encrypted(_ mode: String, host: String = "127.0.0.1", rootCertificate: String? = nil) async throws
                -> Bool
            {
                var configuration = database.configuration
                configuration.sslMode = try #require(PostgresConnectionConfiguration.SSLMode(rawValue: mode))
                configuration.sslRootCertificate = rootCertificate
                configuration.hosts = configuration.hosts.map { .init(name: host, port: $0.port) }
                let store = try await PostgresGuardianStore.open(
                    configuration: configuration, options: database.storeOptions)
                let ssl = try await store.database.session { sql in
                    try await sql.value("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", as: Bool.self)
                }
                await store.close()
                return ssl == true
            }
            #expect(try await encrypted("disable") == false)
            #expect(try await encrypted("prefer"))
            #expect(try await encrypted("require"))
            #expect(try await encrypted("verify-ca", rootCertificate: certificate))
            #expect(try await encrypted("verify-full", rootCertificate: certificate))
            #expect(try await encrypted("verify-full", host: "localhost", rootCertificate: certificate))
            // A self-signed certificate is not trusted without being named: refused, and the message says where.
            var untrusted = database.configuration
            untrusted.sslMode = .verifyFull
            let error = await storeError {
                try await PostgresGuardianStore.open(
                    configuration: untrusted, options: database.storeOptions)
            }
            #expect(
                error?.kind == .unavailable && error?.detail.contains("127.0.0.1") == true,
                "\(String(describing: error))")
            // A root file that is not there is named.
            untrusted.sslRootCertificate = "/nonexistent/ca.pem"
            let missing = await storeError {
                try await PostgresGuardianStore.open(
                    configuration: untrusted, options: database.storeOptions)
            }
            #expect(missing?.detail.contains("/nonexistent/ca.pem is not a readable file") == true)
        }
    }

    // MARK: Servers that cannot be used

    @Test func anUnreachableServerIsUnavailableQuicklyAndTheNextHostIsTried() async throws {
        try await withDatabase { database, _ in
            // Port 1 on loopback: refused at once.
            var dead = database.configuration
            dead.hosts = [.init(name: "127.0.0.1", port: 1)]
            // A connect timeout far above the bound below, so that "refused at once" is told apart from "waited for
            // the timeout" even on a loaded 2-core machine (7 s was seen with the default 5 s timeout and a 5 s bound).
            var options = database.storeOptions
            options.connectTimeout = .seconds(60)
            let started = ContinuousClock.now
            let error = await storeError {
                try await PostgresGuardianStore.open(configuration: dead, options: options)
            }
            #expect(
                error?.kind == .unavailable && error?.detail.contains("127.0.0.1:1") == true,
                "\(String(describing: error))")
            // Refused at once (70 ms on a quiet machine), not after the 60 s connect timeout.
            #expect(started.duration(to: .now) < .seconds(30))
            // A list whose first host is down: the second is used.
            var listed = database.configuration
            listed.hosts = [.init(name: "127.0.0.1", port: 1)] + database.configuration.hosts
            let store = try await PostgresGuardianStore.open(
                configuration: listed, options: database.storeOptions)
            #expect(await store.connectedHost == database.configuration.hosts[0])
            #expect(try await store.loadKeyring() == nil)
            await store.close()
            #expect(await storeError { try await store.loadKeyring() }?.kind == .closed)
        }
    }

    @Test func wrongCredentialsAndUnknownDatabasesAreNamed() async throws {
        try await withDatabase { database, _ in
            var wrong = database.configuration
            wrong.password = "not-the-password"
            let denied = await storeError {
                try await PostgresGuardianStore.open(configuration: wrong, options: database.storeOptions)
            }
            #expect(
                denied?.kind == .unavailable && denied?.detail.contains("28P01") == true,
                "\(String(describing: denied))")
            #expect(denied?.detail.contains("not-the-password") == false)
            var missing = database.configuration
            missing.database = "chronoguard_missing_" + String(UInt32.random(in: 0...UInt32.max))
            let unknown = await storeError {
                try await PostgresGuardianStore.open(configuration: missing, options: database.storeOptions)
            }
            #expect(unknown?.detail.contains("3D000") == true, "\(String(describing: unknown))")
        }
    }

    /// A server that stops accepting writes (a demoted primary, a read-only database): calls fail as `.unavailable` at
    /// once, and the store finds its way back by itself once writes are accepted again — the shape of a failover.
    @Test func aServerTurnedReadOnlyIsUnavailableAndTheStoreRecoversByItself() async throws {
        try await withDatabase(ownDatabase: true) { database, _ in
            var configuration = database.configuration
            // The same server under two names: a host list, as for a primary and a standby.
            configuration.hosts =
                configuration.hosts + configuration.hosts.map { .init(name: "localhost", port: $0.port) }
            var options = database.storeOptions
            options.reselectInterval = .milliseconds(50)
            let store = try await PostgresGuardianStore.open(configuration: configuration, options: options)
            let harness = try await GuardianHarness.make(store: store)
            let wallet = SolanaKeypair().publicKey
            func insert(_ id: String) async throws {
                try await store.insertChallenge(
                    StoredChallenge(
                        id: id, wallet: wallet, message: "m", nonce: "n", issuedAt: Date(),
                        expiresAt: Date().addingTimeInterval(60)))
            }
            try await insert("before")
            try await PostgresTestDatabase.cluster(
                "ALTER DATABASE \(database.name) SET default_transaction_read_only = on")
            try await database.terminateOtherSessions()
            // The first call may meet a killed connection, the next ones the read-only server: all unavailable.
            for attempt in 0..<3 {
                let error = await storeError { try await insert("during\(attempt)") }
                #expect(error?.kind == .unavailable, "\(String(describing: error))")
                try await Task.sleep(for: .milliseconds(60))
            }
            let error = await storeError { try await insert("during") }
            #expect(error?.detail.contains("read-only") == true, "\(String(describing: error))")
            // The service answers 503 storage_unavailable with a Retry-After.
            try await Task.sleep(for: .milliseconds(60))
            let refused = await guardianError { try await harness.service.challenge(wallet: wallet.base58) }
            #expect(refused?.code == .storageUnavailable && refused?.retryAfterSeconds == 1)
            try await PostgresTestDatabase.cluster(
                "ALTER DATABASE \(database.name) SET default_transaction_read_only = off")
            try await Task.sleep(for: .milliseconds(60))
            var recovered = false
            for _ in 0..<50 where !recovered {
                recovered = (try? await insert("after")) != nil
                if !recovered { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(recovered)
            await store.close()
            #expect(try await database.count("challenges") == 2)
        }
    }

    /// A lock held elsewhere: past `lock_timeout` the call is `.busy`; past the call's deadline, `.unavailable` — both
    /// long before TCP would give up, and nothing is changed.
    @Test func aCallThatWaitsTooLongFailsInsteadOfHanging() async throws {
        try await withDatabase { database, _ in
            let store = try await database.openStore()
            let wallet = SolanaKeypair().publicKey
            let challenge = StoredChallenge(
                id: "held", wallet: wallet, message: "m", nonce: "n", issuedAt: Date(),
                expiresAt: Date().addingTimeInterval(60))
            try await store.insertChallenge(challenge)
            var short = database.storeOptions
            short.lockTimeout = .milliseconds(200)
            let impatient = try await database.openStore(options: short)
            var deadline = database.storeOptions
            deadline.lockTimeout = .seconds(60)
            deadline.operationTimeout = .milliseconds(700)
            let hurried = try await database.openStore(options: deadline)
            let session = StoredSession(
                tokenHash: Array(repeating: 7, count: 32), wallet: wallet, createdAt: Date(),
                expiresAt: Date().addingTimeInterval(60))
            let sealer = AuditSealer(key: .init(size: .bits256))
            try await database.withConnection { connection, logger in
                try await connection.query("BEGIN", logger: logger)
                try await connection.query("SELECT 1 FROM challenges WHERE id = 'held' FOR UPDATE", logger: logger)
                let busy = await storeError {
                    try await impatient.completeLogin(
                        challengeID: "held", consumedAt: Date(), session: session,
                        audit: AuditAppend(sealer: sealer, events: []))
                }
                #expect(busy?.kind == .busy && busy?.detail.contains("55P03") == true, "\(String(describing: busy))")
                let started = ContinuousClock.now
                let late = await storeError {
                    try await hurried.completeLogin(
                        challengeID: "held", consumedAt: Date(), session: session,
                        audit: AuditAppend(sealer: sealer, events: []))
                }
                #expect(late?.kind == .unavailable && late?.detail.contains("did not answer") == true)
                #expect(started.duration(to: .now) < .seconds(8))  // 0.7 s, with room for a loaded machine
                try await connection.query("ROLLBACK", logger: logger)
            }
            // The abandoned call may still commit once the lock is gone (its caller was told "unavailable"), or not:
            // either way it is a compare-and-set, so of it and a retry exactly one consumes the challenge.
            _ = try await store.completeLogin(
                challengeID: "held", consumedAt: Date(), session: session,
                audit: AuditAppend(sealer: sealer, events: []))
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await database.count("sessions") == 1)
            #expect(try await database.count("challenges", where: "consumed_at_ms IS NOT NULL") == 1)
            await closeAll([store, impatient, hurried])
        }
    }
}
