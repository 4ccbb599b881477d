import ChainKit
import Foundation
import Guardian
import GuardianTestSupport
import Testing

/// Transaction policies on each store: limits and revision re-checked inside the commit, updates composed inside the
/// store (and kept across a restart), and no overspending from two nodes at once.
@Suite struct StorePolicyTests {
    static let sol: UInt64 = 1_000_000_000

    static func commit(
        _ store: any GuardianStore, _ wallet: EnrolledWallet, step: UInt64, spend: UInt64, limit: UInt64,
        revision: Int64, at: Date
    ) async throws -> CosignCommitOutcome {
        let record = CosignRecord(
            operationID: UUID().uuidString, wallet: wallet.owner.publicKey, guardianPublicKey: wallet.guardian,
            step: step, messageHash: [UInt8](repeating: 1, count: 32),
            recentBlockhash: try SolanaBlockhash(bytes: [UInt8](repeating: 2, count: 32)), signature: .empty,
            createdAt: at, timeline: "")
        let check = CosignPolicyCheck(
            expectedRevision: revision, spends: [PolicySpend(asset: .sol, amount: spend)],
            limits: [SpendingLimit(asset: .sol, period: .day, amount: limit)])
        return try await store.commitCosign(
            CosignCommit(wallet: wallet.owner.publicKey, step: step, record: record, policy: check),
            audit: AuditAppend(sealer: AuditSealer(key: .init(size: .bits256)), events: []))
    }

