import BN254
import EVMKit
import Fields
import Groth16
import UR
import ZKTOTP

// MARK: - CBOR encodings (docs/two-device.md has the CDDL)

extension ChronoVaultRequest {
    /// The UR type of a request.
    public static let urType = "chronoguard-request"
    /// Most call-data bytes a request carries (a QR sequence has to show it all).
    public static let maxDataLength = 16 * 1024
    /// Most UTF-8 bytes of ``summary``.
    public static let maxSummaryLength = 256

    /// The request as deterministic CBOR (RFC 8949 §4.2.1):
    /// `{1: chainId, 2: wallet, 3: to, 4: value (minimal big-endian bytes), 5: data, 6: nonce, ? 7: summary}`.
    public var cbor: CBOR {
        var map: [CBOR: CBOR] = [
            .unsigned(1): .unsigned(chainID), .unsigned(2): .bytes(wallet.bytes), .unsigned(3): .bytes(to.bytes),
            .unsigned(4): .bytes(value.minimalBigEndianBytes), .unsigned(5): .bytes(data),
            .unsigned(6): .unsigned(nonce),
        ]
        if !summary.isEmpty { map[.unsigned(7)] = .text(summary) }
        return .map(map)
    }

    /// keccak256 of the request's CBOR encoding: what a proof message names as the request it answers.
    public var hash: [UInt8] { Keccak256.hash(cbor.encoded) }

    /// The request as a UR (`ur:chronoguard-request/…`).
    public var ur: UR {
        // UR(type:item:) throws only for an invalid type, and this constant one is valid.
        try! UR(type: Self.urType, item: cbor)
    }

    /// Decodes a request strictly: exactly the keys above with their types and sizes, nothing else.
    public init(cbor item: CBOR) throws(ChronoVaultError) {
        guard case .map(let map) = item else { throw .invalidRequest("it is not a CBOR map") }
        let allowed: Set<CBOR> = Set((1...7).map { CBOR.unsigned($0) })
        guard map.keys.allSatisfy({ allowed.contains($0) }) else {
            throw .invalidRequest("it has keys other than 1…7")
        }
        func field(_ key: UInt64) throws(ChronoVaultError) -> CBOR {
            guard let value = map[.unsigned(key)] else { throw .invalidRequest("key \(key) is missing") }
            return value
        }
        func address(_ key: UInt64, _ name: String) throws(ChronoVaultError) -> EthereumAddress {
            guard case .bytes(let bytes) = try field(key), bytes.count == 20,
                let address = try? EthereumAddress(bytes: bytes)
            else { throw .invalidRequest("\(name) (key \(key)) is not 20 bytes") }
            return address
        }
        guard case .unsigned(let chainID) = try field(1), chainID > 0 else {
            throw .invalidRequest("the chain id (key 1) is not a positive integer")
        }
        guard case .bytes(let valueBytes) = try field(4), valueBytes.count <= 32, valueBytes.first != 0,
            let value = UInt256(bigEndian: [UInt8](repeating: 0, count: 32 - valueBytes.count) + valueBytes)
        else {
            throw .invalidRequest("the value (key 4) is not a minimal big-endian integer of at most 32 bytes")
        }
        guard case .bytes(let data) = try field(5), data.count <= Self.maxDataLength else {
            throw .invalidRequest("the call data (key 5) is not a byte string of at most \(Self.maxDataLength) bytes")
        }
        guard case .unsigned(let nonce) = try field(6) else {
            throw .invalidRequest("the nonce (key 6) is not an unsigned integer")
        }
        var summary = ""
        if let item = map[.unsigned(7)] {
            guard case .text(let text) = item, !text.isEmpty, text.utf8.count <= Self.maxSummaryLength else {
                throw .invalidRequest("the summary (key 7) is not a text of 1…\(Self.maxSummaryLength) bytes")
            }
            summary = text
        }
        self.init(
            chainID: chainID, wallet: try address(2, "the wallet"), to: try address(3, "the recipient"), value: value,
            data: data, nonce: nonce, summary: summary)
    }

    /// Reads a request from its UR (single-part text or the result of a multi-part decoder).
    public init(ur: UR) throws(ChronoVaultError) {
        guard ur.type == Self.urType else {
            throw .invalidRequest("its UR type is \"\(ur.type.prefix(40))\", not \(Self.urType)")
        }
        let item: CBOR
        do {
            item = try CBOR(decoding: ur.cbor)
        } catch {
            throw .invalidRequest("its CBOR does not decode (\(error.message))")
        }
        try self.init(cbor: item)
    }
}

extension ChronoVaultProofMessage {
    /// The UR type of a proof message.
    public static let urType = "chronoguard-proof"

    /// The proof as deterministic CBOR: `{1: proof (256 bytes, EVM encoding A ‖ B ‖ C, EIP-196/197), 2: [4 × 32-byte
    /// big-endian signals], 3: keccak256(request CBOR)}`.
    public var cbor: CBOR {
        var map: [CBOR: CBOR] = [
            .unsigned(1): .bytes(proof.evmBytes),
            .unsigned(2): .array(publicInputs.signals.map { .bytes($0.bigEndianBytes) }),
        ]
        if let requestHash { map[.unsigned(3)] = .bytes(requestHash) }
        return .map(map)
    }

    /// The proof message as a UR (`ur:chronoguard-proof/…`).
    public var ur: UR {
        try! UR(type: Self.urType, item: cbor)  // a constant, valid type: cannot throw
    }

    /// Decodes a proof message strictly (points on their curves, B in G2, signals below r, 32-byte request hash).
    public init(cbor item: CBOR) throws(ChronoVaultError) {
        guard case .map(let map) = item, Set(map.keys) == [.unsigned(1), .unsigned(2), .unsigned(3)] else {
            throw .invalidProofMessage("it is not a CBOR map with exactly the keys 1, 2 and 3")
        }
        guard case .bytes(let proofBytes) = map[.unsigned(1)], proofBytes.count == 256,
            let proof = try? Groth16.Proof(evmBytes: proofBytes)
        else {
            throw .invalidProofMessage("the proof (key 1) is not 256 bytes of valid curve points")
        }
        guard case .array(let items) = map[.unsigned(2)], items.count == 4 else {
            throw .invalidProofMessage("the public signals (key 2) are not an array of four")
        }
        var signals: [Fr] = []
        for item in items {
            guard case .bytes(let bytes) = item, bytes.count == 32, let signal = Fr(bigEndianBytes: bytes) else {
                throw .invalidProofMessage("a public signal is not 32 big-endian bytes below the BN254 group order")
            }
            signals.append(signal)
        }
        guard case .bytes(let requestHash) = map[.unsigned(3)], requestHash.count == 32 else {
            throw .invalidProofMessage("the request hash (key 3) is not 32 bytes")
        }
        self.init(
            proof: proof,
            publicInputs: ZKTOTP.PublicInputs(
                totpCode: signals[0], timeCounter: signals[1], secretHash: signals[2], txCommitment: signals[3]),
            requestHash: requestHash)
    }

    /// Reads a proof message from its UR.
    public init(ur: UR) throws(ChronoVaultError) {
        guard ur.type == Self.urType else {
            throw .invalidProofMessage("its UR type is \"\(ur.type.prefix(40))\", not \(Self.urType)")
        }
        let item: CBOR
        do {
            item = try CBOR(decoding: ur.cbor)
        } catch {
            throw .invalidProofMessage("its CBOR does not decode (\(error.message))")
        }
        try self.init(cbor: item)
    }
}
