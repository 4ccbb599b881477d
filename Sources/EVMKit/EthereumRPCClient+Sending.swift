// MARK: - Filling, signing and sending a transaction

extension EthereumRPCClient {
    /// The outcome of ``send(to:value:data:signedBy:gasLimit:receiptTimeout:)``.
    public struct SendResult: Sendable {
        /// The signed transaction as it went to the node.
        public let transaction: SignedTransaction
        /// Its receipt.
        public let receipt: EthereumReceipt
        /// For a transaction that reverted: the reason, replayed with `eth_call` on the state before its block (the
        /// receipt carries no reason).
        public let revertReason: String?
        /// For a transaction that reverted: the revert data of the replay, when it reverted again (for a contract's
        /// custom errors).
        public let revertData: [UInt8]?
    }

    /// An EIP-1559 transaction from `from`, every field the caller leaves out filled from the node: the chain id
    /// (`eth_chainId`), the next nonce including pending transactions (`eth_getTransactionCount`, "pending"), the gas
    /// limit (`eth_estimateGas` plus 20 %, unless given), the tip (`eth_maxPriorityFeePerGas`) and a fee cap of
    /// twice the next block's base fee plus the tip (`eth_feeHistory`), which survives six full blocks of base-fee
    /// growth (EIP-1559 raises it by at most 12.5 % per block).
    ///
    /// Throws `reverted` (with the reason) when the node's gas estimate says the transaction would revert.
    public func prepareTransaction(
        from: EthereumAddress, to: EthereumAddress?, value: UInt256 = .zero, data: [UInt8] = [],
        gasLimit: UInt64? = nil
    ) async throws(EVMError) -> EIP1559Transaction {
        let chainId = try await chainId()
        let nonce = try await getTransactionCount(from, block: .pending)
        let limit: UInt64
        if let gasLimit {
            limit = gasLimit
        } else {
            let estimate = try await estimateGas(EthereumCall(from: from, to: to, data: data, value: value))
            limit = estimate.addingReportingOverflow(estimate / 5).partialValue
        }
        let tip = try await maxPriorityFeePerGas()
        let history = try await feeHistory(blockCount: 1, newestBlock: .latest)
        guard let nextBaseFee = history.baseFeePerGas.last else {
            throw EVMError(.rpcTransport, "the node's eth_feeHistory returned no base fee; is it a post-London chain?")
        }
        let (doubled, overflow1) = nextBaseFee.multipliedReportingOverflow(by: UInt256(2))
        let (maxFee, overflow2) = doubled.addingReportingOverflow(tip)
        guard !overflow1, !overflow2 else {
            throw EVMError(.invalidNumber, "the node reported a base fee too large to pay (over 2²⁵⁶ wei per gas)")
        }
        return EIP1559Transaction(
            chainId: chainId, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee, gasLimit: limit, to: to,
            value: value, data: data)
    }

    /// Fills (``prepareTransaction(from:to:value:data:gasLimit:)``), signs with `key`, sends with
    /// `eth_sendRawTransaction` and waits for the receipt. A mined transaction that reverted is *returned* (status
    /// false, with ``SendResult/revertReason``); a transaction the node refuses, or one whose estimate reverts, throws.
    public func send(
        to: EthereumAddress?, value: UInt256 = .zero, data: [UInt8] = [], signedBy key: Secp256k1PrivateKey,
        gasLimit: UInt64? = nil, receiptTimeout: Duration = .seconds(120)
    ) async throws(EVMError) -> SendResult {
        let from = key.address
        let unsigned = try await prepareTransaction(from: from, to: to, value: value, data: data, gasLimit: gasLimit)
        let signed = try Transaction.eip1559(unsigned).signed(by: key)
        let hash = try await sendRawTransaction(signed.rawTransaction)
        let receipt = try await waitForReceipt(hash, pollInterval: .milliseconds(200), timeout: receiptTimeout)
        var reason: String? = nil
        var revertData: [UInt8]? = nil
        if !receipt.status {
            // Replay on the state before its block to learn why (the receipt only says that it failed). Exact when it
            // was the block's first transaction; otherwise the best a node without tracing offers.
            do {
                _ = try await call(
                    EthereumCall(from: from, to: to, data: data, value: value, gas: unsigned.gasLimit),
                    block: .number(receipt.blockNumber > 0 ? receipt.blockNumber - 1 : 0))
                reason = "reverted (the replay did not revert: the state it depended on has changed)"
            } catch {
                reason = error.code == .reverted ? error.message : "reverted (replay failed: \(error.message))"
                revertData = error.revertData
            }
        }
        return SendResult(transaction: signed, receipt: receipt, revertReason: reason, revertData: revertData)
    }
}
