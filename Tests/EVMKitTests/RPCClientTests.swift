import EVMKit
import Foundation
import TestSupport
import Testing

/// EthereumRPCClient against the eth-tester chain (scripts/evm-test-chain.py), with transactions signed by eth-account
/// (rpc_peer.py) and contracts hand-assembled here, so no compiler is needed.
@Suite("Ethereum JSON-RPC client against the eth-tester chain")
struct RPCClientTests {
    static func client() throws -> EthereumRPCClient {
        EthereumRPCClient(url: try EVMTestChain.shared(), timeout: .seconds(20))
    }

    /// A transaction for eth-account to sign; `to` is `0x…`, `create:N` (the contract this account's nonce-N
    /// transaction creates) or `nil` (a contract creation).
    struct Transaction {
        var to: String?
        var value: UInt64 = 0
        var data: [UInt8] = []
        var nonce: Int
        var gas: Int = 21_000
    }

    /// A fresh random key, its address, its transactions signed by eth-account, and ether from the chain's
    /// prefunded account: one peer call per test.
    struct Account {
        let address: EthereumAddress
        let signed: [(raw: [UInt8], hash: [UInt8])]
    }

    /// Fixed EIP-1559 fees (the test chain's base fee is about 1 gwei and falls while blocks are nearly empty).
    static let maxFeePerGas: UInt64 = 100_000_000_000
    static let maxPriorityFeePerGas: UInt64 = 1_000_000_000

    static func accounts(
        _ client: EthereumRPCClient, _ transactions: [[Transaction]], ether: UInt64 = 10
    ) async throws -> [Account] {
        var random = SystemRandomNumberGenerator()
        let chainId = try await client.chainId()
        let request: [String: Any] = [
            "chainId": Int(chainId), "maxFeePerGas": String(maxFeePerGas),
            "maxPriorityFeePerGas": String(maxPriorityFeePerGas),
            "accounts": transactions.map { list -> [String: Any] in
                let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
                return [
                    "key": Hex.encode(key, prefix: false),
                    "transactions": list.map { tx -> [String: Any] in
                        [
                            "to": tx.to ?? NSNull(), "value": String(tx.value), "data": Hex.encode(tx.data),
                            "nonce": tx.nonce, "gas": tx.gas,
                        ]
                    },
                ]
            },
        ]
        let reply = try JSONPeer.run("rpc_peer.py", request, bundle: .module)
        let replies = try #require((reply as? [String: Any])?["accounts"] as? [[String: Any]])
        var out: [Account] = []
        for item in replies {
            let address = try EthereumAddress(try #require(item["address"] as? String))
            let signed = try #require(item["signed"] as? [[String: String]]).map { entry in
                (
                    raw: try Hex.decodePrefixed(entry["raw"] ?? "", what: "raw"),
                    hash: try Hex.decodePrefixed(entry["hash"] ?? "", byteCount: 32, what: "hash")
                )
            }
            if ether > 0 {
                try await EVMTestChain.fund(Hex.encode(address.bytes), wei: ether * 1_000_000_000_000_000_000)
            }
            out.append(Account(address: address, signed: signed))
        }
        return out
    }

    static func initCode(_ runtime: [UInt8]) -> [UInt8] { EVMTestContracts.initCode(runtime) }

    /// Sends a signed transaction and waits for its receipt.
    static func mine(_ client: EthereumRPCClient, _ signed: (raw: [UInt8], hash: [UInt8])) async throws
        -> EthereumReceipt
    {
        let hash = try await client.sendRawTransaction(signed.raw)
        #expect(hash == signed.hash)
        return try await client.waitForReceipt(hash, pollInterval: .milliseconds(50), timeout: .seconds(20))
    }

    static let nopeRevertData = EVMTestContracts.nopeRevertData
    static let revertingRuntime = EVMTestContracts.revertingRuntime

    static let pingTopic = Keccak256.hash(Array("Ping(bytes32)".utf8))

    /// Runtime code that emits `LOG1(topic = keccak256("Ping(bytes32)"), data = calldata[0..<32])` and returns the
    /// same 32 bytes.
    static let pingRuntime: [UInt8] =
        [0x60, 0x00, 0x35, 0x60, 0x00, 0x52, 0x7F] + pingTopic
        + [0x60, 0x20, 0x60, 0x00, 0xA1, 0x60, 0x20, 0x60, 0x00, 0xF3]

