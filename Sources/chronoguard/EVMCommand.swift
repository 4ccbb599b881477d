import ArgumentParser
import EVMKit
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// MARK: - chronoguard evm

struct EVMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evm",
        abstract: "Ethereum tools: Keccak-256, ABI calldata, keystores, signed transactions, JSON-RPC calls.",
        discussion: """
            Passwords never come from an argument: --password-file FILE, or the environment variable \
            CHRONOGUARD_KEYSTORE_PASSWORD. Amounts are integers in wei (decimal or 0x-hex).
            """,
        subcommands: [
            EVMKeccakCommand.self, EVMABIEncodeCommand.self, EVMAccountCommand.self, EVMSignTransactionCommand.self,
            EVMSendCommand.self, EVMCallCommand.self,
        ]
    )
}

// MARK: - keccak

struct EVMKeccakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keccak", abstract: "Print the Keccak-256 (Ethereum's, not SHA3-256) of bytes or text.")

    @Option(name: .long, help: "The input as 0x-prefixed hex.") var hex: String?
    @Option(name: .long, help: "The input as UTF-8 text.") var text: String?

    func validate() throws {
        guard (hex == nil) != (text == nil) else { throw ValidationError("give exactly one of --hex or --text") }
    }

    func run() throws {
        try reportingFailures {
            let bytes =
                try hex.map { h throws(EVMError) in try Hex.decodePrefixed(h, what: "--hex") } ?? Array(text!.utf8)
            print(Hex.encode(Keccak256.hash(bytes)))
        }
    }
}

// MARK: - abi-encode

struct EVMABIEncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abi-encode",
        abstract: "Print the calldata of a call: the 4-byte selector and the ABI-encoded arguments.",
        discussion: """
            Example: chronoguard evm abi-encode 'transfer(address,uint256)' 0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B 100
            Arrays are written [1,2,3], tuples (a,b), bytes as 0x-hex, booleans true/false.
            """)

    @Argument(help: "The function signature, e.g. 'transfer(address,uint256)'.") var signature: String
    @Argument(help: "One argument per parameter.") var arguments: [String] = []

    func run() throws {
        try reportingFailures {
            print(Hex.encode(try EVMCommandSupport.calldata(signature: signature, arguments: arguments).calldata))
        }
    }
}

// MARK: - account new

struct EVMAccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "Manage keystore accounts.", subcommands: [EVMAccountNewCommand.self])
}

struct EVMAccountNewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a key from the system CSPRNG, write it as a Web3 Secret Storage v3 keystore (mode 0600, "
            + "scrypt), and print its checksummed address.")

    @Option(name: .long, help: "The keystore file to create (refused if it exists).") var keystore: String
    @Option(name: .long, help: "A file whose first line is the password.") var passwordFile: String?

    func run() throws {
        try reportingFailures {
            let password = try EVMCommandSupport.password(file: passwordFile)
            let key = Secp256k1PrivateKey.generate()
            let json = try Keystore.encrypt(privateKey: key.bytes, address: key.address, password: password)
            try EVMCommandSupport.writeNew(json, to: keystore)
            print(key.address.checksummed)
        }
    }
}

// MARK: - sign-tx

