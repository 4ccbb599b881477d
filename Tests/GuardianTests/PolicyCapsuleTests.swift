import ChainKit
import Foundation
import Guardian
import GuardianTestSupport
import Testing

// MARK: - Policies inside the capsule

@Suite struct PolicyCapsuleTests {
    static let sol: UInt64 = 1_000_000_000  // lamports per SOL

    static func solLimit(
        _ amount: UInt64, period: SpendingPeriod = .day, destinations: Set<SolanaPublicKey>? = nil,
        programs: Set<SolanaPublicKey> = []
    ) throws -> TransactionPolicy {
        try TransactionPolicy(
            spendingLimits: [SpendingLimit(asset: .sol, period: period, amount: amount)],
            allowedDestinations: destinations, allowedPrograms: programs)
    }

    static func transfer(_ wallet: EnrolledWallet, lamports: UInt64, to: SolanaPublicKey = PolicyTransactions.address())
        throws -> String
    {
        try PolicyTransactions.base64(
            owner: wallet.owner, guardian: wallet.guardian,
            [PolicyTransactions.solTransfer(from: wallet.owner.publicKey, to: to, lamports: lamports)])
    }

    static func setPolicy(_ harness: GuardianHarness, _ wallet: EnrolledWallet, _ policy: TransactionPolicy?)
        async throws -> WalletPolicyStatus
    {
        try await harness.service.updatePolicy(
            session: wallet.session, wallet: wallet.address, policy: policy, code: harness.nextCode(wallet))
    }

    /// Signs in again after the clock moved past the session's lifetime.
    static func relogin(_ harness: GuardianHarness, _ wallet: EnrolledWallet) async throws -> EnrolledWallet {
        EnrolledWallet(
            owner: wallet.owner, session: try await harness.login(wallet.owner), guardian: wallet.guardian,
            totp: wallet.totp)
    }

    func cosign(_ harness: GuardianHarness, _ wallet: EnrolledWallet, _ transaction: String, code: String) async throws
        -> CosignResult
    {
        try await harness.service.cosign(
            session: wallet.session, wallet: wallet.address, transactionBase64: transaction, code: code)
    }

    @Test(arguments: StoreKind.allCases) func aWalletWithoutPolicyCosignsAnyProgramAsBefore(store: StoreKind)
        async throws
    {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        _ = try await cosign(harness, wallet, TransactionFactory.standard(for: wallet), code: harness.nextCode(wallet))
        let status = try await harness.service.policyStatus(session: wallet.session, wallet: wallet.address)
        #expect(status.active == nil && status.pending == nil && status.revision == 0 && status.usage.isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func aRefusalNamesTheExcessConsumesNoCodeAndCountsNoFailure(store: StoreKind)
        async throws
    {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        _ = try await Self.setPolicy(harness, wallet, Self.solLimit(5 * Self.sol))
        _ = try await cosign(
            harness, wallet, Self.transfer(wallet, lamports: 4 * Self.sol), code: harness.nextCode(wallet))

        let code = try harness.nextCode(wallet)
        let refusal = await guardianError {
            try await cosign(harness, wallet, Self.transfer(wallet, lamports: 2_200_000_000), code: code)
        }
        #expect(refusal?.code == .policySpendingLimitExceeded)
        #expect(
            refusal?.message.contains(
                "rolling 24-hour total would be 6.2 SOL (6200000000 lamports), 1200000000 over the limit of 5000000000 lamports"
            ) == true, "\(refusal?.message ?? "")")
        #expect(refusal?.operationID != nil)
        // Not a failed attempt, nothing burned: the same code then co-signs a transaction within the limit.
        let record = try #require(try await harness.store.wallet(wallet.owner.publicKey))
        #expect(record.lockout == .clear)
        _ = try await cosign(harness, wallet, Self.transfer(wallet, lamports: Self.sol), code: code)
        let status = try await harness.service.policyStatus(session: wallet.session, wallet: wallet.address)
        #expect(status.usage.map(\.spent) == [5 * Self.sol] && status.usage.map(\.remaining) == [0])
        // Audited, without secrets.
        let audit = try await harness.store.auditRecords(after: 0, limit: 1_000).map(\.event)
        let refused = try #require(audit.first { $0.kind == .policyRefused })
        #expect(refused.detail == "rule=policy_spending_limit_exceeded")
        #expect(!audit.contains { $0.detail.contains(code) })
        #expect(audit.contains { $0.kind == .policyUpdated })
    }

