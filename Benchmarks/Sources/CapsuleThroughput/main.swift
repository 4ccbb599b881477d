import ChainKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Guardian
import GuardianSQLite
import OTP

// MARK: - Capsule throughput on the SQLite store
//
// Measures complete cosigns (session check, rate limits, lockout, transaction parse, TOTP verify, AES-GCM unwrap of
// the data key and the two secrets, Ed25519 signing, and the durable burn with group commit) against the SQLite
// store in a fresh data directory, with many wallets and a bounded number of requests in flight. Then the commit
// path alone (store.commitCosign, no crypto), to show what the store sustains by itself.
//
// Usage: CapsuleThroughput [wallets=2000] [rounds=5] [concurrency=128]

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let walletCount = arguments.count > 0 ? arguments[0] : 2_000
let rounds = arguments.count > 1 ? arguments[1] : 5
let concurrency = arguments.count > 2 ? arguments[2] : 128

struct Wallet: @unchecked Sendable {
    let owner: SolanaKeypair
    let address: String
    let session: Session
    let totp: TOTP
    let transaction: String
}

/// Process CPU time (user + system) in seconds: robust to other load on a shared machine, unlike wall time.
func cpuSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

/// Runs `work` for every index with at most `limit` in flight; returns per-call latencies in milliseconds.
func run(_ count: Int, limit: Int, _ work: @escaping @Sendable (Int) async -> Bool) async -> (latencies: [Double], failures: Int) {
    await withTaskGroup(of: (Double, Bool).self) { group in
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        var failures = 0
        var next = 0
        func add() {
            let index = next
            next += 1
            group.addTask {
                let start = ContinuousClock.now
                let ok = await work(index)
                let elapsed = ContinuousClock.now - start
                return (Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15, ok)
            }
        }
        while next < min(limit, count) { add() }
        for await (latency, ok) in group {
            latencies.append(latency)
            if !ok { failures += 1 }
            if next < count { add() }
        }
        return (latencies, failures)
    }
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("guardian-bench-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(at: directory) }
let store = try await SQLiteGuardianStore.open(directory: directory)
let clock = ManualClock(unixSeconds: 1_900_000_005)
var configuration = GuardianConfiguration(signIn: .init(domain: "guardian.bench", uri: "https://guardian.bench", chainID: .devnet))
configuration.sessionLifetime = 86_400
configuration.walletRateLimit = TokenBucketPolicy(capacity: 1_000_000, per: 1)
configuration.clientIPRateLimit = nil
configuration.apiKeyRateLimit = nil
configuration.governance.recoveryCodeScrypt = ScryptParameters(logN: 4, r: 8, p: 1)   // setup only; cosigns never hash them
let service = try await GuardianService.start(store: store, keyProvider: FileMasterKeyProvider(directory: directory), configuration: configuration, clock: clock)

// MARK: Setup: sign in and enroll every wallet (concurrently; not timed as cosigns)

print("enrolling \(walletCount) wallets…")
let setupStart = ContinuousClock.now
let enrolled = await withTaskGroup(of: Wallet.self) { group in
    for _ in 0..<walletCount {
        group.addTask {
            let owner = SolanaKeypair()
            let challenge = try! await service.challenge(wallet: owner.publicKey.base58)
            let grant = try! await service.verifyChallenge(id: challenge.id, signature: owner.sign(Array(challenge.message.utf8)))
            let session = try! await service.authenticate(token: grant.token)
            let start = try! await service.beginEnrollment(session: session, wallet: owner.publicKey.base58)
            let totp = try! OTPAuthURI(parsing: start.otpauthURI).totp()!
            _ = try! await service.confirmEnrollment(session: session, wallet: owner.publicKey.base58, code: totp.code(at: clock.unixSeconds()))
            let program = try! SolanaPublicKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })
            let message = try! SolanaMessage(
                version: .v0,
                header: .init(numRequiredSignatures: 2, numReadonlySignedAccounts: 0, numReadonlyUnsignedAccounts: 1),
                staticAccountKeys: [owner.publicKey, start.guardianPublicKey, program],
                recentBlockhash: SolanaBlockhash(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) }),
                instructions: [.init(programIDIndex: 2, accountIndexes: [0, 1], data: Array(repeating: 7, count: 64))])
            let transaction = Data(try! SolanaTransaction(message: message).serialized()).base64EncodedString()
            return Wallet(owner: owner, address: owner.publicKey.base58, session: session, totp: totp, transaction: transaction)
        }
    }
    var wallets: [Wallet] = []
    for await wallet in group { wallets.append(wallet) }
    return wallets
}
func seconds(_ duration: Duration) -> Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }
print(String(format: "setup: %.1f s", seconds(ContinuousClock.now - setupStart)))

// MARK: Full cosigns

