import BN254
import Circuit
import Curves
import Fields
import Groth16
import QRCode
import UR
import ZKTOTP

// MARK: - The C ABI

/// Status codes every exported call returns (negative = failure; the UTF-8 message is then in the result buffer).
enum WasmStatus: Int32 {
    /// A null pointer, a negative length or a value out of range.
    case invalidArgument = -1
    /// The heap could not grow.
    case outOfMemory = -2
    /// Malformed input: a proving key, a field element not below r, an image, a UR part…
    case malformedInput = -3
    /// The host's `random_get` failed: nothing was proven.
    case randomnessUnavailable = -4
    /// Proving or verifying failed (wrong key for the circuit, unsatisfied statement).
    case proofFailure = -5
    /// No proving key loaded (``cgLoadProvingKey(_:_:)``).
    case noKey = -6
}

/// The output of the last call (or its error message), owned by the module: read it with ``cgResultPointer()`` and
/// ``cgResultLength()`` before the next call.
nonisolated(unsafe) var result: [UInt8] = []
/// The proving key ``cgLoadProvingKey(_:_:)`` parsed, reused by every ``cgProve(_:_:_:)``.
nonisolated(unsafe) var provingKey: Groth16.ProvingKey?
/// The UR decoder ``cgURDecoderReceive(_:_:)`` feeds.
nonisolated(unsafe) var urDecoder = URDecoder()

/// Sets the result to `message` and returns `status`.
func fail(_ status: WasmStatus, _ message: String) -> Int32 {
    result = Array(message.utf8)
    return status.rawValue
}

/// The `count` bytes at `pointer` copied out, or nil for a null pointer or a negative or absurd length.
func bytes(_ pointer: UnsafeRawPointer?, _ count: Int32) -> [UInt8]? {
    guard count >= 0 else { return nil }
    if count == 0 { return [] }
    guard let pointer else { return nil }
    return Array(UnsafeRawBufferPointer(start: pointer, count: Int(count)))
}

/// A canonical field element from 32 big-endian bytes at `pointer`.
func element(_ pointer: UnsafeRawPointer?) -> Fr? {
    guard let raw = bytes(pointer, 32) else { return nil }
    return Fr(bigEndianBytes: raw)
}

/// Allocates `size` bytes (16-byte aligned) for the host to write inputs into; 0 when out of memory.
@_expose(wasm, "cg_alloc")
@_cdecl("cg_alloc")
public func cgAlloc(_ size: Int32) -> UnsafeMutableRawPointer? {
    guard size >= 0 else { return nil }
    return malloc(Int(size))
}

/// Frees what ``cgAlloc(_:)`` returned (null and unknown pointers are ignored).
@_expose(wasm, "cg_free")
@_cdecl("cg_free")
public func cgFree(_ pointer: UnsafeMutableRawPointer?) {
    free(pointer)
}

/// Where the last call's output (or error message) starts.
@_expose(wasm, "cg_result_ptr")
@_cdecl("cg_result_ptr")
public func cgResultPointer() -> UnsafeRawPointer? {
    result.withUnsafeBytes { $0.baseAddress }
}

/// How many bytes the last call's output (or error message) has.
@_expose(wasm, "cg_result_len")
@_cdecl("cg_result_len")
public func cgResultLength() -> Int32 {
    Int32(result.count)
}

/// Heap bytes in use (for leak checks).
@_expose(wasm, "cg_heap_live_bytes")
@_cdecl("cg_heap_live_bytes")
public func cgHeapLiveBytes() -> Int32 {
    Int32(truncatingIfNeeded: Heap.liveBytes)
}

// MARK: - ZK-TOTP

