import Foundation
import GuardianAPI
import GuardianTestSupport
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// MARK: - A node cut off from its database

/// A `chronoguard serve` node in a network namespace of its own, joined to the host by two veth pairs — one for its
/// API, one to a PostgreSQL cluster that listens on the host's end of the second. The cut drops every packet the node
/// sends on the database link (a length-0 FIFO qdisc on its side; this kernel has no netem): packets vanish silently —
/// no reset, no ICMP — as with a pulled cable or a partition, so connections in the pool stay open and nothing fails
/// by itself. The node must answer 503
/// `storage_unavailable` — `/readyz` at its 3 s deadline, API calls at the store's 10 s deadline — not hang, while the
/// test can still reach it; and it must serve again by itself once the link returns.
///
/// Needs root (network namespaces, `tc`); behind `CHRONOGUARD_MULTINODE_TESTS=1` like the other fault tests.
@Suite(
    .serialized,
    .enabled(
        if: ProcessInfo.processInfo.environment["CHRONOGUARD_MULTINODE_TESTS"] == "1", "CHRONOGUARD_MULTINODE_TESTS=1"))
struct NetworkCutTests {
    /// The namespace, its two veth pairs and addresses; removed by ``remove()``. One link carries the API (the test
    /// talks to the node over it), the other the database traffic, so that the database alone can be cut.
    struct Link {
        let namespace: String
        let apiInterface: String
        let databaseInterface: String
        let subnet: Int
        var nodeAddress: String { "10.231.\(subnet).2" }
        /// The database's address, on the host's side of the database link.
        var databaseAddress: String { "10.232.\(subnet).1" }
        var databaseNetwork: String { "10.232.\(subnet).0/24" }

        init() throws {
            let tag = String(UInt32.random(in: 0..<UInt32.max), radix: 16)
            namespace = "cgcut-" + tag
            apiInterface = "cga" + tag
            databaseInterface = "cgd" + tag
            subnet = Int.random(in: 1..<255)
            try Self.ip("netns", "add", namespace)
            do {
                for (host, inside, network) in [(apiInterface, "api0", "10.231"), (databaseInterface, "db0", "10.232")]
                {
                    try Self.ip("link", "add", host, "type", "veth", "peer", "name", inside, "netns", namespace)
                    try Self.ip("addr", "add", "\(network).\(subnet).1/24", "dev", host)
                    try Self.ip("link", "set", host, "up")
                    try self.inside("ip", "addr", "add", "\(network).\(subnet).2/24", "dev", inside)
                    try self.inside("ip", "link", "set", inside, "up")
                }
                try inside("ip", "link", "set", "lo", "up")
            } catch {
                remove()
                throw error
            }
        }

        /// Drops every packet the node sends on the database link (`true`: a FIFO of length 0, which Linux never
        /// bypasses), or none (`false`).
        func cut(_ cut: Bool) throws {
            if cut {
                try inside("tc", "qdisc", "add", "dev", "db0", "root", "pfifo", "limit", "0")
            } else {
                try inside("tc", "qdisc", "del", "dev", "db0", "root")
            }
        }

        func remove() {
            try? Self.ip("netns", "del", namespace)
            try? Self.ip("link", "del", apiInterface)
            try? Self.ip("link", "del", databaseInterface)
        }

        func inside(_ arguments: String...) throws {
            try ExternalPeer.run("/usr/sbin/ip", ["netns", "exec", namespace] + arguments)
        }

        /// `ip` (iproute2; the test needs root for namespaces and `tc`).
        static func ip(_ arguments: String...) throws { try ExternalPeer.run("/usr/sbin/ip", arguments) }
    }

