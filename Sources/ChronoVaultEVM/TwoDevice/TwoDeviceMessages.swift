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

    /// Device A's first checks, before any chain call: the proof answers this request (its request hash, when the
    /// message carries one) and is bound to this call (the commitment recomputed from the request). `check` runs them
    /// natively, the WebAssembly module's `cg_proof_check` in the wallet page.
    public static func checkBinding(_ message: ChronoVaultProofMessage, for request: ChronoVaultRequest)
        throws(ChronoVaultError)
    {
        if let hash = message.requestHash, hash != request.hash {
            throw ChronoVaultError(
                .requestMismatch,
                "The proof answers another request (its request hash differs); approve this request on the "
                    + "authenticator and scan its proof.")
        }
        let commitment: Fr
        do throws(ZKTOTPError) {
            commitment = try request.commitment()
        } catch {
            throw .invalidRequest(error.description)
        }
        guard message.publicInputs.txCommitment == commitment else {
            throw ChronoVaultError(
                .proofRejected,
                "The proof is bound to another call (its commitment differs from this request's); approve this "
                    + "request on the authenticator.")
        }
    }

    /// Device A's checks against the wallet's state, read from the chain by the caller: the proof is for the wallet's
    /// secret hash, fresh at `unixTime` (``freshnessWindow``) and for a time step after the wallet's last used one —
    /// the contract's own refusals, caught before gas is spent.
    public static func checkAgainstWallet(
        _ signals: ZKTOTP.PublicInputs, ownerSecretHash: UInt256, lastUsedTimeCounter: UInt256, unixTime: UInt64
    ) throws(ChronoVaultError) {
        guard UInt256(bigEndian: signals.secretHash.bigEndianBytes) == ownerSecretHash else {
            throw ChronoVaultError(
                .proofRejected,
                "The proof is for another secret than the wallet's; use the authenticator this wallet was deployed "
                    + "with.")
        }
        guard let counter = UInt256(bigEndian: signals.timeCounter.bigEndianBytes)?.uint64,
            counter <= UInt64.max / ZKTOTP.period
        else {
            throw ChronoVaultError(.staleProof, "The proof's time counter is out of range; approve again.")
        }
        let proofTime = counter * ZKTOTP.period
        let skew = proofTime > unixTime ? proofTime - unixTime : unixTime - proofTime
        guard skew <= freshnessWindow else {
            throw ChronoVaultError(
                .staleProof,
                "The proof is for a time step \(skew) s away from now; the wallet accepts at most "
                    + "\(freshnessWindow) s. Check both devices' clocks and approve again.")
        }
        guard UInt256(counter) > lastUsedTimeCounter else {
            throw ChronoVaultError(
                .staleProof,
                "The proof's time step \(counter) is not after the wallet's last used step "
                    + "\(lastUsedTimeCounter); approve again in the next 30 s step.")
        }
    }
}
