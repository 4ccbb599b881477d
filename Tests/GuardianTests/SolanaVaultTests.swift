import ChainKit
import Foundation
import Guardian
import GuardianTestSupport
import OTP
import TestSupport
import Testing

// MARK: - The Solana vault: the guardian's signature enforced on-chain

/// The vault (a 2-of-3 SPL Token multisig of wallet, guardian key and recovery key, docs/vault.md) driven through the
/// guardian service and ``SolanaRPCClient`` against `scripts/solana-test-chain.py` — LiteSVM running the real SPL Token,
/// Token-2022 and Associated Token Account programs with signature checks. Serialized: the chain is shared.
@Suite("Solana vault × guardian × LiteSVM", .serialized)
struct SolanaVaultTests {
    /// The chain side: a client and helpers that compile, sign (wallet first: it pays), send and confirm.
    struct Chain {
        let client: SolanaRPCClient

        static func make() throws -> Chain {
            Chain(client: SolanaRPCClient(url: try SolanaTestChain.shared(), timeout: .seconds(30)))
        }

        func fund(_ key: SolanaPublicKey, lamports: UInt64 = 20_000_000_000) async throws {
            let signature = try await client.requestAirdrop(key, lamports: lamports)
            try await client.waitForConfirmation(signature, pollInterval: .milliseconds(50), timeout: .seconds(30))
        }

        /// Compiles `instructions` paid by `payer` and signs with `payer` and `signers`; other slots stay empty.
        func transaction(
            _ instructions: [SolanaTransactionInstruction], payer: SolanaKeypair, signers: [SolanaKeypair] = []
        ) async throws -> SolanaTransaction {
            let latest = try await client.getLatestBlockhash()
            var transaction = try SolanaTransaction(
                message: SolanaMessage(
                    feePayer: payer.publicKey, instructions: instructions, recentBlockhash: latest.blockhash))
            for signer in [payer] + signers { transaction = try transaction.signing(with: signer) }
            return transaction
        }

        @discardableResult
        func send(_ transaction: SolanaTransaction) async throws -> SolanaSignature {
            let signature = try await client.sendTransaction(transaction)
            try await client.waitForConfirmation(signature, pollInterval: .milliseconds(50), timeout: .seconds(30))
            return signature
        }

        @discardableResult
        func send(
            _ instructions: [SolanaTransactionInstruction], payer: SolanaKeypair, signers: [SolanaKeypair] = []
        ) async throws -> SolanaSignature {
            try await send(try await transaction(instructions, payer: payer, signers: signers))
        }

        func balance(_ account: SolanaPublicKey) async throws -> UInt64 {
            try await client.getTokenAccountBalance(account).amount
        }

        /// A mint of `program` with the wallet as mint authority, `amount` minted to the wallet's associated account.
        func mint(program: SolanaPublicKey, decimals: UInt8, amount: UInt64, to wallet: SolanaKeypair) async throws
            -> SolanaPublicKey
        {
            let mint = SolanaKeypair()
            try await send(
                [
                    SolanaSystemProgram.createAccount(
                        funding: wallet.publicKey, newAccount: mint.publicKey,
                        lamports: try await client.getMinimumBalanceForRentExemption(dataLength: 82), space: 82,
                        owner: program),
                    SolanaTokenProgram.initializeMint2(
                        mint: mint.publicKey, decimals: decimals, mintAuthority: wallet.publicKey,
                        freezeAuthority: nil, programID: program),
                    SolanaAssociatedTokenProgram.createIdempotent(
                        funding: wallet.publicKey, wallet: wallet.publicKey, mint: mint.publicKey,
                        tokenProgram: program),
                    SolanaTokenProgram.mintTo(
                        mint: mint.publicKey,
                        destination: SolanaAssociatedTokenProgram.address(
                            wallet: wallet.publicKey, mint: mint.publicKey, tokenProgram: program
                        ).address, authority: .single(wallet.publicKey), amount: amount, programID: program),
                ], payer: wallet, signers: [mint])
            return mint.publicKey
        }
    }

