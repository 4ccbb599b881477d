import ChainKit
import Crypto
import Foundation
import Guardian
import Testing

/// The documented byte formats — audit MACs, sealed envelopes with their associated data, master-key ids — recomputed
/// by an independent implementation (Python's hmac/hashlib and pyca/cryptography's AES-GCM) from random inputs.
@Suite(.serialized) struct FormatInteropTests {
    struct AuditRecordJSON: Codable {
        let sequence: Int64
        let at_ms: Int64
        let kind: String
        let wallet: String
        let operation_id: String
        let detail: String
        let previous_mac: String
    }
    struct AuditRequest: Codable {
        var command = "audit_macs"
        let key: String
        let records: [AuditRecordJSON]
    }
    struct AuditResponse: Codable { let macs: [String] }
    struct EnvelopeItem: Codable {
        let key: String
        let sealed: String
        let purpose: String
        let wallet: String
        let master_key_id: String
    }
    struct EnvelopeRequest: Codable {
        var command = "open_envelopes"
        let items: [EnvelopeItem]
    }
    struct EnvelopeResponse: Codable { let plaintexts: [String?] }
    struct KeyIDRequest: Codable {
        var command = "key_ids"
        let keys: [String]
    }
    struct KeyIDResponse: Codable { let ids: [String] }

    @Test func auditMACsMatchAnIndependentHMAC() throws {
        let keyBytes = SecureRandom.bytes(32)
        let sealer = AuditSealer(key: SymmetricKey(data: keyBytes))
        var previous: AuditAnchor?
        var records: [AuditRecord] = []
        for _ in 0..<300 {
            let kind = AuditEvent.Kind.allCases.randomElement()!
            let wallet = Bool.random() ? SolanaKeypair().publicKey : nil
            let detail = (0..<Int.random(in: 0...3)).map {
                ("k\($0)", String((0..<Int.random(in: 0...12)).map { _ in "ab=;%é7 ".randomElement()! }))
            }
            let event = AuditEvent(
                kind: kind, atMilliseconds: Int64.random(in: 0...4_000_000_000_000), wallet: wallet,
                operationID: Bool.random() ? SecureRandom.hexIdentifier() : nil,
                detail: AuditEvent.encodeForTesting(detail))
            let record = sealer.seal(event, after: previous)
            records.append(record)
            previous = AuditAnchor(sequence: record.sequence, mac: record.mac)
        }
        let request = AuditRequest(
            key: Hex.encode(keyBytes),
            records: records.map {
                AuditRecordJSON(
                    sequence: $0.sequence, at_ms: $0.event.atMilliseconds, kind: $0.event.kind.rawValue,
                    wallet: Hex.encode($0.event.wallet?.bytes ?? []), operation_id: $0.event.operationID ?? "",
                    detail: $0.event.detail, previous_mac: Hex.encode($0.previousMAC))
            })
        let theirs = try PythonPeer.call(request, as: AuditResponse.self).macs
        #expect(theirs == records.map { Hex.encode($0.mac) })
    }

    @Test func sealedEnvelopesOpenWithAnIndependentAESGCM() throws {
        var items: [EnvelopeItem] = []
        var expected: [String?] = []
        for index in 0..<200 {
            let master = MasterKey.generate()
            let wallet = SolanaKeypair().publicKey
            let dataKey = SymmetricKey(size: .bits256)
            let dataKeyHex = dataKey.withUnsafeBytes { Hex.encode($0) }
            let masterHex = Hex.encode([UInt8](Data(base64Encoded: master.exportBase64())!))
            switch index % 4 {
            case 0:  // a wrapped data key
                let sealed = try KeyEnvelope.wrapDataKey(dataKey, wallet: wallet, under: master)
                items.append(
                    EnvelopeItem(
                        key: masterHex, sealed: Hex.encode(sealed), purpose: "wallet-data-key",
                        wallet: Hex.encode(wallet.bytes), master_key_id: master.id))
                expected.append(dataKeyHex)
            case 1, 2:  // a TOTP secret or a guardian seed
                let purpose: KeyEnvelope.Purpose = index % 4 == 1 ? .totpSecret : .guardianSeed
                let secret = SecureRandom.bytes(index % 4 == 1 ? 20 : 32)
                let sealed = try KeyEnvelope.sealSecret(secret, purpose: purpose, wallet: wallet, dataKey: dataKey)
                items.append(
                    EnvelopeItem(
                        key: dataKeyHex, sealed: Hex.encode(sealed), purpose: purpose.rawValue,
                        wallet: Hex.encode(wallet.bytes), master_key_id: ""))
                expected.append(Hex.encode(secret))
            default:  // the same, presented as another wallet's: must not open
                let sealed = try KeyEnvelope.sealSecret(
                    SecureRandom.bytes(20), purpose: .totpSecret, wallet: wallet, dataKey: dataKey)
                items.append(
                    EnvelopeItem(
                        key: dataKeyHex, sealed: Hex.encode(sealed), purpose: "totp-secret",
                        wallet: Hex.encode(SolanaKeypair().publicKey.bytes), master_key_id: ""))
                expected.append(nil)
            }
        }
        let theirs = try PythonPeer.call(EnvelopeRequest(items: items), as: EnvelopeResponse.self).plaintexts
        #expect(theirs == expected)
    }

    @Test func masterKeyIDsMatch() throws {
        let keys = (0..<50).map { _ in MasterKey.generate() }
        let theirs = try PythonPeer.call(
            KeyIDRequest(keys: keys.map { Hex.encode([UInt8](Data(base64Encoded: $0.exportBase64())!)) }),
            as: KeyIDResponse.self
        ).ids
        #expect(theirs == keys.map(\.id))
    }
}

extension AuditEvent {
    /// The detail encoding through the public initialiser (it takes `KeyValuePairs`, which cannot be built at run time).
    static func encodeForTesting(_ pairs: [(String, String)]) -> String {
        pairs.map { key, value in
            AuditEvent(.walletUnlocked, at: Date(), detail: [key: value]).detail
        }.joined(separator: ";")
    }
}