    @Test("chain id, block number, balance and nonce of a funded account, fee suggestions and fee history")
    func chainState() async throws {
        let client = try Self.client()
        #expect(try await client.chainId() == EVMTestChain.chainId)
        let before = try await client.blockNumber()
        let account = try #require(try await Self.accounts(client, [[]], ether: 3).first)
        #expect(try await client.blockNumber() > before)
        #expect(try await client.getBalance(account.address) == UInt256(3_000_000_000_000_000_000))
        #expect(try await client.getBalance(account.address, block: .earliest) == .zero)
        #expect(try await client.getTransactionCount(account.address, block: .pending) == 0)
        #expect(try await client.getCode(account.address).isEmpty)
        #expect(try await client.gasPrice() > .zero)
        #expect(try await client.maxPriorityFeePerGas() > .zero)

        let history = try await client.feeHistory(blockCount: 3, newestBlock: .latest, rewardPercentiles: [10, 50, 90])
        #expect(history.gasUsedRatio.count >= 1 && history.gasUsedRatio.count <= 3)
        #expect(history.baseFeePerGas.count == history.gasUsedRatio.count + 1)
        #expect(history.reward.count == history.gasUsedRatio.count && history.reward.allSatisfy { $0.count == 3 })
        #expect(history.gasUsedRatio.allSatisfy { $0 >= 0 && $0 <= 1 })
        let plain = try await client.feeHistory(blockCount: 1)
        #expect(plain.reward.isEmpty && plain.baseFeePerGas.count == 2)
    }

    @Test("a value transfer signed by eth-account: sent raw, hash checked, receipt awaited, balances moved")
    func valueTransfer() async throws {
        let client = try Self.client()
        let recipient = try #require(try await Self.accounts(client, [[]], ether: 0).first)
        let sender = try #require(
            try await Self.accounts(
                client, [[Transaction(to: Hex.encode(recipient.address.bytes), value: 123_456_789, nonce: 0)]]
            )
            .first)
        let signed = try #require(sender.signed.first)
        let hash = try await client.sendRawTransaction(signed.raw)
        #expect(hash == signed.hash)
        let receipt = try await client.waitForReceipt(hash, pollInterval: .milliseconds(50), timeout: .seconds(20))
        #expect(receipt.status)
        #expect(receipt.transactionHash == hash)
        #expect(receipt.gasUsed == 21_000)
        #expect(receipt.from == sender.address && receipt.to == recipient.address)
        #expect(receipt.contractAddress == nil && receipt.logs.isEmpty)
        #expect(receipt.type == 2)
        #expect(receipt.effectiveGasPrice > .zero)
        #expect(receipt.blockNumber <= (try await client.blockNumber()))
        #expect(try await client.getBalance(recipient.address) == UInt256(123_456_789))
        #expect(try await client.getTransactionCount(sender.address) == 1)

