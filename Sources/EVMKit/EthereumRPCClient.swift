import Foundation
import JSONRPC

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// MARK: - EthereumRPCClient

/// A client for an Ethereum node's JSON-RPC 2.0 API over HTTP (JSON-RPC 2.0 specification; Ethereum JSON-RPC
/// specification, https://ethereum.github.io/execution-apis/api-documentation/): the calls a wallet needs to read
/// state, price and send transactions, and follow their receipts and logs.
///
/// Every answer is validated strictly: the `jsonrpc` version and `id` must match, quantities must be canonical
/// QUANTITY hex (``UInt256/init(quantity:)``), byte strings `0x`-prefixed hex of the right length, and the response at
/// most ``maxResponseBytes`` (counted while it arrives). Nothing the node sends can trap.
///
/// Errors (always ``EVMError``):
/// - `rpc_transport`: the node cannot be reached, answers with something that is not a valid JSON-RPC response, or
///   sends a result of the wrong shape;
/// - `timeout`: no answer within the client's `timeout` (or, for ``waitForReceipt(_:pollInterval:timeout:)``, no
///   receipt in time);
/// - `reverted`: the call or gas estimate reverted (geth's error code 3, or an error whose message mentions a revert
///   and carries `data`); ``EVMError/revertData`` holds the raw revert data and the message the decoded reason;
/// - `rpc_error`: any other JSON-RPC error object; the message carries its code and message.
///
/// ```swift
/// let client = EthereumRPCClient(url: URL(string: "http://127.0.0.1:8545")!, timeout: .seconds(10))
/// let nonce = try await client.getTransactionCount(address, block: .pending)
/// let hash = try await client.sendRawTransaction(signed)
/// let receipt = try await client.waitForReceipt(hash)
/// ```
public struct EthereumRPCClient: Sendable {
    /// The default bound on one response body: 16 MiB.
    public static let defaultMaxResponseBytes = 16 << 20

    /// The node's JSON-RPC endpoint.
    public var url: URL { connection.url }
    /// How long one request may take, connecting included.
    public let timeout: Duration
    /// The largest response body accepted.
    public let maxResponseBytes: Int
    private let connection: JSONRPCConnection

    /// Creates a client for the node at `url` (http or https).
    ///
    /// - Parameters:
    ///   - session: its configuration (proxies, headers, protocol classes) is used for a session of the client's own,
    ///     which counts response bytes as they arrive.
    ///   - timeout: the limit for each request.
    ///   - maxResponseBytes: the largest response body accepted (``defaultMaxResponseBytes`` by default).
    public init(
        url: URL, session: URLSession = .shared, timeout: Duration = .seconds(30),
        maxResponseBytes: Int = EthereumRPCClient.defaultMaxResponseBytes
    ) {
        self.timeout = timeout
        self.maxResponseBytes = max(maxResponseBytes, 1024)
        connection = JSONRPCConnection(
            url: url, configuration: session.configuration, maxResponseBytes: max(maxResponseBytes, 1024))
    }

    // MARK: Chain state

    /// `eth_chainId`: the EIP-155 chain id that transactions must be signed for.
    public func chainId() async throws(EVMError) -> UInt64 {
        try await request("eth_chainId", []).uint64()
    }

    /// `eth_blockNumber`: the number of the most recent block.
    public func blockNumber() async throws(EVMError) -> UInt64 {
        try await request("eth_blockNumber", []).uint64()
    }

    /// `eth_getBalance`: the account's balance in wei at `block`.
    public func getBalance(_ address: EthereumAddress, block: BlockTag = .latest) async throws(EVMError) -> UInt256 {
        try await request("eth_getBalance", [Self.json(address), .string(block.rpcValue)]).quantity()
    }

    /// `eth_getTransactionCount`: the account's nonce; at `.pending` it counts the node's pending transactions, which
    /// is the nonce for the next transaction.
    public func getTransactionCount(
        _ address: EthereumAddress, block: BlockTag = .pending
    ) async throws(EVMError) -> UInt64 {
        try await request("eth_getTransactionCount", [Self.json(address), .string(block.rpcValue)]).uint64()
    }