    @Test(arguments: StoreKind.allCases) func spendsCountOnlyWhenTheCosignCommits(store: StoreKind) async throws {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        _ = try await Self.setPolicy(harness, wallet, Self.solLimit(3 * Self.sol))
        harness.clock.advance(by: 30)
        // A wrong code: the capsule stops after the policy passed; nothing is spent.
        #expect(
            await errorCode {
                try await cosign(
                    harness, wallet, Self.transfer(wallet, lamports: 2 * Self.sol), code: harness.wrongCode(wallet))
            } == .invalidCode)
        #expect(
            try await harness.service.policyStatus(session: wallet.session, wallet: wallet.address).usage.map(\.spent)
                == [0])
        _ = try await cosign(
            harness, wallet, Self.transfer(wallet, lamports: 2 * Self.sol), code: harness.currentCode(wallet))
        #expect(
            try await harness.service.policyStatus(session: wallet.session, wallet: wallet.address).usage.map(\.spent)
                == [2 * Self.sol])
    }

    @Test(arguments: StoreKind.allCases) func theRollingWindowReleasesASpendExactlyOneDayLater(store: StoreKind)
        async throws
    {
        let harness = try await store.harness()
        var wallet = try await harness.enroll()
        _ = try await Self.setPolicy(harness, wallet, Self.solLimit(3 * Self.sol))
        let code = try harness.nextCode(wallet)
        let spentAt = harness.clock.now()
        _ = try await cosign(harness, wallet, Self.transfer(wallet, lamports: 2 * Self.sol), code: code)
        // One second inside the window: still counted, so 2 more SOL is over.
        harness.clock.set(spentAt.addingTimeInterval(86_399))
        wallet = try await Self.relogin(harness, wallet)
        #expect(
            await errorCode {
                try await cosign(
                    harness, wallet, Self.transfer(wallet, lamports: 2 * Self.sol), code: harness.currentCode(wallet))
            } == .policySpendingLimitExceeded)
        // At exactly one day it has left the window.
        harness.clock.set(spentAt.addingTimeInterval(86_400))
        _ = try await cosign(
            harness, wallet, Self.transfer(wallet, lamports: 2 * Self.sol), code: harness.currentCode(wallet))
    }

    @Test(arguments: StoreKind.allCases) func looseningWaits24HoursAndTighteningDoesNot(store: StoreKind) async throws {
        let harness = try await store.harness()
        var wallet = try await harness.enroll()
        _ = try await Self.setPolicy(harness, wallet, Self.solLimit(Self.sol))
        let loosened = try await Self.setPolicy(harness, wallet, Self.solLimit(10 * Self.sol))
        #expect(loosened.active == (try Self.solLimit(Self.sol)))
        let effectiveAt = try #require(loosened.pending?.effectiveAt)
        #expect(effectiveAt == harness.clock.now().addingTimeInterval(86_400))
        harness.clock.set(effectiveAt.addingTimeInterval(-31))
        wallet = try await Self.relogin(harness, wallet)
        #expect(
            await errorCode {
                try await cosign(
                    harness, wallet, Self.transfer(wallet, lamports: 2 * Self.sol), code: harness.nextCode(wallet))
            } == .policySpendingLimitExceeded)
        harness.clock.set(effectiveAt)
        // Promoted by a read, without any write.
        let status = try await harness.service.policyStatus(session: wallet.session, wallet: wallet.address)
        #expect(status.active == (try Self.solLimit(10 * Self.sol)) && status.pending == nil)
        _ = try await cosign(
            harness, wallet, Self.transfer(wallet, lamports: 2 * Self.sol), code: harness.nextCode(wallet))
        // Tightening is immediate.
        _ = try await Self.setPolicy(harness, wallet, Self.solLimit(Self.sol))
        #expect(
            await errorCode {
                try await cosign(
                    harness, wallet, Self.transfer(wallet, lamports: Self.sol / 2), code: harness.nextCode(wallet))
            } == .policySpendingLimitExceeded)
    }

    @Test(arguments: StoreKind.allCases) func updatingNeedsAValidFreshCodeAndBurnsIt(store: StoreKind) async throws {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        let policy = try Self.solLimit(Self.sol)
        harness.clock.advance(by: 30)
        #expect(
            await errorCode {
                try await harness.service.updatePolicy(
                    session: wallet.session, wallet: wallet.address, policy: policy, code: harness.wrongCode(wallet))
            } == .invalidCode)
        #expect(try await harness.store.wallet(wallet.owner.publicKey)?.lockout.consecutiveFailures == 1)
        let code = try harness.currentCode(wallet)
        _ = try await harness.service.updatePolicy(
            session: wallet.session, wallet: wallet.address, policy: policy, code: code)
        // The step is burned for every purpose.
        #expect(
            await errorCode {
                try await harness.service.updatePolicy(
                    session: wallet.session, wallet: wallet.address, policy: nil, code: code)
            } == .codeAlreadyUsed)
        #expect(
            await errorCode { try await cosign(harness, wallet, Self.transfer(wallet, lamports: 1), code: code) }
                == .codeAlreadyUsed)
        // Another wallet's session cannot touch it.
        let other = try await harness.enroll()
        #expect(
            await errorCode {
                try await harness.service.updatePolicy(
                    session: other.session, wallet: wallet.address, policy: nil, code: harness.currentCode(wallet))
            } == .sessionWalletMismatch)
        #expect(
            await errorCode { try await harness.service.policyStatus(session: other.session, wallet: wallet.address) }
                == .sessionWalletMismatch)
    }

    @Test(arguments: StoreKind.allCases) func allowListsAndUnknownProgramsInTheCapsule(store: StoreKind) async throws {
        let harness = try await store.harness()
        var wallet = try await harness.enroll()
        let friend = PolicyTransactions.address()
        let dex = PolicyTransactions.address()
        _ = try await Self.setPolicy(harness, wallet, Self.solLimit(10 * Self.sol, destinations: [friend]))
        #expect(
            await errorCode {
                try await cosign(harness, wallet, Self.transfer(wallet, lamports: 1), code: harness.nextCode(wallet))
            } == .policyDestinationNotAllowed)
        _ = try await cosign(
            harness, wallet, Self.transfer(wallet, lamports: 1, to: friend), code: harness.currentCode(wallet))
        let swap = try PolicyTransactions.base64(
            owner: wallet.owner, guardian: wallet.guardian, [PolicyTransactions.opaque(dex, account: friend)])
        #expect(
            await errorCode { try await cosign(harness, wallet, swap, code: harness.nextCode(wallet)) }
                == .policyProgramNotAllowed)
        // Allowing a program is loosening: after 24 hours.
        _ = try await Self.setPolicy(
            harness, wallet, Self.solLimit(10 * Self.sol, destinations: [friend], programs: [dex]))
        #expect(
            await errorCode { try await cosign(harness, wallet, swap, code: harness.nextCode(wallet)) }
                == .policyProgramNotAllowed)
        harness.clock.advance(by: 86_400)
        wallet = try await Self.relogin(harness, wallet)
        _ = try await cosign(harness, wallet, swap, code: harness.nextCode(wallet))
    }

    @Test(arguments: StoreKind.allCases) func multiAssetLimitsCountEachMint(store: StoreKind) async throws {
        let harness = try await store.harness()
        var wallet = try await harness.enroll()
        let usdc = PolicyTransactions.address()
        let bonk = PolicyTransactions.address()
        let source = PolicyTransactions.address()
        let policy = try TransactionPolicy(spendingLimits: [
            SpendingLimit(asset: .sol, period: .day, amount: Self.sol),
            SpendingLimit(asset: .token(mint: usdc), period: .day, amount: 100_000_000),
            SpendingLimit(asset: .token(mint: usdc), period: .week, amount: 150_000_000),
        ])
        _ = try await Self.setPolicy(harness, wallet, policy)
        func pay(_ mint: SolanaPublicKey, _ amount: UInt64, program: SolanaPublicKey = SolanaProgram.splToken) throws
            -> String
        {
            try PolicyTransactions.base64(
                owner: wallet.owner, guardian: wallet.guardian,
                [
                    PolicyTransactions.transferChecked(
                        source: source, mint: mint, destination: PolicyTransactions.address(),
                        authority: wallet.owner.publicKey, amount: amount, decimals: 6, program: program),
                    PolicyTransactions.solTransfer(
                        from: wallet.owner.publicKey, to: PolicyTransactions.address(), lamports: Self.sol / 10),
                ])
        }
        _ = try await cosign(harness, wallet, pay(usdc, 60_000_000), code: harness.nextCode(wallet))
        // no limit on this mint
        _ = try await cosign(harness, wallet, pay(bonk, UInt64.max), code: harness.nextCode(wallet))
        let refusal = await guardianError {
            try await cosign(
                harness, wallet, pay(usdc, 50_000_000, program: SolanaProgram.token2022), code: harness.nextCode(wallet)
            )
        }
        #expect(refusal?.code == .policySpendingLimitExceeded)
        #expect(
            refusal?.message.contains("would be 110 (110000000 base units), 10000000 over the limit of 100000000")
                == true, "\(refusal?.message ?? "")")
        harness.clock.advance(by: 86_400)
        wallet = try await Self.relogin(harness, wallet)
        _ = try await cosign(harness, wallet, pay(usdc, 50_000_000), code: harness.nextCode(wallet))
        // The week limit still holds the first day's 60.
        #expect(
            await errorCode { try await cosign(harness, wallet, pay(usdc, 50_000_000), code: harness.nextCode(wallet)) }
                == .policySpendingLimitExceeded)
        let status = try await harness.service.policyStatus(session: wallet.session, wallet: wallet.address)
        #expect(status.usage.map(\.spent) == [Self.sol / 10, 50_000_000, 110_000_000])
        // A plain Transfer names no mint: refused under token limits, with the fix.
        let plain = try PolicyTransactions.base64(
            owner: wallet.owner, guardian: wallet.guardian,
            [
                PolicyTransactions.tokenTransfer(
                    source: source, destination: PolicyTransactions.address(), authority: wallet.owner.publicKey,
                    amount: 1)
            ])
        let unsupported = await guardianError {
            try await cosign(harness, wallet, plain, code: harness.nextCode(wallet))
        }
        #expect(
            unsupported?.code == .policyInstructionNotSupported
                && unsupported?.message.contains("TransferChecked") == true)
    }

    @Test(arguments: StoreKind.allCases) func parallelCosignsNeverCommitMoreThanTheLimit(store: StoreKind) async throws
    {
        let harness = try await store.harness {
            $0.verificationWindow = 10
            $0.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1)
        }
        let wallet = try await harness.enroll()
        _ = try await Self.setPolicy(harness, wallet, Self.solLimit(5 * Self.sol))
        harness.clock.advance(by: 11 * 30)
        let now = harness.clock.unixSeconds()
        // 21 valid steps (±10), each a 1-SOL transfer: together 21 SOL against a 5-SOL limit.
        let codes = try (-10...10).map { try wallet.totp.code(at: now + Int64($0 * 30)) }
        let service = harness.service
        let results = await withTaskGroup(of: GuardianError.Code?.self) { group in
            for code in codes {
                let tx = try! Self.transfer(wallet, lamports: Self.sol)
                group.addTask {
                    await errorCode {
                        try await service.cosign(
                            session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: code)
                    }
                }
            }
            return await group.reduce(into: [GuardianError.Code?]()) { $0.append($1) }
        }
        let committed = results.filter { $0 == nil }.count
        #expect(committed >= 1 && committed <= 5, "\(results)")
        #expect(results.allSatisfy { $0 == nil || $0 == .policySpendingLimitExceeded || $0 == .codeAlreadyUsed })
        let spent = try await harness.service.policyStatus(session: wallet.session, wallet: wallet.address).usage[0]
            .spent
        #expect(spent == UInt64(committed) * Self.sol && spent <= 5 * Self.sol)
    }
}
