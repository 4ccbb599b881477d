import BN254
import Curves
import Fields
import Poseidon

// MARK: - Transaction commitment

extension ZKTOTP {
    /// The public `txCommitment` that binds a proof to one transaction of one wallet on one chain (seed 003's
    /// commitment, with the chain id and wallet address added per SEEDS-NOTES item 6):
    ///
    ///     txCommitment = Poseidon(chainId, wallet, txHash[0..<16], txHash[16..<32], nonce)
    ///
    /// circomlib `Poseidon(5)` over field elements: `chainId` (EIP-155) and the wallet's `nonce` as integers, the
    /// 20-byte wallet address as a 160-bit big-endian integer, and the 32-byte transaction hash split into its high
    /// and low 128-bit big-endian halves (a 256-bit hash does not fit in 𝔽ᵣ, and reducing it mod r would let two
    /// hashes collide). Every input is below 2¹⁶⁰ < r, so the encoding is injective. `txHash` is the wallet's hash of
    /// the call it will make — for the ChronoVault wallet (`contracts/evm/TOTPWallet.vy`)
    /// `keccak256(abi.encode(to, value, keccak256(data)))` — and the contract recomputes this Poseidon from it and
    /// compares it with public signal 4.
    ///
    /// - Throws: ``ZKTOTPError/invalidLength(_:expected:got:)`` for an address that is not 20 bytes or a hash that is
    ///   not 32 bytes.
    public static func transactionCommitment(
        chainID: UInt64, wallet: [UInt8], transactionHash: [UInt8],
        nonce: UInt64
    ) throws(ZKTOTPError) -> Fr {
        guard wallet.count == 20 else { throw .invalidLength("the wallet address", expected: 20, got: wallet.count) }
        guard transactionHash.count == 32 else {
            throw .invalidLength("the transaction hash", expected: 32, got: transactionHash.count)
        }
        let inputs = [
            Fr(chainID),
            Fr(reducingBigEndianBytes: wallet),
            Fr(reducingBigEndianBytes: Array(transactionHash[0..<16])),
            Fr(reducingBigEndianBytes: Array(transactionHash[16..<32])),
            Fr(nonce),
        ]
        // Five inputs is within circomlib's 1…16, so hashing cannot fail.
        return try! Poseidon.hash(inputs)
    }
}