        // Sending it again is a node error (nonce too low), not a transport failure.
        let error = try await #require(throws: EVMError.self) { try await client.sendRawTransaction(signed.raw) }
        #expect(error.code == .rpcError, "\(error)")
    }

    @Test("a contract that reverts with Error(\"nope\"): eth_call and eth_estimateGas throw reverted with the data")
    func revertingContract() async throws {
        let client = try Self.client()
        let deployer = try #require(
            try await Self.accounts(
                client,
                [
                    [
                        Transaction(data: Self.initCode(Self.revertingRuntime), nonce: 0, gas: 200_000),
                        Transaction(to: "create:0", data: [1], nonce: 1, gas: 100_000),
                    ]
                ]
            ).first)
        let receipt = try await Self.mine(client, deployer.signed[0])
        #expect(receipt.status)
        let contract = try #require(receipt.contractAddress)
        #expect(try await client.getCode(contract) == Self.revertingRuntime)

        let call = EthereumCall(from: deployer.address, to: contract, data: [0xDE, 0xAD, 0xBE, 0xEF])
        let callError = try await #require(throws: EVMError.self) { try await client.call(call) }
        #expect(callError.code == .reverted, "\(callError)")
        #expect(callError.revertData == Self.nopeRevertData)
        #expect(callError.message.contains("nope"), "the decoded reason: \(callError.message)")

        let estimateError = try await #require(throws: EVMError.self) { try await client.estimateGas(call) }
        #expect(estimateError.code == .reverted, "\(estimateError)")
        #expect(estimateError.revertData == Self.nopeRevertData)

        // Mined anyway (with enough gas given), the transaction fails with status 0.
        let failed = try await Self.mine(client, deployer.signed[1])
        #expect(!failed.status && failed.to == contract)
    }

    @Test("a contract that emits LOG1: receipt logs, eth_getLogs by address and topic, eth_call output")
    func logs() async throws {
        let client = try Self.client()
        let payload = Keccak256.hash(Array("payload".utf8))
        let account = try #require(
            try await Self.accounts(
                client,
                [
                    [
                        Transaction(data: Self.initCode(Self.pingRuntime), nonce: 0, gas: 200_000),
                        Transaction(to: "create:0", data: payload, nonce: 1, gas: 100_000),
                    ]
                ]
            ).first)
        let contract = try #require(try await Self.mine(client, account.signed[0]).contractAddress)
        #expect(try await client.call(EthereumCall(to: contract, data: payload)) == payload)
        let gas = try await client.estimateGas(EthereumCall(from: account.address, to: contract, data: payload))
        #expect(gas > 21_000 && gas < 100_000)

        let receipt = try await Self.mine(client, account.signed[1])
        #expect(receipt.status)
        let log = try #require(receipt.logs.first)
        #expect(receipt.logs.count == 1)
        #expect(log.address == contract && log.topics == [Self.pingTopic] && log.data == payload)
        #expect(log.blockNumber == receipt.blockNumber && log.transactionHash == receipt.transactionHash)

        let block = BlockTag.number(receipt.blockNumber)
        let found = try await client.getLogs(
            EthereumLogFilter(addresses: [contract], topics: [[Self.pingTopic]], fromBlock: block, toBlock: block))
        #expect(found == [log])
        let anyTopic = try await client.getLogs(
            EthereumLogFilter(addresses: [contract], topics: [nil], fromBlock: .earliest, toBlock: .latest))
        #expect(anyTopic == [log])
        let otherTopic = try await client.getLogs(
            EthereumLogFilter(
                addresses: [contract], topics: [[Keccak256.hash(Array("Other()".utf8))]], fromBlock: .earliest))
        #expect(otherTopic.isEmpty)
    }

    @Test("a closed port is rpc_transport, with the endpoint and no path in the message")
    func closedPort() async throws {
        let port = try Self.closedPort()
        let client = EthereumRPCClient(
            url: try #require(URL(string: "http://127.0.0.1:\(port)/secret-api-key")), timeout: .seconds(5))
        let error = try await #require(throws: EVMError.self) { try await client.chainId() }
        #expect(error.code == .rpcTransport, "\(error)")
        #expect(error.message.contains("127.0.0.1:\(port)") && !error.message.contains("secret-api-key"))
    }

    @Test("waiting for a receipt that never comes ends with timeout and says what to check")
    func receiptTimeout() async throws {
        let client = try Self.client()
        let hash = Keccak256.hash(Array("never sent".utf8))
        #expect(try await client.getTransactionReceipt(hash) == nil)
        let clock = ContinuousClock()
        let start = clock.now
        let error = try await #require(throws: EVMError.self) {
            try await client.waitForReceipt(hash, pollInterval: .milliseconds(50), timeout: .milliseconds(300))
        }
        #expect(error.code == .timeout)
        #expect(error.message.contains(Hex.encode(hash)) && error.message.contains("nonce"))
        #expect(clock.now - start < .seconds(5))
    }

    @Test("bad arguments are refused before anything is sent")
    func localValidation() async throws {
        let client = try Self.client()
        await #expect(throws: EVMError.self) { try await client.getTransactionReceipt([1, 2, 3]) }
        await #expect(throws: EVMError.self) { try await client.sendRawTransaction([]) }
        await #expect(throws: EVMError.self) { try await client.feeHistory(blockCount: 0) }
        await #expect(throws: EVMError.self) {
            try await client.feeHistory(blockCount: 1, rewardPercentiles: [50, 10])
        }
        await #expect(throws: EVMError.self) { try await client.getLogs(EthereumLogFilter(topics: [[[1]]])) }
    }

    /// A port on 127.0.0.1 that nothing listens on: bind an ephemeral port, then close it.
    static func closedPort() throws -> UInt16 {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw ExternalPeer.Failure(description: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw ExternalPeer.Failure(description: "bind() failed") }
        return UInt16(bigEndian: address.sin_port)
    }
}

