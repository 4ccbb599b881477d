import Foundation
import TestSupport
import Testing

/// `chronoguard evm …` end to end: the spellings issue 13 fixes, checked against eth-account / eth-abi and executed by
/// py-evm on the test chain (scripts/evm-test-chain.py).
@Suite(.serialized) struct EVMCommandTests {
    static func peer(_ code: String, _ input: [String: Any]) throws -> Any {
        let script = """
            import json, sys
            from eth_account import Account
            from eth_abi import encode
            from eth_utils import keccak
            request = json.load(sys.stdin)
            \(code)
            """
        let file = CLI.temporaryFile("peer.py")
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try ExternalPeer.pythonJSON(script: URL(fileURLWithPath: file), request: input)
    }

    /// A keystore and its password file in a fresh directory, created by `evm account new`.
    static func newAccount(password: String = "correct horse battery staple") throws -> (
        keystore: String, passwordFile: String, address: String
    ) {
        let directory = CLI.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let passwordFile = directory + "/password"
        try (password + "\n").write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let keystore = directory + "/key.json"
        let result = try CLI.run(["evm", "account", "new", "--keystore", keystore, "--password-file", passwordFile])
        #expect(result.status == 0, "\(result.stderr)")
        return (keystore, passwordFile, result.lastLine)
    }

    @Test func keccakOfHexAndText() throws {
        #expect(
            try CLI.run("evm", "keccak", "--text", "").lastLine
                == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        #expect(
            try CLI.run("evm", "keccak", "--hex", "0x616263").lastLine
                == "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
        #expect(try CLI.run("evm", "keccak", "--hex", "0x6").status != 0)
        #expect(try CLI.run("evm", "keccak").status == 64)
    }

    @Test func abiEncodeMatchesEthAbi() throws {
        let address = "0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B"
        let ours = try CLI.run("evm", "abi-encode", "transfer(address,uint256)", address, "100")
        #expect(ours.status == 0, "\(ours.stderr)")
        let theirs = try Self.peer(
            """
            data = keccak(text="transfer(address,uint256)")[:4] + encode(["address", "uint256"], [request["a"], 100])
            print(json.dumps({"v": "0x" + data.hex()}))
            """, ["a": address])
        #expect(ours.lastLine == (theirs as? [String: String])?["v"])
        let nested = try CLI.run("evm", "abi-encode", "f(uint8[],(bool,string))", "[1,2,3]", "(true,hello)")
        let nestedTheirs = try Self.peer(
            """
            data = keccak(text="f(uint8[],(bool,string))")[:4] + encode(["uint8[]", "(bool,string)"], [[1, 2, 3], (True, "hello")])
            print(json.dumps({"v": "0x" + data.hex()}))
            """, [:])
        #expect(nested.lastLine == (nestedTheirs as? [String: String])?["v"])
        // Wrong argument count and a value that does not fit are refused with a sentence.
        #expect(try CLI.run("evm", "abi-encode", "transfer(address,uint256)", address).status == 64)
        let overflow = try CLI.run("evm", "abi-encode", "f(uint8)", "256")
        #expect(overflow.status != 0 && !overflow.stderr.isEmpty)
    }

