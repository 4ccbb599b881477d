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
        // The MAC input assembled first and authenticated in one call: a dozen small HMAC updates cost more than it.
        var message: [UInt8] = []
        message.reserveCapacity(128 + event.detail.utf8.count + previousMAC.count)
        message += Self.domainTag
        Self.append(sequence, to: &message)
        Self.append(event.atMilliseconds, to: &message)
        Self.append(event.kind.rawValue.utf8, to: &message)
        Self.append(event.wallet?.bytes ?? [], to: &message)
        Self.append((event.operationID ?? "").utf8, to: &message)
        Self.append(event.detail.utf8, to: &message)
        message += previousMAC
        return Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
    }

    /// Seals `event` as the record after `previous` (nil: the first record).
    public func seal(_ event: AuditEvent, after previous: AuditAnchor?) -> AuditRecord {
        let sequence = (previous?.sequence ?? 0) + 1
        let previousMAC = previous?.mac ?? Self.genesisMAC
        return AuditRecord(
            sequence: sequence, event: event, previousMAC: previousMAC,
            mac: mac(sequence: sequence, event: event, previousMAC: previousMAC))
    }

    static let domainTag = Array("chronoguard/audit/v1".utf8)

    private static func append(_ value: Int64, to message: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { message += $0 }
    }

    /// `lp(x) = u32(len x) ‖ x`.
    private static func append<Bytes: Collection<UInt8>>(_ bytes: Bytes, to message: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { message += $0 }
        message += bytes
    }
}
