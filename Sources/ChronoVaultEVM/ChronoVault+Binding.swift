import BN254
import EVMKit
import Fields
import Groth16
import ZKTOTP

// MARK: - ChronoVault: what the wallet contract recomputes

/// Drives the ChronoVault contracts (`contracts/evm/`, docs/chronovault.md) from Swift: deploys the Poseidon(5)
/// helper, the Groth16 verifier with a verification key and a `TOTPWallet`; reads a wallet's state; and runs the
/// one-device path of `executeWithProof` — read chain id and nonce, recompute the commitment exactly as the contract
/// does, prove the ZK-TOTP statement, send, wait.
///
/// This file holds what needs no chain: the hashes the contract recomputes and its error names; it is compiled into
/// the WebAssembly module too (scripts/build-wasm.sh), so the browser pages bind a proof to a call exactly as here.
public enum ChronoVault {
    /// The wallet's named errors (Vyper 0.4 reverts with their selectors, `raw_revert(method_id("StaleProof()"))`).
    public static let errorNames = [
        "StaleProof", "FutureProof", "TimeCounterNotIncreasing", "CommitmentMismatch", "SecretHashMismatch",
        "InvalidProof", "NotOwner", "NotEntryPoint", "CallFailed", "InputOutOfField", "InvalidSecretHash",
        "ZeroAddress",
    ]

    /// Each error's selector, `keccak256("Name()")[0..<4]`, computed once.
    static let errorSelectors: [[UInt8]: String] = Dictionary(
        uniqueKeysWithValues: errorNames.map { (Array(Keccak256.hash(Array("\($0)()".utf8)).prefix(4)), $0) })

    /// The error name for revert data from the wallet, or `nil` when it is none of them.
    public static func errorName(revertData: [UInt8]) -> String? {
        guard revertData.count >= 4 else { return nil }
        return errorSelectors[Array(revertData.prefix(4))]
    }

    // MARK: Hashes the contract recomputes

    /// `keccak256(abi.encode(to, value, keccak256(data)))`: what `executeWithProof` binds (docs/zktotp.md, item 6).
    public static func executionHash(to: EthereumAddress, value: UInt256, data: [UInt8]) -> [UInt8] {
        // address, uint256 and bytes32 are static: the encoding is the three words.
        Keccak256.hash(
            [UInt8](repeating: 0, count: 12) + to.bytes + value.bigEndianBytes + Keccak256.hash(data))
    }

    /// The public signal 3 the wallet expects for a call: Poseidon(chainId, wallet, hash_hi, hash_lo, nonce).
    public static func commitment(
        chainID: UInt64, wallet: EthereumAddress, transactionHash: [UInt8], nonce: UInt64
    ) throws(ZKTOTPError) -> Fr {
        try ZKTOTP.transactionCommitment(
            chainID: chainID, wallet: wallet.bytes, transactionHash: transactionHash, nonce: nonce)
    }

    // MARK: The call

    /// The proof and signals as `executeWithProof`'s last four arguments: `pA`, `pB` (EIP-197 order), `pC`,
    /// `pubSignals`.
    public static func proofArguments(_ proof: Groth16.Proof, publicInputs: ZKTOTP.PublicInputs) -> [ABIValue] {
        let words = stride(from: 0, to: 256, by: 32).map {
            ABIValue.uint(UInt256(bigEndian: proof.evmBytes[$0..<($0 + 32)])!)
        }
        return [
            .array([words[0], words[1]]),
            .array([.array([words[2], words[3]]), .array([words[4], words[5]])]),
            .array([words[6], words[7]]),
            .array(publicInputs.signals.map { .uint(UInt256(bigEndian: $0.bigEndianBytes)!) }),
        ]
    }

    /// `executeWithProof(address,uint256,bytes,uint256[2],uint256[2][2],uint256[2],uint256[4])`.
    public static let executeWithProof = try! ABIFunction(
        "executeWithProof(address,uint256,bytes,uint256[2],uint256[2][2],uint256[2],uint256[4])(bool)")
}
