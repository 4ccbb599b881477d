// Model types of the Ethereum JSON-RPC API (Ethereum JSON-RPC specification, "execution-apis",
// https://ethereum.github.io/execution-apis/api-documentation/): block tags, call objects, logs, receipts, fee history.

// MARK: - BlockTag

/// Which block a state query reads: a number or one of the spec's tags ("Block parameter").
public enum BlockTag: Sendable, Hashable, CustomStringConvertible {
    /// The most recent block the node has.
    case latest
    /// The block being built, including the node's pending transactions (for nonces: transactions not yet mined).
    case pending
    /// The genesis block.
    case earliest
    /// The most recent block that the consensus layer considers safe from re-orgs.
    case safe
    /// The most recent finalized block.
    case finalized
    /// A block by number.
    case number(UInt64)

    /// The JSON-RPC text: `"latest"`, …, or a QUANTITY such as `"0x1b4"`.
    public var rpcValue: String {
        switch self {
        case .latest: return "latest"
        case .pending: return "pending"
        case .earliest: return "earliest"
        case .safe: return "safe"
        case .finalized: return "finalized"
        case .number(let number): return UInt256(number).quantity
        }
    }

    public var description: String { rpcValue }
}

// MARK: - EthereumCall

/// A message call for `eth_call` and `eth_estimateGas` (the spec's "GenericTransaction"): who calls, what, with which
/// input, value and gas. Fee fields are left out, so nodes simulate with a zero gas price.
public struct EthereumCall: Sendable, Hashable {
    /// The caller (`msg.sender`); the zero address when `nil`.
    public var from: EthereumAddress?
    /// The contract or account called; `nil` simulates a contract creation with ``data`` as init code.
    public var to: EthereumAddress?
    /// The call data (ABI-encoded selector and arguments), or init code.
    public var data: [UInt8]
    /// Wei sent with the call.
    public var value: UInt256?
    /// A gas limit; the node picks a large one when `nil`.
    public var gas: UInt64?

    /// Creates a call.
    public init(
        from: EthereumAddress? = nil, to: EthereumAddress?, data: [UInt8] = [], value: UInt256? = nil,
        gas: UInt64? = nil
    ) {
        self.from = from
        self.to = to
        self.data = data
        self.value = value
        self.gas = gas
    }
}

// MARK: - Logs

/// One log entry (an `emit` in Solidity, `LOG0`…`LOG4` in the EVM), as `eth_getLogs` and receipts carry it.
public struct EthereumLog: Sendable, Hashable {
    /// The contract that emitted it.
    public let address: EthereumAddress
    /// Zero to four 32-byte topics; for Solidity events topic 0 is `keccak256` of the event signature.
    public let topics: [[UInt8]]
    /// The non-indexed data.
    public let data: [UInt8]
    /// The block that includes it.
    public let blockNumber: UInt64
    /// The hash of that block.
    public let blockHash: [UInt8]
    /// The transaction that emitted it.
    public let transactionHash: [UInt8]
    /// The transaction's index in the block.
    public let transactionIndex: UInt64
    /// The log's index in the block.
    public let logIndex: UInt64
    /// `true` when a chain re-organisation removed it (filters only).
    public let removed: Bool

    /// Creates a log entry.
    public init(
        address: EthereumAddress, topics: [[UInt8]], data: [UInt8], blockNumber: UInt64, blockHash: [UInt8],
        transactionHash: [UInt8], transactionIndex: UInt64, logIndex: UInt64, removed: Bool
    ) {
        self.address = address
        self.topics = topics
        self.data = data
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.transactionHash = transactionHash
        self.transactionIndex = transactionIndex
        self.logIndex = logIndex
        self.removed = removed
    }
}

