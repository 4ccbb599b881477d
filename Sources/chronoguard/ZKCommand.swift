import ArgumentParser
import BN254
import Curves
import Fields
import Foundation
import Groth16
import ZKTOTP

// MARK: - chronoguard zk

/// `chronoguard zk …`: the ChronoVault zero-knowledge TOTP statement with Groth16 over BN254 (docs/zktotp.md).
struct ZKCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zk",
        abstract: "Zero-knowledge TOTP proofs bound to a transaction (Poseidon-TOTP in a Groth16 circuit, BN254).",
        discussion: """
            Files are snarkjs-compatible: verification_key.json, proof.json, public.json. Public signals, in order: \
            totpCode, timeCounter, secretHash, txCommitment.
            """,
        subcommands: [
            Setup.self, Secret.self, Code.self, Commitment.self, Prove.self, Verify.self, Solidity.self, Vyper.self,
        ]
    )

    /// The proving key file inside a keys directory (binary format, docs/groth16.md).
    static let provingKeyFile = "proving_key.bin"
    /// The snarkjs verification key file inside a keys directory.
    static let verificationKeyFile = "verification_key.json"
    /// Largest input file read (a verification key for 4 signals is ~3 KB, a proving key ~0.4 MB).
    static let maximumFileSize = 64 << 20
}

// MARK: - Input helpers

extension ZKCommand {
    /// A canonical decimal element of 𝔽ᵣ, or a sentence saying what is wrong.
    static func fieldElement(_ text: String, option: String) throws -> Fr {
        guard text == "0" || !text.hasPrefix("0"), let value = Fr(decimalString: text) else {
            throw CLIFailure(
                "\(option) must be an unsigned decimal integer below the BN254 scalar field modulus "
                    + "r = 21888242871839275222246405745257275088548364400416034343698204186575808495617, "
                    + "without leading zeros (the value given is not repeated here: it may be a secret)")
        }
        return value
    }

    /// The contents of a file, with a clear error when it is missing or implausibly large.
    static func read(_ path: String, what: String) throws -> Data {
        let url = URL(fileURLWithPath: path)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else {
            throw CLIFailure("cannot read the \(what) at \(path): no such file")
        }
        if let size = attributes[.size] as? Int, size > maximumFileSize {
            throw CLIFailure("the \(what) at \(path) is \(size) bytes, larger than any valid one")
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw CLIFailure("cannot read the \(what) at \(path): \(error.localizedDescription)")
        }
    }

    static func write(_ text: String, to url: URL) throws {
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw CLIFailure("cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    /// A directory to write into, created if missing.
    static func outputDirectory(_ path: String) throws -> URL {
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CLIFailure("the output directory is empty; give a directory path, e.g. --out keys")
        }
        let url = URL(fileURLWithPath: path, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw CLIFailure("cannot create the directory \(path): \(error.localizedDescription)")
        }
        return url
    }

    /// The time counter for `--time` (default: now).
    static func timeCounter(_ time: Int64?) throws -> UInt64 {
        try ZKTOTP.timeCounter(unixTime: time ?? currentUnixTime())
    }

    static func verifyingKey(in directory: String) throws -> Groth16.VerifyingKey {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(verificationKeyFile).path
        return try Groth16.VerifyingKey(snarkJSON: read(path, what: "verification key"))
    }

    /// `0x`-prefixed (optional) hex of exactly `count` bytes.
    static func hexBytes(_ text: String, count: Int, option: String) throws -> [UInt8] {
        let digits = text.hasPrefix("0x") || text.hasPrefix("0X") ? Array(text.utf8.dropFirst(2)) : Array(text.utf8)
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        guard digits.count == 2 * count else {
            throw CLIFailure(
                "\(option) must be \(count) bytes as \(2 * count) hex digits (optionally 0x-prefixed); "
                    + "got \(digits.count) digits")
        }
        var bytes = [UInt8]()
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[i]), let low = nibble(digits[i + 1]) else {
                throw CLIFailure("\(option) contains a character that is not a hex digit")
            }
            bytes.append(high << 4 | low)
        }
        return bytes
    }
}

// MARK: - zk setup

