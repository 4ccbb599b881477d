import ChainKit
import Crypto
import Foundation

// MARK: - Administration results

/// What `keys rotate` did.
public struct KeyRotationReport: Sendable, Hashable {
    /// Id of the retired master key.
    public let fromKeyID: String
    /// Id of the new master key.
    public let toKeyID: String
    /// Wallet data keys rewrapped under the new key.
    public let walletsRewrapped: Int

    public init(fromKeyID: String, toKeyID: String, walletsRewrapped: Int) {
        self.fromKeyID = fromKeyID
        self.toKeyID = toKeyID
        self.walletsRewrapped = walletsRewrapped
    }
}

/// One thing wrong with the audit log.
public struct AuditProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The record's content (or its MAC) was changed: its MAC does not verify.
        case edited
        /// Records are missing before this one (a gap in the sequence), or it does not link to its predecessor.
        case missingOrReordered = "missing_or_reordered"
        /// The stored chain head does not match the last record: records were removed from the end.
        case truncated
        /// The anchor supplied by the caller is not in the log (or differs): the log was cut or rewritten.
        case anchorMismatch = "anchor_mismatch"
    }

    /// What is wrong.
    public let kind: Kind
    /// The record the problem was found at (for `truncated`, the last record present).
    public let sequence: Int64

    public init(kind: Kind, sequence: Int64) {
        self.kind = kind
        self.sequence = sequence
    }

    public var description: String { "\(kind.rawValue) at record \(sequence)" }
}

/// The result of ``GuardianService/verifyAuditLog(anchor:)``.
public struct AuditVerificationReport: Sendable, Hashable {
    /// Records read.
    public let recordCount: Int
    /// The last record, to export as the next verification's anchor.
    public let head: AuditAnchor?
    /// Problems in log order (at most ``GuardianService/maximumReportedAuditProblems``).
    public let problems: [AuditProblem]

    /// True when no problem was found.
    public var isIntact: Bool { problems.isEmpty }
}

// MARK: - Administration

extension GuardianService {
    /// Problems listed before the report stops adding more.
    public static let maximumReportedAuditProblems = 1_000
    /// Audit records read per store call while verifying.
    static let auditPageSize = 2_000

    /// `keys rotate`: rewraps every wallet data key and the audit key under a new master key in one transaction.
    ///
    /// The new key comes from `newKey`, or else from the provider (a fresh random key for the key file). The provider
    /// stages it durably first and promotes it after the commit, so a crash at any point leaves a key that opens the
    /// database. TOTP secrets and guardian keys are not re-encrypted: they sit under the data keys, which do not change.
    public func rotateMasterKey(to newKey: MasterKey? = nil) async throws(GuardianError) -> KeyRotationReport {
        try await rotationGate.withLock(0) { () async throws(GuardianError) -> KeyRotationReport in
            let (current, known, auditKey) = keyRing.withLock { ($0.current, $0.byID, $0.auditSealer.key) }
            let next: MasterKey
            if let newKey { next = newKey } else { next = try keyProvider.nextKey(replacing: current) }
            guard next.id != current.id else {
                throw GuardianError(
                    .keyProviderFailed, "The new master key is the current one; supply a different key.")
            }
            try keyProvider.stage(next)
            let wrappedAuditKey: [UInt8]
            do { wrappedAuditKey = try KeyEnvelope.wrapAuditKey(auditKey, under: next) } catch {
                throw .internal("wrapping the audit key failed")
            }
            let rotation = KeyRotation(fromKeyID: current.id, toKeyID: next.id, wrappedAuditKey: wrappedAuditKey) {
                wallet, wrapped, under in
                guard let master = known[under] ?? (under == next.id ? next : nil) else {
                    throw GuardianStoreError(
                        .conflict, "data key of \(wallet) is wrapped under unknown master key \(under)")
                }
                let dataKey = try KeyEnvelope.unwrapDataKey(wrapped, wallet: wallet, master: master)
                return try KeyEnvelope.wrapDataKey(dataKey, wallet: wallet, under: next)
            }
            let event = AuditEvent(.masterKeyRotated, at: clock.now(), detail: ["from": current.id, "to": next.id])
            let count = try await storage { try await store.rotateKeys(rotation, audit: audit(event)) }
            keyRing.withLock { ring in
                ring.byID[next.id] = next
                ring.current = next
            }
            try keyProvider.promote(next)
            return KeyRotationReport(fromKeyID: current.id, toKeyID: next.id, walletsRewrapped: count)
        }
    }

    /// `audit verify`: walks the whole log and reports every edited, missing, reordered or truncated record.
    ///
    /// - Parameter anchor: a head exported earlier (``AuditVerificationReport/head``, ``auditAnchor()``); when given,
    ///   the log must still contain that exact record — the one check that catches removal of the newest records by
    ///   someone who also rewrote the stored head.
    public func verifyAuditLog(anchor: AuditAnchor? = nil) async throws(GuardianError) -> AuditVerificationReport {
        try await Self.verifyAuditChain(store, sealer: sealer, anchor: anchor)
    }