/// Which logs `eth_getLogs` returns: from some contracts, matching topics, in a block range.
public struct EthereumLogFilter: Sendable, Hashable {
    /// Emitting contracts; empty matches every contract.
    public var addresses: [EthereumAddress]
    /// At most four positions: `nil` matches any topic there, otherwise the topic must be one of the (32-byte) values.
    public var topics: [[[UInt8]]?]
    /// The first block searched.
    public var fromBlock: BlockTag
    /// The last block searched.
    public var toBlock: BlockTag

    /// Creates a filter; the defaults search the latest block for anything.
    public init(
        addresses: [EthereumAddress] = [], topics: [[[UInt8]]?] = [], fromBlock: BlockTag = .latest,
        toBlock: BlockTag = .latest
    ) {
        self.addresses = addresses
        self.topics = topics
        self.fromBlock = fromBlock
        self.toBlock = toBlock
    }
}

// MARK: - Receipts

/// What happened to a mined transaction (`eth_getTransactionReceipt`).
public struct EthereumReceipt: Sendable, Hashable {
    /// The transaction's hash.
    public let transactionHash: [UInt8]
    /// The block that includes it.
    public let blockNumber: UInt64
    /// That block's hash.
    public let blockHash: [UInt8]
    /// The transaction's index in the block.
    public let transactionIndex: UInt64
    /// The sender.
    public let from: EthereumAddress
    /// The recipient; `nil` for a contract creation.
    public let to: EthereumAddress?
    /// `true` if execution succeeded (status 1), `false` if it reverted or ran out of gas (status 0; EIP-658).
    public let status: Bool
    /// Gas this transaction used.
    public let gasUsed: UInt64
    /// Gas used by this and the earlier transactions in the block.
    public let cumulativeGasUsed: UInt64
    /// The price per gas actually paid (base fee plus the effective priority fee; EIP-1559).
    public let effectiveGasPrice: UInt256
    /// The created contract, for a contract creation.
    public let contractAddress: EthereumAddress?
    /// The logs the transaction emitted (none when it failed).
    public let logs: [EthereumLog]
    /// The EIP-2718 transaction type (0 legacy, 1 EIP-2930, 2 EIP-1559, …).
    public let type: UInt64

    /// Creates a receipt.
    public init(
        transactionHash: [UInt8], blockNumber: UInt64, blockHash: [UInt8], transactionIndex: UInt64,
        from: EthereumAddress, to: EthereumAddress?, status: Bool, gasUsed: UInt64, cumulativeGasUsed: UInt64,
        effectiveGasPrice: UInt256, contractAddress: EthereumAddress?, logs: [EthereumLog], type: UInt64
    ) {
        self.transactionHash = transactionHash
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.transactionIndex = transactionIndex
        self.from = from
        self.to = to
        self.status = status
        self.gasUsed = gasUsed
        self.cumulativeGasUsed = cumulativeGasUsed
        self.effectiveGasPrice = effectiveGasPrice
        self.contractAddress = contractAddress
        self.logs = logs
        self.type = type
    }
}

// MARK: - Fee history

/// Recent base fees, block fullness and priority fees (`eth_feeHistory`), for choosing EIP-1559 fees.
public struct EthereumFeeHistory: Sendable, Hashable {
    /// The first block of the range.
    public let oldestBlock: UInt64
    /// Base fee per gas of each block in the range and of the block after it (one more entry than blocks).
    public let baseFeePerGas: [UInt256]
    /// `gasUsed / gasLimit` of each block.
    public let gasUsedRatio: [Double]
    /// For each block, the effective priority fee at each requested percentile of gas used; empty when no
    /// percentiles were requested.
    public let reward: [[UInt256]]

    /// Creates a fee history.
    public init(oldestBlock: UInt64, baseFeePerGas: [UInt256], gasUsedRatio: [Double], reward: [[UInt256]]) {
        self.oldestBlock = oldestBlock
        self.baseFeePerGas = baseFeePerGas
        self.gasUsedRatio = gasUsedRatio
        self.reward = reward
    }
}
