import BN254
import EVMKit
import Fields
import Groth16
import ZKTOTP

// MARK: - The two-device flow's messages

/// What device A (wallet and chain) asks device B (the air-gapped authenticator) to approve: one `executeWithProof`
/// call of one wallet on one chain at one nonce (docs/two-device.md). It travels as the UR type
/// `chronoguard-request`.
///
/// Device B never trusts ``summary`` (device A wrote it): the approval screen shows the decoded fields, and the proof
/// B makes is bound to exactly these fields through the commitment the wallet recomputes.
public struct ChronoVaultRequest: Sendable, Hashable {
    /// The chain id (EIP-155) the wallet lives on.
    public var chainID: UInt64
    /// The TOTP wallet.
    public var wallet: EthereumAddress
    /// The call's target.
    public var to: EthereumAddress
    /// Wei the wallet sends.
    public var value: UInt256
    /// The call's data.
    public var data: [UInt8]
    /// The wallet's `nonce()` the proof is for.
    public var nonce: UInt64
    /// Device A's description of the call, for the user (untrusted by device B; at most 256 UTF-8 bytes).
    public var summary: String

    public init(
        chainID: UInt64, wallet: EthereumAddress, to: EthereumAddress, value: UInt256, data: [UInt8], nonce: UInt64,
        summary: String
    ) {
        self.chainID = chainID
        self.wallet = wallet
        self.to = to
        self.value = value
        self.data = data
        self.nonce = nonce
        self.summary = summary
    }

    /// The commitment the wallet recomputes for this call: Poseidon(chainId, wallet, txHash_hi, txHash_lo, nonce)
    /// with txHash = keccak256(abi.encode(to, value, keccak256(data))) — public signal 3.
    public func commitment() throws(ZKTOTPError) -> Fr {
        try ChronoVault.commitment(
            chainID: chainID, wallet: wallet,
            transactionHash: ChronoVault.executionHash(to: to, value: value, data: data), nonce: nonce)
    }
}

/// Device B's answer: a Groth16 proof of the ZK-TOTP statement, its four public signals, and the hash of the request
/// it answers. It travels as the UR type `chronoguard-proof`.
public struct ChronoVaultProofMessage: Sendable, Hashable {
    /// The proof.
    public var proof: Groth16.Proof
    /// `[totpCode, timeCounter, secretHash, txCommitment]`.
    public var publicInputs: ZKTOTP.PublicInputs
    /// keccak256 of the request's CBOR encoding: which request this answers (`nil` for the seed's 3-part JSON, which
    /// carries none; the commitment still binds the call).
    public var requestHash: [UInt8]?

    public init(proof: Groth16.Proof, publicInputs: ZKTOTP.PublicInputs, requestHash: [UInt8]?) {
        self.proof = proof
        self.publicInputs = publicInputs
        self.requestHash = requestHash
    }
}

extension ChronoVault {
    /// The wallet's freshness window: |block time − 30 · timeCounter| ≤ 300 s (TOTPWallet.vy, seed 003).
    public static let freshnessWindow: UInt64 = 300
}