    /// An enrolled (governance v2) wallet with a funded vault: 3 SOL wrapped, 1,000 tokens of an SPL Token mint (6
    /// decimals) and 500 of a Token-2022 mint (2 decimals).
    struct Setup {
        let harness: GuardianHarness
        let wallet: EnrolledWallet
        let recovery: SolanaKeypair
        let vault: SolanaVault
        let chain: Chain
        let mintA: SolanaPublicKey
        let mintB: SolanaPublicKey

        static let sol: UInt64 = 3_000_000_000
        static let tokensA: UInt64 = 1_000_000_000
        static let tokensB: UInt64 = 50_000

        static func make() async throws -> Setup {
            let harness = try await GuardianHarness.make()
            let wallet = try await migratedWallet(harness)
            let chain = try Chain.make()
            try await chain.fund(wallet.owner.publicKey)
            let recovery = SolanaKeypair()
            let vault = try SolanaVault(
                wallet: wallet.owner.publicKey, guardian: wallet.guardian, recovery: recovery.publicKey)
            let mintA = try await chain.mint(
                program: SolanaProgram.splToken, decimals: 6, amount: 10 * tokensA, to: wallet.owner)
            let mintB = try await chain.mint(
                program: SolanaProgram.token2022, decimals: 2, amount: 10 * tokensB, to: wallet.owner)
            // Create: the wallet alone (the guardian's signature is never needed to create a vault).
            let rent = try await chain.client.getMinimumBalanceForRentExemption(
                dataLength: UInt64(SolanaTokenMultisig.byteCount))
            try await chain.send(
                vault.createMultisig(program: SolanaProgram.splToken, lamports: rent)
                    + vault.createMultisig(program: SolanaProgram.token2022, lamports: rent)
                    + [
                        vault.createTokenAccount(mint: SolanaVault.nativeMint),
                        vault.createTokenAccount(mint: mintA),
                        vault.createTokenAccount(mint: mintB, program: SolanaProgram.token2022),
                    ], payer: wallet.owner)
            // Deposit: the wallet alone.
            try await chain.send(
                vault.depositSOL(lamports: sol)
                    + vault.depositToken(mint: mintA, program: SolanaProgram.splToken, decimals: 6, amount: tokensA)
                    + vault.depositToken(mint: mintB, program: SolanaProgram.token2022, decimals: 2, amount: tokensB),
                payer: wallet.owner)
            return Setup(
                harness: harness, wallet: wallet, recovery: recovery, vault: vault, chain: chain, mintA: mintA,
                mintB: mintB)
        }

        var accountA: SolanaPublicKey { vault.tokenAccount(mint: mintA) }
        var accountB: SolanaPublicKey { vault.tokenAccount(mint: mintB, program: SolanaProgram.token2022) }

        /// Has the guardian co-sign `transaction` with `code`; returns the fully signed transaction.
        func cosign(_ transaction: SolanaTransaction, code: String, session: Session? = nil) async throws
            -> SolanaTransaction
        {
            let result = try await harness.service.cosign(
                session: session ?? wallet.session, wallet: wallet.address,
                transactionBase64: TransactionFactory.base64(transaction), code: code)
            return try SolanaTransaction(wireBytes: Data(base64Encoded: result.signedTransactionBase64)!)
        }

        func holdings() async throws -> [SolanaVault.Holding] {
            [
                .init(
                    mint: SolanaVault.nativeMint, program: SolanaProgram.splToken, decimals: 9,
                    amount: try await chain.balance(vault.solAccount)),
                .init(
                    mint: mintA, program: SolanaProgram.splToken, decimals: 6,
                    amount: try await chain.balance(accountA)),
                .init(
                    mint: mintB, program: SolanaProgram.token2022, decimals: 2,
                    amount: try await chain.balance(accountB)),
            ]
        }
    }