    static func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
        let started = ContinuousClock.now
        let value = try await body()
        return (value, ContinuousClock.now - started)
    }

    @Test func aNodeCutOffFromTheDatabaseAnswers503QuicklyAndRecovers() async throws {
        let link = try Link()
        defer { link.remove() }
        let script = try ScriptTestChain.repositoryRoot(containing: PostgresTestCluster.script)
            .appendingPathComponent(PostgresTestCluster.script)
        let cluster = try ScriptServer.launch(
            script: script,
            arguments: ["serve", "--listen", link.databaseAddress, "--allow", link.databaseNetwork],
            interpreter: "bash", startupTimeout: 120)
        // The cluster's URL names 127.0.0.1; the node reaches the same server through the link.
        let url = cluster.url.absoluteString.replacingOccurrences(of: "@127.0.0.1:", with: "@\(link.databaseAddress):")
        let base = CLI.temporaryFile("netcut")
        try PostgresCommandTests.writeKeyFile(base + "-master.key")
        let node = try ServerProcess(
            dataDirectory: base + "-node",
            arguments: [
                "--store", url, "--master-key-file", base + "-master.key", "--public-url",
                MultiNodeFaultTests.publicURL, "--ip-rate-limit", "off", "--wallet-rate-limit", "1000000/1",
            ],
            host: link.nodeAddress, launcher: ["/usr/sbin/ip", "netns", "exec", link.namespace])
        defer { PostgresCommandTests.stop(node) }
        try await node.waitUntilReady()
        let client = GuardianAPIClient(baseURL: URL(string: node.url)!, session: MultiNodeFaultTests.session)

        // Linked: a cosign goes through.
        let wallet = try await MultiNodeFaultTests.enroll(client)
        try await MultiNodeFaultTests.waitForFreshStep(leaving: 25)
        let first = await MultiNodeFaultTests.cosign(
            client, wallet, transaction: try MultiNodeFaultTests.transaction(wallet),
            code: try wallet.totp.code(at: Int64(Date().timeIntervalSince1970)))
        guard case .accepted = first else {
            Issue.record("a cosign before the cut was refused: \(first)")
            return
        }

        // Cut: readiness and cosigns answer 503 within the store's deadline; none hangs, none is accepted.
        try link.cut(true)
        let (ready, readyTime) = await Self.timed { await PostgresCommandTests.readyStatus(node) }
        let (answers, cosignTime) = await Self.timed {
            await withTaskGroup(of: MultiNodeFaultTests.Answer.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        await MultiNodeFaultTests.cosign(
                            client, wallet, transaction: (try? MultiNodeFaultTests.transaction(wallet)) ?? "",
                            code: (try? wallet.totp.code(at: Int64(Date().timeIntervalSince1970 + 30))) ?? "")
                    }
                }
                return await group.reduce(into: [MultiNodeFaultTests.Answer]()) { $0.append($1) }
            }
        }
        let health = await Self.timed {
            try? await URLSession.shared.data(from: URL(string: node.url + "/healthz")!)
        }
        print(
            "network cut: /readyz \(ready.map(String.init) ?? "none") after \(readyTime); 8 cosigns \(Set(answers)) after \(cosignTime); /healthz after \(health.1)"
        )
        #expect(ready == 503)
        #expect(readyTime < .seconds(6), "readiness answered at its 3 s deadline, not the store's 10 s")
        #expect(answers.allSatisfy { $0 == .refused(status: 503, code: "storage_unavailable") }, "\(answers)")
        #expect(cosignTime < .seconds(25), "cosigns answered within the store's deadline, not hung")
        #expect(health.0.map { ($0.1 as? HTTPURLResponse)?.statusCode } == 200, "/healthz does not need the database")

        // The link returns: the node serves again by itself.
        try link.cut(false)
        let restored = ContinuousClock.now
        var recovered = false
        while !recovered, ContinuousClock.now - restored < .seconds(60) {
            recovered = await PostgresCommandTests.readyStatus(node) == 200
            if !recovered { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(recovered, "ready again within 60 s of the link's return")
        try await MultiNodeFaultTests.waitForFreshStep(leaving: 20)
        let (after, afterTime) = await Self.timed {
            await MultiNodeFaultTests.cosign(
                client, wallet, transaction: (try? MultiNodeFaultTests.transaction(wallet)) ?? "",
                code: (try? wallet.totp.code(at: Int64(Date().timeIntervalSince1970))) ?? "")
        }
        print(
            "network cut: ready again \(ContinuousClock.now - restored) after the link returned; cosign \(after) in \(afterTime)"
        )
        if case .accepted = after {
        } else {
            // The step of the first cosign may still be the current one: a refusal as already used is the store
            // answering, which is what recovery means; anything else is not.
            #expect(after == .refused(status: 409, code: "code_already_used"), "\(after)")
        }
        _ = cluster
    }
}