struct EVMSignTransactionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign-tx",
        abstract: "Print a raw signed EIP-1559 transaction (0x…), ready for eth_sendRawTransaction.")

    @Option(name: .long, help: "The keystore of the sender.") var keystore: String
    @Option(name: .long, help: "A file whose first line is the keystore's password.") var passwordFile: String?
    @Option(name: .long, help: "The chain id (EIP-155).") var chainId: UInt64
    @Option(name: .long, help: "The sender's nonce.") var nonce: UInt64
    @Option(name: .long, help: "The recipient; omit to create a contract.") var to: String?
    @Option(name: .long, help: "Wei to send.") var value: String = "0"
    @Option(name: .long, help: "Calldata or init code as 0x-hex.") var data: String = "0x"
    @Option(name: .long, help: "The gas limit.") var gas: UInt64
    @Option(name: .long, help: "The fee cap per gas, in wei.") var maxFeePerGas: String
    @Option(name: .long, help: "The tip per gas, in wei.") var maxPriorityFeePerGas: String

    func run() throws {
        try reportingFailures {
            let key = try EVMCommandSupport.loadKey(keystore: keystore, passwordFile: passwordFile)
            let transaction = EIP1559Transaction(
                chainId: chainId, nonce: nonce,
                maxPriorityFeePerGas: try EVMCommandSupport.wei(maxPriorityFeePerGas, "--max-priority-fee-per-gas"),
                maxFeePerGas: try EVMCommandSupport.wei(maxFeePerGas, "--max-fee-per-gas"), gasLimit: gas,
                to: try to.map { t throws(EVMError) in try EthereumAddress(t) },
                value: try EVMCommandSupport.wei(value, "--value"), data: try Hex.decodePrefixed(data, what: "--data"))
            print(Hex.encode(try Transaction.eip1559(transaction).signed(by: key).rawTransaction))
        }
    }
}

// MARK: - send

struct EVMSendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Fill chain id, nonce, gas and fees from the node, sign, send, wait for the receipt and print the "
            + "transaction hash.",
        discussion: "Exit status: 0 if the transaction succeeded, 1 if it reverted (the reason goes to stderr).")

    @Option(name: .long, help: "The node's JSON-RPC URL.") var rpcUrl: String
    @Option(name: .long, help: "The keystore of the sender.") var keystore: String
    @Option(name: .long, help: "A file whose first line is the keystore's password.") var passwordFile: String?
    @Option(name: .long, help: "The recipient; omit to create a contract.") var to: String?
    @Option(name: .long, help: "Wei to send.") var value: String = "0"
    @Option(name: .long, help: "Calldata or init code as 0x-hex.") var data: String = "0x"
    @Option(name: .long, help: "Seconds to wait for the receipt.") var timeout: Int = 120

    func run() async throws {
        try await reportingFailures {
            let key = try EVMCommandSupport.loadKey(keystore: keystore, passwordFile: passwordFile)
            let client = try EVMCommandSupport.client(rpcUrl)
            let recipient = try to.map { t throws(EVMError) in try EthereumAddress(t) }
            let result: EthereumRPCClient.SendResult
            do {
                result = try await client.send(
                    to: recipient, value: try EVMCommandSupport.wei(value, "--value"),
                    data: try Hex.decodePrefixed(data, what: "--data"), signedBy: key,
                    receiptTimeout: .seconds(max(1, timeout)))
            } catch let error as EVMError where error.code == .reverted {
                throw CLIFailure("the transaction would revert, so it was not sent: \(error.message)", status: 1)
            }
            print(Hex.encode(result.receipt.transactionHash))
            if let contract = result.receipt.contractAddress { Self.printNote("contract: \(contract.checksummed)") }
            guard result.receipt.status else {
                throw CLIFailure("the transaction reverted: \(result.revertReason ?? "no reason given")", status: 1)
            }
        }
    }
}

// MARK: - call

