import ChainKit
import Crypto
import Foundation
import Guardian
import GuardianTestSupport
import Testing

/// Progressive lockout (NIST SP 800-63B §5.2.2) and token-bucket rate limits.
@Suite struct LockoutAndRateLimitTests {
    @Test func lockDurationsDoubleFromOneMinuteToOneHour() {
        let policy = LockoutPolicy()
        let durations = (1...12).map { policy.lockDuration(afterConsecutiveFailures: $0) }
        #expect(durations == [nil, nil, 60, 120, 240, 480, 960, 1_920, 3_600, 3_600, 3_600, 3_600])
        #expect(policy.lockDuration(afterConsecutiveFailures: 10_000) == 3_600)
        #expect(policy.disableAfter == 100)
        #expect(!policy.isDisabled(LockoutState(consecutiveFailures: 99)))
        #expect(policy.isDisabled(LockoutState(consecutiveFailures: 100)))
    }

    @Test(arguments: StoreKind.allCases) func wrongCodesLockProgressivelyAndASuccessResets(store: StoreKind)
        async throws
    {
        let metrics = MetricsLog()
        let harness = try await store.harness(metrics: metrics) {
            $0.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1)
        }
        let wallet = try await harness.enroll()
        let tx = try TransactionFactory.standard(for: wallet)
        func attempt(_ code: String) async -> GuardianError? {
            await guardianError {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: code)
            }
        }
        #expect(await attempt(try harness.wrongCode(wallet))?.message.contains("2 more") == true)
        #expect(await attempt(try harness.wrongCode(wallet))?.message.contains("1 more") == true)
        // 3rd: locked 60 s
        #expect(await attempt(try harness.wrongCode(wallet))?.message.contains("now locked") == true)
        var error = await attempt(try harness.nextCode(wallet))  // even a right code is refused while locked
        #expect(error?.code == .walletLocked && error?.retryAfterSeconds == 30)
        harness.clock.advance(by: 30)
        #expect(await attempt(try harness.wrongCode(wallet))?.code == .invalidCode)  // 4th: 120 s
        error = await attempt(try harness.currentCode(wallet))
        #expect(error?.code == .walletLocked && error?.retryAfterSeconds == 120)
        #expect(try await harness.service.guardianStatus(wallet: wallet.address).lockedUntil != nil)
        harness.clock.advance(by: 120)
        // A right code after the lock: accepted, and the count resets.
        _ = try await harness.service.cosign(
            session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: harness.currentCode(wallet))
        #expect(try await harness.store.wallet(wallet.owner.publicKey)?.lockout == .clear)
        #expect(try await harness.service.guardianStatus(wallet: wallet.address).lockedUntil == nil)
        #expect(metrics.lockouts.map(\.0) == [3, 4])
    }

    @Test(arguments: StoreKind.allCases) func concurrentWrongGuessesAreCountedOneByOne(store: StoreKind) async throws {
        let harness = try await store.harness { $0.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1) }
        let wallet = try await harness.enroll()
        let tx = try TransactionFactory.standard(for: wallet)
        let wrong = try harness.wrongCode(wallet)
        let service = harness.service
        let outcomes = await withTaskGroup(of: GuardianError.Code?.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    await errorCode {
                        try await service.cosign(
                            session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: wrong)
                    }
                }
            }
            return await group.reduce(into: [GuardianError.Code?]()) { $0.append($1) }
        }
        // Exactly the free failures plus the one that locks get evaluated; the rest meet the lock.
        #expect(outcomes.filter { $0 == .invalidCode }.count == 3)
        #expect(outcomes.filter { $0 == .walletLocked }.count == 37)
        #expect(try await harness.store.wallet(wallet.owner.publicKey)?.lockout.consecutiveFailures == 3)
    }

    @Test(arguments: StoreKind.allCases) func aHundredConsecutiveFailuresDisableTheWalletUntilUnlocked(store: StoreKind)
        async throws
    {
        let metrics = MetricsLog()
        let harness = try await store.harness(metrics: metrics) {
            $0.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1)
            $0.sessionLifetime = 86_400 * 10
        }
        let wallet = try await harness.enroll()
        let tx = try TransactionFactory.standard(for: wallet)
        for attempt in 1...100 {
            let code = await errorCode {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address, transactionBase64: tx,
                    code: harness.wrongCode(wallet))
            }
            #expect(code == .invalidCode, "attempt \(attempt)")
            harness.clock.advance(by: 3_600)  // wait out every lock
        }
        let error = await guardianError {
            try await harness.service.cosign(
                session: wallet.session, wallet: wallet.address, transactionBase64: tx,
                code: harness.currentCode(wallet))
        }
        #expect(error?.code == .walletDisabled && error?.retryAfterSeconds == nil)
        harness.clock.advance(by: 86_400 * 30)
        let session = try await harness.login(wallet.owner)
        #expect(
            await errorCode {
                try await harness.service.cosign(
                    session: session, wallet: wallet.address, transactionBase64: tx, code: harness.currentCode(wallet))
            } == .walletDisabled)
        #expect(try await harness.service.guardianStatus(wallet: wallet.address).disabled)
        #expect(metrics.lockouts.last.map { $0 == (100, true) } == true)

        try await harness.service.unlockWallet(wallet.address, reason: "owner verified by support ticket 4711")
        _ = try await harness.service.cosign(
            session: session, wallet: wallet.address, transactionBase64: tx, code: harness.currentCode(wallet))
    }

    @Test(arguments: StoreKind.allCases) func walletBucketAllowsTenPerFiveMinutes(store: StoreKind) async throws {
        let metrics = MetricsLog()
        let harness = try await store.harness(metrics: metrics)
        let wallet = try await harness.enroll()
        let tx = try TransactionFactory.standard(for: wallet)
        // The confirmation took one token; nine more requests fill the bucket of ten.
        for _ in 0..<9 {
            // Malformed-code requests still take a token: the limit counts requests, not outcomes.
            #expect(
                await errorCode {
                    try await harness.service.cosign(
                        session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: "x")
                } == .invalidRequest)
        }
        let error = await guardianError {
            try await harness.service.cosign(
                session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: "x")
        }
        #expect(error?.code == .rateLimited && error?.retryAfterSeconds == 30)  // 300 s / 10 tokens
        _ = try await harness.service.cosign(
            // 30 s later: one token
            session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: harness.nextCode(wallet))
        #expect(metrics.rateLimits == [.wallet])
    }

    @Test(arguments: StoreKind.allCases) func clientIPAndAPIKeyBucketsAreSeparate(store: StoreKind) async throws {
        let harness = try await store.harness {
            $0.clientIPRateLimit = TokenBucketPolicy(capacity: 2, per: 60)
            $0.apiKeyRateLimit = TokenBucketPolicy(capacity: 3, per: 60)
        }
        let wallet = try await harness.enroll()
        let tx = try TransactionFactory.standard(for: wallet)
        func attempt(ip: String?, key: String?) async -> GuardianError.Code? {
            await errorCode {
                try harness.service.admit(clientIP: ip)
                return try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: "x", apiKey: key)
            }
        }
        #expect(await attempt(ip: "192.0.2.1", key: nil) == .invalidRequest)
        #expect(await attempt(ip: "192.0.2.1", key: nil) == .invalidRequest)
        #expect(await attempt(ip: "192.0.2.1", key: nil) == .rateLimited)
        #expect(await attempt(ip: "192.0.2.2", key: "k") == .invalidRequest)
        #expect(await attempt(ip: "192.0.2.3", key: "k") == .invalidRequest)
        #expect(await attempt(ip: "192.0.2.4", key: "k") == .invalidRequest)
        #expect(await attempt(ip: "192.0.2.5", key: "k") == .rateLimited)
    }

    @Test func tokenBucketRefillsContinuouslyAndCapsBursts() {
        let limiter = InMemoryRateLimiter()
        let policy = TokenBucketPolicy(capacity: 3, per: 300)  // seed 002: 3 per 5 min, one per 100 s
        let start = Date(timeIntervalSince1970: 1_000_000)
        var allowed = 0
        // Over 1,000 s with a request every second: the burst of 3, then one per 100 s.
        for second in 0..<1_000 {
            if limiter.acquire(.wallet, key: "w", policy: policy, at: start + TimeInterval(second)) == .allowed {
                allowed += 1
            }
        }
        #expect(allowed == 3 + 9)
        // A clock moving backwards refills nothing.
        #expect(limiter.acquire(.wallet, key: "w", policy: policy, at: start) != .allowed)
    }

    @Test func limiterForgetsOnlyFullBuckets() {
        let limiter = InMemoryRateLimiter(pruneThreshold: 10)
        let slow = TokenBucketPolicy(capacity: 1, per: 3_600)
        let start = Date(timeIntervalSince1970: 0)
        #expect(limiter.acquire(.clientIP, key: "attacker", policy: slow, at: start) == .allowed)
        // Flood every shard with fast-refilling buckets so pruning runs many times.
        let fast = TokenBucketPolicy(capacity: 1, per: 1)
        for index in 0..<2_000 { _ = limiter.acquire(.apiKey, key: "k\(index)", policy: fast, at: start + 5) }
        // The attacker's empty bucket survived pruning: still limited.
        #expect(limiter.acquire(.clientIP, key: "attacker", policy: slow, at: start + 10) != .allowed)
    }

    /// The store's side of exact lockouts across nodes: a failure recorded `refusingWhileLocked` on a wallet whose
    /// stored state already refuses codes counts nothing and appends nothing; without the flag it counts (the recovery
    /// code and governance paths, whose commits do not re-check the lock).
    @Test(arguments: StoreKind.allCases) func aFailureFoundLockedInTheStoreIsNotCounted(store: StoreKind) async throws {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        let policy = LockoutPolicy()
        let sealer = AuditSealer(key: .init(size: .bits256))
        let now = harness.clock.now()
        func record(refusing: Bool, at time: Date) async throws -> FailedAttemptOutcome? {
            try await harness.store.recordFailedAttempt(
                wallet: wallet.owner.publicKey, at: time, policy: policy, sealer: sealer, refusingWhileLocked: refusing
            ) { state in [AuditEvent(.codeRejected, at: time, detail: ["n": String(state.consecutiveFailures)])] }
        }
        var state = LockoutState.clear
        for _ in 0...policy.freeFailures {
            state = policy.afterFailure(state, at: now)
            #expect(try await record(refusing: true, at: now) == .counted(state))
        }
        let locked = try #require(try await harness.store.wallet(wallet.owner.publicKey)).lockout
        #expect(locked == state && policy.refusesCodes(locked, at: now))
        let audited = try await harness.store.auditRecords(after: 0, limit: 10_000).count
        #expect(try await record(refusing: true, at: now) == .refusedWhileLocked(locked))
        #expect(try await harness.store.wallet(wallet.owner.publicKey)?.lockout == locked, "nothing counted")
        #expect(try await harness.store.auditRecords(after: 0, limit: 10_000).count == audited, "nothing appended")
        // Once the lock has run out, a failure counts again.
        let later = try #require(locked.lockedUntil).addingTimeInterval(1)
        let afterLock = policy.afterFailure(locked, at: later)
        #expect(try await record(refusing: true, at: later) == .counted(afterLock))
        // Without the flag a failure counts whatever the state.
        #expect(policy.refusesCodes(afterLock, at: later))
        #expect(try await record(refusing: false, at: later) == .counted(policy.afterFailure(afterLock, at: later)))
        let unknown = try await harness.store.recordFailedAttempt(
            wallet: SolanaKeypair().publicKey, at: now, policy: policy, sealer: sealer, refusingWhileLocked: true
        ) { _ in [] }
        #expect(unknown == nil)
    }

    /// Wrong codes racing over two services on one store (two nodes): the per-wallet gate of each cannot see the
    /// other's, so both may read the wallet unlocked — yet exactly the policy's count of guesses is answered
    /// `invalid_code` and counted, and every other one is answered `wallet_locked`, as a right code would be then.
    @Test(arguments: StoreKind.allCases) func wrongCodesOverTwoNodesAreEvaluatedNoMoreThanThePolicyAllows(
        store: StoreKind
    ) async throws {
        try await store.withStore { fixture in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            let limits: (inout GuardianConfiguration) -> Void = {
                $0.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1)
            }
            let first = try await fixture.harness(clock: clock, configure: limits)
            let second = try await fixture.harness(clock: clock, configure: limits)
            let wallet = try await first.enroll()
            clock.advance(by: 30)
            let tx = try TransactionFactory.standard(for: wallet)
            let secondSession = try await second.login(wallet.owner)
            let services = [(first.service, wallet.session), (second.service, secondSession)]
            var codes: [String] = []
            for _ in 0..<40 { codes.append(try first.wrongCode(wallet)) }
            let guesses = codes
            let outcomes = await withTaskGroup(of: GuardianError.Code?.self) { group in
                for index in 0..<guesses.count {
                    let (service, session) = services[index % 2]
                    group.addTask {
                        await errorCode {
                            try await service.cosign(
                                session: session, wallet: wallet.address, transactionBase64: tx, code: guesses[index])
                        }
                    }
                }
                return await group.reduce(into: [GuardianError.Code?]()) { $0.append($1) }
            }
            let allowed = LockoutPolicy().freeFailures + 1
            #expect(outcomes.filter { $0 == .invalidCode }.count == allowed, "\(outcomes)")
            #expect(outcomes.filter { $0 == .walletLocked }.count == guesses.count - allowed, "\(outcomes)")
            let stored = try #require(try await first.store.wallet(wallet.owner.publicKey)).lockout
            #expect(stored.consecutiveFailures == allowed)
            let rejected = try await first.store.auditRecords(after: 0, limit: 10_000)
                .filter { $0.event.kind == .codeRejected }.count
            #expect(rejected == allowed)
        }
    }

    /// Across nodes: a wallet locked by wrong codes on another node after this node read it refuses the burn of a right
    /// code; the lock is checked on the stored state inside the commit's transaction, and nothing is consumed.
    @Test(arguments: StoreKind.allCases) func aBurnIsRefusedWhileTheStoredLockoutHolds(store: StoreKind) async throws {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        let policy = LockoutPolicy()
        let sealer = AuditSealer(key: .init(size: .bits256))
        for _ in 0...policy.freeFailures {  // the one after the free failures locks
            _ = try await harness.store.recordFailedAttempt(
                wallet: wallet.owner.publicKey, at: harness.clock.now(), policy: policy, sealer: sealer
            ) { _ in [] }
        }
        let guardian = try #require(try await harness.store.wallet(wallet.owner.publicKey)).guardianPublicKey
        func commit(_ step: UInt64, at now: Date) async throws -> CosignCommitOutcome {
            let record = CosignRecord(
                operationID: "00" + String(format: "%030llx", step), wallet: wallet.owner.publicKey,
                guardianPublicKey: guardian, step: step, messageHash: [UInt8](repeating: 1, count: 32),
                recentBlockhash: try SolanaBlockhash(bytes: [UInt8](repeating: 2, count: 32)),
                signature: try SolanaSignature(bytes: [UInt8](repeating: 3, count: 64)), createdAt: now, timeline: "")
            return try await harness.store.commitCosign(
                CosignCommit(
                    wallet: wallet.owner.publicKey, step: step, record: record,
                    lockout: LockoutCondition(at: now, disableAfter: policy.disableAfter)),
                audit: AuditAppend(sealer: sealer, events: []))
        }
        let step = UInt64.max >> 4
        let refused = try await commit(step, at: harness.clock.now())
        guard case .walletLocked(let state) = refused else {
            Issue.record("expected walletLocked, got \(refused)")
            return
        }
        #expect(state.consecutiveFailures == policy.freeFailures + 1 && state.lockedUntil != nil)
        #expect(try await harness.store.wallet(wallet.owner.publicKey)?.lastAcceptedStep != step, "nothing burned")
        // Once the lock has passed, the same burn commits.
        #expect(
            try await commit(step, at: harness.clock.now().addingTimeInterval(policy.maximumLock + 1)) == .committed)
    }

    /// The store's bucket: the contract every store keeps (shared by every node on PostgreSQL).
    @Test(arguments: StoreKind.allCases) func theStoreBucketAdmitsCapacityThenRefills(store: StoreKind) async throws {
        let harness = try await store.harness()
        let policy = TokenBucketPolicy(capacity: 10, per: 300)
        let start = harness.clock.now()
        var allowed = 0
        for _ in 0..<15 {
            if try await harness.store.takeRateToken("wallet:x", policy: policy, at: start) == .allowed { allowed += 1 }
        }
        #expect(allowed == 10)
        #expect(
            try await harness.store.takeRateToken("wallet:x", policy: policy, at: start)
                == .limited(retryAfterSeconds: 30))
        #expect(try await harness.store.takeRateToken("wallet:x", policy: policy, at: start + 30) == .allowed)
        #expect(try await harness.store.takeRateToken("wallet:y", policy: policy, at: start) == .allowed)
    }
}
