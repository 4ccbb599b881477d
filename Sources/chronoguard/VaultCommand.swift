import ArgumentParser
import BN254
import ChronoVaultEVM
import EVMKit
import Foundation
import Groth16
import ZKTOTP

// MARK: - chronoguard vault evm

struct VaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault",
        abstract: "ChronoVault: wallets that move funds only with a ZK-TOTP proof.",
        subcommands: [VaultEVMCommand.self, VaultSolanaCommand.self])
}

struct VaultEVMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evm",
        abstract: "The ChronoVault TOTP wallet on an EVM chain (contracts/evm, docs/chronovault.md).",
        discussion: """
            Keys directories come from `chronoguard zk setup --out DIR`; the secret and its hash from \
            `chronoguard zk secret`. Passwords: --password-file FILE or CHRONOGUARD_KEYSTORE_PASSWORD.
            """,
        subcommands: [Deploy.self, Execute.self, Status.self, Request.self, Submit.self])

    struct Deploy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "deploy",
            abstract: "Deploy Poseidon(5), the Groth16 verifier for --keys and a wallet owned by the keystore's "
                + "account; print the addresses as JSON.")

        @Option(name: .long, help: "The node's JSON-RPC URL.") var rpcUrl: String
        @Option(name: .long, help: "The owner's keystore (it also pays for the deployment).") var keystore: String
        @Option(name: .long, help: "A file whose first line is the keystore's password.") var passwordFile: String?
        @Option(name: .long, help: "Poseidon(secret) in decimal (`chronoguard zk secret`).") var secretHash: String
        @Option(name: .long, help: "The directory of `chronoguard zk setup` (verification_key.json).") var keys: String
        @Option(name: .long, help: "The ERC-4337 EntryPoint allowed to call validateUserOp (default: none).")
        var entryPoint: String?

        func run() async throws {
            try await reportingFailures {
                let owner = try EVMCommandSupport.loadKey(keystore: keystore, passwordFile: passwordFile)
                let client = try EVMCommandSupport.client(rpcUrl)
                let hash = try ZKCommand.fieldElement(secretHash, option: "--secret-hash")
                let key = try ZKCommand.verifyingKey(in: keys)
                let deployment = try await ChronoVault.deploy(
                    client: client, owner: owner, secretHash: hash, verifyingKey: key,
                    entryPoint: try entryPoint.map { e throws(EVMError) in try EthereumAddress(e) } ?? .zero)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(deployment), as: UTF8.self))
            }
        }
    }

    struct Execute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "execute",
            abstract: "Prove the TOTP for this step bound to the call, send executeWithProof, wait; print the hash.",
            discussion: """
                Reads the chain id and the wallet's nonce from the chain and computes the commitment the wallet \
                recomputes. Exit status: 0 on success, 1 if the wallet refused or the call reverted (its error name \
                on stderr).
                """)

        @Option(name: .long, help: "The node's JSON-RPC URL.") var rpcUrl: String
        @Option(name: .long, help: "The owner's keystore.") var keystore: String
        @Option(name: .long, help: "A file whose first line is the keystore's password.") var passwordFile: String?
        @Option(name: .long, help: "The TOTP wallet.") var wallet: String
        @Option(name: .long, help: "The call's target.") var to: String
        @Option(name: .long, help: "Wei the wallet sends.") var value: String = "0"
        @Option(name: .long, help: "The call's data as 0x-hex.") var data: String = "0x"
        @Option(name: .long, help: "The ZK-TOTP secret in decimal (`chronoguard zk secret`).") var secret: String
        @Option(name: .long, help: "The directory of `chronoguard zk setup` (proving_key.bin).") var keys: String
        @Option(name: .long, help: "Prove for this Unix time instead of now.") var time: Int64?

        func run() async throws {
            try await reportingFailures {
                let owner = try EVMCommandSupport.loadKey(keystore: keystore, passwordFile: passwordFile)
                let client = try EVMCommandSupport.client(rpcUrl)
                let secret = try ZKCommand.fieldElement(secret, option: "--secret")
                let keyPath = URL(fileURLWithPath: keys).appendingPathComponent(ZKCommand.provingKeyFile).path
                let provingKey = try Groth16.ProvingKey(
                    serialized: [UInt8](ZKCommand.read(keyPath, what: "proving key")))
                let unixTime = time ?? currentUnixTime()
                guard unixTime >= 0 else { throw CLIFailure("--time must not be negative", status: 64) }
                let execution: ChronoVault.Execution
                do {
                    execution = try await ChronoVault.execute(
                        client: client, owner: owner, wallet: try EthereumAddress(wallet), to: try EthereumAddress(to),
                        value: try EVMCommandSupport.wei(value, "--value"),
                        data: try Hex.decodePrefixed(data, what: "--data"), secret: secret, provingKey: provingKey,
                        unixTime: UInt64(unixTime))
                } catch let error as EVMError where error.code == .reverted {
                    throw CLIFailure(error.message, status: 1)
                }
                print(Hex.encode(execution.result.receipt.transactionHash))
                guard execution.result.receipt.status else {
                    let reason = execution.errorName ?? execution.result.revertReason ?? "no reason given"
                    throw CLIFailure("the transaction reverted: \(reason)", status: 1)
                }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Print a wallet's owner, secret hash, nonce, last time counter and balance.")

        @Option(name: .long, help: "The node's JSON-RPC URL.") var rpcUrl: String
        @Option(name: .long, help: "The TOTP wallet.") var wallet: String

        func run() async throws {
            try await reportingFailures {
                let status = try await ChronoVault.status(
                    client: try EVMCommandSupport.client(rpcUrl), wallet: try EthereumAddress(wallet))
                print("owner: \(status.owner.checksummed)")
                print("secretHash: \(status.ownerSecretHash)")
                print("nonce: \(status.nonce)")
                print("lastUsedTimeCounter: \(status.lastUsedTimeCounter)")
                print("balance: \(status.balance)")
                print("verifier: \(status.verifier.checksummed)")
                print("poseidon: \(status.poseidon.checksummed)")
            }
        }
    }
}

// MARK: - chronoguard zk vyper

extension ZKCommand {
    struct Vyper: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "vyper",
            abstract: "Print the Groth16 verifier for a key as Vyper 0.4.3 source, the key compiled in as constants.",
            discussion: """
                Same interface as contracts/evm/Groth16Verifier.vy (which `vault evm deploy` deploys with the key as \
                constructor arguments): verifyProof(uint256[2], uint256[2][2], uint256[2], uint256[4]) -> bool, \
                false for any malformed proof or signal. Compile it with `vyper` 0.4.3.
                """)

        @Option(help: "Directory holding verification_key.json.") var keys: String

        func run() throws {
            try reportingFailures { print(try ChronoVault.vyperVerifier(for: ZKCommand.verifyingKey(in: keys))) }
        }
    }
}