    @Test("Create and deposit: the multisig is 2 of {wallet, guardian, recovery} at its derived address, funded")
    func createAndDeposit() async throws {
        let setup = try await Setup.make()
        let client = setup.chain.client
        for program in [SolanaProgram.splToken, SolanaProgram.token2022] {
            let info = try #require(try await client.getAccountInfo(setup.vault.multisig(program: program)))
            let multisig = try SolanaTokenMultisig(data: info.data, program: info.owner)
            #expect(info.owner == program)
            #expect(multisig.threshold == 2 && multisig.signers == setup.vault.signers)
        }
        let wrapped = try SolanaTokenAccount(
            data: try #require(try await client.getAccountInfo(setup.vault.solAccount)).data,
            program: SolanaProgram.splToken)
        #expect(wrapped.isNative && wrapped.owner == setup.vault.multisig() && wrapped.amount == Setup.sol)
        #expect(try await setup.chain.balance(setup.accountA) == Setup.tokensA)
        #expect(try await setup.chain.balance(setup.accountB) == Setup.tokensB)
    }

    @Test(
        "Spending: wallet + guardian after a code moves tokens and SOL; the wallet alone fails on-chain; a replay is refused"
    )
    func cosignedTransfers() async throws {
        let setup = try await Setup.make()
        let chain = setup.chain
        let owner = setup.wallet.owner
        let recipient = SolanaKeypair().publicKey

        // Tokens (SPL Token): wallet signs, guardian co-signs after a code, the chain executes.
        let tokens = try await chain.transaction(
            setup.vault.transferToken(
                mint: setup.mintA, program: SolanaProgram.splToken, decimals: 6, amount: 250_000_000, to: recipient),
            payer: owner)
        let code = try setup.harness.nextCode(setup.wallet)
        try await chain.send(try await setup.cosign(tokens, code: code))
        #expect(try await chain.balance(setup.accountA) == Setup.tokensA - 250_000_000)
        let received = SolanaAssociatedTokenProgram.address(wallet: recipient, mint: setup.mintA).address
        #expect(try await chain.balance(received) == 250_000_000)

        // The same code again: a replay, refused (the step is burned).
        let again = try await chain.transaction(
            setup.vault.transferToken(
                mint: setup.mintA, program: SolanaProgram.splToken, decimals: 6, amount: 1, to: recipient),
            payer: owner)
        #expect(await errorCode { try await setup.cosign(again, code: code) } == .codeAlreadyUsed)

        // Token-2022 and SOL (unwrapped to the recipient as native SOL).
        let mixed = try await chain.transaction(
            setup.vault.transferToken(
                mint: setup.mintB, program: SolanaProgram.token2022, decimals: 2, amount: 1_234, to: recipient)
                + setup.vault.transferSOL(lamports: 1_500_000_000, to: recipient), payer: owner)
        try await chain.send(try await setup.cosign(mixed, code: try setup.harness.nextCode(setup.wallet)))
        #expect(try await chain.balance(setup.accountB) == Setup.tokensB - 1_234)
        #expect(try await chain.balance(setup.vault.solAccount) == Setup.sol - 1_500_000_000)
        #expect(try await chain.client.getBalance(recipient) == 1_500_000_000)

        // The wallet alone (the multisig lists only the wallet): the token program refuses it on-chain.
        let alone = SolanaTokenProgram.transferChecked(
            source: setup.accountA, mint: setup.mintA, destination: received,
            authority: setup.vault.authority(program: SolanaProgram.splToken, members: [owner.publicKey]),
            amount: 1, decimals: 6)
        let refused = try await chain.transaction([alone], payer: owner)
        let error = await #expect(throws: SolanaRPCError.self) { try await chain.client.sendTransaction(refused) }
        #expect(error?.transactionError?.instructionError == "MissingRequiredSignature")
        // Without the guardian's signature in its slot, the transaction does not even verify.
        let unsigned = try await chain.transaction(
            setup.vault.transferToken(
                mint: setup.mintA, program: SolanaProgram.splToken, decimals: 6, amount: 1, to: recipient),
            payer: owner)
        await #expect(throws: SolanaRPCError.self) { try await chain.client.sendTransaction(unsigned) }
        #expect(try await chain.balance(setup.accountA) == Setup.tokensA - 250_000_000, "nothing moved")
    }