/// Strict response validation against fake_node.py, whose URL path picks how it misbehaves.
@Suite("Ethereum JSON-RPC client against a misbehaving node")
struct RPCClientValidationTests {
    static let node = Result {
        try ScriptServer.launch(script: TestVectors.url("fake_node.py", in: .module), arguments: [])
    }

    static func client(_ path: String, timeout: Duration = .seconds(10)) throws -> EthereumRPCClient {
        EthereumRPCClient(url: try Self.node.get().url.appendingPathComponent(path), timeout: timeout)
    }

    static func error(
        _ path: String, timeout: Duration = .seconds(10), _ body: (EthereumRPCClient) async throws(EVMError) -> Void
    )
        async throws -> EVMError
    {
        let client = try Self.client(path, timeout: timeout)
        do {
            try await body(client)
        } catch {
            return error
        }
        Issue.record("\(path): no error")
        return EVMError(.rpcTransport, "none")
    }

    @Test(
        "answers that are not valid JSON-RPC responses are rpc_transport",
        arguments: [
            "wrong-id", "bool-id", "no-version", "both", "neither", "not-json", "empty", "array", "http-500", "odd-hex",
            "number-result",
        ])
    func malformed(path: String) async throws {
        let error = try await Self.error(path) { client throws(EVMError) in _ = try await client.getCode(.zero) }
        #expect(error.code == .rpcTransport, "\(path): \(error)")
        #expect(error.revertData == nil)
    }

    @Test("quantities with leading zeros or as JSON numbers are refused")
    func strictQuantities() async throws {
        for path in ["leading-zero", "number-result"] {
            let error = try await Self.error(path) { client throws(EVMError) in _ = try await client.blockNumber() }
            #expect(error.code == .rpcTransport && error.message.contains("result"), "\(path): \(error)")
        }
    }

    @Test("a JSON-RPC error object is rpc_error with its code and message")
    func rpcError() async throws {
        let error = try await Self.error("rpc-error") { client throws(EVMError) in _ = try await client.gasPrice() }
        #expect(error.code == .rpcError)
        #expect(error.message.contains("-32000") && error.message.contains("nonce too low"))
    }

    @Test("reverts: a revert message with data (any code) and code 3 without data are both reverted")
    func reverts() async throws {
        let call = EthereumCall(to: .zero)
        let withData = try await Self.error("revert-message") { client throws(EVMError) in
            _ = try await client.call(call)
        }
        #expect(withData.code == .reverted)
        #expect(
            withData.revertData.map { Hex.encode($0) } == "0x08c379a0" + String(repeating: "0", count: 62) + "20"
                + String(repeating: "0", count: 63) + "4" + "6e6f7065" + String(repeating: "0", count: 56))
        #expect(withData.message.contains("nope"))
        let bare = try await Self.error("revert-code-3-no-data") { client throws(EVMError) in
            _ = try await client.estimateGas(call)
        }
        #expect(bare.code == .reverted && bare.revertData == [])
    }

    @Test("responses above the size bound are refused, declared or streamed")
    func oversized() async throws {
        for path in ["declared-huge", "streamed-huge"] {
            let error = try await Self.error(path) { client throws(EVMError) in _ = try await client.chainId() }
            #expect(error.code == .rpcTransport && error.message.contains("larger than"), "\(path): \(error)")
        }
    }

    @Test("a node slower than the client's timeout is timeout")
    func slowNode() async throws {
        _ = try Self.node.get()  // started, so the clock measures only the request
        let clock = ContinuousClock()
        let start = clock.now
        let error = try await Self.error("slow", timeout: .milliseconds(500)) { client throws(EVMError) in
            _ = try await client.chainId()
        }
        #expect(error.code == .timeout, "\(error)")
        // The node answers after 30 s; a timeout error well before that is the client's deadline at work (the bound
        // is loose because a loaded CI machine can delay the resumption by seconds).
        #expect(clock.now - start < .seconds(20))
    }

    @Test("a receipt with a bad status, or a send answered with another hash, is refused")
    func inconsistentResults() async throws {
        let receipt = try await Self.error("bad-receipt") { client throws(EVMError) in
            _ = try await client.getTransactionReceipt([UInt8](repeating: 0x11, count: 32))
        }
        #expect(receipt.code == .rpcTransport, "\(receipt)")
        let send = try await Self.error("other-hash") { client throws(EVMError) in
            _ = try await client.sendRawTransaction([0x02, 0xC0])
        }
        #expect(send.code == .rpcTransport && send.message.contains("hash"), "\(send)")
    }
}
