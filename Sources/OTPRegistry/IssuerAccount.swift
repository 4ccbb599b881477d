import EVMKit
import Foundation

// MARK: - The issuer's account

/// The service's keystore account, sending `setOtp` transactions. Nonce management under concurrent issuance: the
/// actor assigns nonces one at a time — the larger of the node's pending count and one past the last nonce this
/// process used — signs and submits inside its isolation, and waits for receipts outside it, so concurrent
/// issuances get consecutive nonces without waiting for each other's blocks. After a failed submission the local
/// nonce is forgotten and taken from the node again.
public actor IssuerAccount {
    public let address: EthereumAddress
    private let key: Secp256k1PrivateKey
    private let client: EthereumRPCClient
    private var nextNonce: UInt64?
    /// Actor methods interleave at every `await`, so submissions take this turn explicitly: one at a time.
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(key: Secp256k1PrivateKey, client: EthereumRPCClient) {
        self.key = key
        self.address = key.address
        self.client = client
    }

    /// Signs and submits a call with the next nonce; returns the transaction hash (not yet mined).
    func submit(to: EthereumAddress, data: [UInt8], gasLimit: UInt64) async throws(EVMError) -> [UInt8] {
        while busy { await withCheckedContinuation { waiters.append($0) } }
        busy = true
        defer {
            busy = false
            if !waiters.isEmpty { waiters.removeFirst().resume() }
        }
        var transaction = try await client.prepareTransaction(from: address, to: to, data: data, gasLimit: gasLimit)
        let nonce = max(transaction.nonce, nextNonce ?? 0)
        transaction.nonce = nonce
        do {
            let signed = try Transaction.eip1559(transaction).signed(by: key)
            let hash = try await client.sendRawTransaction(signed.rawTransaction)
            nextNonce = nonce + 1
            return hash
        } catch {
            nextNonce = nil
            throw error
        }
    }

    /// Sends a call and waits for its receipt (outside the actor's isolation).
    public nonisolated func send(to: EthereumAddress, data: [UInt8], gasLimit: UInt64 = 200_000)
        async throws(EVMError) -> EthereumReceipt
    {
        let hash = try await submit(to: to, data: data, gasLimit: gasLimit)
        return try await client.waitForReceipt(hash, pollInterval: .milliseconds(100), timeout: .seconds(120))
    }
}
