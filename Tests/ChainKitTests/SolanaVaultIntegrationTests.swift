import ChainKit
import Foundation
import TestSupport
import Testing

// MARK: - A 2-of-3 SPL Token multisig vault on the real SVM

/// ChainKit's builders, compiler, signer and ``SolanaRPCClient`` against `scripts/solana-test-chain.py` — LiteSVM,
/// which runs the real SPL Token, Token-2022 and Associated Token Account programs and checks signatures and
/// blockhashes. Serialized: one test ages the chain's blockhashes, which would expire another test's transaction.
@Suite("Solana multisig vault × LiteSVM", .serialized)
struct SolanaVaultIntegrationTests {
    /// The wrapped-SOL mint of each token program (`spl_token::native_mint`, `spl_token_2022::native_mint`).
    static func nativeMint(_ program: SolanaPublicKey) throws -> SolanaPublicKey {
        try SolanaPublicKey(
            base58: program == SolanaProgram.splToken
                ? "So11111111111111111111111111111111111111112" : "9pan9bMn5HatX4EJdBwg9VgCa7Uz5HL8N1m5D3NdXejP")
    }

    /// A funded payer and helpers that build, sign, send and confirm.
    struct Harness {
        let client: SolanaRPCClient
        let payer: SolanaKeypair

        static func make() async throws -> Harness {
            let client = SolanaRPCClient(url: try SolanaTestChain.shared(), timeout: .seconds(30))
            let payer = SolanaKeypair()
            let airdrop = try await client.requestAirdrop(payer.publicKey, lamports: 100_000_000_000)
            try await client.waitForConfirmation(airdrop, pollInterval: .milliseconds(50), timeout: .seconds(30))
            return Harness(client: client, payer: payer)
        }

        /// Compiles `instructions` (paid by the payer), signs with the payer and `signers`.
        func transaction(_ instructions: [SolanaTransactionInstruction], signers: [SolanaKeypair]) async throws
            -> (SolanaTransaction, SolanaLatestBlockhash)
        {
            let latest = try await client.getLatestBlockhash()
            let message = try SolanaMessage(
                feePayer: payer.publicKey, instructions: instructions, recentBlockhash: latest.blockhash)
            var transaction = try SolanaTransaction(message: message)
            for signer in [payer] + signers { transaction = try transaction.signing(with: signer) }
            return (transaction, latest)
        }

        /// Sends with preflight and waits for confirmation.
        @discardableResult
        func send(_ instructions: [SolanaTransactionInstruction], signers: [SolanaKeypair] = []) async throws
            -> SolanaSignature
        {
            let (transaction, latest) = try await transaction(instructions, signers: signers)
            let signature = try await client.sendTransaction(transaction)
            try await client.waitForConfirmation(
                signature, lastValidBlockHeight: latest.lastValidBlockHeight, pollInterval: .milliseconds(50),
                timeout: .seconds(30))
            return signature
        }

        func tokenAccount(_ address: SolanaPublicKey) async throws -> SolanaTokenAccount {
            guard let info = try await client.getAccountInfo(address) else {
                throw ExternalPeer.Failure(description: "token account \(address) does not exist")
            }
            return try SolanaTokenAccount(data: info.data, program: info.owner)
        }
    }

