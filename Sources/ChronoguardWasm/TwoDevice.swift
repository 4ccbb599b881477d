import BN254
import ChronoVaultEVM
import EVMKit
import Fields
import Groth16
import UR
import ZKTOTP

// MARK: - The two-device flow's messages (docs/two-device.md)

// The pages never build or parse a request or a proof message themselves: they hand bytes to these calls, which run
// the very code the CLI runs (ChronoVaultEVM's TwoDeviceMessages, TwoDeviceFlow+CBOR, ApprovalScreen and
// ChronoVault+Binding, compiled into this module), so a page binds a proof to a call exactly as `vault evm request`,
// `authenticator approve` and `vault evm submit` do.

/// The 20 bytes at `pointer` as an address, or nil.
func address(_ pointer: UnsafeRawPointer?) -> EthereumAddress? {
    guard let raw = bytes(pointer, 20) else { return nil }
    return try? EthereumAddress(bytes: raw)
}

/// keccak256 of `count` bytes (Ethereum's Keccak-256, not SHA3-256): the result holds the 32-byte digest. The wallet
/// page computes function selectors with it.
@_expose(wasm, "cg_keccak256")
@_cdecl("cg_keccak256")
public func cgKeccak256(_ pointer: UnsafeRawPointer?, _ count: Int32) -> Int32 {
    guard let input = bytes(pointer, count) else { return fail(.invalidArgument, "no input bytes") }
    result = Keccak256.hash(input)
    return 0
}

/// Poseidon(secret), the hash a wallet is deployed with (`ownerSecretHash`): `secret` is 32 big-endian bytes below r;
/// the result holds the 32-byte big-endian hash.
@_expose(wasm, "cg_secret_hash")
@_cdecl("cg_secret_hash")
public func cgSecretHash(_ secretPointer: UnsafeRawPointer?) -> Int32 {
    guard let secret = element(secretPointer) else {
        return fail(.invalidArgument, "the secret must be 32 big-endian bytes below the BN254 scalar field order")
    }
    result = ZKTOTP.secretHash(secret).bigEndianBytes
    return 0
}

/// Device A's request for one `executeWithProof` call: chain id, wallet (20 bytes), recipient (20 bytes), value (32
/// big-endian bytes), call data, the wallet's nonce and an optional note (UTF-8, shown unverified). The result holds
/// the request's deterministic CBOR (UR type `chronoguard-request`).
@_expose(wasm, "cg_request_encode")
@_cdecl("cg_request_encode")
public func cgRequestEncode(
    _ chainID: Int64, _ walletPointer: UnsafeRawPointer?, _ toPointer: UnsafeRawPointer?,
    _ valuePointer: UnsafeRawPointer?, _ dataPointer: UnsafeRawPointer?, _ dataCount: Int32, _ nonce: Int64,
    _ notePointer: UnsafeRawPointer?, _ noteCount: Int32
) -> Int32 {
    guard chainID > 0, nonce >= 0 else { return fail(.invalidArgument, "the chain id must be > 0 and the nonce ≥ 0") }
    guard let wallet = address(walletPointer), let to = address(toPointer) else {
        return fail(.invalidArgument, "the wallet and the recipient are 20 bytes each")
    }
    guard let valueBytes = bytes(valuePointer, 32), let value = UInt256(bigEndian: valueBytes) else {
        return fail(.invalidArgument, "the value is 32 big-endian bytes")
    }
    guard let data = bytes(dataPointer, dataCount), data.count <= ChronoVaultRequest.maxDataLength else {
        return fail(.invalidArgument, "the call data must be at most \(ChronoVaultRequest.maxDataLength) bytes")
    }
    guard let noteBytes = bytes(notePointer, noteCount), noteBytes.count <= ChronoVaultRequest.maxSummaryLength
    else {
        return fail(.invalidArgument, "the note must be at most \(ChronoVaultRequest.maxSummaryLength) UTF-8 bytes")
    }
    let request = ChronoVaultRequest(
        chainID: UInt64(chainID), wallet: wallet, to: to, value: value, data: data, nonce: UInt64(nonce),
        summary: String(decoding: noteBytes, as: UTF8.self))
    result = request.cbor.encoded
    return 0
}

