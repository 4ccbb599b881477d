import ArgumentParser
import ChainKit
import Foundation
import GuardianAPI

// MARK: - chronoguard vault solana

/// `chronoguard vault solana …`: the Solana vault (docs/vault.md) — a 2-of-3 SPL Token multisig of the wallet, its
/// guardian key and an offline recovery key; normal spending needs the wallet and the guardian (after a TOTP code),
/// break-glass the wallet and the recovery key.
struct VaultSolanaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solana",
        abstract: "The Solana vault: a 2-of-3 SPL Token multisig of wallet, guardian key and recovery key.",
        discussion: """
            The guardian is reached like the `guardian` commands (--url / CHRONOGUARD_URL, the session stored by \
            `chronoguard guardian login`). Keypairs are solana-keygen JSON files (`chronoguard wallet new`). --sol \
            takes SOL as a decimal; --amount whole tokens (a decimal), the mint's decimals read from the chain. Exit \
            status: 0 on success, 1 when the guardian refuses or the transaction fails on-chain, 2 for unusable input.
            """,
        subcommands: [Create.self, Deposit.self, Transfer.self, Recover.self, Status.self, Migrate.self])

    /// Options every chain command takes.
    struct Chain: ParsableArguments {
        @Option(name: .customLong("rpc-url"), help: "The Solana node's JSON-RPC URL.") var rpcUrl: String

        func client() throws -> SolanaRPCClient {
            guard let url = URL(string: rpcUrl), let scheme = url.scheme, ["http", "https"].contains(scheme),
                url.host != nil
            else { throw CLIFailure("--rpc-url must be an http(s) URL, not \(rpcUrl).", status: 64) }
            return SolanaRPCClient(url: url, timeout: .seconds(30))
        }
    }

    // MARK: create

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create the vault (the guardian key comes from the signed-in session's guardian); print JSON.",
            discussion: """
                Prints {"multisig": …, "accounts": {"SOL": …, MINT: …}} (and "token2022Multisig" when a Token-2022 \
                mint is given). The wallet pays and signs; creating again is harmless (existing accounts are kept).
                """)

        @OptionGroup var connection: GuardianCommand.Connection
        @OptionGroup var chain: Chain
        @Option(help: "The wallet's keypair file.") var keypair: String
        @Option(name: .customLong("recovery-pubkey"), help: "The offline recovery key's public key.")
        var recoveryPubkey: String
        @Option(help: "A mint the vault holds (repeatable; SPL Token or Token-2022).") var mint: [String] = []

        func run() async throws {
            try await reportingFailures {
                let owner = try GuardianCommand.Login.readKeypair(keypair)
                let guardian = try await VaultSolanaCommand.guardianKey(connection, wallet: owner.publicKey)
                let recovery = try GuardianCommand.wallet(recoveryPubkey, option: "--recovery-pubkey")
                let vault = try VaultSolanaCommand.vault(owner.publicKey, guardian, recovery)
                let client = try chain.client()
                var mints: [(SolanaPublicKey, SolanaPublicKey)] = []
                for text in mint {
                    let key = try GuardianCommand.wallet(text, option: "--mint")
                    mints.append((key, try await VaultSolanaCommand.mintInfo(client, key).program))
                }
                let rent = try await client.getMinimumBalanceForRentExemption(
                    dataLength: UInt64(SolanaTokenMultisig.byteCount))
                var programs = [SolanaProgram.splToken]
                for (_, program) in mints where !programs.contains(program) { programs.append(program) }
                var first: [SolanaTransactionInstruction] = []
                for program in programs where try await client.getAccountInfo(vault.multisig(program: program)) == nil {
                    first += vault.createMultisig(program: program, lamports: rent)
                }
                first.append(vault.createTokenAccount(mint: SolanaVault.nativeMint))
                try await VaultSolanaCommand.send(first, payer: owner, client: client)
                for start in stride(from: 0, to: mints.count, by: 3) {
                    let batch = mints[start..<min(start + 3, mints.count)].map {
                        vault.createTokenAccount(mint: $0.0, program: $0.1)
                    }
                    try await VaultSolanaCommand.send(batch, payer: owner, client: client)
                }
                var accounts = ["SOL": vault.solAccount.base58]
                for (key, program) in mints {
                    accounts[key.base58] = vault.tokenAccount(mint: key, program: program).base58
                }
                var object: [String: SolanaJSONValue] = [
                    "multisig": .string(vault.multisig().base58), "accounts": .object(accounts),
                ]
                if programs.contains(SolanaProgram.token2022) {
                    object["token2022Multisig"] = .string(vault.multisig(program: SolanaProgram.token2022).base58)
                }
                print(try SolanaJSONValue.object(object).text())
            }
        }
    }

    // MARK: deposit

    struct Deposit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "deposit",
            abstract: "Move SOL (wrapped) or tokens from the wallet into the vault; print the signature.")

        @OptionGroup var chain: Chain
        @Option(help: "The wallet's keypair file.") var keypair: String
        @Option(help: "The vault's multisig address (`create` prints it).") var vault: String
        @OptionGroup var amount: AmountOptions

        func run() async throws {
            try await reportingFailures {
                let owner = try GuardianCommand.Login.readKeypair(keypair)
                let client = try chain.client()
                let vault = try await VaultSolanaCommand.loadVault(client, vault, wallet: owner.publicKey)
                let instructions: [SolanaTransactionInstruction]
                switch try await amount.resolve(client) {
                case .sol(let lamports): instructions = vault.depositSOL(lamports: lamports)
                case .token(let mint, let info, let units):
                    instructions = vault.depositToken(
                        mint: mint, program: info.program, decimals: info.decimals, amount: units)
                }
                print(try await VaultSolanaCommand.send(instructions, payer: owner, client: client))
            }
        }
    }

    // MARK: transfer

    struct Transfer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "transfer",
            abstract:
                "Send SOL or tokens out of the vault: signed by the wallet, co-signed by the guardian after a code.",
            discussion: """
                SOL arrives as native SOL (unwrapped through the wallet's own wrapped-SOL account); tokens arrive in \
                the recipient's associated token account (created if needed, the wallet paying its rent). The \
                guardian applies the wallet's transaction policy before it looks at the code. Prints the signature.
                """)

        @OptionGroup var connection: GuardianCommand.Connection
        @OptionGroup var chain: Chain
        @Option(help: "The wallet's keypair file.") var keypair: String
        @Option(help: "The vault's multisig address.") var vault: String
        @Option(help: "The recipient's address (a wallet, not a token account).") var to: String
        @OptionGroup var amount: AmountOptions
        @Option(help: "The code the authenticator app shows.") var code: String

        func run() async throws {
            try await reportingFailures {
                let owner = try GuardianCommand.Login.readKeypair(keypair)
                let client = try chain.client()
                let vault = try await VaultSolanaCommand.loadVault(client, vault, wallet: owner.publicKey)
                let recipient = try GuardianCommand.wallet(to, option: "--to")
                let instructions: [SolanaTransactionInstruction]
                switch try await amount.resolve(client) {
                case .sol(let lamports): instructions = vault.transferSOL(lamports: lamports, to: recipient)
                case .token(let mint, let info, let units):
                    instructions = vault.transferToken(
                        mint: mint, program: info.program, decimals: info.decimals, amount: units, to: recipient)
                }
                let (transaction, latest) = try await VaultSolanaCommand.sign(instructions, owner, client)
                let guardian = try connection.client()
                let session = try connection.session(for: guardian)
                guard session.wallet == owner.publicKey.base58 else {
                    throw CLIFailure(
                        "The stored session is for \(session.wallet), not this keypair's wallet \(owner.publicKey); log in with it first."
                    )
                }
                let cosigned: GuardianAPI.CosignResponse
                do {
                    cosigned = try await guardian.cosign(
                        wallet: owner.publicKey,
                        transactionBase64: Data(transaction.serialized()).base64EncodedString(),
                        code: code, token: session.token)
                } catch {
                    throw CLIFailure("the guardian refused: \(error)", status: 1)
                }
                guard let bytes = Data(base64Encoded: cosigned.transaction) else {
                    throw CLIFailure("the guardian returned a transaction that is not Base64", status: 1)
                }
                let signed = try SolanaTransaction(wireBytes: bytes)
                print(try await VaultSolanaCommand.submit(signed, latest, client))
            }
        }
    }

    // MARK: recover

    struct Recover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recover",
            abstract:
                "Break-glass: move everything out of the vault with the wallet and the recovery key, no guardian.",
            discussion: """
                Moves the wrapped SOL (unwrapped) and every --mint's balance to --to, closing the vault's accounts \
                (their rent goes to --to too). Prints the signature.
                """)

        @OptionGroup var chain: Chain
        @Option(help: "The wallet's keypair file.") var keypair: String
        @Option(name: .customLong("recovery-keypair"), help: "The recovery key's keypair file.") var recoveryKeypair:
            String
        @Option(help: "The vault's multisig address.") var vault: String
        @Option(help: "Where everything goes.") var to: String
        @Option(help: "A mint the vault holds (repeatable); SOL is always included.") var mint: [String] = []

        func run() async throws {
            try await reportingFailures {
                let owner = try GuardianCommand.Login.readKeypair(keypair)
                let recovery = try GuardianCommand.Login.readKeypair(recoveryKeypair)
                let client = try chain.client()
                let vault = try await VaultSolanaCommand.loadVault(client, vault, wallet: owner.publicKey)
                guard vault.recovery == recovery.publicKey else {
                    throw CLIFailure("The recovery keypair is not the vault's recovery key \(vault.recovery).")
                }
                let recipient = try GuardianCommand.wallet(to, option: "--to")
                let holdings = try await VaultSolanaCommand.holdings(vault, mints: mint, client)
                let (transaction, latest) = try await VaultSolanaCommand.sign(
                    vault.recover(holdings, to: recipient), owner, client, extra: [recovery])
                print(try await VaultSolanaCommand.submit(transaction, latest, client))
            }
        }
    }

    // MARK: status

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Print the vault's signers, threshold and balances.")

        @OptionGroup var chain: Chain
        @Option(help: "The vault's multisig address.") var vault: String
        @Option(help: "Also show this mint's balance (repeatable).") var mint: [String] = []

        func run() async throws {
            try await reportingFailures {
                let client = try chain.client()
                let vault = try await VaultSolanaCommand.loadVault(client, vault, wallet: nil)
                print("multisig: \(vault.multisig().base58)")
                print("threshold: \(SolanaVault.threshold) of 3")
                print("wallet: \(vault.wallet.base58)")
                print("guardian: \(vault.guardian.base58)")
                print("recovery: \(vault.recovery.base58)")
                for holding in try await VaultSolanaCommand.holdings(vault, mints: mint, client) {
                    let name = holding.isSOL ? "SOL" : holding.mint.base58
                    print("\(name): \(VaultSolanaCommand.format(holding.amount, decimals: holding.decimals))")
                }
            }
        }
    }

    // MARK: migrate

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Execute the pending guardian-key rotation and migrate the vault to the new key.",
            discussion: """
                After the rotation's timelock: builds the migration (create the vault of {wallet, new guardian, same \
                recovery key}, move every balance there, close the old accounts), has the guardian execute the \
                rotation and co-sign the migration with the outgoing key in the same call, and sends it at once. \
                Prints the new vault as `create` does. (Executing with `guardian execute-rotation` instead leaves \
                the old vault spendable only with the recovery key.)
                """)

        @OptionGroup var connection: GuardianCommand.Connection
        @OptionGroup var chain: Chain
        @Option(help: "The wallet's keypair file.") var keypair: String
        @Option(help: "The vault's multisig address.") var vault: String
        @Option(help: "A mint the vault holds (repeatable); SOL is always included.") var mint: [String] = []

        func run() async throws {
            try await reportingFailures {
                let owner = try GuardianCommand.Login.readKeypair(keypair)
                let client = try chain.client()
                let vault = try await VaultSolanaCommand.loadVault(client, vault, wallet: owner.publicKey)
                let signedIn = try GuardianCommand.SignedIn(connection)
                let (status, rotation) = try await signedIn.pendingRotation()
                let destination = try vault.rotated(
                    to: try GuardianCommand.wallet(rotation.newGuardianPublicKey, option: "new guardian"))
                let holdings = try await VaultSolanaCommand.holdings(vault, mints: mint, client)
                let rent = try await client.getMinimumBalanceForRentExemption(
                    dataLength: UInt64(SolanaTokenMultisig.byteCount))
                var texts: [String] = []
                var latest: SolanaLatestBlockhash?
                for batch in vault.migrationBatches(to: destination, holdings: holdings, multisigRent: rent) {
                    let (transaction, blockhash) = try await VaultSolanaCommand.sign(batch, owner, client)
                    texts.append(Data(transaction.serialized()).base64EncodedString())
                    latest = blockhash
                }
                let response: GuardianAPI.GovernanceActionResponse
                do {
                    response = try await signedIn.client.executeRotation(
                        wallet: signedIn.wallet, rotationId: rotation.rotationId, sequence: status.nextSequence,
                        migrationTransactions: texts, token: signedIn.session.token)
                } catch {
                    throw CLIFailure("the guardian refused: \(error)", status: 1)
                }
                for text in response.migrationTransactions ?? [] {
                    guard let bytes = Data(base64Encoded: text), let latest else {
                        throw CLIFailure("the guardian returned a migration that is not Base64", status: 1)
                    }
                    Self.printNote(
                        try await VaultSolanaCommand.submit(try SolanaTransaction(wireBytes: bytes), latest, client))
                }
                var accounts = ["SOL": destination.solAccount.base58]
                for holding in holdings where !holding.isSOL {
                    accounts[holding.mint.base58] =
                        destination.tokenAccount(mint: holding.mint, program: holding.program).base58
                }
                print(
                    try SolanaJSONValue.object([
                        "multisig": .string(destination.multisig().base58), "accounts": .object(accounts),
                    ]).text())
            }
        }
    }

    // MARK: - Amounts

    /// `--sol AMOUNT` or `--mint MINT --amount N`.
    struct AmountOptions: ParsableArguments {
        @Option(help: "SOL, as a decimal (e.g. 1.5).") var sol: String?
        @Option(help: "The mint of the tokens.") var mint: String?
        @Option(help: "Whole tokens, as a decimal; the mint's decimals are read from the chain.") var amount: String?

        enum Resolved {
            case sol(UInt64)
            case token(SolanaPublicKey, MintInfo, UInt64)
        }

        func resolve(_ client: SolanaRPCClient) async throws -> Resolved {
            switch (sol, mint, amount) {
            case (let sol?, nil, nil):
                return .sol(try VaultSolanaCommand.parse(sol, decimals: 9, option: "--sol"))
            case (nil, let mint?, let amount?):
                let key = try GuardianCommand.wallet(mint, option: "--mint")
                let info = try await VaultSolanaCommand.mintInfo(client, key)
                return .token(
                    key, info, try VaultSolanaCommand.parse(amount, decimals: info.decimals, option: "--amount"))
            default:
                throw CLIFailure("Give either --sol AMOUNT or --mint MINT with --amount N.", status: 64)
            }
        }
    }

    /// A mint's program and decimals, read from the chain.
    struct MintInfo {
        let program: SolanaPublicKey
        let decimals: UInt8
    }

    // MARK: - Helpers

    static func vault(_ wallet: SolanaPublicKey, _ guardian: SolanaPublicKey, _ recovery: SolanaPublicKey) throws
        -> SolanaVault
    {
        do { return try SolanaVault(wallet: wallet, guardian: guardian, recovery: recovery) } catch {
            throw CLIFailure(error.message)
        }
    }

    /// The signed-in wallet's guardian key (the session must be this wallet's).
    static func guardianKey(_ connection: GuardianCommand.Connection, wallet: SolanaPublicKey) async throws
        -> SolanaPublicKey
    {
        let client = try connection.client()
        let session = try connection.session(for: client)
        guard session.wallet == wallet.base58 else {
            throw CLIFailure(
                "The stored session is for \(session.wallet), not this keypair's wallet \(wallet); log in with it first."
            )
        }
        let status = try await client.guardianStatus(wallet: wallet, token: session.token)
        return try GuardianCommand.wallet(status.guardianPublicKey, option: "guardian key")
    }

    static func mintInfo(_ client: SolanaRPCClient, _ mint: SolanaPublicKey) async throws -> MintInfo {
        guard let info = try await client.getAccountInfo(mint) else {
            throw CLIFailure("The mint \(mint) does not exist on this chain.")
        }
        do {
            let decoded = try SolanaTokenMint(data: info.data, program: info.owner)
            return MintInfo(program: info.owner, decimals: decoded.decimals)
        } catch {
            throw CLIFailure("\(mint) is not a mint: \(error.message)")
        }
    }

    /// Reads the vault's multisig and checks that it is a Chronoguard vault: 2 of 3 at the address its members
    /// derive, and (when `wallet` is given) this wallet's.
    static func loadVault(_ client: SolanaRPCClient, _ text: String, wallet: SolanaPublicKey?) async throws
        -> SolanaVault
    {
        let address = try GuardianCommand.wallet(text, option: "--vault")
        guard let info = try await client.getAccountInfo(address) else {
            throw CLIFailure("The vault \(address) does not exist on this chain.")
        }
        let multisig: SolanaTokenMultisig
        do { multisig = try SolanaTokenMultisig(data: info.data, program: info.owner) } catch {
            throw CLIFailure("\(address) is not a token multisig: \(error.message)")
        }
        guard multisig.threshold == SolanaVault.threshold, multisig.signers.count == 3,
            let vault = try? SolanaVault(
                wallet: multisig.signers[0], guardian: multisig.signers[1], recovery: multisig.signers[2]),
            vault.multisig(program: info.owner) == address
        else {
            throw CLIFailure("\(address) is not a Chronoguard vault (2 of 3 at the address its members derive).")
        }
        if let wallet, vault.wallet != wallet {
            throw CLIFailure("The vault \(address) belongs to \(vault.wallet), not to this keypair's wallet \(wallet).")
        }
        return vault
    }

    /// The vault's SOL and `mints` balances (accounts that do not exist are left out).
    static func holdings(_ vault: SolanaVault, mints: [String], _ client: SolanaRPCClient) async throws
        -> [SolanaVault.Holding]
    {
        var holdings: [SolanaVault.Holding] = []
        if try await client.getAccountInfo(vault.solAccount) != nil {
            holdings.append(
                .init(
                    mint: SolanaVault.nativeMint, program: SolanaProgram.splToken, decimals: 9,
                    amount: try await client.getTokenAccountBalance(vault.solAccount).amount))
        }
        for text in mints {
            let mint = try GuardianCommand.wallet(text, option: "--mint")
            let info = try await mintInfo(client, mint)
            let account = vault.tokenAccount(mint: mint, program: info.program)
            guard try await client.getAccountInfo(account) != nil else { continue }
            holdings.append(
                .init(
                    mint: mint, program: info.program, decimals: info.decimals,
                    amount: try await client.getTokenAccountBalance(account).amount))
        }
        return holdings
    }

    /// Compiles `instructions` paid by `payer` with the latest blockhash and signs with `payer` and `extra`.
    static func sign(
        _ instructions: [SolanaTransactionInstruction], _ payer: SolanaKeypair, _ client: SolanaRPCClient,
        extra: [SolanaKeypair] = []
    ) async throws -> (SolanaTransaction, SolanaLatestBlockhash) {
        let latest = try await client.getLatestBlockhash()
        var transaction = try SolanaTransaction(
            message: SolanaMessage(
                feePayer: payer.publicKey, instructions: instructions, recentBlockhash: latest.blockhash))
        for signer in [payer] + extra { transaction = try transaction.signing(with: signer) }
        return (transaction, latest)
    }

    /// Sends and waits for confirmation; a refusal or failure on-chain is exit 1 with the program logs.
    static func submit(_ transaction: SolanaTransaction, _ latest: SolanaLatestBlockhash, _ client: SolanaRPCClient)
        async throws -> String
    {
        // A typed `do` and a `switch`, not `catch … where`: swiftc 6.3's AllocBoxToStack ran for more than ten
        // minutes on that pattern around typed-throws async calls.
        do throws(SolanaRPCError) {
            let signature = try await client.sendTransaction(transaction)
            try await client.waitForConfirmation(
                signature, lastValidBlockHeight: latest.lastValidBlockHeight, pollInterval: .milliseconds(200))
            return signature.description
        } catch {
            switch error.code {
            case .transport: throw error
            default: throw CLIFailure("the transaction failed: \(error.message)", status: 1)
            }
        }
    }

    @discardableResult
    static func send(_ instructions: [SolanaTransactionInstruction], payer: SolanaKeypair, client: SolanaRPCClient)
        async throws -> String
    {
        let (transaction, latest) = try await sign(instructions, payer, client)
        return try await submit(transaction, latest, client)
    }

    /// A non-negative decimal with at most `decimals` fractional digits, in base units.
    static func parse(_ text: String, decimals: UInt8, option: String) throws -> UInt64 {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        guard !whole.isEmpty || !fraction.isEmpty, whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber),
            fraction.allSatisfy(\.isASCII), fraction.allSatisfy(\.isNumber), fraction.count <= Int(decimals),
            whole.count <= 20
        else {
            throw CLIFailure(
                "\(option) must be a decimal number with at most \(decimals) digits after the point, not \(text).")
        }
        let digits =
            (whole.isEmpty ? "0" : whole) + fraction + String(repeating: "0", count: Int(decimals) - fraction.count)
        guard let value = UInt64(digits), value > 0 else {
            throw CLIFailure("\(option) must be a positive amount that fits in 64 bits, not \(text).")
        }
        return value
    }

    static func format(_ units: UInt64, decimals: UInt8) -> String {
        guard decimals > 0 else { return String(units) }
        var digits = String(units)
        if digits.count <= Int(decimals) {
            digits = String(repeating: "0", count: Int(decimals) - digits.count + 1) + digits
        }
        let point = digits.index(digits.endIndex, offsetBy: -Int(decimals))
        var fraction = String(digits[point...])
        while fraction.last == "0" { fraction.removeLast() }
        return fraction.isEmpty ? String(digits[..<point]) : "\(digits[..<point]).\(fraction)"
    }
}

// MARK: - JSON output

/// The few JSON shapes the vault commands print, with sorted keys.
enum SolanaJSONValue {
    case string(String)
    case object([String: SolanaJSONValue])

    func text() throws -> String {
        switch self {
        case .string(let value):
            return String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        case .object(let members):
            let items = try members.keys.sorted().map { key in
                String(decoding: try JSONEncoder().encode(key), as: UTF8.self) + ":" + (try members[key]!.text())
            }
            return "{" + items.joined(separator: ",") + "}"
        }
    }

    static func object(_ members: [String: String]) -> SolanaJSONValue { .object(members.mapValues { .string($0) }) }
}
