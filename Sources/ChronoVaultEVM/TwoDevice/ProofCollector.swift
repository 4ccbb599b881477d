import BN254
import EVMKit
import Fields
import Foundation
import Groth16
import UR
import ZKTOTP

// MARK: - Collecting a proof from scanned frames

/// Device A's scanner state: takes the text of every QR frame it sees, in any order, repeated or not, and rebuilds
/// the proof message. Two formats are read:
/// - UR parts (`ur:chronoguard-proof/…`, single or fountain-coded multi-part, BCR-2020-005) — what Chronoguard's
///   authenticator shows;
/// - seed 003's three JSON parts (`{"part": n, "total": 3, "data": {…}}`: `pA`+`pB0`, `pB1`+`pC`, `publicSignals`, all
///   decimal strings, `pB` in the verifier's EIP-197 order), for compatibility. They carry no request hash: the
///   commitment in the signals still binds the call.
///
/// A frame that belongs to another message (another UR sequence, a UR of another type, a JSON part of a different
/// total) is ignored and counted, never mixed in; a frame that is not one of the two formats is counted as foreign.
public struct ProofCollector: Sendable {
    private var sorter = URFrameSorter(type: ChronoVaultProofMessage.urType)
    /// When set, a completed proof for another request is discarded (counted in ``ignoredFrames``).
    public let expectedRequestHash: [UInt8]?
    private var seedParts: [Int: [String: [UInt256]]] = [:]
    /// Frames ignored because they belong to another message or are not proof frames.
    public private(set) var ignoredFrames = 0
    /// The proof, once enough frames have arrived.
    public private(set) var message: ChronoVaultProofMessage?

    /// A collector; with `expectedRequestHash`, only a proof answering that request completes it.
    public init(expectedRequestHash: [UInt8]? = nil) { self.expectedRequestHash = expectedRequestHash }

    /// What the collector knows after a frame.
    public var progress: String {
        if message != nil { return "complete" }
        if !seedParts.isEmpty { return "\(seedParts.count)/3 seed parts" }
        return "\(Int(sorter.bestFraction * 100)) % of the UR parts"
    }

    /// Feeds one frame's text. Returns `true` once the proof is complete.
    /// - Throws: `invalid_proof_message` when the frames complete a message that is not a valid proof.
    @discardableResult
    public mutating func receive(_ frame: String) throws(ChronoVaultError) -> Bool {
        if message != nil { return true }
        let trimmed = frame.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.lowercased().hasPrefix("ur:") {
            guard let ur = sorter.receive(trimmed) else {
                if sorter.lastFrameIgnored { ignoredFrames += 1 }
                return false
            }
            let candidate = try ChronoVaultProofMessage(ur: ur)
            if let expectedRequestHash, candidate.requestHash != expectedRequestHash {
                ignoredFrames += 1
                return false
            }
            message = candidate
            return true
        }
        guard let part = Self.seedPart(trimmed) else {
            ignoredFrames += 1
            return false
        }
        seedParts[part.index] = part.data
        if seedParts.count == 3 { message = try Self.assembleSeedParts(seedParts) }  // no request hash to compare
        return message != nil
    }

    /// A seed 003 JSON part: `{"part": 1…3, "total": 3, "data": {key: [decimal strings]}}`, values parsed.
    static func seedPart(_ text: String) -> (index: Int, data: [String: [UInt256]])? {
        guard text.utf8.count <= 4096, let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
            let object = json as? [String: Any], let index = object["part"] as? Int, (1...3).contains(index),
            object["total"] as? Int == 3, let data = object["data"] as? [String: Any], data.count <= 4
        else { return nil }
        var parsed: [String: [UInt256]] = [:]
        for (key, value) in data {
            guard let list = value as? [Any], list.count <= 4 else { return nil }
            var words: [UInt256] = []
            for item in list {
                let text = (item as? String) ?? (item as? NSNumber)?.stringValue ?? ""
                guard !text.isEmpty, text.utf8.count <= 78, text.allSatisfy({ $0.isASCII && $0.isNumber }),
                    let word = UInt256(text)
                else { return nil }
                words.append(word)
            }
            parsed[key] = words
        }
        return (index, parsed)
    }