    /// `eth_getCode`: the runtime bytecode at `address` (empty for an account without code).
    public func getCode(_ address: EthereumAddress, block: BlockTag = .latest) async throws(EVMError) -> [UInt8] {
        try await request("eth_getCode", [Self.json(address), .string(block.rpcValue)]).bytes()
    }

    // MARK: Fees

    /// `eth_gasPrice`: the node's suggested legacy gas price in wei (base fee plus a suggested tip).
    public func gasPrice() async throws(EVMError) -> UInt256 {
        try await request("eth_gasPrice", []).quantity()
    }

    /// `eth_maxPriorityFeePerGas`: the node's suggested EIP-1559 priority fee (tip) in wei.
    public func maxPriorityFeePerGas() async throws(EVMError) -> UInt256 {
        try await request("eth_maxPriorityFeePerGas", []).quantity()
    }

    /// `eth_feeHistory`: base fees and gas-used ratios of up to `blockCount` blocks ending at `newestBlock`, and the
    /// effective priority fees at `rewardPercentiles` (ascending, each 0…100) of each block's gas.
    public func feeHistory(
        blockCount: UInt64, newestBlock: BlockTag = .latest, rewardPercentiles: [Double] = []
    ) async throws(EVMError) -> EthereumFeeHistory {
        guard blockCount >= 1, blockCount <= 1024 else {
            throw EVMError(.invalidNumber, "eth_feeHistory takes 1…1024 blocks; got \(blockCount)")
        }
        guard rewardPercentiles.allSatisfy({ $0 >= 0 && $0 <= 100 }), rewardPercentiles == rewardPercentiles.sorted()
        else {
            throw EVMError(.invalidNumber, "reward percentiles must be ascending numbers in 0…100")
        }
        let result = try await request(
            "eth_feeHistory",
            [
                .string(UInt256(blockCount).quantity), .string(newestBlock.rpcValue),
                .array(rewardPercentiles.map { .double($0) }),
            ])
        let oldest = try result.field("oldestBlock").uint64()
        let baseFees = try result.field("baseFeePerGas").array().map { item throws(EVMError) in try item.quantity() }
        let ratios = try result.field("gasUsedRatio").array().map { item throws(EVMError) in try item.double() }
        guard !ratios.isEmpty, ratios.count <= Int(blockCount), baseFees.count == ratios.count + 1 else {
            throw result.malformed("has \(baseFees.count) base fees for \(ratios.count) blocks (expected one more)")
        }
        var rewards: [[UInt256]] = []
        if !rewardPercentiles.isEmpty {
            rewards = try result.field("reward").array().map { row throws(EVMError) in
                try row.array().map { item throws(EVMError) in try item.quantity() }
            }
            guard rewards.count == ratios.count, rewards.allSatisfy({ $0.count == rewardPercentiles.count }) else {
                throw result.malformed("has rewards that do not match \(ratios.count) blocks × percentiles")
            }
        }
        return EthereumFeeHistory(oldestBlock: oldest, baseFeePerGas: baseFees, gasUsedRatio: ratios, reward: rewards)
    }

    // MARK: Calls

    /// `eth_estimateGas`: the gas `call` would use if sent now as a transaction.
    /// - Throws: `reverted` when execution reverts (with the revert data and decoded reason).
    public func estimateGas(_ call: EthereumCall) async throws(EVMError) -> UInt64 {
        try await request("eth_estimateGas", [Self.json(call)]).uint64()
    }

    /// `eth_call`: executes `call` against the state at `block` without a transaction, returning its output.
    /// - Throws: `reverted` when execution reverts (with the revert data and decoded reason).
    public func call(_ call: EthereumCall, block: BlockTag = .latest) async throws(EVMError) -> [UInt8] {
        try await request("eth_call", [Self.json(call), .string(block.rpcValue)]).bytes()
    }

    // MARK: Transactions

    /// `eth_sendRawTransaction`: submits a signed transaction (an EIP-2718 envelope, or RLP for a legacy one) and
    /// returns its 32-byte hash, checked to equal `keccak256(raw)`.
    public func sendRawTransaction(_ raw: [UInt8]) async throws(EVMError) -> [UInt8] {
        guard !raw.isEmpty else {
            throw EVMError(.invalidTransaction, "the raw transaction is empty; sign a transaction first")
        }
        let result = try await request("eth_sendRawTransaction", [.string(Hex.encode(raw))])
        let hash = try result.bytes(count: 32)
        let expected = Keccak256.hash(raw)
        guard hash == expected else {
            throw result.malformed(
                "is the hash \(Hex.encode(hash)), but the transaction's hash is \(Hex.encode(expected))")
        }
        return hash
    }

