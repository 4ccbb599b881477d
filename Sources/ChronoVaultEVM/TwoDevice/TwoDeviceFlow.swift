import BN254
import EVMKit
import Fields
import Groth16
import ZKTOTP

// MARK: - The two-device flow on a chain (the messages: TwoDeviceMessages.swift)

extension ChronoVault {
    /// Device A's first step: reads the chain id and the wallet's nonce and makes the request for a call.
    public static func request(
        client: EthereumRPCClient, wallet: EthereumAddress, to: EthereumAddress, value: UInt256, data: [UInt8],
        summary: String
    ) async throws(EVMError) -> ChronoVaultRequest {
        let chainID = try await client.chainId()
        guard case .uint(let walletNonce) = try await read("nonce()(uint256)", client: client, wallet: wallet),
            let nonce = walletNonce.uint64
        else {
            throw EVMError(.invalidNumber, "the wallet's nonce is not a uint256 that fits in 64 bits")
        }
        return ChronoVaultRequest(
            chainID: chainID, wallet: wallet, to: to, value: value, data: data, nonce: nonce, summary: summary)
    }

    /// Device B's step: proves the TOTP statement for the 30 s step of `unixTime`, bound to the request.
    public static func approve(
        _ request: ChronoVaultRequest, secret: Fr, provingKey: Groth16.ProvingKey, unixTime: UInt64
    ) throws -> ChronoVaultProofMessage {
        let (proof, publicInputs) = try ZKTOTP.prove(
            secret: secret, timeCounter: ZKTOTP.timeCounter(unixTime: unixTime), txCommitment: request.commitment(),
            provingKey: provingKey)
        return ChronoVaultProofMessage(proof: proof, publicInputs: publicInputs, requestHash: request.hash)
    }

    /// Device A's checks before it spends gas: the proof answers this request (request hash, commitment), is for the
    /// wallet's secret hash, is fresh at `unixTime` and newer than the wallet's last used step, and the wallet's own
    /// verifier accepts it (an `eth_call` of `verifyProof`, so the check uses exactly the key on chain).
    public static func check(
        _ message: ChronoVaultProofMessage, for request: ChronoVaultRequest, client: EthereumRPCClient,
        unixTime: UInt64
    ) async throws {
        try checkBinding(message, for: request)
        let signals = message.publicInputs
        // Only the three values the checks need: three eth_calls, not the whole status (nine requests).
        func read(_ signature: String) async throws(EVMError) -> ABIValue {
            try await Self.read(signature, client: client, wallet: request.wallet)
        }
        guard case .uint(let ownerSecretHash) = try await read("ownerSecretHash()(uint256)"),
            case .uint(let lastUsedTimeCounter) = try await read("lastUsedTimeCounter()(uint256)"),
            case .address(let verifier) = try await read("verifier()(address)")
        else {
            throw EVMError(.invalidABIData, "\(request.wallet) does not answer like a TOTP wallet")
        }
        try checkAgainstWallet(
            signals, ownerSecretHash: ownerSecretHash, lastUsedTimeCounter: lastUsedTimeCounter, unixTime: unixTime)
        let arguments = proofArguments(message.proof, publicInputs: signals)
        let answer = try verifyProof.decodeOutput(
            try await client.call(EthereumCall(to: verifier, data: try verifyProof.encodeCall(arguments))))
        guard answer == [.bool(true)] else {
            throw ChronoVaultError(
                .proofRejected, "The wallet's verifier rejects the proof; approve the request again.")
        }
    }

    /// `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[4])`, the verifier's one entry point.
    static let verifyProof = try! ABIFunction("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[4])(bool)")

    /// Device A's last step: sends `executeWithProof` with the proof, signed by the owner, and waits.
    public static func submit(
        _ message: ChronoVaultProofMessage, for request: ChronoVaultRequest, client: EthereumRPCClient,
        owner: Secp256k1PrivateKey
    ) async throws -> Execution {
        let calldata = try executeWithProof.encodeCall(
            [.address(request.to), .uint(request.value), .bytes(request.data)]
                + proofArguments(message.proof, publicInputs: message.publicInputs))
        let outcome: Result<EthereumRPCClient.SendResult, EVMError>
        do {
            outcome = .success(try await client.send(to: request.wallet, data: calldata, signedBy: owner))
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let result):
            return Execution(
                publicInputs: message.publicInputs, result: result,
                errorName: result.receipt.status ? nil : result.revertData.flatMap { errorName(revertData: $0) })
        case .failure(let error) where error.code == .reverted:
            let name = errorName(revertData: error.revertData ?? [])
            throw EVMError(
                .reverted, "the wallet refused the transaction: \(name ?? error.message)", revertData: error.revertData)
        case .failure(let error):
            throw error
        }
    }
}
