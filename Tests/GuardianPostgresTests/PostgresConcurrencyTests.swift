import ChainKit
import Foundation
import Guardian
import GuardianTestSupport
import NIOCore
import PostgresNIO
import Testing

@testable import GuardianPostgres

/// Several stores on one database — separate pools, as separate guardian nodes have — racing for the same step, the
/// same counters and the one audit chain; and the retry path for serialization failures and deadlocks, provoked for
/// real.
@Suite struct PostgresConcurrencyTests {
    /// A cosign commit of `step` for `wallet`, as the capsule builds it (its own operation id).
    static func commit(_ wallet: EnrolledWallet, step: UInt64, at: Date) throws -> CosignCommit {
        let record = CosignRecord(
            operationID: UUID().uuidString, wallet: wallet.owner.publicKey, guardianPublicKey: wallet.guardian,
            step: step, messageHash: [UInt8](repeating: 1, count: 32),
            recentBlockhash: try SolanaBlockhash(bytes: [UInt8](repeating: 2, count: 32)), signature: .empty,
            createdAt: at, timeline: "")
        return CosignCommit(wallet: wallet.owner.publicKey, step: step, record: record)
    }

    /// The per-wallet bucket is one row: 40 requests at once over three nodes with "10 per 5 minutes" admit exactly 10;
    /// it refills with time (one token per 30 s), and another wallet's bucket is its own.
    @Test func theWalletBucketIsSharedByEveryNode() async throws {
        try await withDatabase { database, _ in
            var stores: [PostgresGuardianStore] = []
            for _ in 0..<3 { stores.append(try await database.openStore()) }
            let nodes = stores
            let policy = TokenBucketPolicy(capacity: 10, per: 300)
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let decisions = try await withThrowingTaskGroup(of: RateLimitDecision.self) { group in
                for index in 0..<40 {
                    group.addTask { try await nodes[index % 3].takeRateToken("wallet:a", policy: policy, at: start) }
                }
                return try await group.reduce(into: [RateLimitDecision]()) { $0.append($1) }
            }
            #expect(decisions.filter { $0 == .allowed }.count == 10)
            #expect(decisions.filter { $0 == .limited(retryAfterSeconds: 30) }.count == 30)
            #expect(try await nodes[1].takeRateToken("wallet:b", policy: policy, at: start) == .allowed)
            #expect(try await nodes[2].takeRateToken("wallet:a", policy: policy, at: start + 29) != .allowed)
            #expect(try await nodes[0].takeRateToken("wallet:a", policy: policy, at: start + 31) == .allowed)
            #expect(try await nodes[1].takeRateToken("wallet:a", policy: policy, at: start + 32) != .allowed)
            // A clock that went back refills nothing.
            #expect(try await nodes[2].takeRateToken("wallet:a", policy: policy, at: start) != .allowed)
            await closeAll(stores)
        }
    }

    @Test func oneStepRacedFromManyTasksOnFourNodesIsCommittedOnce() async throws {
        try await withDatabase { database, keys in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            let (harness, first) = try await GuardianHarness.postgres(database, keys: keys, clock: clock)
            var stores = [first]
            for _ in 0..<3 { stores.append(try await database.openStore()) }
            let sealer = AuditSealer(key: .init(size: .bits256))
            for round in 0..<3 {
                let wallet = try await harness.enroll()
                let step = try #require(try await first.wallet(wallet.owner.publicKey)?.lastAcceptedStep) + 1
                let nodes = stores
                let outcomes = try await withThrowingTaskGroup(of: CosignCommitOutcome.self) { group in
                    for index in 0..<200 {
                        let commit = try Self.commit(wallet, step: step, at: clock.now())
                        group.addTask {
                            try await nodes[index % nodes.count].commitCosign(
                                commit,
                                audit: AuditAppend(
                                    sealer: sealer,
                                    events: [AuditEvent(.cosignCompleted, at: Date(), wallet: wallet.owner.publicKey)]))
                        }
                    }
                    return try await group.reduce(into: [CosignCommitOutcome]()) { $0.append($1) }
                }
                #expect(outcomes.filter { $0 == .committed }.count == 1, "round \(round)")
                #expect(outcomes.filter { $0 == .stepAlreadyUsed(lastAccepted: step) }.count == 199, "round \(round)")
                let wallet64 = ByteBuffer(bytes: wallet.owner.publicKey.bytes)
                let rows = try await database.query("SELECT count(*) FROM cosigns WHERE wallet = \(wallet64)")
                #expect(try rows.first?.decode(Int64.self) == 1)
            }
            await closeAll(stores)
        }
    }