/// Opens a request strictly (its CBOR, as the UR decoder returned it). The result: the commitment the wallet will
/// recompute (32 bytes), keccak256 of the request (32 bytes), then the approval text (UTF-8): the decoded fields the
/// proof binds — chain, wallet, recipient, amount, the call decoded for well-known functions — and device A's note
/// last, marked unverified, with control characters escaped.
@_expose(wasm, "cg_request_open")
@_cdecl("cg_request_open")
public func cgRequestOpen(_ pointer: UnsafeRawPointer?, _ count: Int32) -> Int32 {
    switch request(pointer, count) {
    case .failure(let failure): return failure.status
    case .success(let request):
        do throws(ZKTOTPError) {
            result = try request.commitment().bigEndianBytes + request.hash + Array(request.approvalText.utf8)
            return 0
        } catch {
            return fail(.malformedInput, error.description)
        }
    }
}

/// A request decoded from CBOR bytes, or the failure status (its message in the result).
func request(_ pointer: UnsafeRawPointer?, _ count: Int32) -> Result<ChronoVaultRequest, StatusError> {
    guard let raw = bytes(pointer, count) else { return .failure(StatusError(fail(.invalidArgument, "no request"))) }
    do throws(ChronoVaultError) {
        return .success(try ChronoVaultRequest(cbor: try item(raw, ChronoVaultError.invalidRequest)))
    } catch {
        return .failure(StatusError(fail(.malformedInput, error.description)))
    }
}

/// One CBOR item from `raw`, or the message's own error (`invalid`: the request's or the proof message's) saying why it
/// does not decode.
func item(_ raw: [UInt8], _ invalid: (String) -> ChronoVaultError) throws(ChronoVaultError) -> CBOR {
    do throws(URError) {
        return try CBOR(decoding: raw)
    } catch {
        throw invalid("its CBOR does not decode (\(error.message))")
    }
}

/// A failure status whose message is already in the result (for `Result`).
struct StatusError: Error {
    let status: Int32
    init(_ status: Int32) { self.status = status }
}

/// Device B's approval: proves the ZK-TOTP statement with the loaded key for the 30 s step of `unixTime`, bound to
/// the request (its commitment), with the secret (32 big-endian bytes below r). The proof's randomness comes from the
/// host only, as in ``cgProve(_:_:_:)``. The result holds the proof message's CBOR (UR type `chronoguard-proof`).
@_expose(wasm, "cg_approve")
@_cdecl("cg_approve")
public func cgApprove(
    _ secretPointer: UnsafeRawPointer?, _ requestPointer: UnsafeRawPointer?, _ requestCount: Int32, _ unixTime: Int64
) -> Int32 {
    let opened: ChronoVaultRequest
    switch request(requestPointer, requestCount) {
    case .failure(let failure): return failure.status
    case .success(let request): opened = request
    }
    let commitment: Fr
    do throws(ZKTOTPError) {
        commitment = try opened.commitment()
    } catch {
        return fail(.malformedInput, error.description)
    }
    switch prove(secretPointer, commitment, unixTime) {
    case .failure(let failure): return failure.status
    case .success(let proven):
        result =
            ChronoVaultProofMessage(proof: proven.proof, publicInputs: proven.publicInputs, requestHash: opened.hash)
            .cbor.encoded
        return 0
    }
}