extension ZKCommand {
    struct Setup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "setup",
            abstract:
                "Generate the proving key and verification_key.json for the TOTP circuit (UNSAFE for real funds).",
            discussion: """
                A single-party trusted setup: the toxic waste comes from the system CSPRNG and is dropped, but \
                whoever runs this could keep it and forge proofs. Use it for tests or for a wallet whose only \
                owner runs it; keys that protect other people's funds need a multi-party ceremony.
                """
        )

        @Option(help: "Directory to write proving_key.bin and verification_key.json into (created if missing).")
        var out: String

        @Flag(help: "Overwrite keys already in the directory.")
        var force = false

        func run() throws {
            try reportingFailures {
                let directory = try ZKCommand.outputDirectory(out)
                let provingURL = directory.appendingPathComponent(ZKCommand.provingKeyFile)
                let verifyingURL = directory.appendingPathComponent(ZKCommand.verificationKeyFile)
                if !force,
                    [provingURL, verifyingURL].contains(where: { FileManager.default.fileExists(atPath: $0.path) })
                {
                    throw CLIFailure(
                        "\(out) already holds keys; proofs made with them would stop verifying. "
                            + "Choose another directory or pass --force")
                }
                Self.printNote("warning: single-party setup — unsafe for keys that protect other people's funds")
                let key = try ZKTOTP.unsafeSinglePartySetup()
                do {
                    try Data(key.serialized()).write(to: provingURL, options: .atomic)
                } catch {
                    throw CLIFailure("cannot write \(provingURL.path): \(error.localizedDescription)")
                }
                try ZKCommand.write(key.verifyingKey.snarkJSON, to: verifyingURL)
                print("Circuit: \(key.shape.constraintCount) constraints, 4 public signals")
                print("Wrote \(provingURL.path)")
                print("Wrote \(verifyingURL.path)")
            }
        }
    }
}

// MARK: - zk secret

extension ZKCommand {
    struct Secret: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "secret",
            abstract: "Create a TOTP secret (a random BN254 field element) and its Poseidon hash.",
            discussion: "Keep the secret on the authenticator device; register secretHash with the wallet."
        )

        func run() throws {
            try reportingFailures {
                let secret = ZKTOTP.newSecret()
                print("secret: \(secret.decimalString)")
                print("secretHash: \(ZKTOTP.secretHash(secret).decimalString)")
            }
        }
    }
}

// MARK: - zk code

extension ZKCommand {
    struct Code: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "code",
            abstract: "Print the Poseidon-TOTP code: Poseidon(secret, ⌊time/30⌋) mod 10^6, six digits.",
            discussion: "The code is printed alone on the last line of standard output."
        )

        @Option(help: "The secret, a decimal field element (from `zk secret`).")
        var secret: String

        @Option(parsing: .unconditional, help: "Unix time in seconds (default: now).")
        var time: Int64?

        func run() throws {
            try reportingFailures {
                let secret = try ZKCommand.fieldElement(secret, option: "--secret")
                let counter = try ZKCommand.timeCounter(time)
                print(ZKTOTP.format(code: ZKTOTP.codeValue(secret: secret, timeCounter: counter)))
            }
        }
    }
}

// MARK: - zk commitment

extension ZKCommand {
    struct Commitment: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "commitment",
            abstract: "Compute txCommitment = Poseidon(chainId, wallet, txHash high, txHash low, nonce).",
            discussion: "The decimal commitment is printed alone on the last line of standard output."
        )

        @Option(help: "EIP-155 chain id.")
        var chainId: UInt64

        @Option(help: "Wallet address, 20 bytes in hex.")
        var wallet: String

        @Option(help: "Hash of the transaction's call, 32 bytes in hex.")
        var txHash: String

        @Option(help: "The wallet's transaction nonce.")
        var nonce: UInt64

        func run() throws {
            try reportingFailures {
                let commitment = try ZKTOTP.transactionCommitment(
                    chainID: chainId, wallet: ZKCommand.hexBytes(wallet, count: 20, option: "--wallet"),
                    transactionHash: ZKCommand.hexBytes(txHash, count: 32, option: "--tx-hash"), nonce: nonce)
                print(commitment.decimalString)
            }
        }
    }
}

// MARK: - zk prove

