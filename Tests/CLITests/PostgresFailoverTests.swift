import Foundation
import GuardianAPI
import GuardianTestSupport
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// MARK: - The PostgreSQL primary killed under three nodes, the standby promoted

/// Three `chronoguard serve` processes on a primary with a streaming standby (`scripts/postgres-test-cluster.sh pair`,
/// the nodes given both hosts with `target_session_attrs=read-write`). The standby is stopped — a standby that has
/// fallen behind, the case replication settings exist for — while cosigns arrive; then the primary is SIGKILLed
/// (postmaster and backends) and the standby started and promoted, and the nodes must find it by themselves.
///
/// With a **synchronous** standby no acknowledged burn is lost: while the standby is away a commit cannot complete,
/// so those cosigns are answered 503 after the store's deadline and never 200; every 200 is on the promoted standby and
/// its replay is refused. With an **asynchronous** standby the same run loses the burns acknowledged while it was
/// away, and their codes are accepted a second time on the promoted standby: the counterexample `docs/operations.md`
/// cites for `synchronous_standby_names`. Behind `CHRONOGUARD_MULTINODE_TESTS=1`, like the other multi-node tests.
@Suite(
    .serialized,
    .enabled(
        if: ProcessInfo.processInfo.environment["CHRONOGUARD_MULTINODE_TESTS"] == "1", "CHRONOGUARD_MULTINODE_TESTS=1"))
struct PostgresFailoverTests {
    typealias Wallet = MultiNodeFaultTests.Wallet
    typealias Answer = MultiNodeFaultTests.Answer

    /// A primary and a standby started by the cluster script for this test alone, stopped when released.
    final class Pair: Sendable {
        let server: ScriptServer
        let directory: String
        let url: String
        let script: URL