/// Parses and checks a proving key (binary format v1, `chronoguard zk setup`) and keeps it for ``cgProve(_:_:_:)``;
/// 0, or a failure status. The key must be for this build's circuit.
@_expose(wasm, "cg_load_proving_key")
@_cdecl("cg_load_proving_key")
public func cgLoadProvingKey(_ pointer: UnsafeRawPointer?, _ count: Int32) -> Int32 {
    guard let raw = bytes(pointer, count) else { return fail(.invalidArgument, "no key bytes") }
    let key: Groth16.ProvingKey
    do throws(Groth16Error) {
        key = try Groth16.ProvingKey(serialized: raw)
    } catch {
        return fail(.malformedInput, error.description)
    }
    guard key.shape == ZKTOTP.Statement.shape else {
        return fail(.proofFailure, ZKTOTPError.keyForAnotherCircuit.description)
    }
    provingKey = key
    result = []
    return 0
}

/// Proves the ZK-TOTP statement with the loaded key: `secret` and `commitment` are 32-byte big-endian field elements,
/// `unixTime` seconds since 1970. The proof's randomness comes from the host's `random_get`; if it fails, nothing is
/// proven. Result: the 256-byte EVM proof then the four public signals (totpCode, timeCounter, secretHash,
/// txCommitment) as 32-byte big-endian words — 384 bytes.
@_expose(wasm, "cg_prove")
@_cdecl("cg_prove")
public func cgProve(_ secretPointer: UnsafeRawPointer?, _ commitmentPointer: UnsafeRawPointer?, _ unixTime: Int64)
    -> Int32
{
    let proven: (proof: Groth16.Proof, publicInputs: ZKTOTP.PublicInputs)
    switch prove(secretPointer, element(commitmentPointer), unixTime) {
    case .failure(let failure): return failure.status
    case .success(let value): proven = value
    }
    var out = proven.proof.evmBytes
    for signal in proven.publicInputs.signals { out += signal.bigEndianBytes }
    result = out
    return 0
}

/// The ZK-TOTP proof with the loaded key for the secret at `secretPointer`, `commitment` (nil: not a field element)
/// and the step of `unixTime`, its randomness from the host's `random_get` only: if that fails, before or during the
/// proof, nothing is proven.
func prove(_ secretPointer: UnsafeRawPointer?, _ commitment: Fr?, _ unixTime: Int64)
    -> Result<(proof: Groth16.Proof, publicInputs: ZKTOTP.PublicInputs), StatusError>
{
    func failure(_ status: WasmStatus, _ message: String) -> Result<
        (proof: Groth16.Proof, publicInputs: ZKTOTP.PublicInputs), StatusError
    > {
        .failure(StatusError(fail(status, message)))
    }
    guard let key = provingKey else { return failure(.noKey, "load a proving key first (cg_load_proving_key)") }
    guard let secret = element(secretPointer) else {
        return failure(.invalidArgument, "the secret must be 32 big-endian bytes below the BN254 scalar field order")
    }
    guard let commitment else {
        return failure(
            .invalidArgument, "the commitment must be 32 big-endian bytes below the BN254 scalar field order")
    }
    let counter: UInt64
    do throws(ZKTOTPError) {
        counter = try ZKTOTP.timeCounter(unixTime: unixTime)
    } catch {
        return failure(.invalidArgument, error.description)
    }
    var generator = HostRandom()
    guard generator.refill() else {
        return failure(.randomnessUnavailable, "the host's random_get failed; nothing was proven")
    }
    let proven: (proof: Groth16.Proof, publicInputs: ZKTOTP.PublicInputs)
    do throws(ZKTOTP.ProvingError) {
        proven = try ZKTOTP.prove(
            secret: secret, timeCounter: counter, txCommitment: commitment, provingKey: key, using: &generator)
    } catch {
        switch error {
        case .key(let error): return failure(.proofFailure, error.description)
        case .circuit(let error): return failure(.proofFailure, error.description)
        case .groth16(let error): return failure(.proofFailure, error.description)
        }
    }
    // A generator that could not refill mid-proof handed out zeros: the proof is discarded, never returned.
    guard !generator.failed else {
        return failure(.randomnessUnavailable, "the host's random_get failed; nothing was proven")
    }
    return .success(proven)
}