    /// `eth_getTransactionReceipt`: the receipt of a mined transaction, or `nil` while it is pending or unknown.
    public func getTransactionReceipt(_ transactionHash: [UInt8]) async throws(EVMError) -> EthereumReceipt? {
        guard transactionHash.count == 32 else {
            throw EVMError(.invalidHex, "a transaction hash is 32 bytes; got \(transactionHash.count)")
        }
        let result = try await request("eth_getTransactionReceipt", [.string(Hex.encode(transactionHash))])
        if result.isNull { return nil }
        let receipt = try Self.receipt(result)
        guard receipt.transactionHash == transactionHash else {
            throw result.malformed("is the receipt of another transaction, \(Hex.encode(receipt.transactionHash))")
        }
        return receipt
    }

    /// Polls ``getTransactionReceipt(_:)`` every `pollInterval` until the transaction is mined.
    /// - Throws: `timeout` when no receipt arrived within `timeout`; errors of the polls as they occur.
    public func waitForReceipt(
        _ transactionHash: [UInt8], pollInterval: Duration = .seconds(1), timeout: Duration = .seconds(120)
    ) async throws(EVMError) -> EthereumReceipt {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let receipt = try await getTransactionReceipt(transactionHash) { return receipt }
            let now = clock.now
            guard now < deadline else { break }
            do {
                try await Task.sleep(for: min(pollInterval, now.duration(to: deadline)))
            } catch {
                throw EVMError(.rpcTransport, "waiting for the receipt of \(Hex.encode(transactionHash)) was cancelled")
            }
        }
        throw EVMError(
            .timeout,
            "no receipt for transaction \(Hex.encode(transactionHash)) after \(timeout): it is still pending or was "
                + "dropped; check that it was sent to this chain, that its fees are above the current base fee and its "
                + "nonce is the account's next one, then wait longer or resend it with higher fees")
    }

    // MARK: Logs

    /// `eth_getLogs`: the logs matching `filter`, in chain order.
    public func getLogs(_ filter: EthereumLogFilter) async throws(EVMError) -> [EthereumLog] {
        guard filter.topics.count <= 4 else {
            throw EVMError(.invalidHex, "a log filter has at most 4 topic positions; got \(filter.topics.count)")
        }
        var topics: [JSONValue] = []
        for position in filter.topics {
            guard let alternatives = position else {
                topics.append(.null)
                continue
            }
            guard alternatives.allSatisfy({ $0.count == 32 }) else {
                throw EVMError(.invalidHex, "every log topic in a filter must be 32 bytes")
            }
            topics.append(
                alternatives.count == 1
                    ? .string(Hex.encode(alternatives[0])) : .array(alternatives.map { .string(Hex.encode($0)) }))
        }
        var object: [String: JSONValue] = [
            "fromBlock": .string(filter.fromBlock.rpcValue), "toBlock": .string(filter.toBlock.rpcValue),
        ]
        if !topics.isEmpty { object["topics"] = .array(topics) }
        if filter.addresses.count == 1 {
            object["address"] = Self.json(filter.addresses[0])
        } else if !filter.addresses.isEmpty {
            object["address"] = .array(filter.addresses.map(Self.json))
        }
        let result = try await request("eth_getLogs", [.object(object)])
        return try result.array().map { item throws(EVMError) in try Self.log(item) }
    }

    // MARK: - JSON-RPC

    /// Sends one request and returns its `result`, validated as a JSON-RPC 2.0 response to it.
    func request(_ method: String, _ params: [JSONValue]) async throws(EVMError) -> RPCValue {
        switch await connection.call(method, params: params, timeout: timeout) {
        case .success(.result(let result)):
            return RPCValue(value: result, method: method, path: "result")
        case .success(.error(let error)):
            throw Self.rpcError(error, method: method, endpoint: connection.endpointDescription)
        case .failure(let failure):
            throw Self.transportError(failure)
        }
    }

    /// Maps a failure of the shared JSON-RPC transport to `rpc_transport` or `timeout`.
    static func transportError(_ failure: JSONRPCFailure) -> EVMError {
        switch failure {
        case .encodingFailed(let method):
            return EVMError(.rpcTransport, "the \(method) request could not be encoded as JSON")
        case .unsupportedScheme:
            return EVMError(.rpcTransport, "the JSON-RPC URL must be http:// or https://")
        case .deadlineExceeded(let endpoint, let method, let timeout):
            return EVMError(
                .timeout,
                "the Ethereum node at \(endpoint) did not answer \(method) within \(timeout); check that it is up and "
                    + "not overloaded, or allow a longer timeout")
        case .cancelled(let endpoint, let method):
            return EVMError(.rpcTransport, "the \(method) request to \(endpoint) was cancelled")
        case .responseTooLarge(let endpoint, let limit):
            return EVMError(
                .rpcTransport,
                "the Ethereum node at \(endpoint) sent a response larger than \(limit >> 20) MiB; refusing it "
                    + "(ask for less, e.g. a narrower eth_getLogs block range)")
        case .connectionFailed(let endpoint, let urlErrorCode):
            let reason = urlErrorCode.map { describe($0) } ?? "the connection failed"
            return EVMError(
                urlErrorCode == .timedOut ? .timeout : .rpcTransport,
                "could not reach the Ethereum node at \(endpoint): \(reason); check the URL and that the node is "
                    + "running and reachable")
        case .notJSONRPC(let endpoint, let method, let status, let problem):
            return EVMError(
                .rpcTransport,
                "the Ethereum node at \(endpoint) answered \(method) with HTTP \(status) and \(problem); check that the "
                    + "URL is a JSON-RPC endpoint")
        }
    }

    private static func describe(_ code: URLError.Code) -> String {
        switch code {
        case .cannotConnectToHost: return "the connection was refused"
        case .cannotFindHost, .dnsLookupFailed: return "the host name does not resolve"
        case .timedOut: return "the request timed out"
        case .networkConnectionLost: return "the connection was lost"
        case .notConnectedToInternet: return "there is no network connection"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
            return "the TLS connection failed"
        default: return "URL error \(code.rawValue)"
        }
    }

    /// Maps a JSON-RPC error object to `reverted` or `rpc_error`.
    private static func rpcError(_ error: JSONValue, method: String, endpoint: String) -> EVMError {
        guard case .object(let fields) = error, let codeNumber = fields["code"]?.number,
            let code = Int(exactly: codeNumber), case .string(let message) = fields["message"]
        else {
            return EVMError(
                .rpcTransport,
                "the Ethereum node at \(endpoint) answered \(method) with a malformed JSON-RPC error object")
        }
        let shownMessage = String(message.prefix(500))
        var revertData: [UInt8]? = nil
        if case .string(let text) = fields["data"], text.hasPrefix("0x"), let bytes = Hex.decode(text) {
            revertData = bytes
        }
        let mentionsRevert = message.range(of: "revert", options: .caseInsensitive) != nil
        if code == 3 || (mentionsRevert && revertData != nil) {
            let data = revertData ?? []
            // The revert data is decoded by the ABI layer: Error(string), Panic(uint256), or raw bytes.
            let reason = data.isEmpty ? "no revert data (\(shownMessage))" : String(describing: ABI.decodeRevert(data))
            return EVMError(
                .reverted, "\(method) reverted: \(reason); revert data \(Hex.encode(data.prefix(256)))",
                revertData: data)
        }
        return EVMError(
            .rpcError, "the Ethereum node answered \(method) with JSON-RPC error \(code): \(shownMessage)")
    }

    // MARK: - Encoding

    private static func json(_ address: EthereumAddress) -> JSONValue {
        .string(Hex.encode(address.bytes))
    }

    private static func json(_ call: EthereumCall) -> JSONValue {
        var object: [String: JSONValue] = ["data": .string(Hex.encode(call.data))]
        if let from = call.from { object["from"] = json(from) }
        if let to = call.to { object["to"] = json(to) }
        if let value = call.value { object["value"] = .string(value.quantity) }
        if let gas = call.gas { object["gas"] = .string(UInt256(gas).quantity) }
        return .object(object)
    }

    // MARK: - Decoding

    private static func log(_ value: RPCValue) throws(EVMError) -> EthereumLog {
        let topics = try value.field("topics").array().map { item throws(EVMError) in try item.bytes(count: 32) }
        guard topics.count <= 4 else { throw value.malformed("has \(topics.count) topics; a log has at most 4") }
        let removed = try value.optionalField("removed")?.bool() ?? false
        return EthereumLog(
            address: try value.field("address").address(), topics: topics, data: try value.field("data").bytes(),
            blockNumber: try value.field("blockNumber").uint64(),
            blockHash: try value.field("blockHash").bytes(count: 32),
            transactionHash: try value.field("transactionHash").bytes(count: 32),
            transactionIndex: try value.field("transactionIndex").uint64(),
            logIndex: try value.field("logIndex").uint64(), removed: removed)
    }

    private static func receipt(_ value: RPCValue) throws(EVMError) -> EthereumReceipt {
        let status = try value.field("status").uint64()
        guard status <= 1 else { throw value.malformed("has status \(status); a receipt's status is 0 or 1") }
        let contract = try value.optionalField("contractAddress")
        let to = try value.optionalField("to")
        return EthereumReceipt(
            transactionHash: try value.field("transactionHash").bytes(count: 32),
            blockNumber: try value.field("blockNumber").uint64(),
            blockHash: try value.field("blockHash").bytes(count: 32),
            transactionIndex: try value.field("transactionIndex").uint64(),
            from: try value.field("from").address(),
            to: try to.map { item throws(EVMError) in try item.address() },
            status: status == 1,
            gasUsed: try value.field("gasUsed").uint64(),
            cumulativeGasUsed: try value.field("cumulativeGasUsed").uint64(),
            effectiveGasPrice: try value.field("effectiveGasPrice").quantity(),
            contractAddress: try contract.map { item throws(EVMError) in try item.address() },
            logs: try value.field("logs").array().map { item throws(EVMError) in try log(item) },
            type: try value.optionalField("type")?.uint64() ?? 0)
    }
}

