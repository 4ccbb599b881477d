import ChainKit
import Foundation
import Guardian
import GuardianAPI
import GuardianPostgres
import GuardianTestSupport
import OTP
import PostgresNIO
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

// MARK: - Three `chronoguard serve` processes on one PostgreSQL database, under faults

/// Several guardian nodes (real processes, loopback) on one database: one code raced over every node is accepted once;
/// nodes SIGKILLed under load lose no acknowledged burn and accept nothing twice; wrong codes on all nodes at once are
/// each counted. Bounded in count and time; long (minutes), so behind `CHRONOGUARD_MULTINODE_TESTS=1`.
@Suite(
    .serialized,
    .enabled(
        if: ProcessInfo.processInfo.environment["CHRONOGUARD_MULTINODE_TESTS"] == "1", "CHRONOGUARD_MULTINODE_TESTS=1"))
struct MultiNodeFaultTests {
    static let publicURL = "http://guardian.test"

    /// Three nodes on a database of their own, sharing one master key file and one public URL (the sign-in domain).
    final class Cluster: @unchecked Sendable {
        /// The test cluster's database the nodes use, dropped by ``close()``; nil when the nodes are given a URL of
        /// their own (the failover tests' pair).
        let ownDatabase: PostgresTestDatabase?
        let url: String
        let base = CLI.temporaryFile("multinode")
        var nodes: [ServerProcess] = []
        var restarts = 0
        let walletRateLimit: String

        var database: PostgresTestDatabase { ownDatabase! }

        /// `count` nodes on a new database of the test cluster, or on `url` when given.
        init(nodes count: Int, url: String? = nil, walletRateLimit: String = "1000000/1") async throws {
            self.walletRateLimit = walletRateLimit
            if let url {
                ownDatabase = nil
                self.url = url
            } else {
                let database = try await PostgresTestDatabase.createDatabase()
                ownDatabase = database
                self.url = try PostgresCommandTests.url(for: database)
            }
            try PostgresCommandTests.writeKeyFile(base + "-master.key")
            for index in 0..<count { nodes.append(try start(index)) }
            for node in nodes { try await node.waitUntilReady() }
        }

        var arguments: [String] {
            [
                "--store", url, "--master-key-file", base + "-master.key", "--public-url",
                MultiNodeFaultTests.publicURL,
                "--ip-rate-limit", "off", "--api-key-rate-limit", "off", "--wallet-rate-limit", walletRateLimit,
            ]
        }

        func start(_ index: Int) throws -> ServerProcess {
            restarts += 1
            return try ServerProcess(dataDirectory: base + "-node\(index)-\(restarts)", arguments: arguments)
        }

        /// SIGKILL: no graceful shutdown, no drain — requests in flight get a broken connection.
        func kill(_ index: Int) {
            Glibc.kill(nodes[index].process.processIdentifier, SIGKILL)
            nodes[index].process.waitUntilExit()
        }

        func restart(_ index: Int) async throws {
            nodes[index] = try start(index)
            try await nodes[index].waitUntilReady()
        }

        func client(_ index: Int) -> GuardianAPIClient {
            GuardianAPIClient(baseURL: URL(string: nodes[index].url)!, session: MultiNodeFaultTests.session)
        }

        func close() async {
            for node in nodes where node.process.isRunning { _ = node.terminate() }
            try? await ownDatabase?.drop()
            if let names = try? FileManager.default.contentsOfDirectory(
                atPath: (base as NSString).deletingLastPathComponent)
            {
                let prefix = (base as NSString).lastPathComponent
                for name in names where name.hasPrefix(prefix) {
                    try? FileManager.default.removeItem(
                        atPath: ((base as NSString).deletingLastPathComponent as NSString).appendingPathComponent(name))
                }
            }
        }
    }

    static func withCluster(walletRateLimit: String = "1000000/1", _ body: (Cluster) async throws -> Void)
        async throws
    {
        let cluster = try await Cluster(nodes: 3, walletRateLimit: walletRateLimit)
        do { try await body(cluster) } catch {
            await cluster.close()
            throw error
        }
        await cluster.close()
    }