/// Verifies a proof (256 EVM bytes) for four public signals (4 × 32 big-endian bytes) under the verifying key inside a
/// proving key file (binary format v1): 1 valid, 0 invalid, or a failure status.
@_expose(wasm, "cg_verify")
@_cdecl("cg_verify")
public func cgVerify(
    _ keyPointer: UnsafeRawPointer?, _ keyCount: Int32, _ proofPointer: UnsafeRawPointer?,
    _ signalsPointer: UnsafeRawPointer?
) -> Int32 {
    let key: Groth16.ProvingKey
    switch provingKeyAt(keyPointer, keyCount) {
    case .failure(let failure): return failure.status
    case .success(let parsed): key = parsed
    }
    guard let proofBytes = bytes(proofPointer, 256), let signalBytes = bytes(signalsPointer, 128) else {
        return fail(.invalidArgument, "a proof is 256 bytes and its signals 128")
    }
    var signals = [Fr]()
    for i in 0..<4 {
        guard let signal = Fr(bigEndianBytes: Array(signalBytes[(32 * i)..<(32 * i + 32)])) else {
            return fail(.malformedInput, "public signal \(i) is not below the BN254 scalar field order")
        }
        signals.append(signal)
    }
    do throws(Groth16Error) {
        let proof = try Groth16.Proof(evmBytes: proofBytes)
        let valid = try Groth16.verify(key.verifyingKey, proof: proof, publicInputs: signals)
        result = []
        return valid ? 1 : 0
    } catch {
        return fail(.malformedInput, error.description)
    }
}

/// The proving key at `pointer` (binary format v1), or the loaded one when `count` is 0; the failure status (its
/// message in the result) otherwise.
func provingKeyAt(_ pointer: UnsafeRawPointer?, _ count: Int32) -> Result<Groth16.ProvingKey, StatusError> {
    if count == 0 {
        guard let loaded = provingKey else { return .failure(StatusError(fail(.noKey, "load a proving key first"))) }
        return .success(loaded)
    }
    guard let raw = bytes(pointer, count) else { return .failure(StatusError(fail(.invalidArgument, "no key bytes"))) }
    do throws(Groth16Error) {
        return .success(try Groth16.ProvingKey(serialized: raw))
    } catch {
        return .failure(StatusError(fail(.malformedInput, error.description)))
    }
}

// MARK: - QR codes

/// Encodes `count` bytes at `pointer` as a QR code (byte, alphanumeric or numeric segments, the smallest version)
/// at error-correction level `level` (0 L, 1 M, 2 Q, 3 H). Returns the symbol's size `n` in modules, the result
/// holding `n × n` bytes, row by row, 1 = dark; or a failure status.
@_expose(wasm, "cg_qr_encode")
@_cdecl("cg_qr_encode")
public func cgQREncode(_ pointer: UnsafeRawPointer?, _ count: Int32, _ level: Int32) -> Int32 {
    guard let payload = bytes(pointer, count) else { return fail(.invalidArgument, "no payload") }
    let ecLevel: QRErrorCorrection
    switch level {
    case 0: ecLevel = .low
    case 1: ecLevel = .medium
    case 2: ecLevel = .quartile
    case 3: ecLevel = .high
    default: return fail(.invalidArgument, "the error-correction level must be 0 (L), 1 (M), 2 (Q) or 3 (H)")
    }
    do throws(QRCodeError) {
        let matrix = try QRCode.encode(bytes: payload, ecLevel: ecLevel)
        var modules = [UInt8](repeating: 0, count: matrix.size * matrix.size)
        for y in 0..<matrix.size {
            for x in 0..<matrix.size where matrix[x, y] { modules[y * matrix.size + x] = 1 }
        }
        result = modules
        return Int32(matrix.size)
    } catch {
        return fail(.malformedInput, error.description)
    }
}