// MARK: - RPCValue

/// EVMKit's error domain for JSON-RPC results: a malformed result is `rpc_transport`.
enum EthereumRPCErrors: JSONRPCErrorDomain {
    static func malformed(method: String, path: String, problem: String) -> EVMError {
        EVMError(.rpcTransport, "the node's answer to \(method) is malformed: \(path) \(problem)")
    }
}

/// A JSON value from a response with where it came from, for strict typed access and precise messages.
typealias RPCValue = JSONRPCResultValue<EthereumRPCErrors>

extension JSONRPCResultValue where Domain == EthereumRPCErrors {
    /// A finite JSON number.
    func double() throws(EVMError) -> Double {
        guard let number = value.number, number.isFinite else {
            throw malformed("is \(value.kind), not a number")
        }
        return number
    }

    /// A QUANTITY: `0x` + hex digits without leading zeros.
    func quantity() throws(EVMError) -> UInt256 {
        let text = try string()
        do {
            return try UInt256(quantity: text)
        } catch {
            throw malformed("is not a QUANTITY (0x + hex digits without leading zeros)")
        }
    }

    /// A QUANTITY that fits in 64 bits (block numbers, nonces, gas, chain ids).
    func uint64() throws(EVMError) -> UInt64 {
        guard let number = try quantity().uint64 else { throw malformed("does not fit in 64 bits") }
        return number
    }

    /// DATA: `0x` + an even number of hex digits, optionally of an exact byte count.
    func bytes(count: Int? = nil) throws(EVMError) -> [UInt8] {
        let text = try string()
        guard text.hasPrefix("0x"), let bytes = Hex.decode(text) else {
            throw malformed("is not 0x-prefixed hex bytes")
        }
        if let count, bytes.count != count { throw malformed("is \(bytes.count) bytes, not \(count)") }
        return bytes
    }

    /// A 20-byte address (any case; a mixed-case one must carry a valid EIP-55 checksum).
    func address() throws(EVMError) -> EthereumAddress {
        let text = try string()
        do {
            return try EthereumAddress(text)
        } catch {
            throw malformed("is not an address (\(error.message))")
        }
    }
}