    /// Many connections per node, generous deadlines (a loaded 2-core machine).
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 64
        configuration.timeoutIntervalForRequest = 120
        return URLSession(configuration: configuration)
    }()

    /// An enrolled wallet: its keypair, authenticator, guardian key and a session token.
    struct Wallet: Sendable {
        let keypair: SolanaKeypair
        let totp: TOTP
        let guardian: SolanaPublicKey
        let token: String
    }

    /// Signs in on one node and enrolls, confirming with the previous step's code (the current one is left for cosigns).
    static func enroll(_ client: GuardianAPIClient) async throws -> Wallet {
        let keypair = SolanaKeypair()
        let session = try await client.login(keypair: keypair, expectedDomain: "guardian.test")
        let enrollment = try await client.beginEnrollment(wallet: keypair.publicKey, token: session.token)
        let totp = try #require(try OTPAuthURI(parsing: enrollment.otpauthUri).totp())
        let now = Int64(Date().timeIntervalSince1970)
        _ = try await client.confirmEnrollment(
            wallet: keypair.publicKey, code: try totp.code(at: now - 30), token: session.token)
        return Wallet(
            keypair: keypair, totp: totp, guardian: try SolanaPublicKey(base58: enrollment.guardianPublicKey),
            token: session.token)
    }

    static func transaction(_ wallet: Wallet) throws -> String {
        try PostgresCommandTests.transferTransaction(wallet: wallet.keypair, guardian: wallet.guardian)
    }

    enum Answer: Sendable, Hashable {
        case accepted(step: UInt64)
        case refused(status: Int?, code: String)
    }

    static func cosign(_ client: GuardianAPIClient, _ wallet: Wallet, transaction: String, code: String) async -> Answer
    {
        do {
            let result = try await client.cosign(
                wallet: wallet.keypair.publicKey, transactionBase64: transaction, code: code, token: wallet.token)
            return .accepted(step: result.step)
        } catch {
            return .refused(status: error.status, code: error.code)
        }
    }

    /// Waits, if needed, until at least `seconds` of the current 30-second step remain.
    static func waitForFreshStep(leaving seconds: Double) async throws {
        let into = Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 30)
        if 30 - into < seconds { try await Task.sleep(for: .milliseconds(Int((30 - into + 0.2) * 1000))) }
    }

    /// N concurrent cosigns with one code, spread round-robin over 3 nodes: exactly one is accepted, every other
    /// answer is a refusal (no 5xx but an occasional 503), and the database holds one cosign.
    @Test func oneCodeRacedOverThreeNodesIsAcceptedOnce() async throws {
        let count = Int(ProcessInfo.processInfo.environment["CHRONOGUARD_MULTINODE_RACE"] ?? "") ?? 1_000
        try await Self.withCluster { cluster in
            let wallet = try await Self.enroll(cluster.client(0))
            let transaction = try Self.transaction(wallet)
            try await Self.waitForFreshStep(leaving: 25)
            let code = try wallet.totp.code(at: Int64(Date().timeIntervalSince1970))
            let clients = (0..<3).map { cluster.client($0) }
            let started = ContinuousClock.now
            let answers = await withTaskGroup(of: Answer.self) { group in
                for index in 0..<count {
                    group.addTask {
                        await Self.cosign(clients[index % 3], wallet, transaction: transaction, code: code)
                    }
                }
                return await group.reduce(into: [Answer]()) { $0.append($1) }
            }
            let elapsed = ContinuousClock.now - started
            var tally: [String: Int] = [:]
            for answer in answers {
                switch answer {
                case .accepted: tally["200", default: 0] += 1
                case .refused(let status, let code):
                    tally["\(status.map(String.init) ?? "none") \(code)", default: 0] += 1
                }
            }
            print("race: \(count) cosigns over 3 nodes in \(elapsed): \(tally)")
            #expect(tally["200"] == 1, "exactly one accepted: \(tally)")
            let stored = try await cluster.database.query("SELECT count(*) FROM cosigns")
            #expect(try stored.first?.decode(Int64.self) == 1)
            #expect(!tally.keys.contains { $0.hasPrefix("500") }, "no internal errors: \(tally)")
        }
    }

    /// Load over 3 nodes while a random node is SIGKILLed and restarted, 10 times (`CHRONOGUARD_MULTINODE_KILLS`; each
    /// round waits for a TOTP step of its own, so about 30 s each): every cosign answered 200 is in the database
    /// afterwards, no (wallet, code) was accepted twice, a replay of each is refused, and the audit chain verifies.
    @Test func sigkilledNodesLoseNoAcknowledgedBurn() async throws {
        let rounds = Int(ProcessInfo.processInfo.environment["CHRONOGUARD_MULTINODE_KILLS"] ?? "") ?? 10
        let walletCount = 12
        try await Self.withCluster { cluster in
            var wallets: [Wallet] = []
            for index in 0..<walletCount { wallets.append(try await Self.enroll(cluster.client(index % 3))) }

            let enrolled = wallets
            var acknowledged: [(wallet: Wallet, code: String, transaction: String, step: UInt64)] = []
            var doubleAccepts = 0
            var tally: [String: Int] = [:]
            for round in 0..<rounds {
                // A step of its own for each round: one burn per wallet per step.
                let step = UInt64(Date().timeIntervalSince1970) / 30
                if round > 0 {
                    while UInt64(Date().timeIntervalSince1970) / 30 == step {
                        try await Task.sleep(for: .milliseconds(200))
                    }
                }
                let now = Int64(Date().timeIntervalSince1970)
                let victim = Int.random(in: 0..<3)
                let clients = (0..<3).map { cluster.client($0) }
                let codes = try enrolled.map { try $0.totp.code(at: now) }
                let transactions = try enrolled.map { try Self.transaction($0) }
                // Each wallet's code sent 3 times, to 3 different nodes, while the victim is killed.
                let answers = await withTaskGroup(of: (Int, Answer).self) { group in
                    for (index, wallet) in enrolled.enumerated() {
                        for copy in 0..<3 {
                            group.addTask {
                                try? await Task.sleep(for: .milliseconds(Int.random(in: 0..<400)))
                                return (
                                    index,
                                    await Self.cosign(
                                        clients[(index + copy) % 3], wallet, transaction: transactions[index],
                                        code: codes[index])
                                )
                            }
                        }
                    }
                    group.addTask {
                        try? await Task.sleep(for: .milliseconds(Int.random(in: 50..<300)))
                        cluster.kill(victim)
                        return (-1, .refused(status: nil, code: "killed"))
                    }
                    return await group.reduce(into: [(Int, Answer)]()) { $0.append($1) }
                }
                var acceptedPerWallet: [Int: Int] = [:]
                for (index, answer) in answers where index >= 0 {
                    switch answer {
                    case .accepted(let step):
                        acceptedPerWallet[index, default: 0] += 1
                        acknowledged.append((enrolled[index], codes[index], transactions[index], step))
                        tally["200", default: 0] += 1
                    case .refused(let status, let code):
                        tally["\(status.map(String.init) ?? "none") \(code)", default: 0] += 1
                    }
                }
                doubleAccepts += acceptedPerWallet.values.filter { $0 > 1 }.count
                try await cluster.restart(victim)
            }
            print("kills: \(rounds) rounds, \(acknowledged.count) acknowledged cosigns, answers \(tally)")
            #expect(doubleAccepts == 0, "no code accepted twice")
            #expect(!acknowledged.isEmpty)

            // Every acknowledged burn is stored, and a replay of it on any node is refused.
            let rows = try await cluster.database.query("SELECT wallet, step FROM cosigns")
            var stored = Set<String>()
            for row in rows {
                let (wallet, step) = try row.decode((ByteBuffer, Int64).self)
                stored.insert(Data(wallet.readableBytesView).base64EncodedString() + "/\(step)")
            }
            for entry in acknowledged {
                let key = Data(entry.wallet.keypair.publicKey.bytes).base64EncodedString() + "/\(entry.step)"
                #expect(stored.contains(key), "acknowledged burn \(key) is stored")
                let replay = await Self.cosign(
                    cluster.client(Int.random(in: 0..<3)), entry.wallet, transaction: entry.transaction,
                    code: entry.code)
                if case .accepted = replay { Issue.record("a replay of an acknowledged cosign was accepted") }
            }
            let audit = try CLI.run(
                ["audit", "verify", "--store", cluster.url, "--master-key-file", cluster.base + "-master.key"])
            #expect(audit.status == 0 && audit.stdout.contains("Audit log intact"), "\(audit.stdout)\(audit.stderr)")
        }
    }

    /// Wrong codes on all 3 nodes at once: exactly the policy's count is evaluated and counted (the stored count equals
    /// the number of `invalid_code` answers and of `code_rejected` records), the rest are answered `wallet_locked`.
    @Test func wrongCodesOnAllNodesAreCountedExactly() async throws {
        try await Self.withCluster { cluster in
            let wallet = try await Self.enroll(cluster.client(0))
            let transaction = try Self.transaction(wallet)
            let now = Int64(Date().timeIntervalSince1970)
            let valid = Set(try (-2...2).map { try wallet.totp.code(at: now + Int64($0) * 30) })
            var wrong: [String] = []
            while wrong.count < 30 {
                let candidate = String(format: "%06d", Int.random(in: 0..<1_000_000))
                if !valid.contains(candidate) { wrong.append(candidate) }
            }
            let clients = (0..<3).map { cluster.client($0) }
            let answers = await withTaskGroup(of: Answer.self) { group in
                for (index, code) in wrong.enumerated() {
                    group.addTask {
                        await Self.cosign(clients[index % 3], wallet, transaction: transaction, code: code)
                    }
                }
                return await group.reduce(into: [Answer]()) { $0.append($1) }
            }
            var tally: [String: Int] = [:]
            for answer in answers {
                if case .refused(_, let code) = answer {
                    tally[code, default: 0] += 1
                } else {
                    tally["accepted", default: 0] += 1
                }
            }
            print("wrong codes over 3 nodes: \(tally)")
            let rows = try await cluster.database.query(
                "SELECT consecutive_failures FROM wallets WHERE wallet = \(ByteBuffer(bytes: wallet.keypair.publicKey.bytes))"
            )
            let failures = try #require(try rows.first?.decode(Int64.self))
            #expect(tally["accepted"] == nil)
            // Each evaluated wrong code wrote its audit record in the transaction that counted it.
            let rejected = try await cluster.database.query(
                "SELECT count(*) FROM audit_log WHERE kind = 'code_rejected' AND wallet = \(ByteBuffer(bytes: wallet.keypair.publicKey.bytes))"
            )
            let audited = try #require(try rejected.first?.decode(Int64.self))
            print("stored consecutive failures \(failures), code_rejected records \(audited)")
            #expect(failures == audited, "no increment lost: \(failures) counted, \(audited) audited")
            // Exact across nodes: the policy's free failures plus the one that locks are evaluated and answered
            // invalid_code; every other guess — some read the wallet unlocked on their node — is answered
            // wallet_locked, as a right code would be, and counts nothing.
            let allowed = LockoutPolicy().freeFailures + 1
            #expect(failures == Int64(allowed) && tally["invalid_code"] == allowed, "\(tally)")
            #expect(tally["wallet_locked"] == wrong.count - allowed, "\(tally)")
        }
    }

    /// "10 per 5 minutes" is 10 across all nodes: 30 requests for one wallet at once over 3 nodes get exactly the
    /// tokens the bucket holds (10, less the one the enrollment's confirmation took); the rest get 429.
    @Test func theWalletRateLimitHoldsAcrossNodes() async throws {
        try await Self.withCluster(walletRateLimit: "10/300") { cluster in
            let wallet = try await Self.enroll(cluster.client(0))
            let transaction = try Self.transaction(wallet)
            let clients = (0..<3).map { cluster.client($0) }
            let answers = await withTaskGroup(of: Answer.self) { group in
                for index in 0..<30 {
                    // A malformed code: charged to the bucket, then refused without touching the lockout.
                    group.addTask { await Self.cosign(clients[index % 3], wallet, transaction: transaction, code: "x") }
                }
                return await group.reduce(into: [Answer]()) { $0.append($1) }
            }
            let limited = answers.filter { $0 == .refused(status: 429, code: "rate_limited") }.count
            print("wallet bucket over 3 nodes: \(30 - limited) admitted, \(limited) limited")
            #expect(limited == 30 - 9, "\(answers)")
        }
    }
}