struct EVMCallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call a contract function without a transaction (eth_call) and print the decoded return values.",
        discussion: """
            Give the return types after the parameters, e.g. 'balanceOf(address)(uint256)'; without them the raw \
            return data is printed as hex. One value per line. A revert exits 1 with the decoded reason.
            """)

    @Option(name: .long, help: "The node's JSON-RPC URL.") var rpcUrl: String
    @Option(name: .long, help: "The contract.") var to: String
    @Option(name: .long, help: "The caller (msg.sender), if it matters.") var from: String?
    @Argument(help: "The function signature with return types, e.g. 'balanceOf(address)(uint256)'.")
    var signature: String
    @Argument(help: "One argument per parameter.") var arguments: [String] = []

    func run() async throws {
        try await reportingFailures {
            let (function, calldata) = try EVMCommandSupport.calldata(signature: signature, arguments: arguments)
            let client = try EVMCommandSupport.client(rpcUrl)
            let call = EthereumCall(
                from: try from.map { f throws(EVMError) in try EthereumAddress(f) }, to: try EthereumAddress(to),
                data: calldata)
            let output: [UInt8]
            do {
                output = try await client.call(call)
            } catch let error as EVMError where error.code == .reverted {
                throw CLIFailure(error.message, status: 1)
            }
            guard !function.outputs.isEmpty else {
                print(Hex.encode(output))
                return
            }
            for value in try function.decodeOutput(output) { print(value.description) }
        }
    }
}

// MARK: - Shared helpers

enum EVMCommandSupport {
    /// The function and its calldata from a signature and argument texts.
    static func calldata(signature: String, arguments: [String]) throws -> (function: ABIFunction, calldata: [UInt8]) {
        let function = try ABIFunction(signature)
        guard arguments.count == function.inputs.count else {
            throw CLIFailure(
                "\(function.signature) takes \(function.inputs.count) argument(s); got \(arguments.count)", status: 64)
        }
        var values = [ABIValue]()
        for (text, type) in zip(arguments, function.inputs) { values.append(try ABIValue.parse(text, as: type)) }
        return (function, try function.encodeCall(values))
    }

    /// A wei amount: decimal or 0x-hex, below 2²⁵⁶.
    static func wei(_ text: String, _ option: String) throws -> UInt256 {
        guard let value = UInt256(text) else {
            throw CLIFailure("\(option) must be an integer amount in wei (decimal or 0x-hex) below 2^256", status: 64)
        }
        return value
    }

    /// The keystore password: the first line of `file`, else `CHRONOGUARD_KEYSTORE_PASSWORD`. Never an argument.
    static func password(file: String?) throws -> String {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIFailure("cannot read the password file \(file); check the path and its permissions")
            }
            let text = String(decoding: data, as: UTF8.self)
            return String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        }
        if let password = ProcessInfo.processInfo.environment["CHRONOGUARD_KEYSTORE_PASSWORD"] { return password }
        throw CLIFailure(
            "no password: pass --password-file FILE or set CHRONOGUARD_KEYSTORE_PASSWORD (never on the command line)",
            status: 64)
    }

    /// Decrypts a keystore and checks that its declared address matches the key.
    static func loadKey(keystore: String, passwordFile: String?) throws -> Secp256k1PrivateKey {
        let password = try password(file: passwordFile)
        guard let json = FileManager.default.contents(atPath: keystore) else {
            throw CLIFailure("cannot read the keystore \(keystore); check the path and its permissions")
        }
        let decrypted = try Keystore.decrypt(json, password: password)
        let key = try Secp256k1PrivateKey(bytes: decrypted.privateKey)
        if let declared = decrypted.address, declared != key.address {
            throw CLIFailure(
                "the keystore declares address \(declared.checksummed) but its key is \(key.address.checksummed); "
                    + "the file was altered")
        }
        return key
    }

    /// Creates `path` with mode 0600 and writes `data`; refuses an existing file (a keystore is never overwritten).
    static func writeNew(_ data: Data, to path: String, what: String = "keystore") throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason =
                errno == EEXIST
                ? "it already exists (a \(what) is never overwritten)" : String(cString: strerror(errno))
            throw CLIFailure("cannot create the \(what) \(path): \(reason)")
        }
        defer { close(descriptor) }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == data.count, fsync(descriptor) == 0 else {
            throw CLIFailure("cannot write the \(what) \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// A client for an http(s) URL.
    static func client(_ text: String) throws -> EthereumRPCClient {
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw CLIFailure("--rpc-url must be an http:// or https:// URL", status: 64)
        }
        return EthereumRPCClient(url: url)
    }
}