    @Test("The guardian refuses to be the second signature with the recovery key, and vault instructions it cannot see")
    func guardianPlusRecoveryRefused() async throws {
        let setup = try await Setup.make()
        let chain = setup.chain
        let owner = setup.wallet.owner
        let recovery = setup.recovery
        try await chain.fund(recovery.publicKey, lamports: 1_000_000_000)
        let thief = SolanaKeypair().publicKey
        let destination = SolanaAssociatedTokenProgram.address(wallet: thief, mint: setup.mintA).address
        let members = [setup.wallet.guardian, recovery.publicKey]
        let transfer = SolanaTokenProgram.transferChecked(
            source: setup.accountA, mint: setup.mintA, destination: destination,
            authority: setup.vault.authority(program: SolanaProgram.splToken, members: members), amount: 1,
            decimals: 6)
        let create = SolanaAssociatedTokenProgram.createIdempotent(
            funding: recovery.publicKey, wallet: thief, mint: setup.mintA)
        let code = try setup.harness.nextCode(setup.wallet)

        // Recovery key pays and signs, the wallet is not in the transaction at all.
        let withoutWallet = try await chain.transaction([create, transfer], payer: recovery)
        #expect(await errorCode { try await setup.cosign(withoutWallet, code: code) } == .walletNotSigner)
        // The wallet signs the transaction (as fee payer) but the multisig's members are guardian + recovery.
        let walletPays = try await chain.transaction(
            [SolanaSystemProgram.transfer(from: owner.publicKey, to: thief, lamports: 1), transfer], payer: owner,
            signers: [recovery])
        #expect(await errorCode { try await setup.cosign(walletPays, code: code) } == .walletNotSigner)
        // Approve (a delegate could spend alone) with wallet + guardian: refused, whatever the members.
        var approve: [UInt8] = [4]
        withUnsafeBytes(of: UInt64(1_000).littleEndian) { approve += $0 }
        let delegate = SolanaTransactionInstruction(
            programID: SolanaProgram.splToken,
            accounts: [.writable(setup.accountA), .readonly(thief), .readonly(setup.vault.multisig())]
                + [owner.publicKey, setup.wallet.guardian].map { .readonly($0, signer: true) }, data: approve)
        let approval = try await chain.transaction([delegate], payer: owner)
        #expect(await errorCode { try await setup.cosign(approval, code: code) } == .vaultInstructionNotAllowed)
        // None of that consumed the code: it still co-signs a proper transfer.
        let proper = try await chain.transaction(
            setup.vault.transferToken(
                mint: setup.mintA, program: SolanaProgram.splToken, decimals: 6, amount: 5, to: thief),
            payer: owner)
        try await chain.send(try await setup.cosign(proper, code: code))
        #expect(try await chain.balance(destination) == 5)
    }

