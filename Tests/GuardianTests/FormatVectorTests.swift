import ChainKit
import Crypto
import Foundation
import Guardian
import Testing

/// Known-answer vectors for the stored formats (`Resources/guardian-formats.json`, computed with Python's hmac and
/// pyca/cryptography). A change to any format breaks existing databases, so it must break these tests first.
@Suite struct FormatVectorTests {
    struct Vectors: Codable {
        struct Audit: Codable {
            let key: String
            let records: [Record]
        }
        struct Record: Codable {
            let sequence: Int64
            let at_ms: Int64
            let kind: String
            let wallet: String
            let operation_id: String
            let detail: String
            let previous_mac: String
            let mac: String
        }
        struct Envelope: Codable {
            let purpose: String
            let key: String
            let wallet: String
            let master_key_id: String
            let sealed: String
            let plaintext: String
        }
        struct KeyID: Codable {
            let key: String
            let id: String
        }
        let audit: Audit
        let envelopes: [Envelope]
        let master_key_ids: [KeyID]
    }

    static func load() throws -> Vectors {
        let url = try #require(
            Bundle.module.url(forResource: "guardian-formats", withExtension: "json", subdirectory: "Resources")
                ?? Bundle.module.url(forResource: "guardian-formats", withExtension: "json"))
        return try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
    }

    @Test func auditChainVectors() throws {
        let vectors = try Self.load()
        let sealer = AuditSealer(key: SymmetricKey(data: Hex.decode(vectors.audit.key)!))
        var previous: AuditAnchor?
        for vector in vectors.audit.records {
            let wallet = vector.wallet.isEmpty ? nil : try SolanaPublicKey(bytes: Hex.decode(vector.wallet)!)
            let event = AuditEvent(
                kind: AuditEvent.Kind(rawValue: vector.kind)!, atMilliseconds: vector.at_ms, wallet: wallet,
                operationID: vector.operation_id.isEmpty ? nil : vector.operation_id, detail: vector.detail)
            let record = sealer.seal(event, after: previous)
            #expect(record.sequence == vector.sequence)
            #expect(Hex.encode(record.previousMAC) == vector.previous_mac)
            #expect(Hex.encode(record.mac) == vector.mac, "record \(vector.sequence)")
            previous = AuditAnchor(sequence: record.sequence, mac: record.mac)
        }
    }

    @Test func envelopeVectors() throws {
        for vector in try Self.load().envelopes {
            let purpose = try #require(KeyEnvelope.Purpose(rawValue: vector.purpose))
            let wallet = vector.wallet.isEmpty ? nil : try SolanaPublicKey(bytes: Hex.decode(vector.wallet)!)
            let aad = KeyEnvelope.associatedData(
                purpose, wallet: wallet, masterKeyID: vector.master_key_id.isEmpty ? nil : vector.master_key_id)
            let opened = try KeyEnvelope.open(
                Hex.decode(vector.sealed)!, key: SymmetricKey(data: Hex.decode(vector.key)!), aad: aad)
            #expect(Hex.encode(opened) == vector.plaintext, "\(vector.purpose)")
            if !vector.master_key_id.isEmpty {
                #expect(try MasterKey(bytes: Hex.decode(vector.key)!).id == vector.master_key_id)
            }
        }
    }

    @Test func masterKeyIDVectors() throws {
        for vector in try Self.load().master_key_ids {
            #expect(try MasterKey(bytes: Hex.decode(vector.key)!).id == vector.id)
        }
    }
}
