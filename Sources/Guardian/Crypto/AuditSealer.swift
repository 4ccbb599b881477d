import Crypto
import Foundation

// MARK: - Sealer

/// Computes the audit chain's MACs: `mac_n = HMAC-SHA256(K_audit, "chronoguard/audit/v1" ‖ u64(n) ‖ i64(at_ms) ‖
/// lp(kind) ‖ lp(wallet) ‖ lp(operation id) ‖ lp(detail) ‖ mac_{n−1})`, with `lp(x) = u32(len x) ‖ x`, integers
/// big-endian, and `mac_0` = 32 zero bytes (a hash chain in the manner of Schneier & Kelsey, "Secure Audit Logs to
/// Support Computer Forensics", 1999, keyed so that only the key holder can extend or rewrite it).
///
/// The audit key is a random 256-bit key wrapped by the master key (not recomputed from it), so rotating the master
/// key rewraps it and the whole history stays verifiable without re-MACing anything.
public struct AuditSealer: Sendable {
    /// 32 bytes: the HMAC-SHA256 output length (RFC 2104, FIPS 180-4).
    public static let macByteCount = 32
    /// The predecessor of the first record.
    public static let genesisMAC = [UInt8](repeating: 0, count: macByteCount)

    let key: SymmetricKey

    /// A sealer with the audit key.
    public init(key: SymmetricKey) { self.key = key }

    /// The MAC of `event` as record number `sequence` following `previousMAC`.
    public func mac(sequence: Int64, event: AuditEvent, previousMAC: [UInt8]) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: Self.domainTag)
        Self.update(&hmac, sequence)
        Self.update(&hmac, event.atMilliseconds)
        Self.update(&hmac, Array(event.kind.rawValue.utf8))
        Self.update(&hmac, event.wallet?.bytes ?? [])
        Self.update(&hmac, Array((event.operationID ?? "").utf8))
        Self.update(&hmac, Array(event.detail.utf8))
        hmac.update(data: previousMAC)
        return Array(hmac.finalize())
    }

    /// Seals `event` as the record after `previous` (nil: the first record).
    public func seal(_ event: AuditEvent, after previous: AuditAnchor?) -> AuditRecord {
        let sequence = (previous?.sequence ?? 0) + 1
        let previousMAC = previous?.mac ?? Self.genesisMAC
        return AuditRecord(sequence: sequence, event: event, previousMAC: previousMAC, mac: mac(sequence: sequence, event: event, previousMAC: previousMAC))
    }

    static let domainTag = Array("chronoguard/audit/v1".utf8)

    private static func update(_ hmac: inout HMAC<SHA256>, _ value: Int64) {
        withUnsafeBytes(of: value.bigEndian) { hmac.update(data: $0) }
    }

    private static func update(_ hmac: inout HMAC<SHA256>, _ bytes: [UInt8]) {
        withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { hmac.update(data: $0) }
        hmac.update(data: bytes)
    }
}
