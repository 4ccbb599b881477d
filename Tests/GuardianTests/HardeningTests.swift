import ChainKit
import Foundation
import GuardianTestSupport
import OTP
import Testing

@testable import Guardian

/// Regression tests for the defects found by attacking the guardian from outside (issue 11), at the domain level.
@Suite struct HardeningTests {
    // MARK: Small-order wallets

    @Test func smallOrderAndNonCanonicalWalletsCannotSignInOrEnroll() async throws {
        let harness = try await GuardianHarness.make()
        // The all-zero address (y = 0, order 4), the identity, the order-2 point, the order-8 points, y = p (non-canonical).
        let addresses = [
            [UInt8](repeating: 0, count: 32),
            [0x01] + [UInt8](repeating: 0, count: 31),
            [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
            [
                0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
                0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x85,
            ],
            [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        ]
        for bytes in addresses {
            let address = try SolanaPublicKey(bytes: bytes).base58
            let error = await guardianError { try await harness.service.challenge(wallet: address) }
            #expect(error?.code == .invalidWalletAddress, "\(address)")
            #expect(error?.message.contains("small-order") == true)
        }
        #expect(SolanaPublicKey.zero.base58 == "11111111111111111111111111111111")
    }

    // A session logged out in flight: StoreGuardianTests.loggedOutSessionsCommitNothing(store:), on every store.

    // MARK: Configuration cannot trap

    @Test func invalidBucketsAndDurationsAreRefusedAtStart() async throws {
        let bad: [(inout GuardianConfiguration) -> Void] = [
            { $0.clientIPRateLimit = TokenBucketPolicy(capacity: 1, per: .infinity) },
            { $0.clientIPRateLimit = TokenBucketPolicy(capacity: .nan, per: 60) },
            { $0.apiKeyRateLimit = TokenBucketPolicy(capacity: 0, per: 60) },
            { $0.walletRateLimit = TokenBucketPolicy(capacity: 10, per: 0) },
            { $0.walletRateLimit = TokenBucketPolicy(capacity: 10, per: -1) },
            { $0.governance.breakGlassRateLimit = TokenBucketPolicy(capacity: 1e300, per: 1) },
            { $0.sessionLifetime = .infinity },
            { $0.governance.plannedRotationDelay = .nan },
            { $0.lockout = LockoutPolicy(freeFailures: Int.max) },
            { $0.lockout = LockoutPolicy(initialLock: .infinity) },
        ]
        for (index, adjust) in bad.enumerated() {
            let error = await guardianError { try await GuardianHarness.make(configure: adjust) }
            #expect(error?.code == .invalidConfiguration, "case \(index)")
        }
    }

    @Test func retryAfterNeverTraps() {
        let limiter = InMemoryRateLimiter()
        let slow = TokenBucketPolicy(capacity: 1, per: 1e9)
        let now = Date(timeIntervalSince1970: 1_900_000_000)
        #expect(limiter.acquire(.clientIP, key: "a", policy: slow, at: now) == .allowed)
        #expect(
            limiter.acquire(.clientIP, key: "a", policy: slow, at: now) == .limited(retryAfterSeconds: 1_000_000_000))
        // Policies that validation refuses still do not trap if a library user calls the limiter directly.
        let absurd = TokenBucketPolicy(capacity: 1, per: .infinity)
        #expect(limiter.acquire(.clientIP, key: "b", policy: absurd, at: now) == .allowed)
        #expect(limiter.acquire(.clientIP, key: "b", policy: absurd, at: now) == .limited(retryAfterSeconds: Int.max))
        #expect(Int(saturatingSecondsUp: .nan) == 0)
        #expect(Int(saturatingSecondsUp: -.infinity) == 0)
        #expect(Int(saturatingSecondsUp: .infinity) == Int.max)
        #expect(Int(saturatingSecondsUp: 1e300) == Int.max)
        #expect(Int(saturatingSecondsUp: 0.2) == 1)
    }

    // MARK: Master key creation races

    @Test func masterKeyCreationRacingOnAFreshDirectoryEndsWithOneKey() throws {
        for _ in 0..<20 {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "cg-race-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let results = Locked<[String]>([])
            let group = DispatchGroup()
            for _ in 0..<8 {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    if let key = try? FileMasterKeyProvider(directory: directory).candidateKeys(creatingIfMissing: true)
                        .first
                    {
                        results.withLock { $0.append(key.id) }
                    }
                }
            }
            group.wait()
            let ids = results.withLock { $0 }
            #expect(ids.count == 8, "every racer ends with a key")
            #expect(Set(ids).count == 1, "and it is the same key")
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(files == [FileMasterKeyProvider.fileName], "no temporary files left: \(files)")
            #expect(
                try FileMasterKeyProvider(directory: directory).candidateKeys(creatingIfMissing: false).first?.id
                    == ids.first)
        }
    }

    // MARK: Fair, bounded scrypt

    @Test func theSchedulerRunsOneJobPerClientRoundRobinAndBoundsTheQueue() async throws {
        let scheduler = FairWorkScheduler(slots: 1, maximumWaiting: 4, maximumWaitingPerClient: 4)
        let order = Locked<[String]>([])
        let gate = DispatchSemaphore(value: 0)
        // A blocks the only slot until released; then A queues 3 more, B one: B must run right after A's first.
        let first = Task {
            try await scheduler.run(client: "A") {
                gate.wait()
                order.withLock { $0.append("A0") }
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        var tasks: [Task<Void, any Error>] = []
        for index in 1...3 {
            tasks.append(Task { try await scheduler.run(client: "A") { order.withLock { $0.append("A\(index)") } } })
            try await Task.sleep(for: .milliseconds(10))
        }
        tasks.append(Task { try await scheduler.run(client: "B") { order.withLock { $0.append("B0") } } })
        try await Task.sleep(for: .milliseconds(50))
        // Four wait: a fifth is refused at once.
        let refused = await guardianError { try await scheduler.run(client: "C") { 0 } }
        #expect(refused?.code == .serviceBusy)
        #expect(refused?.retryAfterSeconds != nil)
        gate.signal()
        try await first.value
        for task in tasks { try await task.value }
        #expect(order.withLock { $0 } == ["A0", "B0", "A1", "A2", "A3"])
    }

    @Test func oneClientCannotFillTheQueue() async throws {
        let scheduler = FairWorkScheduler(slots: 1, maximumWaiting: 8, maximumWaitingPerClient: 2)
        let gate = DispatchSemaphore(value: 0)
        let first = Task { try await scheduler.run(client: "A") { gate.wait() } }
        try await Task.sleep(for: .milliseconds(50))
        let waiting = (0..<2).map { _ in Task { try await scheduler.run(client: "A") {} } }
        try await Task.sleep(for: .milliseconds(50))
        // A's third waiting job is refused; B still gets a place in the queue.
        #expect(await guardianError { try await scheduler.run(client: "A") {} }?.code == .serviceBusy)
        let other = Task { try await scheduler.run(client: "B") { 1 } }
        try await Task.sleep(for: .milliseconds(50))
        gate.signal()
        try await first.value
        for task in waiting { try await task.value }
        #expect(try await other.value == 1)
    }

    @Test func aFloodOfConfirmationsDoesNotStarveAnotherClientsConfirmation() async throws {
        // N = 2^12, ten hashes a confirmation (~1 s in a debug build): long enough that scheduling, not noise, decides.
        let harness = try await GuardianHarness.make {
            $0.governance.recoveryCodeScrypt = ScryptParameters(logN: 12, r: 8, p: 1)
            $0.governance.scryptSlots = 2
        }
        let service = harness.service
        let clock = harness.clock
        func pendingWallet() async throws -> PendingWallet {
            let owner = SolanaKeypair()
            let session = try await harness.login(owner)
            let start = try await service.beginEnrollment(session: session, wallet: owner.publicKey.base58)
            return PendingWallet(
                owner: owner, session: session, totp: try OTPAuthURI(parsing: start.otpauthURI).totp()!)
        }
        @Sendable func confirm(_ wallet: PendingWallet, client: String) async throws -> Duration {
            let code = try wallet.totp.code(at: clock.unixSeconds())
            let start = ContinuousClock.now
            _ = try await service.confirmEnrollment(
                session: wallet.session, wallet: wallet.owner.publicKey.base58, code: code, clientIP: client)
            return ContinuousClock.now - start
        }
        var ratios: [Double] = []
        for _ in 0..<2 {  // the better of two rounds: a shared CI machine may stall one
            let idle = try await confirm(try await pendingWallet(), client: "victim")
            var flood: [PendingWallet] = []
            for _ in 0..<6 { flood.append(try await pendingWallet()) }
            let attackers = Task {
                try await withThrowingTaskGroup(of: Duration.self) { group in
                    for wallet in flood { group.addTask { try await confirm(wallet, client: "attacker") } }
                    return try await group.reduce(.zero, +)
                }
            }
            try await Task.sleep(for: .milliseconds(100))  // the flood is queued first
            let victim = try await confirm(try await pendingWallet(), client: "victim")
            _ = try await attackers.value
            ratios.append(victim / idle)
            if ratios.last! < 2 { break }
        }
        #expect(ratios.min()! < 2, "victim's confirmation took \(ratios) × its idle time under a flood")
    }
}

/// An enrollment waiting for its first code.
struct PendingWallet: @unchecked Sendable {
    let owner: SolanaKeypair
    let session: Session
    let totp: TOTP
}