    /// `audit verify` without starting a service: reads the keyring, opens the audit key with one of `keyProvider`'s
    /// existing keys, and walks the chain — reading only. Unlike ``start(store:keyProvider:configuration:clock:metrics:qrRenderer:rateLimiter:)``
    /// it never creates a master key or a keyring: a database without one is an error, not a database to initialise.
    ///
    /// - Throws: `keyring_missing` when the database has no keyring; `key_provider_failed`, `master_key_mismatch`;
    ///   storage errors.
    public static func verifyAuditLog(
        store: any AuditLogReader, keyProvider: any MasterKeyProvider, anchor: AuditAnchor? = nil
    ) async throws(GuardianError) -> AuditVerificationReport {
        guard let stored = try await storage({ try await store.loadKeyring() }) else {
            throw GuardianError(
                .keyringMissing,
                "This database has no keyring: no guardian has ever run on it, so there is no audit chain to verify; check the data directory."
            )
        }
        let (_, auditKey) = try openAuditKey(stored, candidates: keyProvider.candidateKeys(creatingIfMissing: false))
        return try await verifyAuditChain(store, sealer: AuditSealer(key: auditKey), anchor: anchor)
    }

    static func verifyAuditChain(_ store: any AuditLogReader, sealer: AuditSealer, anchor: AuditAnchor?)
        async throws(GuardianError) -> AuditVerificationReport
    {
        var problems: [AuditProblem] = []
        func report(_ kind: AuditProblem.Kind, _ sequence: Int64) {
            if problems.count < Self.maximumReportedAuditProblems {
                problems.append(AuditProblem(kind: kind, sequence: sequence))
            }
        }
        var expectedSequence: Int64 = 1
        var previousMAC = AuditSealer.genesisMAC
        var last: AuditAnchor?
        var count = 0
        var anchorFound = false
        var cursor: Int64 = 0
        while true {
            let page = try await storage { try await store.auditRecords(after: cursor, limit: Self.auditPageSize) }
            for record in page {
                count += 1
                if record.sequence != expectedSequence || record.previousMAC != previousMAC {
                    report(.missingOrReordered, record.sequence)
                }
                if sealer.mac(sequence: record.sequence, event: record.event, previousMAC: record.previousMAC)
                    != record.mac
                {
                    report(.edited, record.sequence)
                }
                if let anchor, anchor.sequence == record.sequence {
                    anchorFound = true
                    if anchor.mac != record.mac { report(.anchorMismatch, record.sequence) }
                }
                expectedSequence = record.sequence + 1
                previousMAC = record.mac
                last = AuditAnchor(sequence: record.sequence, mac: record.mac)
            }
            guard let final = page.last, page.count == Self.auditPageSize else { break }
            cursor = final.sequence
        }
        let storedHead = try await storage { try await store.auditHead() }
        if storedHead != last { report(.truncated, last?.sequence ?? 0) }
        if let anchor, !anchorFound { report(.anchorMismatch, anchor.sequence) }
        return AuditVerificationReport(recordCount: count, head: last, problems: problems)
    }

    /// The current head of the audit chain, to export as an anchor.
    public func auditAnchor() async throws(GuardianError) -> AuditAnchor? {
        try await storage { try await store.auditHead() }
    }

    /// Clears a wallet's lockout (after a disabled wallet's owner has been verified out of band).
    /// - Throws: `invalid_wallet_address`, `not_enrolled`, storage errors.
    public func unlockWallet(_ walletText: String, reason: String) async throws(GuardianError) {
        let wallet = try Self.parseWallet(walletText)
        let event = AuditEvent(
            .walletUnlocked, at: clock.now(), wallet: wallet, detail: ["reason": String(reason.prefix(200))])
        let exists = try await walletGate.withLock(wallet) { () async throws(GuardianError) -> Bool in
            try await storage { try await store.unlockWallet(wallet, audit: audit(event)) }
        }
        guard exists else { throw GuardianError.notEnrolled }
    }

    /// Deletes expired challenges and sessions, and spend records older than every policy window; returns how many.
    /// Run it periodically.
    @discardableResult
    public func purgeExpired() async throws(GuardianError) -> Int {
        // Keep consumed challenges a little past expiry so a late replay still reads `nonce_reused`, not `not_found`.
        let cutoff = clock.now().addingTimeInterval(-configuration.signIn.challengeLifetime)
        return try await storage { try await store.purgeExpired(before: cutoff) } + purgeSpendRecords()
    }

    /// A stored cosign record, for support and forensics.
    public func cosignRecord(operationID: String) async throws(GuardianError) -> CosignRecord? {
        try await storage { try await store.cosignRecord(operationID: operationID) }
    }
}
