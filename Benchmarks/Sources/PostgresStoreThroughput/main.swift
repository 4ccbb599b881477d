import ChainKit
import Foundation
import Guardian
import GuardianPostgres
import OTP

// MARK: - The PostgreSQL store's commit path
//
// Measures `commitCosign` (the durable burn: session-free, policy-free, one audit event) on PostgresGuardianStore with
// group commit, spread over N store instances (N pools, as N guardian nodes have), on distinct wallets with a bounded
// number of calls in flight; prints commits/s, p50/p99 latency and the batch factor. The wallets are enrolled through
// the store first (not timed). Each run uses a schema of its own (`bench_…`) in the database of the URL.
//
// Usage: CHRONOGUARD_POSTGRES_URL=postgres://… PostgresStoreThroughput [nodes=1] [commits=5000] [concurrency=128]
//   [maximumBatch=64] (1: one transaction, one WAL flush per commit — the store without group commit)
//   (scripts/postgres-test-cluster.sh start prints such a URL)

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let nodeCount = max(1, arguments.count > 0 ? arguments[0] : 1)
let total = max(1, arguments.count > 1 ? arguments[1] : 5_000)
let concurrency = max(1, arguments.count > 2 ? arguments[2] : 128)
let maximumBatch = max(1, arguments.count > 3 ? arguments[3] : PostgresGuardianStore.Options().maximumBatch)
guard let url = ProcessInfo.processInfo.environment["CHRONOGUARD_POSTGRES_URL"], !url.isEmpty else {
    FileHandle.standardError.write(
        Data("set CHRONOGUARD_POSTGRES_URL (scripts/postgres-test-cluster.sh start prints one)\n".utf8))
    exit(2)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
}

var options = PostgresGuardianStore.Options()
options.schema = "bench_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
options.maximumBatch = maximumBatch
var stores: [PostgresGuardianStore] = []
for _ in 0..<nodeCount { stores.append(try await PostgresGuardianStore.open(url: url, options: options)) }
let nodes = stores
let sealer = AuditSealer(key: .init(size: .bits256))
let guardian = SolanaKeypair().publicKey
let blockhash = try SolanaBlockhash(bytes: [UInt8](repeating: 2, count: 32))
let wallets = (0..<total).map { _ in SolanaKeypair().publicKey }

// MARK: Setup (not timed): a pending enrollment and its activation per wallet, through the store.

print("schema \(options.schema!): enrolling \(total) wallets over \(nodeCount) node(s)…")
let setupStart = ContinuousClock.now
await withTaskGroup(of: Void.self) { group in
    var next = 0
    func add() {
        let index = next
        next += 1
        let store = nodes[index % nodes.count]
        let wallet = wallets[index]
        group.addTask {
            let record = WalletRecord(
                wallet: wallet, state: .pending, guardianPublicKey: guardian,
                keys: SealedWalletKeys(
                    masterKeyID: "bench", wrappedDataKey: [1], sealedTOTPSecret: [2], sealedGuardianSeed: [3]),
                totp: TOTPParameters(algorithm: .sha1, digits: 6, period: 30), lastAcceptedStep: nil,
                lockout: LockoutState(), createdAt: Date(), activatedAt: nil)
            let audit = AuditAppend(
                sealer: sealer, events: [AuditEvent(.enrollmentStarted, at: Date(), wallet: wallet)])
            _ = try! await store.savePendingEnrollment(record, session: nil, audit: audit)
            let codes = RecoveryCodeSet(
                id: UUID().uuidString, salt: [1], parameters: ScryptParameters(logN: 4, r: 8, p: 1),
                hashes: [[UInt8](repeating: 9, count: 32)], usedAt: [nil], createdAt: Date())
            _ = try! await store.activateEnrollment(
                wallet: wallet, guardianPublicKey: guardian, step: 1, at: Date(), recoveryCodes: codes, session: nil,
                audit: AuditAppend(
                    sealer: sealer, events: [AuditEvent(.enrollmentConfirmed, at: Date(), wallet: wallet)]))
        }
    }
    while next < min(concurrency, total) { add() }
    for await _ in group where next < total { add() }
}
print(String(format: "setup: %.1f s", seconds(ContinuousClock.now - setupStart)))

// MARK: The commits

let before = nodes.map(\.statistics)
let start = ContinuousClock.now
let latencies = await withTaskGroup(of: (Double, Bool).self) { group in
    var results: [Double] = []
    var failures = 0
    var next = 0
    func add() {
        let index = next
        next += 1
        let store = nodes[index % nodes.count]
        let wallet = wallets[index]
        group.addTask {
            let began = ContinuousClock.now
            let record = CosignRecord(
                operationID: UUID().uuidString, wallet: wallet, guardianPublicKey: guardian, step: 2,
                messageHash: [UInt8](repeating: 1, count: 32), recentBlockhash: blockhash, signature: .empty,
                createdAt: Date(), timeline: "")
            let outcome = try? await store.commitCosign(
                CosignCommit(wallet: wallet, step: 2, record: record),
                audit: AuditAppend(sealer: sealer, events: [AuditEvent(.cosignCompleted, at: Date(), wallet: wallet)]))
            return (seconds(ContinuousClock.now - began) * 1_000, outcome == .committed)
        }
    }
    while next < min(concurrency, total) { add() }
    for await (latency, ok) in group {
        results.append(latency)
        if !ok { failures += 1 }
        if next < total { add() }
    }
    if failures > 0 { print("failures: \(failures)") }
    return results.sorted()
}
let elapsed = seconds(ContinuousClock.now - start)
let after = nodes.map(\.statistics)
let batches = zip(before, after).map { $1.transactions - $0.transactions }.reduce(0, +)
let mutations = zip(before, after).map { $1.mutations - $0.mutations }.reduce(0, +)
print(
    String(
        format:
            "commitCosign: %d node(s), %d in flight, batches ≤ %d: %.0f commits/s, p50 %.1f ms, p99 %.1f ms; %d batches, %.1f per batch",
        nodeCount, concurrency, maximumBatch, Double(total) / elapsed, percentile(latencies, 0.5),
        percentile(latencies, 0.99),
        batches, Double(mutations) / Double(max(1, batches))))
for store in nodes { await store.close() }
