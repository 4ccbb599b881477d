import ArgumentParser
import ChainKit
import Foundation

// MARK: - chronoguard wallet

/// `chronoguard wallet …`: a Solana keypair for newcomers who have no solana-keygen, its balance, and SOL from a test
/// cluster's faucet.
struct WalletCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wallet", abstract: "Solana wallet keypairs: create one, its balance, a test cluster's airdrop.",
        subcommands: [New.self, Balance.self, Airdrop.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "Write a new Solana keypair file (solana-keygen's JSON array of 64 bytes, mode 0600); print the "
                + "address.",
            discussion: """
                The seed comes from the system's CSPRNG. The file is created with mode 0600 and never overwritten: \
                losing a keypair loses what it holds.
                """)

        @Option(help: "The keypair file to create.") var keypair: String

        func run() throws {
            try reportingFailures {
                let key = SolanaKeypair()
                try Self.write(key, to: keypair)
                print(key.publicKey.base58)
            }
        }

        /// Creates `path` exclusively with mode 0600 and writes the 64 bytes (seed ‖ public key) as a JSON array.
        static func write(_ key: SolanaKeypair, to path: String) throws {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard descriptor >= 0 else {
                throw CLIFailure(
                    errno == EEXIST
                        ? "\(path) already exists; choose another file (a keypair is never overwritten)."
                        : "Cannot create the keypair file \(path).")
            }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            var bytes = key.seed + key.publicKey.bytes
            defer { for index in bytes.indices { bytes[index] = 0 } }
            handle.write(Data(("[" + bytes.map(String.init).joined(separator: ",") + "]").utf8))
            try handle.close()
        }
    }

    /// The address of `--keypair FILE` or `--address PUBKEY`, exactly one of them.
    struct Account: ParsableArguments {
        @Option(help: "A keypair file (solana-keygen JSON); only its public key is used.") var keypair: String?
        @Option(help: "An address (Base58), instead of --keypair.") var address: String?

        func publicKey() throws -> SolanaPublicKey {
            switch (keypair, address) {
            case (let path?, nil): return try GuardianCommand.Login.readKeypair(path).publicKey
            case (nil, let text?): return try GuardianCommand.wallet(text, option: "--address")
            default: throw CLIFailure("Give either --keypair FILE or --address PUBKEY.", status: 64)
            }
        }
    }

    struct Balance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "balance", abstract: "Print an account's balance in SOL.")

        @OptionGroup var chain: VaultSolanaCommand.Chain
        @OptionGroup var account: Account

        func run() async throws {
            try await reportingFailures {
                let key = try account.publicKey()
                let lamports = try await chain.client().getBalance(key)
                print(VaultSolanaCommand.format(lamports, decimals: 9))
            }
        }
    }

    struct Airdrop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "airdrop",
            abstract: "Ask a test cluster's faucet (devnet, testnet, a local or test chain) for SOL; wait for it.",
            discussion: "Mainnet has no faucet: the node refuses, and the command exits 1 with its message.")

        @OptionGroup var chain: VaultSolanaCommand.Chain
        @OptionGroup var account: Account
        @Option(help: "SOL, as a decimal (e.g. 2.5).") var sol: String

        func run() async throws {
            try await reportingFailures {
                let key = try account.publicKey()
                let lamports = try VaultSolanaCommand.parse(sol, decimals: 9, option: "--sol")
                let client = try chain.client()
                let outcome: Result<SolanaSignature, SolanaRPCError>
                do throws(SolanaRPCError) {
                    let signature = try await client.requestAirdrop(key, lamports: lamports)
                    try await client.waitForConfirmation(signature, pollInterval: .milliseconds(200))
                    outcome = .success(signature)
                } catch {
                    outcome = .failure(error)
                }
                switch outcome {
                case .success(let signature): print(signature.description)
                case .failure(let error) where error.code == .transport: throw error
                case .failure(let error): throw CLIFailure("the airdrop failed: \(error.message)", status: 1)
                }
            }
        }
    }
}
