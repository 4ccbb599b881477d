import ArgumentParser
import BN254
import ChronoVaultEVM
import EVMKit
import Foundation
import Groth16
import UR
import ZKTOTP

// MARK: - Device A: chronoguard vault evm request / submit

extension VaultEVMCommand {
    struct Request: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "request",
            abstract: "Device A: make the request for a call (chain id and nonce from the chain), write it, show it "
                + "as QR.",
            discussion: """
                The request (UR text, `ur:chronoguard-request/…`) goes to --out for `vault evm submit`; the \
                authenticator scans the QR frames (`chronoguard authenticator approve`). docs/two-device.md.
                """)

        @Option(name: .long, help: "The node's JSON-RPC URL.") var rpcUrl: String
        @Option(name: .long, help: "The TOTP wallet.") var wallet: String
        @Option(name: .long, help: "The call's target.") var to: String
        @Option(name: .long, help: "Wei the wallet sends.") var value: String = "0"
        @Option(name: .long, help: "The call's data as 0x-hex.") var data: String = "0x"
        @Option(name: .long, help: "A note for the user (shown on the authenticator, marked unverified).")
        var summary: String = ""
        @Option(name: .long, help: "Where to write the request (UR text).") var out: String
        @OptionGroup var display: TwoDeviceFrames.DisplayOptions

        func run() async throws {
            try await reportingFailures {
                guard summary.utf8.count <= ChronoVaultRequest.maxSummaryLength else {
                    throw CLIFailure(
                        "--summary is longer than \(ChronoVaultRequest.maxSummaryLength) bytes", status: 64)
                }
                let data = try Hex.decodePrefixed(data, what: "--data")
                guard data.count <= ChronoVaultRequest.maxDataLength else {
                    throw CLIFailure("--data is longer than \(ChronoVaultRequest.maxDataLength) bytes", status: 64)
                }
                let request = try await ChronoVault.request(
                    client: try EVMCommandSupport.client(rpcUrl), wallet: try EthereumAddress(wallet),
                    to: try EthereumAddress(to), value: try EVMCommandSupport.wei(value, "--value"), data: data,
                    summary: summary)
                guard FileManager.default.createFile(atPath: out, contents: Data((request.ur.string + "\n").utf8))
                else { throw CLIFailure("cannot write \(out); check the path and its permissions") }
                try TwoDeviceFrames.show(request.ur, options: display, label: "ChronoVault request")
            }
        }
    }

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "submit",
            abstract: "Device A: reassemble the authenticator's proof from frames, check it, send executeWithProof.",
            discussion: """
                Frames may come in any order, repeated or with gaps; frames of other messages are ignored. Before \
                spending gas the proof is checked against the request (request hash, commitment), the wallet's \
                secret hash and last step, freshness, and the wallet's own verifier (eth_call). Seed 003's 3-part \
                JSON frames are read too. Exit status: 0 on success, 1 if the proof is refused or the call reverted.
                """)

        @Option(name: .long, help: "The node's JSON-RPC URL.") var rpcUrl: String
        @Option(name: .long, help: "The owner's keystore.") var keystore: String
        @Option(name: .long, help: "A file whose first line is the keystore's password.") var passwordFile: String?
        @Option(name: .long, help: "The request file written by `vault evm request --out`.") var request: String
        @Option(name: .long, parsing: .upToNextOption, help: "Images of the proof's QR frames (PNG, PGM, PPM).")
        var scan: [String] = []
        @Option(name: .long, parsing: .upToNextOption, help: "The proof's frames as text (UR parts).")
        var ur: [String] = []
        @Option(name: .long, help: "Check freshness at this Unix time instead of now.") var time: Int64?

        func validate() throws {
            guard scan.isEmpty != ur.isEmpty else { throw ValidationError("pass --scan IMAGE… or --ur PART….") }
        }

        func run() async throws {
            try await reportingFailures {
                let request = try TwoDeviceCommandSupport.readRequest(file: request)
                let frames = scan.isEmpty ? ur : try TwoDeviceFrames.scan(scan)
                var collector = ProofCollector(expectedRequestHash: request.hash)
                for frame in frames where try collector.receive(frame) { break }
                guard let message = collector.message else {
                    throw CLIFailure(
                        "the frames do not complete the proof (\(collector.progress), \(collector.ignoredFrames) "
                            + "frames ignored); scan more frames", status: 1)
                }
                let owner = try EVMCommandSupport.loadKey(keystore: keystore, passwordFile: passwordFile)
                let client = try EVMCommandSupport.client(rpcUrl)
                let now = time ?? currentUnixTime()
                guard now >= 0 else { throw CLIFailure("--time must not be negative", status: 64) }
                do {
                    _ = try await ChronoVault.check(message, for: request, client: client, unixTime: UInt64(now))
                } catch let error as ChronoVaultError {
                    throw CLIFailure(error.message, status: 1)
                }
                let execution: ChronoVault.Execution
                do {
                    execution = try await ChronoVault.submit(message, for: request, client: client, owner: owner)
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
}

// MARK: - Device B: chronoguard authenticator approve

extension AuthenticatorCommand {
    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve",
            abstract: "Device B: read a request, show what it does, prove, show the proof as QR frames.",
            discussion: """
                The screen shows the decoded call (chain, wallet, recipient, amount in ether, the function and its \
                arguments when the ABI is known), never only device A's summary. Without --yes it asks for \
                confirmation on the terminal. The proof's single-part UR is printed on stdout as well.
                """)

        @Option(name: .long, help: "The encrypted secret (`authenticator init`).") var secretFile: String
        @Option(name: .long, help: "A file whose first line is the passphrase (default: ask on the terminal).")
        var passphraseFile: String?
        @Option(name: .long, help: "The directory of `chronoguard zk setup` (proving_key.bin).") var keys: String
        @Option(name: .long, parsing: .upToNextOption, help: "Images of the request's QR frames.")
        var scan: [String] = []
        @Option(name: .long, parsing: .upToNextOption, help: "The request's frames as text (UR parts).")
        var ur: [String] = []
        @Flag(name: .long, help: "Approve without asking.") var yes = false
        @Option(name: .long, help: "Prove for this Unix time instead of now.") var time: Int64?
        @OptionGroup var display: TwoDeviceFrames.DisplayOptions

        func validate() throws {
            guard scan.isEmpty != ur.isEmpty else { throw ValidationError("pass --scan IMAGE… or --ur PART….") }
        }

        func run() throws {
            try reportingFailures {
                let frames = scan.isEmpty ? ur : try TwoDeviceFrames.scan(scan)
                let request = try ChronoVaultRequest(
                    ur: TwoDeviceFrames.collect(frames, type: ChronoVaultRequest.urType))
                FileHandle.standardError.write(Data((request.approvalText + "\n").utf8))
                if !yes {
                    let answer = try Passphrase.ask("Approve? Type yes to prove: ")
                    guard answer.lowercased() == "yes" else { throw CLIFailure("not approved; nothing was proved") }
                }
                guard let json = FileManager.default.contents(atPath: secretFile) else {
                    throw CLIFailure("cannot read the secret file \(secretFile); check the path and its permissions")
                }
                let file = try AuthenticatorSecretFile(json: json)
                let secret = try file.open(passphrase: try Passphrase.read(file: passphraseFile))
                let keyPath = URL(fileURLWithPath: keys).appendingPathComponent(ZKCommand.provingKeyFile).path
                let provingKey = try Groth16.ProvingKey(
                    serialized: [UInt8](ZKCommand.read(keyPath, what: "proving key")))
                let unixTime = time ?? currentUnixTime()
                guard unixTime >= 0 else { throw CLIFailure("--time must not be negative", status: 64) }
                let message = try ChronoVault.approve(
                    request, secret: secret, provingKey: provingKey, unixTime: UInt64(unixTime))
                print(message.ur.string)
                if display.pngDir != nil || display.animate {
                    try TwoDeviceFrames.show(message.ur, options: display, label: "ChronoVault proof")
                }
            }
        }
    }
}

enum TwoDeviceCommandSupport {
    /// Reads the request file `vault evm request --out` wrote.
    static func readRequest(file: String) throws -> ChronoVaultRequest {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CLIFailure("cannot read the request \(file); check the path and its permissions")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            return try ChronoVaultRequest(ur: UR(parsing: text))
        } catch let error as URError {
            throw CLIFailure("\(file) is not a request written by `vault evm request`: \(error.message)")
        }
    }
}