    static func assembleSeedParts(_ parts: [Int: [String: [UInt256]]]) throws(ChronoVaultError)
        -> ChronoVaultProofMessage
    {
        func words(_ part: Int, _ key: String, count: Int) throws(ChronoVaultError) -> [UInt256] {
            guard let list = parts[part]?[key], list.count == count else {
                throw .invalidProofMessage("seed part \(part) has no \(key) of \(count) decimal strings")
            }
            return list
        }
        let pA = try words(1, "pA", count: 2)
        let pB0 = try words(1, "pB0", count: 2)
        let pB1 = try words(2, "pB1", count: 2)
        let pC = try words(2, "pC", count: 2)
        let signals = try words(3, "publicSignals", count: 4)
        let bytes = (pA + pB0 + pB1 + pC).flatMap(\.bigEndianBytes)
        guard let proof = try? Groth16.Proof(evmBytes: bytes) else {
            throw .invalidProofMessage("the seed parts' points are not on the curve")
        }
        var fields: [Fr] = []
        for signal in signals {
            guard let field = Fr(bigEndianBytes: signal.bigEndianBytes) else {
                throw .invalidProofMessage("a public signal is not below the BN254 group order")
            }
            fields.append(field)
        }
        return ChronoVaultProofMessage(
            proof: proof,
            publicInputs: ZKTOTP.PublicInputs(
                totpCode: fields[0], timeCounter: fields[1], secretHash: fields[2], txCommitment: fields[3]),
            requestHash: nil)
    }

    /// The seed's three JSON parts for a proof (what seed 003's authenticator page shows), for compatibility tests
    /// and for wallets that only read that format.
    public static func seedParts(_ message: ChronoVaultProofMessage) -> [String] {
        let words = stride(from: 0, to: 256, by: 32).map {
            UInt256(bigEndian: message.proof.evmBytes[$0..<($0 + 32)])?.description ?? "0"
        }
        let signals = message.publicInputs.signals.map(\.decimalString)
        func json(_ part: Int, _ data: String) -> String { "{\"part\":\(part),\"total\":3,\"data\":{\(data)}}" }
        return [
            json(1, "\"pA\":[\"\(words[0])\",\"\(words[1])\"],\"pB0\":[\"\(words[2])\",\"\(words[3])\"]"),
            json(2, "\"pB1\":[\"\(words[4])\",\"\(words[5])\"],\"pC\":[\"\(words[6])\",\"\(words[7])\"]"),
            json(3, "\"publicSignals\":[" + signals.map { "\"\($0)\"" }.joined(separator: ",") + "]"),
        ]
    }
}

/// Sorts UR frames of one type by message: a decoder per message seen (at most ``maxMessages``), so frames of another
/// message — another sequence on a screen nearby, a stale request still cycling — are kept apart, never mixed in, and
/// whichever message completes first is returned (BCR-2020-005: a part names its message by sequence length, message
/// length and checksum).
public struct URFrameSorter: Sendable {
    /// Most messages tracked at once; frames of further ones are ignored.
    public static let maxMessages = 8
    /// The UR type accepted; frames of other types are ignored.
    public let type: String
    private var decoders: [URDecoder] = []
    /// Whether the last frame was ignored (another type, malformed, or beyond ``maxMessages``).
    public private(set) var lastFrameIgnored = false

    public init(type: String) { self.type = type }

    /// The largest completion estimate among the messages being decoded.
    public var bestFraction: Double { decoders.map(\.estimatedFractionComplete).max() ?? 0 }

    /// Feeds one frame; returns a UR when this frame completes a message. A completed message's decoder is dropped,
    /// so a message that turns out not to be the one wanted does not block the others.
    public mutating func receive(_ frame: String) -> UR? {
        lastFrameIgnored = false
        guard frame.lowercased().hasPrefix("ur:\(type)/") else {
            lastFrameIgnored = true
            return nil
        }
        for index in decoders.indices {
            var decoder = decoders[index]
            let outcome: Result<URDecoder.Progress, URError>
            do {
                outcome = .success(try decoder.receive(frame))
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(.complete(let ur)):
                decoders.remove(at: index)
                return ur
            case .success:
                decoders[index] = decoder
                return nil
            case .failure(let error) where error.code == .partFromOtherMessage:
                continue
            case .failure:
                lastFrameIgnored = true
                return nil
            }
        }
        guard decoders.count < Self.maxMessages else {
            lastFrameIgnored = true
            return nil
        }
        var decoder = URDecoder()
        let outcome: Result<URDecoder.Progress, URError>
        do {
            outcome = .success(try decoder.receive(frame))
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(.complete(let ur)): return ur
        case .success:
            decoders.append(decoder)
            return nil
        case .failure:
            lastFrameIgnored = true
            return nil
        }
    }
}