        init(synchronous: Bool) throws {
            script = try ScriptTestChain.repositoryRoot(containing: PostgresTestCluster.script)
                .appendingPathComponent(PostgresTestCluster.script)
            server = try ScriptServer.launch(
                script: script, arguments: ["pair", synchronous ? "sync" : "async"], interpreter: "bash",
                startupTimeout: 240)
            directory = server.url.path
            url = try String(contentsOfFile: directory + "/pair-url", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// `crash-primary`, `stop-standby`, `start-standby` or `promote`.
        func run(_ command: String) throws {
            try ExternalPeer.run("bash", [script.path, command, directory])
        }

        /// `wallet/step` of every cosign row on whichever server now accepts writes (psql resolves the host list).
        func storedCosigns() throws -> Set<String> {
            let rows = try ExternalPeer.run(
                "psql",
                [
                    url, "-qAt", "-v", "ON_ERROR_STOP=1", "-c",
                    "SELECT encode(wallet, 'base64') || '/' || step FROM cosigns",
                ])
            return Set(String(decoding: rows, as: UTF8.self).split(separator: "\n").map(String.init))
        }
    }

    struct Acknowledged {
        let wallet: Wallet
        let code: String
        let transaction: String
        let step: UInt64

        var key: String { Data(wallet.keypair.publicKey.bytes).base64EncodedString() + "/\(step)" }
    }

    /// What one run found.
    struct Outcome {
        var acknowledgedHealthy = 0
        var acknowledgedWhileStandbyAway = 0
        var answersWhileStandbyAway: [String: Int] = [:]
        var lost: [Acknowledged] = []
        var replaysAccepted = 0
        var failover: Duration = .zero
        var auditIntact = false
    }

    /// Cosigns each wallet's current code on node `index % 3`, all at once.
    static func cosignAll(_ cluster: MultiNodeFaultTests.Cluster, _ wallets: [Wallet]) async throws
        -> [(Wallet, String, String, Answer)]
    {
        let now = Int64(Date().timeIntervalSince1970)
        let requests = try wallets.map { ($0, try $0.totp.code(at: now), try MultiNodeFaultTests.transaction($0)) }
        let clients = (0..<3).map { cluster.client($0) }
        return await withTaskGroup(of: (Wallet, String, String, Answer).self) { group in
            for (index, (wallet, code, transaction)) in requests.enumerated() {
                group.addTask {
                    (
                        wallet, code, transaction,
                        await MultiNodeFaultTests.cosign(
                            clients[index % 3], wallet, transaction: transaction, code: code)
                    )
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    static func run(synchronous: Bool) async throws -> Outcome {
        let pair = try Pair(synchronous: synchronous)
        let cluster = try await MultiNodeFaultTests.Cluster(nodes: 3, url: pair.url)
        do {
            let outcome = try await exercise(pair, cluster)
            await cluster.close()
            return outcome
        } catch {
            await cluster.close()
            throw error
        }
    }

    static func exercise(_ pair: Pair, _ cluster: MultiNodeFaultTests.Cluster) async throws -> Outcome {
        var outcome = Outcome()
        // The whole run — cosign, failover, replay — fits in the codes' acceptance window when it starts early in a
        // step.
        try await MultiNodeFaultTests.waitForFreshStep(leaving: 28)
        var wallets: [Wallet] = []
        for index in 0..<12 { wallets.append(try await MultiNodeFaultTests.enroll(cluster.client(index % 3))) }
        let healthy = Array(wallets[0..<4])
        let whileAway = Array(wallets[4..<8])
        let probes = Array(wallets[8..<12])
        var acknowledged: [Acknowledged] = []

        // 1. Both servers up: every cosign is acknowledged.
        for (wallet, code, transaction, answer) in try await cosignAll(cluster, healthy) {
            guard case .accepted(let step) = answer else {
                Issue.record("a cosign with both servers up was refused: \(answer)")
                continue
            }
            acknowledged.append(Acknowledged(wallet: wallet, code: code, transaction: transaction, step: step))
            outcome.acknowledgedHealthy += 1
        }

        // 2. The standby away: synchronous commits cannot complete, asynchronous ones do.
        try pair.run("stop-standby")
        for (wallet, code, transaction, answer) in try await cosignAll(cluster, whileAway) {
            switch answer {
            case .accepted(let step):
                acknowledged.append(Acknowledged(wallet: wallet, code: code, transaction: transaction, step: step))
                outcome.acknowledgedWhileStandbyAway += 1
                outcome.answersWhileStandbyAway["200", default: 0] += 1
            case .refused(let status, let code):
                outcome.answersWhileStandbyAway["\(status.map(String.init) ?? "none") \(code)", default: 0] += 1
            }
        }

        // 3. The primary dies; the standby comes back and is promoted. The nodes are not told anything.
        try pair.run("crash-primary")
        let crashed = ContinuousClock.now
        try pair.run("start-standby")
        try pair.run("promote")

        // 4. Until a cosign succeeds again (a refusal as already used means an earlier probe's commit landed
        //    unacknowledged: the next wallet is tried). Then every node must serve.
        var probe = 0
        var recovered = false
        while ContinuousClock.now - crashed < .seconds(60), probe < probes.count {
            let node = probe % 3
            let answer = await MultiNodeFaultTests.cosign(
                cluster.client(node), probes[probe],
                transaction: try MultiNodeFaultTests.transaction(probes[probe]),
                code: try probes[probe].totp.code(at: Int64(Date().timeIntervalSince1970)))
            if case .accepted = answer {
                recovered = true
                break
            }
            if case .refused(409, _) = answer { probe += 1 } else { try await Task.sleep(for: .milliseconds(100)) }
        }
        outcome.failover = ContinuousClock.now - crashed
        #expect(recovered, "no cosign succeeded within 60 s of the primary's crash")
        for node in 0..<3 {
            var served = false
            let deadline = ContinuousClock.now + .seconds(30)
            while !served, ContinuousClock.now < deadline {
                served = await PostgresCommandTests.readyStatus(cluster.nodes[node]) == 200
                if !served { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(served, "node \(node) did not become ready on the promoted standby")
        }

        // 5. What survived.
        let stored = try pair.storedCosigns()
        outcome.lost = acknowledged.filter { !stored.contains($0.key) }
        for entry in acknowledged {
            let replay = await MultiNodeFaultTests.cosign(
                cluster.client(Int.random(in: 0..<3)), entry.wallet, transaction: entry.transaction, code: entry.code)
            if case .accepted = replay { outcome.replaysAccepted += 1 }
        }
        let audit = try CLI.run([
            "audit", "verify", "--store", pair.url, "--master-key-file", cluster.base + "-master.key",
        ])
        outcome.auditIntact = audit.status == 0 && audit.stdout.contains("Audit log intact")
        return outcome
    }

    @Test func aSynchronousStandbyLosesNoAcknowledgedBurn() async throws {
        let outcome = try await Self.run(synchronous: true)
        print(
            "failover (synchronous standby): \(outcome.acknowledgedHealthy) acknowledged with both up; while the standby was away \(outcome.answersWhileStandbyAway); \(outcome.lost.count) lost; \(outcome.replaysAccepted) replays accepted; primary killed → first successful cosign \(outcome.failover)"
        )
        #expect(outcome.acknowledgedHealthy == 4)
        #expect(outcome.acknowledgedWhileStandbyAway == 0, "no commit acknowledged without the synchronous standby")
        #expect(outcome.answersWhileStandbyAway["503 storage_unavailable"] == 4, "\(outcome.answersWhileStandbyAway)")
        #expect(outcome.lost.isEmpty, "acknowledged burns lost: \(outcome.lost.map(\.key))")
        #expect(outcome.replaysAccepted == 0)
        #expect(outcome.auditIntact)
    }

    /// The counterexample: the same run with an asynchronous standby acknowledges the cosigns made while the standby
    /// was away, loses them in the failover, and accepts their codes again.
    @Test func anAsynchronousStandbyLosesAcknowledgedBurns() async throws {
        let outcome = try await Self.run(synchronous: false)
        print(
            "failover (asynchronous standby): \(outcome.acknowledgedHealthy) acknowledged with both up; while the standby was away \(outcome.answersWhileStandbyAway); \(outcome.lost.count) lost; \(outcome.replaysAccepted) replays accepted; primary killed → first successful cosign \(outcome.failover)"
        )
        #expect(outcome.acknowledgedWhileStandbyAway == 4)
        #expect(outcome.lost.count == 4, "the burns acknowledged while the standby was away are gone")
        #expect(outcome.replaysAccepted == 4, "and their codes are accepted a second time")
        #expect(outcome.auditIntact, "the chain is shorter, not broken")
    }
}