/// Device A's checks of a scanned proof message against its own request and the wallet's state, in the module, with
/// the CLI's own code (`ChronoVault.checkBinding`, `ChronoVault.checkAgainstWallet`): the message decodes strictly,
/// answers this request (request hash), is bound to this call (the commitment recomputed from the request), is for
/// `ownerSecretHash` (32 big-endian bytes, the wallet's `ownerSecretHash()`), fresh at `unixTime` and for a step after
/// `lastUsedTimeCounter` (32 big-endian bytes, the wallet's `lastUsedTimeCounter()`), and verifies under the verifying
/// key inside the proving key at `keyPointer` (`keyCount` 0: the loaded key). Returns 1 and the result holds
/// `executeWithProof`'s calldata (`to`, `value`, `data` from the request, then the proof and signals), then the four
/// signals (4 × 32 bytes, big-endian) as the calldata's last 128 bytes — or a failure status with the CLI's message.
@_expose(wasm, "cg_proof_check")
@_cdecl("cg_proof_check")
public func cgProofCheck(
    _ requestPointer: UnsafeRawPointer?, _ requestCount: Int32, _ proofPointer: UnsafeRawPointer?,
    _ proofCount: Int32, _ keyPointer: UnsafeRawPointer?, _ keyCount: Int32,
    _ ownerSecretHashPointer: UnsafeRawPointer?, _ lastUsedPointer: UnsafeRawPointer?, _ unixTime: Int64
) -> Int32 {
    let opened: ChronoVaultRequest
    switch request(requestPointer, requestCount) {
    case .failure(let failure): return failure.status
    case .success(let request): opened = request
    }
    guard let raw = bytes(proofPointer, proofCount) else { return fail(.invalidArgument, "no proof message") }
    guard let secretHashBytes = bytes(ownerSecretHashPointer, 32), let lastUsedBytes = bytes(lastUsedPointer, 32),
        let ownerSecretHash = UInt256(bigEndian: secretHashBytes), let lastUsed = UInt256(bigEndian: lastUsedBytes),
        unixTime >= 0
    else {
        return fail(.invalidArgument, "the wallet's secret hash and last used step are 32 bytes each; the time ≥ 0")
    }
    let message: ChronoVaultProofMessage
    do throws(ChronoVaultError) {
        message = try ChronoVaultProofMessage(cbor: try item(raw, ChronoVaultError.invalidProofMessage))
        guard message.requestHash != nil else { throw .invalidProofMessage("it names no request") }
        try ChronoVault.checkBinding(message, for: opened)
        try ChronoVault.checkAgainstWallet(
            message.publicInputs, ownerSecretHash: ownerSecretHash, lastUsedTimeCounter: lastUsed,
            unixTime: UInt64(unixTime))
    } catch {
        return fail(error.code == .invalidProofMessage ? .malformedInput : .proofFailure, error.description)
    }
    let key: Groth16.ProvingKey
    switch provingKeyAt(keyPointer, keyCount) {
    case .failure(let failure): return failure.status
    case .success(let parsed): key = parsed
    }
    do throws(Groth16Error) {
        guard try Groth16.verify(key.verifyingKey, proof: message.proof, publicInputs: message.publicInputs.signals)
        else {
            return fail(.proofFailure, "proof_rejected: The proof does not verify; approve the request again.")
        }
    } catch {
        return fail(.malformedInput, error.description)
    }
    do throws(EVMError) {
        result =
            try ChronoVault.executeWithProof.encodeCall(
                [.address(opened.to), .uint(opened.value), .bytes(opened.data)]
                    + ChronoVault.proofArguments(message.proof, publicInputs: message.publicInputs))
            + message.publicInputs.signals.flatMap { $0.bigEndianBytes }
        return 1
    } catch {
        return fail(.malformedInput, error.description)
    }
}

/// The wallet's error name (`StaleProof`, `InvalidProof`, …) for revert data, in the result; 0 when it is one of
/// them, 1 (empty result) when it is not.
@_expose(wasm, "cg_error_name")
@_cdecl("cg_error_name")
public func cgErrorName(_ pointer: UnsafeRawPointer?, _ count: Int32) -> Int32 {
    guard let data = bytes(pointer, count) else { return fail(.invalidArgument, "no revert data") }
    guard let name = ChronoVault.errorName(revertData: data) else {
        result = []
        return 1
    }
    result = Array(name.utf8)
    return 0
}
