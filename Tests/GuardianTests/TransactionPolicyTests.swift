import ChainKit
import Foundation
import Guardian
import GuardianTestSupport
import Testing

// MARK: - Policy semantics (pure)

@Suite struct TransactionPolicyTests {
    static let t0 = Date(timeIntervalSince1970: 1_900_000_000)
    static let mint = PolicyAddresses.mint

    static func policy(
        sol: UInt64? = nil, solWeek: UInt64? = nil, token: UInt64? = nil, destinations: Set<SolanaPublicKey>? = nil,
        programs: Set<SolanaPublicKey> = []
    ) throws -> TransactionPolicy {
        var limits: [SpendingLimit] = []
        if let sol { limits.append(SpendingLimit(asset: .sol, period: .day, amount: sol)) }
        if let solWeek { limits.append(SpendingLimit(asset: .sol, period: .week, amount: solWeek)) }
        if let token { limits.append(SpendingLimit(asset: .token(mint: mint), period: .day, amount: token)) }
        return try TransactionPolicy(
            spendingLimits: limits, allowedDestinations: destinations, allowedPrograms: programs)
    }

    // MARK: Tighten now, loosen after 24 hours

    @Test func tighteningAppliesAtOnceAndLooseningAfterExactly24Hours() throws {
        let five = try Self.policy(sol: 5_000_000_000)
        let ten = try Self.policy(sol: 10_000_000_000)
        let three = try Self.policy(sol: 3_000_000_000)
        var state = PolicyState.none.updated(with: five, at: Self.t0)
        #expect(state.active == five && state.pending == nil && state.revision == 1)

        state = state.updated(with: ten, at: Self.t0 + 60)
        #expect(state.active == five, "loosening does not apply at once")
        #expect(state.pending == PendingPolicy(policy: ten, effectiveAt: Self.t0 + 60 + 86_400))
        #expect(state.effective(at: Self.t0 + 60 + 86_399).active == five, "one second before: still the old limit")
        #expect(state.effective(at: Self.t0 + 60 + 86_400).active == ten, "at 24 hours: the new limit")
        #expect(state.effective(at: Self.t0 + 60 + 86_400).pending == nil)

        // A tightening while a loosening is pending applies at once and drops the pending one.
        let tightened = state.updated(with: three, at: Self.t0 + 120)
        #expect(tightened.active == three && tightened.pending == nil && tightened.revision == 3)

        // A later loosening replaces the pending one (and restarts its 24 hours).
        let replaced = state.updated(with: try Self.policy(sol: 7_000_000_000), at: Self.t0 + 3_600)
        #expect(replaced.active == five)
        #expect(replaced.pending?.effectiveAt == Self.t0 + 3_600 + 86_400)

        // Removing the policy is loosening: pending "no policy".
        let removal = PolicyState.none.updated(with: five, at: Self.t0).updated(with: nil, at: Self.t0 + 1)
        #expect(
            removal.active == five && removal.pending == PendingPolicy(policy: nil, effectiveAt: Self.t0 + 1 + 86_400))
        #expect(removal.effective(at: Self.t0 + 1 + 86_400).active == nil)
    }

    @Test func mixedChangesTightenPerRule() throws {
        let a = try Self.policy(
            sol: 5, token: 100, destinations: [PolicyAddresses.alice, PolicyAddresses.bob],
            programs: [PolicyAddresses.dex])
        let b = try Self.policy(
            sol: 3, token: 200, destinations: [PolicyAddresses.bob, PolicyAddresses.carol], programs: [])
        let state = PolicyState.none.updated(with: a, at: Self.t0).updated(with: b, at: Self.t0)
        let active = try #require(state.active)
        #expect(active.limit(.sol, per: .day) == 3)
        #expect(active.limit(.token(mint: Self.mint), per: .day) == 100)
        #expect(active.allowedDestinations == [PolicyAddresses.bob])
        #expect(active.allowedPrograms.isEmpty)
        #expect(state.pending?.policy == b)
        // Adding a rule (a week limit, a destination list where there was none) is tightening.
        let c = try Self.policy(sol: 3, solWeek: 10, token: 100, destinations: [PolicyAddresses.bob])
        let next = state.updated(with: c, at: Self.t0 + 1)
        #expect(next.active == c && next.pending == nil)
        // Dropping a rule is loosening.
        let d = try Self.policy(sol: 3, token: 100, destinations: [PolicyAddresses.bob])
        #expect(next.updated(with: d, at: Self.t0 + 2).active == c)
    }

    @Test func tighterIsAMeetOnRandomPolicies() throws {
        let keys = (0..<6).map { _ in PolicyAddresses.fresh() }
        func random() throws -> TransactionPolicy? {
            if Int.random(in: 0..<6) == 0 { return nil }
            var limits: [SpendingLimit] = []
            for asset in [PolicyAsset.sol, .token(mint: keys[0])] {
                for period in SpendingPeriod.allCases where Bool.random() {
                    limits.append(SpendingLimit(asset: asset, period: period, amount: UInt64.random(in: 0...10)))
                }
            }
            let destinations = Bool.random() ? nil : Set(keys.filter { _ in Bool.random() })
            return try TransactionPolicy(
                spendingLimits: limits.shuffled(), allowedDestinations: destinations,
                allowedPrograms: Set(keys.filter { _ in Bool.random() }))
        }
        for _ in 0..<500 {
            let a = try random()
            let b = try random()
            let c = try random()
            let meet = TransactionPolicy.tighter(a, b)
            #expect(meet == TransactionPolicy.tighter(b, a))
            #expect(TransactionPolicy.tighter(a, a) == a)
            #expect(TransactionPolicy.tighter(meet, c) == TransactionPolicy.tighter(a, TransactionPolicy.tighter(b, c)))
            #expect(TransactionPolicy.isAtLeastAsTight(meet, as: a) && TransactionPolicy.isAtLeastAsTight(meet, as: b))
            // An update never loosens the active policy at once.
            let state = PolicyState.none.updated(with: a, at: Self.t0).updated(with: b, at: Self.t0)
            #expect(TransactionPolicy.isAtLeastAsTight(state.active, as: a))
            #expect(state.effective(at: Self.t0 + 86_400).active == b)
        }
    }

    @Test func invalidPoliciesAreRefused() throws {
        let duplicate = [
            SpendingLimit(asset: .sol, period: .day, amount: 1), SpendingLimit(asset: .sol, period: .day, amount: 2),
        ]
        #expect(throws: GuardianError.self) { try TransactionPolicy(spendingLimits: duplicate) }
        #expect((try? TransactionPolicy(spendingLimits: duplicate)) == nil)
        let tooMany = (0..<33).map { _ in
            SpendingLimit(asset: .token(mint: PolicyAddresses.fresh()), period: .day, amount: 1)
        }
        let error = #expect(throws: GuardianError.self) { try TransactionPolicy(spendingLimits: tooMany) }
        #expect(error?.code == .invalidPolicy)
        // Stored form round trip.
        let policy = try Self.policy(
            sol: UInt64.max, token: 1, destinations: [PolicyAddresses.alice], programs: [PolicyAddresses.dex])
        #expect(try TransactionPolicy(storedJSON: policy.storedJSON()) == policy)
        #expect(try policy.storedJSON().contains("\"18446744073709551615\""))
    }

    // MARK: Assessment

    static func decode(_ steps: [PolicyTransactions.Step], owner: SolanaKeypair = PolicyAddresses.owner) throws
        -> [SolanaInstruction]
    {
        try PolicyTransactions.transaction(owner: owner, guardian: PolicyAddresses.guardian, steps, sign: false).message
            .decodedInstructions()
    }

    @Test func assessmentCountsWhatLeavesTheWalletPerAsset() throws {
        let owner = PolicyAddresses.owner
        let wallet = owner.publicKey
        let policy = try Self.policy(sol: 100, token: 100)
        let instructions = try Self.decode(
            [
                PolicyTransactions.solTransfer(from: wallet, to: PolicyAddresses.alice, lamports: 7),
                PolicyTransactions.solTransfer(from: wallet, to: PolicyAddresses.bob, lamports: 8),
                PolicyTransactions.solTransfer(from: wallet, to: wallet, lamports: 1_000),  // to itself: nothing leaves
                // not from the wallet
                PolicyTransactions.solTransfer(from: PolicyAddresses.guardian, to: wallet, lamports: 1_000),
                PolicyTransactions.transferChecked(
                    source: PolicyAddresses.source, mint: Self.mint, destination: PolicyAddresses.carol,
                    authority: wallet, amount: 40, decimals: 2),
                PolicyTransactions.transferChecked(
                    source: PolicyAddresses.source, mint: Self.mint, destination: PolicyAddresses.carol,
                    authority: wallet, amount: 2, decimals: 2, program: SolanaProgram.token2022),
                PolicyTransactions.transferChecked(
                    source: PolicyAddresses.source, mint: PolicyAddresses.otherMint, destination: PolicyAddresses.carol,
                    authority: PolicyAddresses.alice, amount: 99, decimals: 0),
            ] + PolicyTransactions.computeUnitPrice(1_000_000, limit: 3))
        let assessment = try policy.assess(instructions, wallet: wallet, feePayer: wallet)
        // 7 + 8 lamports, plus the priority fee ceil(10^6 × 3 / 10^6) = 3 lamports the wallet pays as fee payer.
        #expect(
            assessment.spends == [
                PolicySpend(asset: .sol, amount: 18), PolicySpend(asset: .token(mint: Self.mint), amount: 42),
            ])
        #expect(assessment.decimals[.token(mint: Self.mint)] == 2)
        // Not the fee payer: no fee.
        #expect(
            try policy.assess(instructions, wallet: wallet, feePayer: PolicyAddresses.guardian).spends.first
                == PolicySpend(asset: .sol, amount: 15))
    }

    @Test func rulesRefuseWithTheirCodes() throws {
        let wallet = PolicyAddresses.owner.publicKey
        let toAlice = PolicyTransactions.solTransfer(from: wallet, to: PolicyAddresses.alice, lamports: 1)
        func code(_ policy: TransactionPolicy, _ steps: [PolicyTransactions.Step]) throws -> GuardianError.Code? {
            do {
                _ = try policy.assess(try Self.decode(steps), wallet: wallet, feePayer: wallet)
                return nil
            } catch let error as GuardianError { return error.code }
        }
        #expect(try code(Self.policy(destinations: [PolicyAddresses.alice]), [toAlice]) == nil)
        #expect(try code(Self.policy(destinations: [PolicyAddresses.bob]), [toAlice]) == .policyDestinationNotAllowed)
        #expect(
            try code(
                Self.policy(destinations: []),
                [
                    PolicyTransactions.transferChecked(
                        source: PolicyAddresses.source, mint: Self.mint, destination: PolicyAddresses.carol,
                        authority: wallet, amount: 1, decimals: 0)
                ]) == .policyDestinationNotAllowed)
        // Unknown programs: refused unless allow-listed.
        let dex = PolicyTransactions.opaque(PolicyAddresses.dex, account: PolicyAddresses.alice)
        #expect(try code(Self.policy(), [dex]) == .policyProgramNotAllowed)
        #expect(try code(Self.policy(programs: [PolicyAddresses.dex]), [dex]) == nil)
        // An undecoded instruction of a known program (token Approve, System Assign): not supported unless allowed.
        let approve = PolicyTransactions.Step(
            program: SolanaProgram.splToken,
            accounts: [(PolicyAddresses.source, true), (PolicyAddresses.alice, false), (wallet, false)],
            data: [4] + PolicyTransactions.leBytes(UInt64(5)))
        #expect(try code(Self.policy(), [approve]) == .policyInstructionNotSupported)
        #expect(try code(Self.policy(programs: [SolanaProgram.splToken]), [approve]) == nil)
        // Token Transfer without a mint: refused only when the policy limits tokens.
        let plain = PolicyTransactions.tokenTransfer(
            source: PolicyAddresses.source, destination: PolicyAddresses.carol, authority: wallet, amount: 5)
        #expect(try code(Self.policy(sol: 10), [plain]) == nil)
        #expect(try code(Self.policy(token: 10), [plain]) == .policyInstructionNotSupported)
        let refusal = #expect(throws: GuardianError.self) {
            try Self.policy(token: 10).assess(try Self.decode([plain]), wallet: wallet, feePayer: wallet)
        }
        #expect(refusal?.message.contains("TransferChecked") == true)
        // Harmless instructions are always allowed.
        #expect(
            try code(
                Self.policy(),
                PolicyTransactions.computeUnitPrice(0, limit: 1) + [
                    PolicyTransactions.Step(
                        program: SolanaProgram.memo, accounts: [(wallet, false)], data: Array("hi".utf8))
                ]) == nil)
    }

    /// Associated token accounts: the ATA program funds an account for whatever "token program" it is handed, so only
    /// the real ones are priced; the rent deposit counts as SOL and, for another owner, as a payment to that account.
    @Test func associatedTokenAccountCreationIsPricedAndChecked() throws {
        let wallet = PolicyAddresses.owner.publicKey
        func create(
            owner: SolanaPublicKey, tokenProgram: SolanaPublicKey = SolanaProgram.splToken,
            associated: SolanaPublicKey = PolicyAddresses.carol
        ) -> PolicyTransactions.Step {
            PolicyTransactions.Step(
                program: SolanaProgram.associatedTokenAccount,
                accounts: [
                    (wallet, true), (associated, true), (owner, false), (Self.mint, false),
                    (SolanaProgram.system, false), (tokenProgram, false),
                ],
                data: [1])
        }
        let policy = try Self.policy(sol: 10_000_000, destinations: [PolicyAddresses.alice])
        // The wallet's own account: rent counted (2,039,280 lamports for SPL Token), no destination check.
        let own = try policy.assess(
            try Self.decode([create(owner: wallet)]), wallet: wallet, feePayer: PolicyAddresses.guardian)
        #expect(own.spends == [PolicySpend(asset: .sol, amount: 2_039_280)])
        let own2022 = try policy.assess(
            try Self.decode([create(owner: wallet, tokenProgram: SolanaProgram.token2022)]), wallet: wallet,
            feePayer: PolicyAddresses.guardian)
        #expect(own2022.spends == [PolicySpend(asset: .sol, amount: 4_454_400)])
        // Someone else's account: the deposit goes to it, so the destination allow-list applies.
        #expect(throws: GuardianError.self) {
            try policy.assess(try Self.decode([create(owner: PolicyAddresses.bob)]), wallet: wallet, feePayer: wallet)
        }
        let allowed = try policy.assess(
            try Self.decode([create(owner: PolicyAddresses.bob, associated: PolicyAddresses.alice)]), wallet: wallet,
            feePayer: PolicyAddresses.guardian)
        #expect(allowed.spends == [PolicySpend(asset: .sol, amount: 2_039_280)])
        // A fake token program would receive the wallet's lamports: refused, unless the ATA program is allow-listed.
        let fake = create(owner: wallet, tokenProgram: PolicyAddresses.dex)
        let refusal = #expect(throws: GuardianError.self) {
            try policy.assess(try Self.decode([fake]), wallet: wallet, feePayer: wallet)
        }
        #expect(refusal?.code == .policyInstructionNotSupported)
        #expect(
            try Self.policy(sol: 10_000_000, programs: [SolanaProgram.associatedTokenAccount]).assess(
                try Self.decode([fake]), wallet: wallet, feePayer: wallet
            ).spends.isEmpty)
    }

    /// A durable-nonce transaction can land any time later, so under spending limits it is refused.
    @Test func durableNonceTransactionsAreRefusedUnderSpendingLimits() throws {
        let wallet = PolicyAddresses.owner.publicKey
        let advance = PolicyTransactions.Step(
            program: SolanaProgram.system,
            accounts: [
                (PolicyAddresses.alice, true),
                (try SolanaPublicKey(base58: "SysvarRecentB1ockHashes11111111111111111111"), false), (wallet, false),
            ],
            data: [4, 0, 0, 0])
        let transfer = PolicyTransactions.solTransfer(from: wallet, to: PolicyAddresses.alice, lamports: 1)
        let refusal = #expect(throws: GuardianError.self) {
            try Self.policy(sol: 10).assess(try Self.decode([advance, transfer]), wallet: wallet, feePayer: wallet)
        }
        #expect(refusal?.code == .policyInstructionNotSupported && refusal?.message.contains("durable-nonce") == true)
        // Without spending limits there is no window to escape: allowed.
        #expect(
            try Self.policy(destinations: [PolicyAddresses.alice]).assess(
                try Self.decode([advance, transfer]), wallet: wallet, feePayer: wallet
            ).spends == [PolicySpend(asset: .sol, amount: 1)])
    }

    @Test func unresolvedLookupAccountsInPricedInstructionsAreRefused() throws {
        let wallet = PolicyAddresses.owner.publicKey
        let table = PolicyAddresses.fresh()
        let message = try SolanaMessage(
            version: .v0,
            header: .init(numRequiredSignatures: 1, numReadonlySignedAccounts: 0, numReadonlyUnsignedAccounts: 1),
            staticAccountKeys: [wallet, SolanaProgram.system],
            recentBlockhash: SolanaBlockhash(bytes: [UInt8](repeating: 1, count: 32)),
            instructions: [
                .init(
                    programIDIndex: 1, accountIndexes: [0, 2],
                    data: PolicyTransactions.leBytes(UInt32(2)) + PolicyTransactions.leBytes(UInt64(5)))
            ],
            addressTableLookups: [.init(tableAddress: table, writableIndexes: [3], readonlyIndexes: [])])
        let decoded = try message.decodedInstructions()
        #expect(
            decoded[0].kind
                == .system(.transfer(from: .staticKey(wallet), to: .lookup(table: table, index: 3), lamports: 5)))
        let error = #expect(throws: GuardianError.self) {
            try Self.policy(sol: 10).assess(decoded, wallet: wallet, feePayer: wallet)
        }
        #expect(error?.code == .policyAccountUnresolved)
        #expect(error?.message.contains(table.base58) == true)
    }

    // MARK: Rolling windows

    @Test func aSpendCountsUntilExactlyOnePeriodLater() throws {
        let wallet = PolicyAddresses.owner.publicKey
        let records = [SpendRecord(operationID: "a", wallet: wallet, asset: .sol, amount: 4, at: Self.t0)]
        let limits = [SpendingLimit(asset: .sol, period: .day, amount: 5)]
        let spend = [PolicySpend(asset: .sol, amount: 2)]
        for period in SpendingPeriod.allCases {
            let length = TimeInterval(period.seconds)
            #expect(SpendingLedger.counts(Self.t0, in: period, at: Self.t0 + length - 1), "one second inside")
            #expect(SpendingLedger.counts(Self.t0, in: period, at: Self.t0 + length - 0.001), "one millisecond inside")
            #expect(!SpendingLedger.counts(Self.t0, in: period, at: Self.t0 + length), "at the boundary it has left")
            #expect(!SpendingLedger.counts(Self.t0, in: period, at: Self.t0 + length + 1), "one second outside")
        }
        #expect(
            SpendingLedger.firstViolation(limits: limits, spends: spend, records: records, at: Self.t0 + 86_399)
                == SpendingLimitViolation(limit: limits[0], windowTotal: 4, spend: 2))
        #expect(
            SpendingLedger.firstViolation(limits: limits, spends: spend, records: records, at: Self.t0 + 86_400) == nil)
        // Exactly reaching the limit is allowed.
        #expect(
            SpendingLedger.firstViolation(
                limits: limits, spends: [PolicySpend(asset: .sol, amount: 1)], records: records, at: Self.t0 + 1) == nil
        )
        // A week limit still sees the spend a day later.
        let week = [SpendingLimit(asset: .sol, period: .week, amount: 5)]
        #expect(
            SpendingLedger.firstViolation(limits: week, spends: spend, records: records, at: Self.t0 + 86_400) != nil)
        #expect(
            SpendingLedger.firstViolation(limits: week, spends: spend, records: records, at: Self.t0 + 604_800) == nil)
        // Saturation: totals beyond u64 are still over every limit.
        let huge = [SpendRecord(operationID: "b", wallet: wallet, asset: .sol, amount: .max, at: Self.t0)]
        #expect(
            SpendingLedger.firstViolation(
                limits: [SpendingLimit(asset: .sol, period: .day, amount: .max)], spends: spend, records: huge,
                at: Self.t0)?.newTotal == nil)
    }

    @Test func theRefusalNamesTheRuleAndTheExcess() {
        let limit = SpendingLimit(asset: .sol, period: .day, amount: 5_000_000_000)
        let error = GuardianError.spendingLimitExceeded(
            SpendingLimitViolation(limit: limit, windowTotal: 4_000_000_000, spend: 2_200_000_000))
        #expect(error.code == .policySpendingLimitExceeded)
        #expect(
            error.message.contains(
                "rolling 24-hour total would be 6.2 SOL (6200000000 lamports), 1200000000 over the limit of 5000000000 lamports"
            ), "\(error.message)")
        let token = GuardianError.spendingLimitExceeded(
            SpendingLimitViolation(
                limit: SpendingLimit(asset: .token(mint: Self.mint), period: .week, amount: 1_200), windowTotal: 1_000,
                spend: 500), decimals: 2)
        #expect(token.message.contains("token \(Self.mint.base58) per week"))
        #expect(
            token.message.contains(
                "rolling 7-day total would be 15 (1500 base units), 300 over the limit of 1200 base units"),
            "\(token.message)")
        #expect(PolicyAmount.format(1, decimals: 9) == "0.000000001")
        #expect(PolicyAmount.format(0, decimals: 3) == "0")
        #expect(
            PolicyAmount.parse("01") == nil && PolicyAmount.parse("18446744073709551616") == nil
                && PolicyAmount.parse("18446744073709551615") == .max)
    }
}

// MARK: - Addresses

enum PolicyAddresses {
    static let owner = SolanaKeypair()
    static let guardian = SolanaKeypair().publicKey
    static let alice = fresh(), bob = fresh(), carol = fresh(), dex = fresh(), source = fresh()
    static let mint = fresh(), otherMint = fresh()
    static func fresh() -> SolanaPublicKey { SolanaKeypair().publicKey }
}

extension PolicyTransactions {
    static func leBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian, Array.init)
    }
}
