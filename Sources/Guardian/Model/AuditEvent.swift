import ChainKit
import Crypto
import Foundation

// MARK: - Audit events

/// One entry of the append-only audit log. Events carry no codes, secrets, tokens or key material: only what
/// happened, to which wallet, when, and a few non-secret facts (a time step, a failure count, a key id).
public struct AuditEvent: Sendable, Hashable {
    /// What happened (stable strings: the log outlives the code).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case keyringCreated = "keyring_created"
        case masterKeyRotated = "master_key_rotated"
        case loginSucceeded = "login_succeeded"
        case sessionRevoked = "session_revoked"
        case enrollmentStarted = "enrollment_started"
        case enrollmentConfirmed = "enrollment_confirmed"
        case cosignCompleted = "cosign_completed"
        case codeRejected = "code_rejected"
        case codeReplayed = "code_replayed"
        case walletLocked = "wallet_locked"
        case walletDisabled = "wallet_disabled"
        case walletUnlocked = "wallet_unlocked"
        case recoveryCodesIssued = "recovery_codes_issued"
        case recoveryCodeRejected = "recovery_code_rejected"
        case governanceMigrated = "governance_migrated"
        case rotationScheduled = "rotation_scheduled"
        case rotationCancelled = "rotation_cancelled"
        case rotationExecuted = "rotation_executed"
        case breakGlassValidated = "break_glass_validated"
        case reenrollmentStarted = "reenrollment_started"
        // Transaction policies
        case policyUpdated = "policy_updated"
        case policyRefused = "policy_refused"
    }

    /// What happened.
    public let kind: Kind
    /// Milliseconds since the Unix epoch.
    public let atMilliseconds: Int64
    /// The wallet concerned, if any.
    public let wallet: SolanaPublicKey?
    /// The capsule concerned, if any.
    public let operationID: String?
    /// `key=value` pairs joined by `;` (values percent-escape `%`, `;` and `=`), in the order given.
    public let detail: String

    /// An event at `date` (stored to the millisecond) with detail pairs in the given order.
    public init(
        _ kind: Kind, at date: Date, wallet: SolanaPublicKey? = nil, operationID: String? = nil,
        detail: KeyValuePairs<String, String> = [:]
    ) {
        self.kind = kind
        self.atMilliseconds = Self.milliseconds(date)
        self.wallet = wallet
        self.operationID = operationID
        self.detail = Self.encode(detail.map { ($0.key, $0.value) })
    }

    /// Rebuilds an event read back from storage.
    public init(kind: Kind, atMilliseconds: Int64, wallet: SolanaPublicKey?, operationID: String?, detail: String) {
        self.kind = kind
        self.atMilliseconds = atMilliseconds
        self.wallet = wallet
        self.operationID = operationID
        self.detail = detail
    }

    /// ``atMilliseconds`` as a date.
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(atMilliseconds) / 1000) }

    /// The detail pairs, decoded.
    public var detailPairs: [(key: String, value: String)] {
        detail.split(separator: ";", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (
                String(parts[0]), parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            )
        }
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { key, value in
            var escaped = ""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "%": escaped += "%25"
                case ";": escaped += "%3B"
                case "=": escaped += "%3D"
                default: escaped.unicodeScalars.append(scalar)
                }
            }
            return key + "=" + escaped
        }.joined(separator: ";")
    }
}

// MARK: - Stored records

/// An audit event as stored: numbered, and chained to its predecessor by a keyed MAC.
public struct AuditRecord: Sendable, Hashable {
    /// 1, 2, 3, … without gaps.
    public let sequence: Int64
    /// The event.
    public let event: AuditEvent
    /// The MAC of record `sequence − 1` (32 zero bytes for the first record).
    public let previousMAC: [UInt8]
    /// HMAC-SHA256 under the audit key over this record's canonical bytes and `previousMAC`.
    public let mac: [UInt8]

    /// A record with every field given (for stores reading records back).
    public init(sequence: Int64, event: AuditEvent, previousMAC: [UInt8], mac: [UInt8]) {
        self.sequence = sequence
        self.event = event
        self.previousMAC = previousMAC
        self.mac = mac
    }
}

/// The chain's last record: a value worth exporting (to logs, another system) so that later truncation of the log —
/// which no key can reveal on its own — is detected by ``GuardianService/verifyAuditLog(anchor:)``.
public struct AuditAnchor: Sendable, Hashable, Codable {
    /// The record's sequence number.
    public let sequence: Int64
    /// The record's MAC.
    public let mac: [UInt8]

    /// An anchor for record `sequence` with its MAC.
    public init(sequence: Int64, mac: [UInt8]) {
        self.sequence = sequence
        self.mac = mac
    }
}

/// Events to append in the same transaction as a state change, and the sealer that chains them.
public struct AuditAppend: Sendable {
    /// Seals the events (holds the audit key).
    public let sealer: AuditSealer
    /// Events in order.
    public var events: [AuditEvent]

    /// Events to seal with `sealer`.
    public init(sealer: AuditSealer, events: [AuditEvent]) {
        self.sealer = sealer
        self.events = events
    }
}