    @Test(
        "2-of-3 vault: create mint, multisig, vault ATA; 2 signatures move tokens, 1 fails with the program's logs",
        arguments: [SolanaProgram.splToken, SolanaProgram.token2022])
    func multisigVault(program: SolanaPublicKey) async throws {
        var (generator, seed) = SplitMix64.seeded()
        let chain = try await Harness.make()
        let client = chain.client
        let payer = chain.payer
        let decimals = UInt8.random(in: 0...9, using: &generator)
        let minted = UInt64.random(in: 1_000...UInt64(1) << 60, using: &generator)

        // The mint.
        let mint = SolanaKeypair()
        try await chain.send(
            [
                SolanaSystemProgram.createAccount(
                    funding: payer.publicKey, newAccount: mint.publicKey,
                    lamports: try await client.getMinimumBalanceForRentExemption(dataLength: 82), space: 82,
                    owner: program),
                SolanaTokenProgram.initializeMint2(
                    mint: mint.publicKey, decimals: decimals, mintAuthority: payer.publicKey, freezeAuthority: nil,
                    programID: program),
            ], signers: [mint])

        // The 2-of-3 multisig.
        let members = (0..<3).map { _ in SolanaKeypair() }
        let multisig = SolanaKeypair()
        try await chain.send(
            [
                SolanaComputeBudgetProgram.setComputeUnitLimit(200_000),
                SolanaComputeBudgetProgram.setComputeUnitPrice(microLamports: 1),
                SolanaSystemProgram.createAccount(
                    funding: payer.publicKey, newAccount: multisig.publicKey,
                    lamports: try await client.getMinimumBalanceForRentExemption(dataLength: 355), space: 355,
                    owner: program),
                try SolanaTokenProgram.initializeMultisig2(
                    multisig: multisig.publicKey, signers: members.map(\.publicKey), threshold: 2, programID: program),
            ], signers: [multisig])
        guard let multisigInfo = try await client.getAccountInfo(multisig.publicKey) else {
            Issue.record("the multisig account does not exist")
            return
        }
        let decodedMultisig = try SolanaTokenMultisig(data: multisigInfo.data, program: multisigInfo.owner)
        #expect(multisigInfo.owner == program)
        #expect(decodedMultisig.threshold == 2 && decodedMultisig.signers == members.map(\.publicKey))
        #expect(multisigInfo.rentEpoch == UInt64.max, "rentEpoch of a rent-exempt account is u64::MAX")

        // The vault: the multisig's associated token account (created twice: the second is a no-op), then a mint.
        let vault = SolanaAssociatedTokenProgram.address(
            wallet: multisig.publicKey, mint: mint.publicKey, tokenProgram: program
        ).address
        for _ in 0..<2 {
            try await chain.send([
                SolanaAssociatedTokenProgram.createIdempotent(
                    funding: payer.publicKey, wallet: multisig.publicKey, mint: mint.publicKey, tokenProgram: program)
            ])
        }
        try await chain.send([
            SolanaTokenProgram.mintTo(
                mint: mint.publicKey, destination: vault, authority: .single(payer.publicKey), amount: minted,
                programID: program)
        ])
        let vaultAccount = try await chain.tokenAccount(vault)
        #expect(vaultAccount.mint == mint.publicKey && vaultAccount.owner == multisig.publicKey)
        #expect(vaultAccount.amount == minted && vaultAccount.state == .initialized && !vaultAccount.isNative)
        if program == SolanaProgram.token2022 {
            #expect(vaultAccount.extensions.map(\.type).contains(7), "Token-2022 ATAs carry ImmutableOwner (7)")
        }
        guard let mintInfo = try await client.getAccountInfo(mint.publicKey) else {
            Issue.record("the mint does not exist")
            return
        }
        let decodedMint = try SolanaTokenMint(data: mintInfo.data, program: mintInfo.owner)
        #expect(decodedMint.supply == minted && decodedMint.decimals == decimals)
        #expect(decodedMint.mintAuthority == payer.publicKey && decodedMint.freezeAuthority == nil)

        // The recipient's associated account.
        let recipient = SolanaKeypair().publicKey
        let destination = SolanaAssociatedTokenProgram.address(
            wallet: recipient, mint: mint.publicKey, tokenProgram: program
        ).address
        try await chain.send([
            SolanaAssociatedTokenProgram.createIdempotent(
                funding: payer.publicKey, wallet: recipient, mint: mint.publicKey, tokenProgram: program)
        ])

        // Two of three members sign: the tokens move.
        let pair = Array(members.shuffled(using: &generator).prefix(2))
        let amount = UInt64.random(in: 1...minted, using: &generator)
        let transfer = SolanaTokenProgram.transferChecked(
            source: vault, mint: mint.publicKey, destination: destination,
            authority: try .multisig(multisig.publicKey, signers: pair.map(\.publicKey)), amount: amount,
            decimals: decimals, programID: program)
        try await chain.send([transfer], signers: pair)
        #expect(try await client.getTokenAccountBalance(vault).amount == minted - amount, "seed \(seed)")
        let received = try await client.getTokenAccountBalance(destination)
        #expect(received.amount == amount && received.decimals == decimals, "seed \(seed)")
        #expect(try await chain.tokenAccount(destination).amount == amount)

        // One member signs: preflight refuses it with the program's error and logs.
        let lone = try #require(members.randomElement(using: &generator))
        let single = SolanaTokenProgram.transferChecked(
            source: vault, mint: mint.publicKey, destination: destination,
            authority: try .multisig(multisig.publicKey, signers: [lone.publicKey]), amount: 1, decimals: decimals,
            programID: program)
        let (refusedTransaction, _) = try await chain.transaction([single], signers: [lone])
        let preflight = await #expect(throws: SolanaRPCError.self) {
            try await client.sendTransaction(refusedTransaction)
        }
        #expect(preflight?.code == .preflightFailed)
        #expect(preflight?.rpcCode == -32002)
        #expect(preflight?.transactionError?.name == "InstructionError")
        #expect(preflight?.transactionError?.instructionIndex == 0)
        #expect(preflight?.transactionError?.instructionError == "MissingRequiredSignature")
        #expect(
            preflight?.logs.contains { $0.contains("Program \(program) invoke [1]") } == true,
            "\(preflight?.logs ?? [])")
        #expect(preflight?.logs.contains { $0.contains("Program \(program) failed") } == true)
        #expect(
            preflight?.message.contains("MissingRequiredSignature") == true
                || preflight?.message.contains("missing required signature") == true)

        // The same, without preflight: it lands, fails and pays; the wait reports the error with the logs.
        let landed = try await client.sendTransaction(refusedTransaction, skipPreflight: true)
        let failure = await #expect(throws: SolanaRPCError.self) {
            try await client.waitForConfirmation(landed, pollInterval: .milliseconds(50), timeout: .seconds(30))
        }
        #expect(failure?.code == .transactionFailed)
        #expect(failure?.transactionError?.instructionError == "MissingRequiredSignature")
        #expect(failure?.logs.contains { $0.contains("Program \(program) failed") } == true)
        #expect(try await client.getTokenAccountBalance(vault).amount == minted - amount, "nothing moved")

        // Wrong decimals: the program's own error code (TokenError::MintDecimalsMismatch = 18).
        let wrongDecimals = SolanaTokenProgram.transferChecked(
            source: vault, mint: mint.publicKey, destination: destination,
            authority: try .multisig(multisig.publicKey, signers: pair.map(\.publicKey)), amount: 1,
            decimals: decimals &+ 1, programID: program)
        let (wrongTransaction, _) = try await chain.transaction([wrongDecimals], signers: pair)
        let simulated = try await client.simulateTransaction(wrongTransaction, sigVerify: true)
        #expect(simulated.error?.customCode == 18 && simulated.error?.instructionIndex == 0)
        #expect(!simulated.logs.isEmpty)
    }

    @Test(
        "Wrapped SOL in the vault: deposit, SyncNative, then a 2-of-3 CloseAccount returns every lamport",
        arguments: [SolanaProgram.splToken, SolanaProgram.token2022])
    func wrappedSOL(program: SolanaPublicKey) async throws {
        var (generator, seed) = SplitMix64.seeded()
        let chain = try await Harness.make()
        let client = chain.client
        let payer = chain.payer
        let native = try Self.nativeMint(program)
        let members = (0..<3).map { _ in SolanaKeypair() }
        let multisig = SolanaKeypair()
        try await chain.send(
            [
                SolanaSystemProgram.createAccount(
                    funding: payer.publicKey, newAccount: multisig.publicKey,
                    lamports: try await client.getMinimumBalanceForRentExemption(dataLength: 355), space: 355,
                    owner: program),
                try SolanaTokenProgram.initializeMultisig2(
                    multisig: multisig.publicKey, signers: members.map(\.publicKey), threshold: 2, programID: program),
            ], signers: [multisig])

        // The vault's wrapped-SOL account: created, funded with a System transfer, synced.
        let wrapped = SolanaAssociatedTokenProgram.address(
            wallet: multisig.publicKey, mint: native, tokenProgram: program
        ).address
        let deposit = UInt64.random(in: 1...5_000_000_000, using: &generator)
        try await chain.send([
            SolanaAssociatedTokenProgram.createIdempotent(
                funding: payer.publicKey, wallet: multisig.publicKey, mint: native, tokenProgram: program),
            SolanaSystemProgram.transfer(from: payer.publicKey, to: wrapped, lamports: deposit),
            SolanaTokenProgram.syncNative(account: wrapped, programID: program),
        ])
        let account = try await chain.tokenAccount(wrapped)
        #expect(account.isNative && account.amount == deposit && account.mint == native, "seed \(seed)")
        let reserve = try #require(account.nativeRentExemptReserve)
        #expect(try await client.getBalance(wrapped) == reserve + deposit)
        let balance = try await client.getTokenAccountBalance(wrapped)
        #expect(balance.amount == deposit && balance.decimals == 9)

        // Close it with two members to a fresh wallet: all lamports (reserve included) arrive, the account is gone.
        let receiver = SolanaKeypair().publicKey
        let pair = Array(members.shuffled(using: &generator).prefix(2))
        try await chain.send(
            [
                SolanaTokenProgram.closeAccount(
                    account: wrapped, destination: receiver,
                    authority: try .multisig(multisig.publicKey, signers: pair.map(\.publicKey)), programID: program)
            ], signers: pair)
        #expect(try await client.getBalance(receiver) == reserve + deposit, "seed \(seed)")
        #expect(try await client.getAccountInfo(wrapped) == nil)
    }

    @Test("Blockhashes: a stale one fails preflight with BlockhashNotFound; unsent past its height, the wait expires")
    func blockhashExpiry() async throws {
        let chain = try await Harness.make()
        let client = chain.client
        let receiver = SolanaKeypair().publicKey
        let (stale, latest) = try await chain.transaction(
            [SolanaSystemProgram.transfer(from: chain.payer.publicKey, to: receiver, lamports: 10_000_000)],
            signers: [])
        // Every transaction gets a fresh blockhash, and an older one stays valid.
        let next = try await client.getLatestBlockhash()
        #expect(next.blockhash == latest.blockhash)
        try await chain.send([
            SolanaSystemProgram.transfer(from: chain.payer.publicKey, to: receiver, lamports: 1_000_000)
        ])
        #expect(try await client.getLatestBlockhash().blockhash != latest.blockhash)
        #expect(try await client.simulateTransaction(stale, sigVerify: true).error == nil)

        // Past 150 blocks it is unknown: preflight refuses it, and skipping preflight it is dropped.
        try await SolanaTestChain.produceBlocks(151)
        #expect(try await client.getBlockHeight() > latest.lastValidBlockHeight)
        let refused = await #expect(throws: SolanaRPCError.self) { try await client.sendTransaction(stale) }
        #expect(refused?.code == .preflightFailed && refused?.transactionError?.name == "BlockhashNotFound")
        let dropped = try await client.sendTransaction(stale, skipPreflight: true)
        let expired = await #expect(throws: SolanaRPCError.self) {
            try await client.waitForConfirmation(
                dropped, lastValidBlockHeight: latest.lastValidBlockHeight, pollInterval: .milliseconds(50),
                timeout: .seconds(30))
        }
        #expect(expired?.code == .blockhashExpired)
        #expect(try await client.getBalance(receiver) == 1_000_000)

        // Finality: 32 more blocks make the earlier transfer finalized.
        let signature = try await chain.send([
            SolanaSystemProgram.transfer(from: chain.payer.publicKey, to: receiver, lamports: 1_000_000)
        ])
        let confirmed = try #require(try await client.getSignatureStatuses([signature]).first ?? nil)
        #expect(confirmed.confirmationStatus == .confirmed && confirmed.error == nil)
        try await SolanaTestChain.produceBlocks(32)
        let finalized = try await client.waitForConfirmation(
            signature, commitment: .finalized, pollInterval: .milliseconds(50), timeout: .seconds(10))
        #expect(finalized.confirmationStatus == .finalized && finalized.confirmations == nil)
        // An unknown signature has no status.
        #expect(try await client.getSignatureStatuses([SolanaSignature.empty]) == [nil])
    }
}