/// Decodes every QR code in a `width × height` RGBA image (4 bytes a pixel, rows packed, as a canvas's
/// `ImageData`). Returns how many symbols were read; the result holds each symbol's bytes as a 4-byte little-endian
/// length then the bytes.
@_expose(wasm, "cg_qr_decode_rgba")
@_cdecl("cg_qr_decode_rgba")
public func cgQRDecodeRGBA(_ pointer: UnsafeRawPointer?, _ width: Int32, _ height: Int32) -> Int32 {
    guard width > 0, height > 0, width <= 16384, height <= 16384 else {
        return fail(.invalidArgument, "the image must be 1…16384 pixels wide and high")
    }
    let count = Int(width) * Int(height) * 4
    guard count <= Int(Int32.max), let pointer else { return fail(.invalidArgument, "no pixels") }
    let image: QRGrayImage
    do throws(QRImageError) {
        image = try QRGrayImage(
            width: Int(width), height: Int(height), format: .rgba8,
            pixels: UnsafeRawBufferPointer(start: pointer, count: count))
    } catch {
        return fail(.malformedInput, "the pixels do not form the image")
    }
    let symbols = QRReader.read(image)
    var out = [UInt8]()
    for symbol in symbols {
        let n = UInt32(symbol.bytes.count)
        out += [
            UInt8(truncatingIfNeeded: n), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n >> 16),
            UInt8(truncatingIfNeeded: n >> 24),
        ]
        out += symbol.bytes
    }
    result = out
    return Int32(symbols.count)
}

// MARK: - Uniform Resources

/// Encodes a UR of type `type` (ASCII) around `cbor` into `partCount` parts of at most `maxFragmentLength` bytes of
/// message each (the first `sequenceLength` are the plain fragments, the rest fountain-mixed). Returns the number of
/// parts; the result holds them as text, one per line.
@_expose(wasm, "cg_ur_encode")
@_cdecl("cg_ur_encode")
public func cgUREncode(
    _ typePointer: UnsafeRawPointer?, _ typeCount: Int32, _ cborPointer: UnsafeRawPointer?, _ cborCount: Int32,
    _ maxFragmentLength: Int32, _ partCount: Int32
) -> Int32 {
    guard let typeBytes = bytes(typePointer, typeCount), let cbor = bytes(cborPointer, cborCount) else {
        return fail(.invalidArgument, "no type or CBOR")
    }
    guard maxFragmentLength >= 10, (1...100_000).contains(partCount) else {
        return fail(.invalidArgument, "the fragment length must be ≥ 10 and the part count 1…100000")
    }
    let type = String(decoding: typeBytes, as: UTF8.self)
    do throws(URError) {
        var encoder = try UREncoder(UR(type: type, cbor: cbor), maxFragmentLength: Int(maxFragmentLength))
        var out = [UInt8]()
        for i in 0..<Int(partCount) {
            if i > 0 { out.append(0x0A) }
            out += Array(encoder.nextPart().utf8)
        }
        result = out
        return partCount
    } catch {
        return fail(.malformedInput, error.description)
    }
}

/// Starts a new multi-part UR decode (forgets any parts received).
@_expose(wasm, "cg_ur_decoder_reset")
@_cdecl("cg_ur_decoder_reset")
public func cgURDecoderReset() {
    urDecoder = URDecoder()
}

/// Feeds one scanned part (`ur:…` text) to the decoder. Returns 1 when the message is complete (the result: a 4-byte
/// little-endian type length, the type, then the CBOR), 0 while in progress (the result: received and expected
/// fragment counts as two 4-byte little-endian numbers), or a failure status for a part that is malformed or from
/// another message (the decoder keeps what it had).
@_expose(wasm, "cg_ur_decoder_receive")
@_cdecl("cg_ur_decoder_receive")
public func cgURDecoderReceive(_ pointer: UnsafeRawPointer?, _ count: Int32) -> Int32 {
    guard let text = bytes(pointer, count) else { return fail(.invalidArgument, "no part text") }
    do throws(URError) {
        switch try urDecoder.receive(String(decoding: text, as: UTF8.self)) {
        case .complete(let ur):
            let type = Array(ur.type.utf8)
            result = littleEndian(UInt32(type.count)) + type + ur.cbor
            return 1
        case .inProgress(_, let received, let expected):
            result = littleEndian(UInt32(received)) + littleEndian(UInt32(expected))
            return 0
        }
    } catch {
        return fail(.malformedInput, error.description)
    }
}

/// Four little-endian bytes.
func littleEndian(_ value: UInt32) -> [UInt8] {
    [
        UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8),
        UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 24),
    ]
}