    @Test func accountNewWritesA0600KeystoreThatEthAccountOpens() throws {
        let account = try Self.newAccount()
        let attributes = try FileManager.default.attributesOfItem(atPath: account.keystore)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let opened = try Self.peer(
            """
            key = Account.decrypt(open(request["file"]).read(), request["password"])
            print(json.dumps({"v": Account.from_key(key).address}))
            """, ["file": account.keystore, "password": "correct horse battery staple"])
        #expect((opened as? [String: String])?["v"] == account.address)
        // Never overwritten; never a password from an argument; the environment variable works.
        let again = try CLI.run([
            "evm", "account", "new", "--keystore", account.keystore, "--password-file", account.passwordFile,
        ])
        #expect(again.status != 0 && again.stderr.contains("already exists"))
        let directory = CLI.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let fromEnvironment = try CLI.run(
            ["evm", "account", "new", "--keystore", directory + "/k.json"],
            environment: ["CHRONOGUARD_KEYSTORE_PASSWORD": "from the environment"])
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
        #expect(
            try CLI.run("evm", "account", "new", "--keystore", directory + "/other.json", "--password", "x").status
                == 64)
    }

    @Test func signTxIsAnEIP1559TransactionFromTheKeystoresAddress() throws {
        let account = try Self.newAccount()
        let result = try CLI.run([
            "evm", "sign-tx", "--keystore", account.keystore, "--password-file", account.passwordFile, "--chain-id",
            "1337",
            "--nonce", "7", "--to", "0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B", "--value", "1000000000000000000",
            "--data", "0x1234", "--gas", "50000", "--max-fee-per-gas", "30000000000", "--max-priority-fee-per-gas",
            "1000000000",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lastLine.hasPrefix("0x02"))
        let decoded = try Self.peer(
            """
            from eth_account.typed_transactions import TypedTransaction
            from hexbytes import HexBytes
            raw = HexBytes(request["raw"])
            tx = TypedTransaction.from_bytes(raw).as_dict()
            print(json.dumps({"from": Account.recover_transaction(raw), "nonce": tx["nonce"], "chainId": tx["chainId"],
                              "value": str(tx["value"]), "gas": tx["gas"], "data": "0x" + bytes(tx["data"]).hex()}))
            """, ["raw": result.lastLine])
        let fields = try #require(decoded as? [String: Any])
        #expect(fields["from"] as? String == account.address)
        #expect(fields["nonce"] as? Int == 7 && fields["chainId"] as? Int == 1337 && fields["gas"] as? Int == 50000)
        #expect(fields["value"] as? String == "1000000000000000000" && fields["data"] as? String == "0x1234")
        let wrongPassword = CLI.temporaryFile("wrong")
        try "not it\n".write(toFile: wrongPassword, atomically: true, encoding: .utf8)
        let refused = try CLI.run([
            "evm", "sign-tx", "--keystore", account.keystore, "--password-file", wrongPassword, "--chain-id", "1",
            "--nonce", "0", "--gas", "21000", "--max-fee-per-gas", "1", "--max-priority-fee-per-gas", "1",
        ])
        #expect(refused.status == 2 && refused.stderr.contains("wrong_password"))
    }

    @Test func sendTransfersDeploysAndReportsAReverts() async throws {
        let url = try EVMTestChain.shared().absoluteString
        let account = try Self.newAccount()
        try await EVMTestChain.fund(account.address, wei: 10_000_000_000_000_000_000)
        let common = ["--rpc-url", url, "--keystore", account.keystore, "--password-file", account.passwordFile]
        // A value transfer: exit 0, the hash on stdout, and the recipient's balance moved.
        let recipient = "0x00000000000000000000000000000000C0FFEE01"
        let transfer = try CLI.run(["evm", "send"] + common + ["--to", recipient, "--value", "12345"])
        #expect(transfer.status == 0, "\(transfer.stderr)")
        #expect(transfer.lastLine.count == 66)
        #expect(try await EVMTestChain.rpc("eth_getBalance", [recipient, "latest"]) as? String == "0x3039")
        // A contract that answers 42, deployed and called.
        let initCode =
            "0x" + EVMTestContracts.initCode(EVMTestContracts.answerRuntime).map { String(format: "%02x", $0) }.joined()
        let deploy = try CLI.run(["evm", "send"] + common + ["--data", initCode])
        #expect(deploy.status == 0, "\(deploy.stderr)")
        let contract = try #require(
            deploy.stderr.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        let call = try CLI.run("evm", "call", "--rpc-url", url, "--to", contract, "answer()(uint256)")
        #expect(call.status == 0 && call.lastLine == "42", "\(call.stdout) \(call.stderr)")
        // A contract that always reverts: send exits 1 with the reason, and call too.
        let revertingCode =
            "0x"
            + EVMTestContracts.initCode(EVMTestContracts.revertingRuntime).map { String(format: "%02x", $0) }.joined()
        let revertingDeploy = try CLI.run(["evm", "send"] + common + ["--data", revertingCode])
        let reverting = try #require(
            revertingDeploy.stderr.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        )
        let reverted = try CLI.run(["evm", "send"] + common + ["--to", reverting, "--data", "0x01"])
        #expect(reverted.status == 1 && reverted.stderr.contains("nope"), "\(reverted.stderr)")
        let revertedCall = try CLI.run("evm", "call", "--rpc-url", url, "--to", reverting, "f()(uint256)")
        #expect(revertedCall.status == 1 && revertedCall.stderr.contains("nope"), "\(revertedCall.stderr)")
        // An unreachable node is one sentence and a non-zero exit.
        let unreachable = try CLI.run([
            "evm", "send", "--rpc-url", "http://127.0.0.1:9", "--keystore", account.keystore, "--password-file",
            account.passwordFile, "--to", recipient,
        ])
        #expect(unreachable.status == 2 && unreachable.stderr.contains("rpc_transport"))
    }
}