    /// Three services (three nodes, one master key) and one code: exactly one signature, every other request told the
    /// code was used — the per-wallet gate of each node cannot see the others, only the database stands between them.
    @Test func threeNodesAndOneCodeGiveOneSignature() async throws {
        try await withDatabase { database, keys in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            let limits: (inout GuardianConfiguration) -> Void = {
                $0.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1)
            }
            var nodes: [(GuardianHarness, PostgresGuardianStore)] = []
            for _ in 0..<3 {
                nodes.append(try await GuardianHarness.postgres(database, keys: keys, clock: clock, configure: limits))
            }
            for _ in 0..<3 {
                let wallet = try await nodes[0].0.enroll()
                clock.advance(by: 30)
                let tx = try TransactionFactory.standard(for: wallet)
                let code = try nodes[0].0.currentCode(wallet)
                var calls: [(GuardianService, Session)] = []
                for (harness, _) in nodes { calls.append((harness.service, try await harness.login(wallet.owner))) }
                let requests = calls
                let outcomes = await withTaskGroup(of: GuardianError.Code?.self) { group in
                    for index in 0..<90 {
                        let (service, session) = requests[index % requests.count]
                        group.addTask {
                            await errorCode {
                                try await service.cosign(
                                    session: session, wallet: wallet.address, transactionBase64: tx, code: code)
                            }
                        }
                    }
                    return await group.reduce(into: [GuardianError.Code?]()) { $0.append($1) }
                }
                #expect(outcomes.filter { $0 == nil }.count == 1, "\(outcomes)")
                #expect(outcomes.filter { $0 == .codeAlreadyUsed }.count == 89)
            }
            #expect(try await nodes[1].0.service.verifyAuditLog().isIntact)
            await closeAll(nodes.map(\.1))
        }
    }

    /// Audit appends from four nodes at once: one chain, numbered without gaps, every MAC chained to the one before.
    @Test func concurrentAuditAppendsFromFourNodesFormOneChain() async throws {
        try await withDatabase { database, keys in
            var nodes: [(GuardianHarness, PostgresGuardianStore)] = []
            for _ in 0..<4 { nodes.append(try await GuardianHarness.postgres(database, keys: keys)) }
            let before = try await nodes[0].0.service.verifyAuditLog().recordCount
            let owners = (0..<8).map { _ in SolanaKeypair() }
            let services = nodes.map(\.0.service)
            // Sign-ins and logouts: each appends one event.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<120 {
                    let service = services[index % services.count]
                    let owner = owners[index % owners.count]
                    group.addTask {
                        let challenge = try await service.challenge(wallet: owner.publicKey.base58)
                        let grant = try await service.verifyChallenge(
                            id: challenge.id, signature: owner.sign(Array(challenge.message.utf8)))
                        try await service.logout(try await service.authenticate(token: grant.token))
                    }
                }
                try await group.waitForAll()
            }
            for (harness, _) in nodes {
                let report = try await harness.service.verifyAuditLog()
                #expect(report.isIntact, "\(report.problems)")
                #expect(report.recordCount == before + 240)
            }
            let sequences = try await database.query("SELECT sequence FROM audit_log ORDER BY sequence").map {
                try $0.decode(Int64.self)
            }
            #expect(sequences == Array(1...Int64(sequences.count)))
            await closeAll(nodes.map(\.1))
        }
    }

    /// Wrong codes counted on three nodes at once: no increment is lost.
    @Test func failuresFromThreeNodesAtOnceAreCountedOneByOne() async throws {
        try await withDatabase { database, keys in
            let (harness, first) = try await GuardianHarness.postgres(database, keys: keys)
            let stores = [first, try await database.openStore(), try await database.openStore()]
            let wallet = try await harness.enroll()
            let sealer = AuditSealer(key: .init(size: .bits256))
            let policy = LockoutPolicy()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<60 {
                    let store = stores[index % stores.count]
                    group.addTask {
                        _ = try await store.recordFailedAttempt(
                            wallet: wallet.owner.publicKey, at: Date(), policy: policy, sealer: sealer
                        ) { state in
                            [
                                AuditEvent(
                                    .codeRejected, at: Date(), detail: ["failures": String(state.consecutiveFailures)])
                            ]
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await first.wallet(wallet.owner.publicKey)?.lockout.consecutiveFailures == 60)
            // Each event saw its own count: 1 … 60, each once.
            let counts = try await database.query(
                "SELECT detail FROM audit_log WHERE kind = 'code_rejected' ORDER BY sequence"
            ).map { try $0.decode(String.self) }
            #expect(counts == (1...60).map { "failures=\($0)" })
            await closeAll(stores)
        }
    }

    // MARK: Retries

    /// A trigger that fails the next `count` inserts into `cosigns` with SQLSTATE 40001, as a serialization failure
    /// would; a sequence counts the attempts (sequences are not rolled back).
    static func injectSerializationFailures(_ database: PostgresTestDatabase, count: Int) async throws {
        for statement in [
            "CREATE SEQUENCE injected_failures",
            """
            CREATE FUNCTION inject_failure() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('injected_failures') <= \(count) THEN
                    RAISE EXCEPTION 'injected serialization failure' USING ERRCODE = 'serialization_failure';
                END IF;
                RETURN NEW;
            END
            $$
            """,
            "CREATE TRIGGER inject_failure BEFORE INSERT ON cosigns FOR EACH ROW EXECUTE FUNCTION inject_failure()",
        ] {
            try await database.query(PostgresQuery(unsafeSQL: statement))
        }
    }

    @Test func aSerializationFailureIsRetriedAndCommitsOnce() async throws {
        try await withDatabase { database, keys in
            let (harness, store) = try await GuardianHarness.postgres(database, keys: keys)
            let wallet = try await harness.enroll()
            try await Self.injectSerializationFailures(database, count: 3)
            let auditBefore = try await database.count("audit_log")
            let before = store.statistics
            let result = try await harness.service.cosign(
                session: wallet.session, wallet: wallet.address,
                transactionBase64: TransactionFactory.standard(for: wallet), code: harness.nextCode(wallet))
            #expect(store.statistics.retries - before.retries >= 3)  // exactly 3 injected (the sequence below)
            #expect(try await database.scalar("SELECT last_value FROM injected_failures", as: Int64.self) == 4)
            #expect(try await database.count("cosigns") == 1)
            #expect(try await harness.service.cosignRecord(operationID: result.operationID) != nil)
            // The three rolled-back attempts left no audit record behind: one cosign, one chain.
            #expect(try await database.count("audit_log") == auditBefore + 1)
            #expect(try await harness.service.verifyAuditLog().isIntact)
            await store.close()
        }
    }

    @Test func retriesAreBoundedAndAFailedCallChangesNothing() async throws {
        try await withDatabase { database, keys in
            var options = database.storeOptions
            options.maximumAttempts = 4
            let (harness, store) = try await GuardianHarness.postgres(database, keys: keys, options: options)
            let wallet = try await harness.enroll()
            try await Self.injectSerializationFailures(database, count: 1_000)
            let stepBefore = try await store.wallet(wallet.owner.publicKey)?.lastAcceptedStep
            let auditBefore = try await database.count("audit_log")
            let error = await guardianError {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address,
                    transactionBase64: TransactionFactory.standard(for: wallet), code: harness.nextCode(wallet))
            }
            #expect(error?.code == .storageUnavailable && error?.retryAfterSeconds == 1, "\(String(describing: error))")
            #expect(store.statistics.exhaustedRetries == 1)
            #expect(try await database.scalar("SELECT last_value FROM injected_failures", as: Int64.self) == 4)
            #expect(try await store.wallet(wallet.owner.publicKey)?.lastAcceptedStep == stepBefore)
            #expect(try await database.count("cosigns") == 0)
            #expect(try await database.count("audit_log") == auditBefore)
            await store.close()
        }
    }

    /// A real deadlock: another session holds the wallet's row, the cosign's batch (holding the audit head) waits for
    /// it, and the other session then asks for the audit head. PostgreSQL aborts the cosign's statement (40P01; the
    /// other session waits longer before checking), the store rolls the cosign back to its savepoint and runs it again
    /// in the next batch, where it commits once the other session is gone. (Store writers cannot deadlock one another:
    /// every batch locks the audit head first.)
    @Test func aDeadlockIsRetried() async throws {
        try await withDatabase { database, keys in
            let (harness, store) = try await GuardianHarness.postgres(database, keys: keys)
            let wallet = try await harness.enroll()
            let walletBytes = ByteBuffer(bytes: wallet.owner.publicKey.bytes)
            let before = store.statistics
            let tx = try TransactionFactory.standard(for: wallet)
            let code = try harness.nextCode(wallet)
            let service = harness.service
            let result = try await database.withConnection { connection, logger in
                _ = try await connection.query("SET deadlock_timeout = '30s'", logger: logger).collect()
                _ = try await connection.query("BEGIN", logger: logger).collect()
                _ = try await connection.query(
                    "SELECT 1 FROM wallets WHERE wallet = \(walletBytes) FOR UPDATE", logger: logger
                ).collect()
                let cosign = Task {
                    try await service.cosign(
                        session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: code)
                }
                // Wait until the cosign's batch waits for the wallet row (it holds the audit head by then).
                let waiting = try await database.waitUntilASessionWaitsOnALock(connection, logger)
                #expect(waiting)
                // Close the cycle; the cosign's session detects it after its deadlock_timeout (1 s) and is aborted.
                _ = try await connection.query("SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE", logger: logger)
                    .collect()
                _ = try await connection.query("ROLLBACK", logger: logger).collect()
                return try await cosign.value
            }
            #expect(store.statistics.retries - before.retries >= 1)  // the deadlock's (a loaded machine may add others)
            #expect(try await harness.service.cosignRecord(operationID: result.operationID) != nil)
            #expect(try await harness.service.verifyAuditLog().isIntact)
            await store.close()
        }
    }
}
