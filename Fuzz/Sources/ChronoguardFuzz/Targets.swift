import ChainKit
import ChronoVaultEVM
import EVMKit
import Foundation
import Groth16
import GuardianAPI
import OTP
import QRCode
import UR

/// The fuzz targets: each takes the fuzzer's bytes to one parser of outside input and checks what must hold for any
/// input — it returns a value or throws the parser's typed error, never traps; and where a parser has an inverse, a
/// parsed value re-encodes to something that parses to the same value. A failed check is a crash (libFuzzer keeps
/// the input); `scripts/fuzz.sh` runs them all over the corpora in `Fuzz/Corpus/<name>/`.
enum FuzzTarget: String, CaseIterable {
    case solanaTransaction = "solana-transaction"
    case otpauthURI = "otpauth-uri"
    case siwsMessage = "siws-message"
    case siweMessage = "siwe-message"
    case strictJSON = "strict-json"
    case snarkJSON = "snarkjs-json"
    case provingKey = "proving-key"
    case imageFile = "image-file"
    case qrGrid = "qr-grid"
    case urPart = "ur-part"
    case cbor = "cbor"
    case twoDeviceRequest = "two-device-request"
    case rlp = "rlp"
    case abi = "abi"
    case evmTransaction = "evm-transaction"

    func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        switch self {
        case .solanaTransaction:
            if let transaction = try? SolanaTransaction(wireBytes: bytes) {
                // Re-encoding what was parsed parses to the same transaction.
                let again = try? SolanaTransaction(wireBytes: transaction.serialized())
                check(again == transaction, "a parsed Solana transaction did not survive re-encoding")
            }
        case .otpauthURI:
            if let uri = try? OTPAuthURI(parsing: text) {
                let again = try? OTPAuthURI(parsing: uri.uriString)
                check(again == uri, "a parsed otpauth URI did not survive re-encoding")
            }
        case .siwsMessage:
            if let message = try? SIWSMessage(text: text) {
                check((try? SIWSMessage(text: message.text)) == message, "a parsed SIWS message did not round-trip")
            }
        case .siweMessage:
            if let message = try? SIWEMessage(text: text) {
                check((try? SIWEMessage(text: message.text)) == message, "a parsed SIWE message did not round-trip")
            }
        case .strictJSON:
            _ = try? StrictJSON.decode(GuardianAPI.CosignRequest.self, from: Data(bytes))
            _ = try? StrictJSON.decode(GuardianAPI.PolicyUpdateRequest.self, from: Data(bytes))
            _ = try? StrictJSON.decode(GuardianAPI.RotationActionRequest.self, from: Data(bytes))
        case .snarkJSON:
            _ = try? Groth16.Proof(snarkJSON: Data(bytes))
            _ = try? Groth16.VerifyingKey(snarkJSON: Data(bytes))
            _ = try? Groth16.publicSignals(snarkJSON: Data(bytes))
        case .provingKey:
            _ = try? Groth16.ProvingKey(serialized: bytes)
        case .imageFile:
            // Images the fuzzer makes are small; the reader runs on any that decodes.
            if let image = try? QRImageFile.decode(bytes), image.width * image.height <= 1 << 16 {
                _ = QRReader.read(image)
            }
        case .qrGrid:
            // The first byte picks a version (size 17 + 4v), the rest are modules, one bit each.
            guard let first = bytes.first else { return }
            let size = 17 + 4 * (Int(first) % 40 + 1)
            var modules = [UInt8](repeating: 0, count: size * size)
            for index in modules.indices {
                let byte = 1 + index / 8
                if byte < bytes.count { modules[index] = (bytes[byte] >> (index % 8)) & 1 }
            }
            if let grid = QRModuleGrid(size: size, modules: modules) { _ = try? QRSymbolDecoder.decode(grid) }
        case .urPart:
            var decoder = URDecoder()
            for line in text.split(separator: "\n") { _ = try? decoder.receive(String(line)) }
            if let ur = try? UR(parsing: text) {
                check((try? UR(parsing: ur.string)) == ur, "a parsed UR did not round-trip")
            }
        case .cbor:
            if let item = try? CBOR(decoding: bytes) {
                // Deterministic encoding: what decodes re-encodes to the same bytes.
                check(item.encoded == bytes, "a decoded CBOR item re-encoded differently")
            }
        case .twoDeviceRequest:
            if let item = try? CBOR(decoding: bytes) {
                _ = try? ChronoVaultRequest(cbor: item)
                _ = try? ChronoVaultProofMessage(cbor: item)
            }
        case .rlp:
            if let item = try? RLP.decode(bytes) {
                check(RLP.encode(item) == bytes, "a decoded RLP item re-encoded differently")
            }
        case .abi:
            // The first byte picks a type list; the rest is the encoding.
            guard let first = bytes.first else { return }
            let types = Self.abiTypes[Int(first) % Self.abiTypes.count]
            if let values = try? ABI.decode(Array(bytes.dropFirst()), as: types) {
                let again = try? ABI.decode(ABI.encode(values, as: types), as: types)
                check(again == values, "decoded ABI values did not survive re-encoding")
            }
        case .evmTransaction:
            _ = try? SignedTransaction.decode(raw: bytes)
        }
    }

    static let abiTypes: [[ABIType]] = [
        "(address,uint256)", "(bytes,string)", "(uint256[],bool)", "((address,uint256)[],bytes32)",
        "(string[2],int128)", "(bytes[],(uint8,bytes))",
    ].map { signature in
        guard case .tuple(let types)? = try? ABIType(signature) else { fatalError("bad fuzz type list \(signature)") }
        return types
    }
}

/// A property that must hold for every input; a violation is a crash the fuzzer reports with its input.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