    @Test(arguments: StoreKind.allCases) func theCommitReChecksLimitsAndRevisionAndWritesNothingWhenRefused(
        store kind: StoreKind
    ) async throws {
        try await kind.withStore { fixture in
            let harness = try await fixture.harness()
            let store = harness.store
            let wallet = try await harness.enroll()
            let policy = try TransactionPolicy(spendingLimits: [
                SpendingLimit(asset: .sol, period: .day, amount: 5 * Self.sol)
            ])
            let status = try await harness.service.updatePolicy(
                session: wallet.session, wallet: wallet.address, policy: policy, code: harness.nextCode(wallet))
            #expect(status.revision == 1)
            let stored = try await store.policyState(wallet: wallet.owner.publicKey)
            #expect(stored.active == policy && stored.revision == 1)
            let capsule = try #require(try await store.capsuleState(wallet.owner.publicKey))
            let record = try await store.wallet(wallet.owner.publicKey)
            #expect(capsule.policy == stored && capsule.record == record)
            let step = try #require(try await store.wallet(wallet.owner.publicKey)?.lastAcceptedStep)
            let now = harness.clock.now()
            #expect(
                try await Self.commit(
                    store, wallet, step: step + 1, spend: 3 * Self.sol, limit: 5 * Self.sol, revision: 1, at: now)
                    == .committed)
            // A concurrent capsule evaluated before that commit: refused inside the commit, nothing written.
            let refused = try await Self.commit(
                store, wallet, step: step + 2, spend: 3 * Self.sol, limit: 5 * Self.sol, revision: 1, at: now)
            #expect(
                refused
                    == .spendingLimitExceeded(
                        SpendingLimitViolation(
                            limit: SpendingLimit(asset: .sol, period: .day, amount: 5 * Self.sol),
                            windowTotal: 3 * Self.sol, spend: 3 * Self.sol)))
            #expect(
                try await store.wallet(wallet.owner.publicKey)?.lastAcceptedStep == step + 1,
                "the refused commit burned nothing")
            #expect(
                try await store.spendRecords(wallet: wallet.owner.publicKey, after: .distantPast).map(\.amount)
                    == [3 * Self.sol])
            // Evaluated under another revision: refused.
            #expect(
                try await Self.commit(
                    store, wallet, step: step + 2, spend: 1, limit: 5 * Self.sol, revision: 0, at: now)
                    == .policyChanged)
            // Exactly up to the limit is fine; u64-sized amounts survive storage.
            #expect(
                try await Self.commit(
                    store, wallet, step: step + 2, spend: 2 * Self.sol, limit: 5 * Self.sol, revision: 1, at: now)
                    == .committed)
            #expect(
                try await Self.commit(
                    store, wallet, step: step + 3, spend: .max, limit: .max, revision: 1, at: now + 86_400)
                    == .committed)
            let records = try await store.spendRecords(wallet: wallet.owner.publicKey, after: now)
            #expect(records.map(\.amount) == [.max])
            // Window edge: spends at `now` are out of a window ending at now + 1 day (strictly after now − period).
            #expect(try await store.spendRecords(wallet: wallet.owner.publicKey, after: now - 0.001).count == 3)
            // Purge keeps what is after the cut.
            #expect(try await store.purgeSpendRecords(through: now) == 2)
            #expect(try await store.spendRecords(wallet: wallet.owner.publicKey, after: .distantPast).count == 1)
        }
    }

    @Test(arguments: StoreKind.persistent) func policyUpdatesComposeInsideTheStoreAndSurviveARestart(
        store kind: StoreKind
    ) async throws {
        try await kind.withStore { fixture in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            let five = try TransactionPolicy(
                spendingLimits: [SpendingLimit(asset: .sol, period: .week, amount: 5)],
                allowedDestinations: [SolanaKeypair().publicKey], allowedPrograms: [SolanaKeypair().publicKey])
            let ten = try TransactionPolicy(spendingLimits: [SpendingLimit(asset: .sol, period: .week, amount: 10)])
            let harness = try await fixture.harness(clock: clock)
            let store = harness.store
            let wallet = try await harness.enroll()
            _ = try await harness.service.updatePolicy(
                session: wallet.session, wallet: wallet.address, policy: five, code: harness.nextCode(wallet))
            // A second update computed from a stale read still composes: the store recomputes from what it holds.
            let step = try #require(try await store.wallet(wallet.owner.publicKey)?.lastAcceptedStep)
            let outcome = try await store.updatePolicy(
                PolicyUpdate(wallet: wallet.owner.publicKey, step: step + 1, policy: ten, at: clock.now()),
                sealer: AuditSealer(key: .init(size: .bits256))
            ) { _ in [] }
            guard case .updated(let state) = outcome else {
                Issue.record("\(outcome)")
                return
            }
            #expect(
                state.active == TransactionPolicy.tighter(five, ten) && state.pending?.policy == ten
                    && state.revision == 2)
            #expect(
                try await store.updatePolicy(
                    PolicyUpdate(wallet: wallet.owner.publicKey, step: step + 1, policy: nil, at: clock.now()),
                    sealer: AuditSealer(key: .init(size: .bits256))
                ) { _ in [] } == .stepAlreadyUsed(lastAccepted: step + 1))
            await fixture.close(harness)

            // Restarted: a service starts on the reopened store, which still holds the composed state.
            let reopened = try await fixture.harness(clock: clock)
            let reread = try await reopened.store.policyState(wallet: wallet.owner.publicKey)
            #expect(reread.revision == 2 && reread.pending?.policy == ten)
            // whole seconds on the manual clock
            #expect(reread.pending?.effectiveAt == clock.now().addingTimeInterval(86_400))
            if kind == .sqlite { #expect(try await fixture.rawInteger("PRAGMA user_version") == 3) }
        }
    }

    @Test(arguments: StoreKind.allCases) func twoNodesNeverOverspend(store kind: StoreKind) async throws {
        try await kind.withStore { fixture in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            let configure: (inout GuardianConfiguration) -> Void = {
                $0.verificationWindow = 10
                $0.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1)
            }
            let first = try await fixture.harness(clock: clock, configure: configure)
            let second = try await fixture.harness(clock: clock, configure: configure)
            let wallet = try await first.enroll()
            _ = try await first.service.updatePolicy(
                session: wallet.session, wallet: wallet.address,
                policy: TransactionPolicy(spendingLimits: [
                    SpendingLimit(asset: .sol, period: .day, amount: 3 * Self.sol)
                ]),
                code: first.nextCode(wallet))
            clock.advance(by: 11 * 30)
            let secondSession = try await second.login(wallet.owner)
            let now = clock.unixSeconds()
            let codes = try (-10...10).map { try wallet.totp.code(at: now + Int64($0 * 30)) }
            let services = [(first.service, wallet.session), (second.service, secondSession)]
            var requests: [(GuardianService, Session, String, String)] = []
            for (index, code) in codes.enumerated() {
                let (service, session) = services[index % 2]
                let tx = try PolicyTransactions.base64(
                    owner: wallet.owner, guardian: wallet.guardian,
                    [
                        PolicyTransactions.solTransfer(
                            from: wallet.owner.publicKey, to: PolicyTransactions.address(), lamports: Self.sol)
                    ])
                requests.append((service, session, tx, code))
            }
            let calls = requests
            let results = await withTaskGroup(of: GuardianError.Code?.self) { group in
                for (service, session, tx, code) in calls {
                    group.addTask {
                        await errorCode {
                            try await service.cosign(
                                session: session, wallet: wallet.address, transactionBase64: tx, code: code)
                        }
                    }
                }
                return await group.reduce(into: [GuardianError.Code?]()) { $0.append($1) }
            }
            let committed = results.filter { $0 == nil }.count
            #expect(committed >= 1 && committed <= 3, "\(results)")
            #expect(
                results.allSatisfy { $0 == nil || $0 == .policySpendingLimitExceeded || $0 == .codeAlreadyUsed },
                "\(results)")
            // What the store reports, and (on a database) what its rows hold.
            let recorded = try await first.store.spendRecords(wallet: wallet.owner.publicKey, after: .distantPast)
            #expect(recorded.map(\.amount).reduce(0, +) == UInt64(committed) * Self.sol)
            if let amounts = try await fixture.rawTexts("SELECT amount FROM policy_spends") {
                let total = amounts.map { UInt64($0) ?? .max }.reduce(0, +)
                #expect(total == UInt64(committed) * Self.sol && total <= 3 * Self.sol)
            }
        }
    }
}
