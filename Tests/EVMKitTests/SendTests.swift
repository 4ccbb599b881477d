import EVMKit
import Foundation
import TestSupport
import Testing

/// ``EthereumRPCClient/send(to:value:data:signedBy:gasLimit:receiptTimeout:)`` on the test chain: transactions signed
/// here, filled from the node and executed by py-evm.
@Suite("Sending transactions signed here to py-evm")
struct SendTests {
    static func client() throws -> EthereumRPCClient { EthereumRPCClient(url: try EVMTestChain.shared()) }

    @Test("a transfer, a deployment and a call; the fields were filled from the node")
    func transferDeployAndCall() async throws {
        let client = try Self.client()
        let key = Secp256k1PrivateKey.generate()
        try await EVMTestChain.fund(key.address.checksummed, wei: 1_000_000_000_000_000_000)
        let recipient = Secp256k1PrivateKey.generate().address
        let transfer = try await client.send(to: recipient, value: UInt256(777), signedBy: key)
        #expect(transfer.receipt.status && transfer.revertReason == nil)
        #expect(try transfer.transaction.sender() == key.address)
        #expect(transfer.transaction.transaction.chainId == EVMTestChain.chainId)
        #expect(try await client.getBalance(recipient) == UInt256(777))
        let deploy = try await client.send(
            to: nil, data: EVMTestContracts.initCode(EVMTestContracts.answerRuntime), signedBy: key)
        #expect(deploy.transaction.transaction.nonce == 1)
        let contract = try #require(deploy.receipt.contractAddress)
        let answer = try ABIFunction("answer()(uint256)")
        let output = try await client.call(EthereumCall(to: contract, data: answer.encodeCall([])))
        #expect(try answer.decodeOutput(output) == [.uint(UInt256(42))])
    }

    @Test("a transaction that reverts once mined is returned with status false and the replayed reason")
    func minedRevertCarriesItsReason() async throws {
        let client = try Self.client()
        let key = Secp256k1PrivateKey.generate()
        try await EVMTestChain.fund(key.address.checksummed, wei: 1_000_000_000_000_000_000)
        let deploy = try await client.send(
            to: nil, data: EVMTestContracts.initCode(EVMTestContracts.revertingRuntime), signedBy: key)
        let reverting = try #require(deploy.receipt.contractAddress)
        // The estimate would refuse it, so give a gas limit: the node mines it and it reverts.
        let result = try await client.send(to: reverting, data: [1], signedBy: key, gasLimit: 100_000)
        #expect(!result.receipt.status)
        #expect(result.revertReason?.contains("nope") == true, "\(result.revertReason ?? "nil")")
        // Without a gas limit the estimate reverts first and nothing is sent.
        await #expect(throws: EVMError.self) { try await client.send(to: reverting, data: [1], signedBy: key) }
    }
}
