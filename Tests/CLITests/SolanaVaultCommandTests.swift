import ChainKit
import Foundation
import OTP
import TestSupport
import Testing

// MARK: - wallet new, vault solana: end to end through the built binary

/// `chronoguard wallet new|airdrop|balance` and `chronoguard vault solana …` against a `chronoguard serve` process and the LiteSVM test
/// chain (`scripts/solana-test-chain.py`): from a new keypair to a co-signed vault transfer, a refused replay, the
/// status and a break-glass recovery.
@Suite(.serialized) struct SolanaVaultCommandTests {
    @Test func walletNewWritesAPrivateSolanaKeygenFile() throws {
        let path = CLI.temporaryFile("wallet") + ".json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let created = try CLI.run(["wallet", "new", "--keypair", path])
        #expect(created.status == 0, "\(created.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let bytes = try JSONDecoder().decode([UInt8].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        let key = try SolanaKeypair(keypairBytes: bytes)
        #expect(created.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == key.publicKey.base58)
        let again = try CLI.run(["wallet", "new", "--keypair", path])
        #expect(again.status == 2 && again.stderr.contains("already exists"), "\(again.stderr)")
        let kept = try JSONDecoder().decode([UInt8].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(try SolanaKeypair(keypairBytes: kept).publicKey == key.publicKey, "never overwritten")
    }

    @Test func vaultFromWalletNewToACosignedTransfer() async throws {
        let rpc = try SolanaTestChain.shared().absoluteString
        let client = SolanaRPCClient(url: try SolanaTestChain.shared(), timeout: .seconds(30))
        let base = CLI.temporaryFile("vault")
        let dataDirectory = base + "-data"
        let session = base + "-session.json"
        let walletFile = base + "-wallet.json"
        let recoveryFile = base + "-recovery.json"
        defer {
            for path in [dataDirectory, session, walletFile, recoveryFile, dataDirectory + ".log"] {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        let walletAddress = try CLI.run(["wallet", "new", "--keypair", walletFile]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let recoveryAddress = try CLI.run(["wallet", "new", "--keypair", recoveryFile]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let wallet = try SolanaKeypair(
            keypairBytes: try JSONDecoder().decode(
                [UInt8].self, from: Data(contentsOf: URL(fileURLWithPath: walletFile))))
        #expect(wallet.publicKey.base58 == walletAddress)
        let airdrop = try CLI.run(["wallet", "airdrop", "--rpc-url", rpc, "--keypair", walletFile, "--sol", "10"])
        #expect(airdrop.status == 0, "\(airdrop.stderr)")
        let balance = try CLI.run(["wallet", "balance", "--rpc-url", rpc, "--address", walletAddress])
        #expect(balance.stdout == "10\n", "\(balance.stderr)")
        #expect(try await client.getBalance(wallet.publicKey) == 10_000_000_000)
        let both = try CLI.run([
            "wallet", "balance", "--rpc-url", rpc, "--address", walletAddress, "--keypair", walletFile,
        ])
        #expect(
            both.status == 64 && both.stderr.contains("either --keypair FILE or --address PUBKEY"), "\(both.stderr)")

        // A mint (setup through ChainKit): 6 decimals, 100 tokens in the wallet's account.
        let mint = SolanaKeypair()
        let latest = try await client.getLatestBlockhash()
        var setup = try SolanaTransaction(
            message: SolanaMessage(
                feePayer: wallet.publicKey,
                instructions: [
                    SolanaSystemProgram.createAccount(
                        funding: wallet.publicKey, newAccount: mint.publicKey,
                        lamports: try await client.getMinimumBalanceForRentExemption(dataLength: 82), space: 82,
                        owner: SolanaProgram.splToken),
                    SolanaTokenProgram.initializeMint2(
                        mint: mint.publicKey, decimals: 6, mintAuthority: wallet.publicKey, freezeAuthority: nil),
                    SolanaAssociatedTokenProgram.createIdempotent(
                        funding: wallet.publicKey, wallet: wallet.publicKey, mint: mint.publicKey),
                    SolanaTokenProgram.mintTo(
                        mint: mint.publicKey,
                        destination: SolanaAssociatedTokenProgram.address(
                            wallet: wallet.publicKey, mint: mint.publicKey
                        ).address, authority: .single(wallet.publicKey), amount: 100_000_000),
                ], recentBlockhash: latest.blockhash))
        setup = try setup.signing(with: wallet).signing(with: mint)
        try await client.waitForConfirmation(
            try await client.sendTransaction(setup), pollInterval: .milliseconds(50), timeout: .seconds(30))

        // The guardian: serve, log in, enroll, confirm.
        let server = try ServerProcess(dataDirectory: dataDirectory)
        defer { _ = server.terminate() }
        try await server.waitUntilReadyOrFail()
        let common = ["--url", server.url, "--session-file", session]
        let chain = ["--rpc-url", rpc, "--keypair", walletFile]
        let totp = try server.enrollThroughTheCLI(keypairFile: walletFile, sessionFile: session)
        let now = Int64(Date().timeIntervalSince1970)

        // Create, deposit.
        let created = try CLI.run(
            ["vault", "solana", "create", "--recovery-pubkey", recoveryAddress, "--mint", mint.publicKey.base58]
                + chain + common)
        #expect(created.status == 0, "\(created.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])
        let vault = try #require(object["multisig"] as? String)
        let accounts = try #require(object["accounts"] as? [String: String])
        #expect(accounts.keys.sorted() == [mint.publicKey.base58, "SOL"].sorted())
        let deposits = [["--sol", "2.5"], ["--mint", mint.publicKey.base58, "--amount", "10"]]
        for amount in deposits {
            let deposit = try CLI.run(["vault", "solana", "deposit", "--vault", vault] + amount + chain)
            #expect(deposit.status == 0, "\(deposit.stderr)")
        }
        let vaultTokens = try SolanaPublicKey(base58: try #require(accounts[mint.publicKey.base58]))
        #expect(try await client.getTokenAccountBalance(vaultTokens).amount == 10_000_000)

        // A co-signed SOL transfer: native SOL arrives.
        let recipient = SolanaKeypair().publicKey
        let code = try totp.code(at: now)
        let transfer = try CLI.run(
            ["vault", "solana", "transfer", "--vault", vault, "--to", recipient.base58, "--sol", "0.5", "--code", code]
                + chain + common)
        #expect(transfer.status == 0, "\(transfer.stderr)")
        #expect(SolanaSignature(transfer.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) != nil)
        #expect(try await client.getBalance(recipient) == 500_000_000)
        // The same code again: refused by the guardian, exit 1 with its error code.
        let replay = try CLI.run(
            [
                "vault", "solana", "transfer", "--vault", vault, "--to", recipient.base58, "--mint",
                mint.publicKey.base58, "--amount", "1", "--code", code,
            ] + chain + common)
        #expect(replay.status == 1 && replay.stderr.contains("code_already_used"), "\(replay.stderr)")

        let status = try CLI.run([
            "vault", "solana", "status", "--rpc-url", rpc, "--vault", vault, "--mint", mint.publicKey.base58,
        ])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("recovery: \(recoveryAddress)") && status.stdout.contains("SOL: 2"))
        #expect(status.stdout.contains("\(mint.publicKey.base58): 10"), "\(status.stdout)")

        // Break-glass: wallet + recovery key, no guardian (the server is not even asked).
        let safe = SolanaKeypair().publicKey
        let recover = try CLI.run(
            [
                "vault", "solana", "recover", "--recovery-keypair", recoveryFile, "--vault", vault, "--to", safe.base58,
                "--mint", mint.publicKey.base58,
            ] + chain)
        #expect(recover.status == 0, "\(recover.stderr)")
        let safeTokens = SolanaAssociatedTokenProgram.address(wallet: safe, mint: mint.publicKey).address
        #expect(try await client.getTokenAccountBalance(safeTokens).amount == 10_000_000)
        #expect(try await client.getBalance(safe) > 2_000_000_000)
    }
}
