import BN254
import EVMKit
import Fields
import Foundation
import Groth16
import ZKTOTP

// MARK: - ChronoVault on an EVM chain

extension ChronoVault {
    /// The addresses of one deployment.
    public struct Deployment: Sendable, Hashable, Codable {
        /// The TOTP wallet.
        public let wallet: EthereumAddress
        /// Its Groth16 verifier (the key given at deployment).
        public let verifier: EthereumAddress
        /// The Poseidon(5) helper the wallet recomputes commitments with.
        public let poseidon: EthereumAddress
    }

    /// A wallet's on-chain state.
    public struct Status: Sendable, Hashable {
        public let owner: EthereumAddress
        public let ownerSecretHash: UInt256
        public let nonce: UInt256
        public let lastUsedTimeCounter: UInt256
        public let balance: UInt256
        public let verifier: EthereumAddress
        public let poseidon: EthereumAddress
    }

    // MARK: Calldata

    /// The verifier's constructor arguments for a verification key: `(alpha, beta, gamma, delta, ic[5])`, G2 points
    /// imaginary part first (EIP-197).
    public static func verifierConstructorArguments(_ key: Groth16.VerifyingKey) throws(EVMError) -> [ABIValue] {
        guard key.ic.count == 5 else {
            throw EVMError(
                .abiValueMismatch, "the verifier takes a key for 4 public signals (5 IC points); got \(key.ic.count)")
        }
        func word(_ x: Fq) -> ABIValue { .uint(UInt256(bigEndian: x.bigEndianBytes)!) }
        func g1(_ p: G1Affine) -> ABIValue { .array([word(p.x), word(p.y)]) }
        func g2(_ p: G2Affine) -> ABIValue {
            .array([.array([word(p.x.c1), word(p.x.c0)]), .array([word(p.y.c1), word(p.y.c0)])])
        }
        return [g1(key.alpha1), g2(key.beta2), g2(key.gamma2), g2(key.delta2), .array(key.ic.map(g1))]
    }

    /// The ABI types of ``verifierConstructorArguments(_:)``.
    public static let verifierConstructorTypes: [ABIType] = {
        let g1 = ABIType.fixedArray(.uint(256), 2)
        let g2 = ABIType.fixedArray(g1, 2)
        return [g1, g2, g2, g2, .fixedArray(g1, 5)]
    }()

    // MARK: Deploying

    /// Deploys Poseidon(5), the verifier for `key` and a wallet owned by `owner` with `secretHash`; each waits for
    /// its receipt. `entryPoint` is the ERC-4337 EntryPoint allowed to call `validateUserOp` (none by default).
    public static func deploy(
        client: EthereumRPCClient, owner: Secp256k1PrivateKey, secretHash: Fr, verifyingKey: Groth16.VerifyingKey,
        entryPoint: EthereumAddress = .zero
    ) async throws(EVMError) -> Deployment {
        func create(_ data: [UInt8], _ what: String) async throws(EVMError) -> EthereumAddress {
            let result = try await client.send(to: nil, data: data, signedBy: owner)
            guard result.receipt.status, let address = result.receipt.contractAddress else {
                throw EVMError(.reverted, "deploying \(what) failed: \(result.revertReason ?? "no reason given")")
            }
            return address
        }
        let poseidon = try await create(ContractArtifact.poseidon5.initCode, "Poseidon(5)")
        let verifier = try await create(
            ContractArtifact.groth16Verifier.deploymentData(
                arguments: verifierConstructorArguments(verifyingKey), types: verifierConstructorTypes),
            "the Groth16 verifier")
        let wallet = try await create(
            ContractArtifact.totpWallet.deploymentData(
                arguments: [
                    .address(owner.address), .uint(UInt256(bigEndian: secretHash.bigEndianBytes)!), .address(verifier),
                    .address(poseidon), .address(entryPoint),
                ],
                types: [.address, .uint(256), .address, .address, .address]),
            "the TOTP wallet")
        return Deployment(wallet: wallet, verifier: verifier, poseidon: poseidon)
    }

    // MARK: Reading

    /// The wallet's owner, secret hash, nonce, last time counter, balance, verifier and Poseidon helper.
    /// One getter of the wallet (`nonce()(uint256)`, …) read with `eth_call`.
    static func read(_ signature: String, client: EthereumRPCClient, wallet: EthereumAddress) async throws(EVMError)
        -> ABIValue
    {
        let function = try ABIFunction(signature)
        let output = try await client.call(EthereumCall(to: wallet, data: function.encodeCall([])))
        guard let value = try function.decodeOutput(output).first else {
            throw EVMError(.invalidABIData, "\(function.name)() returned nothing; is \(wallet) a TOTP wallet?")
        }
        return value
    }

    public static func status(client: EthereumRPCClient, wallet: EthereumAddress) async throws(EVMError) -> Status {
        func read(_ signature: String) async throws(EVMError) -> ABIValue {
            try await Self.read(signature, client: client, wallet: wallet)
        }
        func address(_ value: ABIValue) throws(EVMError) -> EthereumAddress {
            guard case .address(let a) = value else { throw EVMError(.invalidABIData, "expected an address") }
            return a
        }
        func uint(_ value: ABIValue) throws(EVMError) -> UInt256 {
            guard case .uint(let u) = value else { throw EVMError(.invalidABIData, "expected a uint256") }
            return u
        }
        guard try await !client.getCode(wallet).isEmpty else {
            throw EVMError(.invalidAddress, "no contract at \(wallet) on this chain; check the address and the RPC URL")
        }
        return Status(
            owner: try address(try await read("owner()(address)")),
            ownerSecretHash: try uint(try await read("ownerSecretHash()(uint256)")),
            nonce: try uint(try await read("nonce()(uint256)")),
            lastUsedTimeCounter: try uint(try await read("lastUsedTimeCounter()(uint256)")),
            balance: try await client.getBalance(wallet),
            verifier: try address(try await read("verifier()(address)")),
            poseidon: try address(try await read("poseidon()(address)")))
    }

    // MARK: Executing

    /// What ``execute(client:owner:wallet:to:value:data:secret:provingKey:unixTime:)`` did.
    public struct Execution: Sendable {
        /// The proof's public signals.
        public let publicInputs: ZKTOTP.PublicInputs
        /// The sent transaction and its receipt.
        public let result: EthereumRPCClient.SendResult
        /// The wallet's named error when it reverted.
        public let errorName: String?
    }

    /// The one-device path: reads the chain id and the wallet's nonce, computes the commitment the contract will
    /// recompute, proves the ZK-TOTP statement for the 30 s step of `unixTime`, sends `executeWithProof` signed by
    /// `owner` and waits for the receipt. A revert (at estimation or once mined) comes back with the wallet's error
    /// name.
    public static func execute(
        client: EthereumRPCClient, owner: Secp256k1PrivateKey, wallet: EthereumAddress, to: EthereumAddress,
        value: UInt256, data: [UInt8], secret: Fr, provingKey: Groth16.ProvingKey, unixTime: UInt64
    ) async throws -> Execution {
        let request = try await request(
            client: client, wallet: wallet, to: to, value: value, data: data, summary: "")
        let message = try approve(request, secret: secret, provingKey: provingKey, unixTime: unixTime)
        return try await submit(message, for: request, client: client, owner: owner)
    }
}
