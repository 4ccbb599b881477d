import Foundation

// MARK: - Capsule states

/// The states a capsule passes through (seed 000 "Capsule Lifecycle States"), in order. A capsule ends in
/// ``completed`` or ``failed``; it never skips forward, so a failure's last state before ``failed`` says where it
/// stopped.
public enum CapsuleState: String, Sendable, Hashable, CaseIterable, Codable {
    /// The request entered the capsule (session, limits and lockout are checked here).
    case created
    /// Inputs fixed and checked: the transaction parsed, both signers required, a recent blockhash, a code of the
    /// right shape. Nothing outside can change what the capsule will sign.
    case sealed
    /// The code is being verified against the wallet's secret (±window steps, greater than the last accepted step).
    case validating
    /// The guardian's private key is being decrypted, for this signature only.
    case decrypting
    /// The exact message bytes are being signed.
    case signing
    /// The step is being burned: one database transaction sets the last accepted step (compare-and-set) and writes
    /// the cosign record and audit events.
    case burning
    /// Durably committed; the signature is released.
    case completed
    /// Stopped; nothing was released or consumed.
    case failed
}

/// A capsule's state changes with their times, as in seed 000's "Security Event Timeline" — but measured, not
/// asserted. Offsets come from a monotonic clock and are relative to ``startedAt``.
public struct CapsuleTimeline: Sendable, Hashable {
    /// One state change.
    public struct Entry: Sendable, Hashable {
        /// The state entered.
        public let state: CapsuleState
        /// Nanoseconds since the capsule was created (monotonic).
        public let offsetNanoseconds: Int64
    }

    /// The capsule's operation id.
    public let operationID: String
    /// Wall-clock time the capsule was created (from the service's clock).
    public let startedAt: Date
    /// State changes in order; the first is always ``CapsuleState/created``.
    public internal(set) var entries: [Entry]
    /// Why the capsule failed, when it did.
    public internal(set) var failure: GuardianError.Code?

    /// The last state reached.
    public var state: CapsuleState { entries.last?.state ?? .created }

    /// The state the capsule was in when it failed (the one before ``CapsuleState/failed``).
    public var failedDuring: CapsuleState? {
        guard state == .failed, entries.count >= 2 else { return nil }
        return entries[entries.count - 2].state
    }

    /// Time from creation to the last state change.
    public var duration: Duration { .nanoseconds(entries.last?.offsetNanoseconds ?? 0) }

    /// Compact text for storage and logs: `created@0,sealed@41,…,completed@912` in microseconds, with the failure
    /// code appended as `failed@300:invalid_code`.
    public var encoded: String {
        var out = ""
        for (index, entry) in entries.enumerated() {
            if index > 0 { out += "," }
            out += entry.state.rawValue + "@" + String(entry.offsetNanoseconds / 1_000)
            if entry.state == .failed, let failure { out += ":" + failure.rawValue }
        }
        return out
    }
}

// MARK: - Recorder

/// Builds a timeline as the capsule advances.
struct CapsuleRecorder {
    private let start: ContinuousClock.Instant
    private(set) var timeline: CapsuleTimeline

    init(operationID: String, startedAt: Date) {
        self.start = .now
        self.timeline = CapsuleTimeline(
            operationID: operationID, startedAt: startedAt, entries: [.init(state: .created, offsetNanoseconds: 0)],
            failure: nil)
    }

    mutating func enter(_ state: CapsuleState) {
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        timeline.entries.append(
            .init(state: state, offsetNanoseconds: seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
    }

    mutating func fail(_ code: GuardianError.Code) {
        timeline.failure = code
        enter(.failed)
    }
}