var all: [Double] = []
var failures = 0
let statsBefore = store.commitStatistics
let cpuStart = cpuSeconds()
let wallStart = ContinuousClock.now
for _ in 0..<rounds {
    clock.advance(by: 30)   // a fresh step for every wallet; codes are the client's work, computed before timing
    let now = clock.unixSeconds()
    let codes = enrolled.map { try! $0.totp.code(at: now) }
    let result = await run(enrolled.count, limit: concurrency) { index in
        let wallet = enrolled[index]
        return (try? await service.cosign(session: wallet.session, wallet: wallet.address, transactionBase64: wallet.transaction, code: codes[index], apiKey: "bench")) != nil
    }
    all += result.latencies
    failures += result.failures
}
let wall = ContinuousClock.now - wallStart
let wallSeconds = seconds(wall)
let cpuPerCosign = (cpuSeconds() - cpuStart) / Double(rounds * enrolled.count)
let statsAfter = store.commitStatistics
all.sort()
print("full cosigns: \(all.count) in \(String(format: "%.2f", wallSeconds)) s → \(Int(Double(all.count) / wallSeconds)) cosigns/s (\(failures) failed)")
print(String(format: "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  (concurrency %d)", percentile(all, 0.5), percentile(all, 0.9), percentile(all, 0.99), all.last ?? 0, concurrency))
print(String(format: "CPU per cosign: %.0f µs (all threads) → %.0f cosigns/s per core", cpuPerCosign * 1e6, 1 / cpuPerCosign))
let transactions = statsAfter.transactions - statsBefore.transactions
let mutations = statsAfter.mutations - statsBefore.mutations
print(String(format: "group commit: %d mutations in %d transactions (%.1f per fsync)", mutations, transactions, Double(mutations) / Double(max(1, transactions))))

// MARK: Open loop: a fixed arrival rate, latency measured from each request's scheduled start

let rate = 1_000.0
let openLoopCount = min(enrolled.count, 2_000)
clock.advance(by: 30)
let openNow = clock.unixSeconds()
let openCodes = enrolled.prefix(openLoopCount).map { try! $0.totp.code(at: openNow) }
let openStart = ContinuousClock.now
let openLatencies = await withTaskGroup(of: Double.self) { group in
    for index in 0..<openLoopCount {
        let scheduled = openStart + .nanoseconds(Int64(Double(index) / rate * 1e9))
        try? await Task.sleep(until: scheduled, clock: .continuous)
        let wallet = enrolled[index], code = openCodes[index]
        group.addTask {
            _ = try? await service.cosign(session: wallet.session, wallet: wallet.address, transactionBase64: wallet.transaction, code: code)
            return seconds(ContinuousClock.now - scheduled) * 1_000
        }
    }
    var latencies: [Double] = []
    for await latency in group { latencies.append(latency) }
    return latencies.sorted()
}
print(String(format: "open loop at %.0f/s: %d cosigns, latency ms p50 %.2f  p99 %.2f  max %.2f", rate, openLatencies.count, percentile(openLatencies, 0.5), percentile(openLatencies, 0.99), openLatencies.last ?? 0))

// MARK: Commit path alone

let sealer = AuditSealer(key: .init(size: .bits256))
let commitStart = ContinuousClock.now
let commitCPUStart = cpuSeconds()
var commitLatencies: [Double] = []
for round in 0..<rounds {
    let step = UInt64(clock.unixSeconds() / 30) + 1_000 + UInt64(round)
    let result = await run(enrolled.count, limit: concurrency) { index in
        let wallet = enrolled[index]
        let record = CosignRecord(
            operationID: "bench-\(round)-\(index)", wallet: wallet.owner.publicKey, guardianPublicKey: wallet.owner.publicKey, step: step,
            messageHash: [UInt8](repeating: 1, count: 32), recentBlockhash: try! SolanaBlockhash(bytes: [UInt8](repeating: 2, count: 32)),
            signature: try! SolanaSignature(bytes: [UInt8](repeating: 3, count: 64)), createdAt: Date(), timeline: "created@0")
        let event = AuditEvent(.cosignCompleted, at: Date(), wallet: wallet.owner.publicKey, operationID: record.operationID, detail: ["step": String(step)])
        let outcome = try? await store.commitCosign(CosignCommit(wallet: wallet.owner.publicKey, step: step, record: record), audit: AuditAppend(sealer: sealer, events: [event]))
        return outcome == .committed
    }
    commitLatencies += result.latencies
    failures += result.failures
}
let commitWall = ContinuousClock.now - commitStart
let commitSeconds = seconds(commitWall)
let commitCPU = (cpuSeconds() - commitCPUStart) / Double(rounds * enrolled.count)
commitLatencies.sort()
print("commit path only: \(commitLatencies.count) in \(String(format: "%.2f", commitSeconds)) s → \(Int(Double(commitLatencies.count) / commitSeconds)) commits/s; p50 \(String(format: "%.2f", percentile(commitLatencies, 0.5))) ms, p99 \(String(format: "%.2f", percentile(commitLatencies, 0.99))) ms; CPU \(Int(commitCPU * 1e6)) µs per commit")
store.close()