extension ZKCommand {
    struct Prove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prove",
            abstract: "Prove the TOTP statement for a secret and time, bound to a transaction commitment.",
            discussion: "Writes proof.json and public.json (snarkjs format) into --out."
        )

        @Option(help: "Directory holding proving_key.bin (from `zk setup`).")
        var keys: String

        @Option(help: "The secret, a decimal field element.")
        var secret: String

        @Option(help: "The transaction commitment, a decimal field element (from `zk commitment`).")
        var commitment: String

        @Option(parsing: .unconditional, help: "Unix time in seconds (default: now).")
        var time: Int64?

        @Option(help: "Directory to write proof.json and public.json into (created if missing).")
        var out: String

        func run() throws {
            try reportingFailures {
                let secret = try ZKCommand.fieldElement(secret, option: "--secret")
                let commitment = try ZKCommand.fieldElement(commitment, option: "--commitment")
                let counter = try ZKCommand.timeCounter(time)
                let keyPath = URL(fileURLWithPath: keys).appendingPathComponent(ZKCommand.provingKeyFile).path
                let key = try Groth16.ProvingKey(serialized: [UInt8](ZKCommand.read(keyPath, what: "proving key")))
                let (proof, inputs) = try ZKTOTP.prove(
                    secret: secret, timeCounter: counter, txCommitment: commitment,
                    provingKey: key)
                let directory = try ZKCommand.outputDirectory(out)
                try ZKCommand.write(proof.snarkJSON, to: directory.appendingPathComponent("proof.json"))
                try ZKCommand.write(
                    Groth16.publicSignalsJSON(inputs.signals),
                    to: directory.appendingPathComponent("public.json"))
                print(
                    "totpCode: \(String(repeating: "0", count: max(0, 6 - inputs.totpCode.decimalString.count)) + inputs.totpCode.decimalString)"
                )
                print("timeCounter: \(counter)")
                print("Wrote \(directory.appendingPathComponent("proof.json").path)")
                print("Wrote \(directory.appendingPathComponent("public.json").path)")
            }
        }
    }
}

// MARK: - zk verify

extension ZKCommand {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Verify proof.json against public.json with the verification key.",
            discussion: "Exit status 0 when the proof is valid, 1 when it is not, 2 for unusable input."
        )

        @Option(help: "Directory holding verification_key.json.")
        var keys: String

        @Option(help: "proof.json (snarkjs format).")
        var proof: String

        @Option(name: .customLong("public"), help: "public.json (snarkjs format).")
        var publicSignals: String

        func run() throws {
            try reportingFailures {
                let key = try ZKCommand.verifyingKey(in: keys)
                let proof = try Groth16.Proof(snarkJSON: ZKCommand.read(proof, what: "proof"))
                let signals = try Groth16.publicSignals(
                    snarkJSON: ZKCommand.read(publicSignals, what: "public signals"))
                guard try Groth16.verify(key, proof: proof, publicInputs: signals) else {
                    print("invalid")
                    throw CLIFailure("the proof is not valid for these public signals and this key", status: 1)
                }
                print("valid")
            }
        }
    }
}

// MARK: - zk solidity

extension ZKCommand {
    struct Solidity: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "solidity",
            abstract: "Print the Solidity verifier for a key, or with --calldata the verifyProof arguments.",
            discussion: """
                The contract exposes verifyProof(uint256[2], uint256[2][2], uint256[2], uint256[4]) on the EIP-196/197 \
                precompiles. --calldata prints the arguments like `snarkjs zkey export soliditycalldata`.
                """
        )

        @Option(help: "Directory holding verification_key.json.")
        var keys: String?

        @Flag(help: "Print calldata for --proof and --public instead of the contract.")
        var calldata = false

        @Option(help: "proof.json, with --calldata.")
        var proof: String?

        @Option(name: .customLong("public"), help: "public.json, with --calldata.")
        var publicSignals: String?

        func validate() throws {
            if calldata {
                guard proof != nil, publicSignals != nil else {
                    throw ValidationError("--calldata needs --proof FILE and --public FILE.")
                }
            } else {
                guard keys != nil else {
                    throw ValidationError("Give --keys DIR (or --calldata with --proof and --public).")
                }
                guard proof == nil, publicSignals == nil else {
                    throw ValidationError("--proof and --public go with --calldata.")
                }
            }
        }

        func run() throws {
            try reportingFailures {
                if calldata, let proof, let publicSignals {
                    let parsed = try Groth16.Proof(snarkJSON: ZKCommand.read(proof, what: "proof"))
                    let signals = try Groth16.publicSignals(
                        snarkJSON: ZKCommand.read(publicSignals, what: "public signals"))
                    // The contract takes uint[N]: calldata with another count would only revert on chain.
                    let expected = try keys.map { try ZKCommand.verifyingKey(in: $0).publicInputCount } ?? 4
                    guard signals.count == expected else {
                        throw CLIFailure(
                            "public.json holds \(signals.count) public signals but the verifier takes \(expected) "
                                + "(totpCode, timeCounter, secretHash, txCommitment); pass the public.json written by zk prove."
                        )
                    }
                    print(Groth16.solidityCalldata(proof: parsed, publicInputs: signals))
                } else if let keys {
                    print(try ZKCommand.verifyingKey(in: keys).solidityVerifier(), terminator: "")
                }
            }
        }
    }
}
