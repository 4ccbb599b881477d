import Crypto
import Foundation

// MARK: - The durable store

/// The issuer's state in one SQLite database (`registry.sqlite3` in the data directory, or in memory for tests):
/// SIWE nonces, sessions, enrollments, token buckets, issued requests and a keyed hash-chained audit log.
///
/// Every update that decides a replay is one compare-and-set statement whose `WHERE` clause carries the condition,
/// and the caller acts only when it changed a row: a nonce is consumed by `UPDATE … WHERE used_at IS NULL AND
/// expires_at > now`, an enrollment confirmed by `… WHERE status = 'pending'`, a token taken by an upsert whose
/// `WHERE` checks the bucket, a salt attempt reserved by `… WHERE attempts < 3 AND released_at IS NULL`, a salt
/// released by `… WHERE released_at IS NULL`. Session tokens are stored as SHA-256 hashes, salts sealed
/// (``SaltSealer``).
public actor RegistryStore {
    private let db: SQLiteDatabase
    private let auditKey: SymmetricKey

    /// Opens (creating) the database at `path` (`":memory:"` for tests). `auditKey` keys the audit chain.
    public init(path: String, auditKey: SymmetricKey) throws(RegistryError) {
        db = try SQLiteDatabase(path: path)
        self.auditKey = auditKey
        try db.execute(Self.schema)
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS siwe_nonces (
            nonce TEXT PRIMARY KEY, address TEXT NOT NULL, message TEXT NOT NULL,
            expires_at INTEGER NOT NULL, used_at INTEGER);
        CREATE TABLE IF NOT EXISTS sessions (
            token_hash BLOB PRIMARY KEY, address TEXT NOT NULL, expires_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS enrollments (
            address TEXT PRIMARY KEY, status TEXT NOT NULL CHECK (status IN ('pending', 'active')),
            created_at INTEGER NOT NULL, confirmed_at INTEGER, confirmed_step INTEGER);
        CREATE TABLE IF NOT EXISTS buckets (address TEXT PRIMARY KEY, tat_ms INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS requests (
            request_id BLOB PRIMARY KEY, address TEXT NOT NULL, scope TEXT NOT NULL, step INTEGER NOT NULL,
            sealed_salt BLOB NOT NULL, commitment BLOB NOT NULL, expiry INTEGER NOT NULL, created_at INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'set', 'failed')), tx_hash BLOB,
            attempts INTEGER NOT NULL DEFAULT 0, released_at INTEGER);
        CREATE TABLE IF NOT EXISTS audit (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, event TEXT NOT NULL, address TEXT NOT NULL,
            detail TEXT NOT NULL, mac BLOB NOT NULL);
        """

    // MARK: Audit

    /// Appends an audit entry: `mac = HMAC-SHA256(auditKey, previous mac ‖ seq ‖ at ‖ event ‖ address ‖ detail)`.
    /// Details never carry secrets (request ids, scopes, transaction hashes, reasons).
    private func audit(_ event: String, _ address: String, _ detail: String, at now: Int64) throws(RegistryError) {
        let previous = try db.query("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1") {
            ($0.int64(0), $0.blob(1))
        }
        .first
        let seq = (previous?.0 ?? 0) + 1
        let mac = Self.auditMAC(
            key: auditKey, previous: previous?.1 ?? [], seq: seq, at: now, event: event, address: address,
            detail: detail)
        try db.run(
            "INSERT INTO audit (seq, at, event, address, detail, mac) VALUES (?, ?, ?, ?, ?, ?)",
            [.integer(seq), .integer(now), .text(event), .text(address), .text(detail), .blob(mac)])
    }

    static func auditMAC(
        key: SymmetricKey, previous: [UInt8], seq: Int64, at: Int64, event: String, address: String, detail: String
    ) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: previous)
        for field in ["\(seq)", "\(at)", event, address, detail] {
            hmac.update(data: Array("\(field.utf8.count):\(field)".utf8))
        }
        return Array(hmac.finalize())
    }

    /// An audit entry.
    public struct AuditEntry: Sendable, Hashable {
        public let seq: Int64
        public let at: Int64
        public let event: String
        public let address: String
        public let detail: String
    }

    /// The audit log, oldest first; throws when the chain does not verify.
    public func auditLog() throws(RegistryError) -> [AuditEntry] {
        let rows = try db.query("SELECT seq, at, event, address, detail, mac FROM audit ORDER BY seq") {
            (
                AuditEntry(
                    seq: $0.int64(0), at: $0.int64(1), event: $0.text(2), address: $0.text(3), detail: $0.text(4)),
                $0.blob(5)
            )
        }
        var previous: [UInt8] = []
        for (entry, mac) in rows {
            let expected = Self.auditMAC(
                key: auditKey, previous: previous, seq: entry.seq, at: entry.at, event: entry.event,
                address: entry.address, detail: entry.detail)
            guard expected == mac else { throw .storage("the audit chain breaks at entry \(entry.seq)") }
            previous = mac
        }
        return rows.map(\.0)
    }

    // MARK: SIWE nonces and sessions

    public func insertNonce(_ nonce: String, address: String, message: String, expiresAt: Int64)
        throws(RegistryError)
    {
        try db.run(
            "INSERT INTO siwe_nonces (nonce, address, message, expires_at) VALUES (?, ?, ?, ?)",
            [.text(nonce), .text(address), .text(message), .integer(expiresAt)])
    }

    /// Consumes a nonce issued for `address` with exactly `message`: one compare-and-set; true when this call
    /// consumed it (unused, unexpired, same address and text).
    public func consumeNonce(_ nonce: String, address: String, message: String, now: Int64) throws(RegistryError)
        -> Bool
    {
        try db.run(
            """
            UPDATE siwe_nonces SET used_at = ? WHERE nonce = ? AND address = ? AND message = ? AND used_at IS NULL
            AND expires_at > ?
            """, [.integer(now), .text(nonce), .text(address), .text(message), .integer(now)]) == 1
    }

    public func insertSession(tokenHash: [UInt8], address: String, expiresAt: Int64, now: Int64) throws(RegistryError) {
        try db.transaction { () throws(RegistryError) in
            try db.run(
                "INSERT INTO sessions (token_hash, address, expires_at) VALUES (?, ?, ?)",
                [.blob(tokenHash), .text(address), .integer(expiresAt)])
            try audit("signed_in", address, "siwe", at: now)
        }
    }

    /// The address of a live session.
    public func sessionAddress(tokenHash: [UInt8], now: Int64) throws(RegistryError) -> String? {
        try db.query(
            "SELECT address FROM sessions WHERE token_hash = ? AND expires_at > ?", [.blob(tokenHash), .integer(now)]
        ) { $0.text(0) }.first
    }

    // MARK: Enrollment

    public enum EnrollmentStatus: String, Sendable { case pending, active }

    public func enrollmentStatus(address: String) throws(RegistryError) -> EnrollmentStatus? {
        try db.query("SELECT status FROM enrollments WHERE address = ?", [.text(address)]) {
            EnrollmentStatus(rawValue: $0.text(0))
        }.first ?? nil
    }

    /// Starts (or restarts, while still pending) an enrollment; false when it is already active.
    public func beginEnrollment(address: String, now: Int64) throws(RegistryError) -> Bool {
        try db.transaction { () throws(RegistryError) -> Bool in
            let changed = try db.run(
                """
                INSERT INTO enrollments (address, status, created_at) VALUES (?, 'pending', ?)
                ON CONFLICT (address) DO UPDATE SET created_at = excluded.created_at WHERE status = 'pending'
                """, [.text(address), .integer(now)])
            if changed == 1 { try audit("enrollment_started", address, "", at: now) }
            return changed == 1
        }
    }

    /// Confirms a pending enrollment (compare-and-set on the status); false when it was not pending.
    public func confirmEnrollment(address: String, step: UInt64, now: Int64) throws(RegistryError) -> Bool {
        try db.transaction { () throws(RegistryError) -> Bool in
            let changed = try db.run(
                """
                UPDATE enrollments SET status = 'active', confirmed_at = ?, confirmed_step = ?
                WHERE address = ? AND status = 'pending'
                """, [.integer(now), .integer(Int64(step)), .text(address)])
            if changed == 1 { try audit("enrollment_confirmed", address, "step \(step)", at: now) }
            return changed == 1
        }
    }

    // MARK: Token bucket

    /// Takes one token from the address's bucket (GCRA form of a token bucket: capacity `capacity`, one token per
    /// `intervalMs`), in one upsert whose `WHERE` is the bucket check. Returns nil when a token was taken, else the
    /// milliseconds until one is available.
    public func takeToken(address: String, nowMs: Int64, intervalMs: Int64, capacity: Int64) throws(RegistryError)
        -> Int64?
    {
        let burst = intervalMs * capacity
        let changed = try db.run(
            """
            INSERT INTO buckets (address, tat_ms) VALUES (?1, ?2 + ?3)
            ON CONFLICT (address) DO UPDATE SET tat_ms = max(tat_ms, ?2) + ?3 WHERE max(tat_ms, ?2) + ?3 - ?2 <= ?4
            """, [.text(address), .integer(nowMs), .integer(intervalMs), .integer(burst)])
        if changed == 1 { return nil }
        let tat = try db.query("SELECT tat_ms FROM buckets WHERE address = ?", [.text(address)]) { $0.int64(0) }.first
        return max(1, (tat ?? nowMs) + intervalMs - nowMs - burst)
    }

    // MARK: Requests

    /// A stored request.
    public struct StoredRequest: Sendable, Hashable {
        public let requestID: [UInt8]
        public let address: String
        public let scope: String
        public let step: UInt64
        public let sealedSalt: [UInt8]
        public let commitment: [UInt8]
        public let expiry: Int64
        public let status: String
        public let txHash: [UInt8]?
        public let attempts: Int
        public let releasedAt: Int64?
    }

    /// Records a new request before its `setOtp` is sent; refuses a request id already present (primary key).
    public func insertRequest(
        requestID: [UInt8], address: String, scope: String, step: UInt64, sealedSalt: [UInt8], commitment: [UInt8],
        expiry: Int64, now: Int64
    ) throws(RegistryError) {
        try db.transaction { () throws(RegistryError) in
            let existing = try db.query("SELECT 1 FROM requests WHERE request_id = ?", [.blob(requestID)]) { _ in 1 }
            guard existing.isEmpty else {
                throw RegistryError(
                    .internalError, "A request id was drawn twice.", internalDetail: "request id reused")
            }
            try db.run(
                """
                INSERT INTO requests (request_id, address, scope, step, sealed_salt, commitment, expiry, created_at, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')
                """,
                [
                    .blob(requestID), .text(address), .text(scope), .integer(Int64(step)), .blob(sealedSalt),
                    .blob(commitment), .integer(expiry), .integer(now),
                ])
            try audit("request_issued", address, "\(hex(requestID)) scope=\(scope)", at: now)
        }
    }

    /// Marks a pending request as on chain (`set`) or failed; compare-and-set on `pending`.
    public func finishRequest(requestID: [UInt8], onChain: Bool, txHash: [UInt8]?, now: Int64) throws(RegistryError) {
        try db.transaction { () throws(RegistryError) in
            let changed = try db.run(
                "UPDATE requests SET status = ?, tx_hash = ? WHERE request_id = ? AND status = 'pending'",
                [.text(onChain ? "set" : "failed"), txHash.map { .blob($0) } ?? .null, .blob(requestID)])
            let address =
                try db.query("SELECT address FROM requests WHERE request_id = ?", [.blob(requestID)]) {
                    $0.text(0)
                }.first ?? ""
            if changed == 1 {
                try audit(
                    onChain ? "request_on_chain" : "request_failed", address,
                    "\(hex(requestID)) tx=\(txHash.map(hex) ?? "-")", at: now)
            }
        }
    }

    public func request(_ requestID: [UInt8]) throws(RegistryError) -> StoredRequest? {
        try db.query(
            """
            SELECT request_id, address, scope, step, sealed_salt, commitment, expiry, status, tx_hash, attempts,
            released_at FROM requests WHERE request_id = ?
            """, [.blob(requestID)]
        ) {
            StoredRequest(
                requestID: $0.blob(0), address: $0.text(1), scope: $0.text(2), step: UInt64($0.int64(3)),
                sealedSalt: $0.blob(4), commitment: $0.blob(5), expiry: $0.int64(6), status: $0.text(7),
                txHash: $0.optionalBlob(8), attempts: Int($0.int64(9)), releasedAt: $0.optionalInt64(10))
        }.first
    }

    /// Reserves one of the request's three salt attempts (compare-and-set); false when none is left or the salt is
    /// already released.
    public func reserveSaltAttempt(_ requestID: [UInt8], maxAttempts: Int) throws(RegistryError) -> Bool {
        try db.run(
            """
            UPDATE requests SET attempts = attempts + 1
            WHERE request_id = ? AND attempts < ? AND released_at IS NULL AND status = 'set'
            """, [.blob(requestID), .integer(Int64(maxAttempts))]) == 1
    }

    /// Releases the salt after the right code: gives the reserved attempt back and sets `released_at`, once
    /// (compare-and-set); false when it was already released.
    public func releaseSalt(_ requestID: [UInt8], address: String, now: Int64) throws(RegistryError) -> Bool {
        try db.transaction { () throws(RegistryError) -> Bool in
            let changed = try db.run(
                """
                UPDATE requests SET released_at = ?, attempts = attempts - 1
                WHERE request_id = ? AND released_at IS NULL AND attempts > 0
                """, [.integer(now), .blob(requestID)])
            if changed == 1 { try audit("salt_released", address, hex(requestID), at: now) }
            return changed == 1
        }
    }

    /// Records a wrong code for a request (the attempt stays counted).
    public func recordFailedSaltAttempt(_ requestID: [UInt8], address: String, attempts: Int, now: Int64)
        throws(RegistryError)
    {
        try audit("salt_code_wrong", address, "\(hex(requestID)) attempts=\(attempts)", at: now)
    }
}

func hex(_ bytes: [UInt8]) -> String {
    "0x" + bytes.map { String(format: "%02x", $0) }.joined()
}