    @Test("Policies apply to vault transfers before the code is consumed; wrapped SOL counts as SOL")
    func policyBeforeCode() async throws {
        let setup = try await Setup.make()
        let chain = setup.chain
        let owner = setup.wallet.owner
        let recipient = SolanaKeypair().publicKey
        let policy = try TransactionPolicy(
            spendingLimits: [
                SpendingLimit(asset: .token(mint: setup.mintA), period: .day, amount: 100_000_000),
                SpendingLimit(asset: .sol, period: .day, amount: 1_000_000_000),
            ])
        _ = try await setup.harness.service.updatePolicy(
            session: setup.wallet.session, wallet: setup.wallet.address, policy: policy,
            code: try setup.harness.nextCode(setup.wallet))
        let code = try setup.harness.nextCode(setup.wallet)
        let tooMuch = try await chain.transaction(
            setup.vault.transferToken(
                mint: setup.mintA, program: SolanaProgram.splToken, decimals: 6, amount: 100_000_001, to: recipient),
            payer: owner)
        #expect(await errorCode { try await setup.cosign(tooMuch, code: code) } == .policySpendingLimitExceeded)
        let tooMuchSOL = try await chain.transaction(
            setup.vault.transferSOL(lamports: 1_000_000_001, to: recipient), payer: owner)
        #expect(await errorCode { try await setup.cosign(tooMuchSOL, code: code) } == .policySpendingLimitExceeded)
        // The code was not consumed by the refusals: a transfer within the limits goes through with it.
        let within = try await chain.transaction(
            setup.vault.transferToken(
                mint: setup.mintA, program: SolanaProgram.splToken, decimals: 6, amount: 100_000_000, to: recipient)
                + setup.vault.transferSOL(lamports: 900_000_000, to: recipient), payer: owner)
        try await chain.send(try await setup.cosign(within, code: code))
        #expect(try await chain.client.getBalance(recipient) == 900_000_000)
        // The day's token limit is spent now.
        let more = try await chain.transaction(
            setup.vault.transferToken(
                mint: setup.mintA, program: SolanaProgram.splToken, decimals: 6, amount: 1, to: recipient),
            payer: owner)
        #expect(
            await errorCode { try await setup.cosign(more, code: try setup.harness.nextCode(setup.wallet)) }
                == .policySpendingLimitExceeded)
    }

    @Test("Break-glass: wallet + recovery key move everything without the guardian")
    func recovery() async throws {
        let setup = try await Setup.make()
        let chain = setup.chain
        let safe = SolanaKeypair().publicKey
        let holdings = try await setup.holdings()
        let wrapped = try #require(try await chain.client.getAccountInfo(setup.vault.solAccount))
        let reserve = try #require(
            try SolanaTokenAccount(data: wrapped.data, program: SolanaProgram.splToken).nativeRentExemptReserve)
        try await chain.send(
            setup.vault.recover(holdings, to: safe), payer: setup.wallet.owner, signers: [setup.recovery])
        #expect(
            try await chain.balance(SolanaAssociatedTokenProgram.address(wallet: safe, mint: setup.mintA).address)
                == Setup.tokensA)
        #expect(
            try await chain.balance(
                SolanaAssociatedTokenProgram.address(
                    wallet: safe, mint: setup.mintB, tokenProgram: SolanaProgram.token2022
                ).address) == Setup.tokensB)
        #expect(try await chain.client.getBalance(safe) >= Setup.sol + reserve)
        for account in [setup.vault.solAccount, setup.accountA, setup.accountB] {
            #expect(try await chain.client.getAccountInfo(account) == nil, "closed: \(account)")
        }
    }

    @Test("Rotation: the migration moves every balance to {wallet, new guardian, same recovery}; the old key is done")
    func rotationMigration() async throws {
        let setup = try await Setup.make()
        let chain = setup.chain
        let harness = setup.harness
        let wallet = setup.wallet
        let owner = wallet.owner
        let scheduled = try await harness.service.scheduleRotation(
            session: wallet.session, wallet: wallet.address, kind: .planned, sequence: 2,
            authorization: .totp(code: try harness.nextCode(wallet)))
        let rotation = try #require(scheduled.status.pendingRotation)
        let newGuardian = rotation.newGuardianPublicKey
        let rent = try await chain.client.getMinimumBalanceForRentExemption(
            dataLength: UInt64(SolanaTokenMultisig.byteCount))
        let holdings = try await setup.holdings()

        func migration(to destination: SolanaVault) async throws -> [String] {
            var texts: [String] = []
            for batch in setup.vault.migrationBatches(to: destination, holdings: holdings, multisigRent: rent) {
                texts.append(TransactionFactory.base64(try await chain.transaction(batch, payer: owner)))
            }
            return texts
        }
        var session = wallet.session
        func execute(_ texts: [String]) async throws -> GovernanceReceipt {
            try await harness.service.executeRotation(
                session: session, wallet: wallet.address, rotationID: rotation.id, sequence: 3,
                migrationTransactions: texts)
        }
        let destination = try setup.vault.rotated(to: newGuardian)

        // Before the timelock: refused, nothing signed.
        #expect(await errorCode { try await execute(try await migration(to: destination)) } == .timelockActive)
        harness.clock.advance(by: 48 * 3600)
        session = try await harness.login(owner)  // two days later: a new session

        // A migration to any other signer set is refused and executes nothing.
        let attacker = SolanaKeypair().publicKey
        let elsewhere = try SolanaVault(wallet: owner.publicKey, guardian: newGuardian, recovery: attacker)
        #expect(await errorCode { try await execute(try await migration(to: elsewhere)) } == .vaultMigrationRefused)
        let stillOld = try SolanaVault(wallet: owner.publicKey, guardian: wallet.guardian, recovery: attacker)
        #expect(await errorCode { try await execute(try await migration(to: stillOld)) } == .vaultMigrationRefused)
        // The right destination with one transfer redirected to the attacker's account: refused.
        var tampered = setup.vault.migrationBatches(to: destination, holdings: holdings, multisigRent: rent)
        tampered[1] = tampered[1].map { instruction in
            guard instruction.programID == SolanaProgram.splToken, instruction.data.first == 12 else {
                return instruction
            }
            var accounts = instruction.accounts
            accounts[2] = .writable(SolanaAssociatedTokenProgram.address(wallet: attacker, mint: setup.mintA).address)
            return SolanaTransactionInstruction(
                programID: instruction.programID, accounts: accounts, data: instruction.data)
        }
        var tamperedTexts: [String] = []
        for batch in tampered {
            tamperedTexts.append(TransactionFactory.base64(try await chain.transaction(batch, payer: owner)))
        }
        #expect(await errorCode { try await execute(tamperedTexts) } == .vaultMigrationRefused)
        #expect(try await harness.service.governanceStatus(wallet: wallet.address).pendingRotation != nil)

        // The real migration: co-signed by the outgoing key in the execution, then sent.
        let receipt = try await execute(try await migration(to: destination))
        #expect(receipt.status.guardianPublicKey == newGuardian && receipt.status.pendingRotation == nil)
        #expect(receipt.migrationTransactions.count == 1 + (holdings.count + 1) / 2)
        for text in receipt.migrationTransactions {
            try await chain.send(try SolanaTransaction(wireBytes: Data(base64Encoded: text)!))
        }
        for holding in holdings {
            #expect(
                try await chain.balance(destination.tokenAccount(mint: holding.mint, program: holding.program))
                    == holding.amount, "\(holding.mint)")
            #expect(
                try await chain.client.getAccountInfo(
                    setup.vault.tokenAccount(mint: holding.mint, program: holding.program)) == nil)
        }
        let info = try #require(try await chain.client.getAccountInfo(destination.multisig()))
        #expect(try SolanaTokenMultisig(data: info.data, program: info.owner).signers == destination.signers)

        // The old key can no longer co-sign; the new one co-signs from the new vault.
        let recipient = SolanaKeypair().publicKey
        let old = try await chain.transaction(
            setup.vault.transferToken(
                mint: setup.mintA, program: SolanaProgram.splToken, decimals: 6, amount: 1, to: recipient),
            payer: owner)
        #expect(
            await errorCode { try await setup.cosign(old, code: try harness.nextCode(wallet), session: session) }
                == .guardianNotSigner)
        let new = try await chain.transaction(
            destination.transferToken(
                mint: setup.mintA, program: SolanaProgram.splToken, decimals: 6, amount: 7, to: recipient),
            payer: owner)
        try await chain.send(try await setup.cosign(new, code: try harness.nextCode(wallet), session: session))
        #expect(
            try await chain.balance(SolanaAssociatedTokenProgram.address(wallet: recipient, mint: setup.mintA).address)
                == 7)
    }
}
