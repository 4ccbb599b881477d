import ChainKit
import Foundation
import Guardian
import NIOCore
import OTP
import PostgresNIO

// MARK: - Shared SQL and conversions

/// Statements and conversions the store and the audit reader share. Times are milliseconds since the Unix epoch and
/// steps signed 64-bit integers, as in the SQLite store.
enum PostgresStoreSQL {
    static let walletColumns =
        "wallet, state, guardian_public_key, master_key_id, wrapped_data_key, sealed_totp_secret, sealed_guardian_seed, totp_algorithm, totp_digits, totp_period, last_accepted_step, consecutive_failures, locked_until_ms, created_at_ms, activated_at_ms"

    // MARK: Reads shared with the audit reader

    static func loadKeyring(_ sql: PostgresSession) async throws -> StoredKeyring? {
        guard
            let (keyID, wrapped) = try await sql.first(
                "SELECT master_key_id, wrapped_audit_key FROM keyring WHERE id = 1", as: (String, ByteBuffer).self)
        else { return nil }
        return StoredKeyring(masterKeyID: keyID, wrappedAuditKey: bytes(wrapped))
    }

    static func auditRecords(_ sql: PostgresSession, after sequence: Int64, limit: Int) async throws -> [AuditRecord] {
        let rows = try await sql.rows(
            "SELECT sequence, at_ms, kind, wallet, operation_id, detail, previous_mac, mac FROM audit_log WHERE sequence > \(sequence) ORDER BY sequence LIMIT \(Int64(max(0, limit)))"
        )
        return try rows.map { row in
            let (number, at, kindText, wallet, operationID, detail, previousMAC, mac) = try row.decode(
                (Int64, Int64, String, ByteBuffer?, String?, String, ByteBuffer, ByteBuffer).self)
            // An unknown kind is tampering or a newer writer: keep the raw text so the MAC check reports it.
            let kind = AuditEvent.Kind(rawValue: kindText)
            let event = AuditEvent(
                kind: kind ?? .codeRejected, atMilliseconds: at, wallet: try wallet.map { try publicKey(bytes($0)) },
                operationID: operationID, detail: kind == nil ? "unknown_kind=" + kindText : detail)
            return AuditRecord(sequence: number, event: event, previousMAC: bytes(previousMAC), mac: bytes(mac))
        }
    }

    static func auditHead(_ sql: PostgresSession) async throws -> AuditAnchor? {
        guard
            let (sequence, mac) = try await sql.first(
                "SELECT sequence, mac FROM audit_head WHERE id = 1", as: (Int64, ByteBuffer?).self)
        else { throw GuardianStoreError(.corrupt, "the audit_head row is missing") }
        return try anchor(sequence: sequence, mac: mac)
    }

    /// The head as stored: nil for an empty chain (sequence 0, no MAC).
    static func anchor(sequence: Int64, mac: ByteBuffer?) throws -> AuditAnchor? {
        switch (sequence, mac) {
        case (0, nil): return nil
        case (let sequence, let mac?) where sequence > 0: return AuditAnchor(sequence: sequence, mac: bytes(mac))
        default: throw GuardianStoreError(.corrupt, "the audit head (sequence \(sequence)) is inconsistent")
        }
    }

    // MARK: Wallet rows

    static func readWallet(_ sql: PostgresSession, _ wallet: SolanaPublicKey) async throws -> WalletRecord? {
        guard
            let row = try await sql.rows(
                "SELECT \(unescaped: walletColumns) FROM wallets WHERE wallet = \(buffer(wallet))"
            ).first
        else { return nil }
        return try decodeWallet(row, wallet)
    }

    static func decodeWallet(_ row: PostgresRow, _ wallet: SolanaPublicKey) throws -> WalletRecord {
        let (
            _, stateText, guardian, keyID, wrappedDataKey, sealedSecret, sealedSeed, algorithmText, digits, period,
            step, failures, lockedUntil, createdAt, activatedAt
        ) = try row.decode(
            (
                ByteBuffer, String, ByteBuffer, String, ByteBuffer, ByteBuffer, ByteBuffer, String, Int64, Int64,
                Int64?, Int64, Int64?, Int64, Int64?
            ).self)
        guard let state = EnrollmentState(rawValue: stateText), let algorithm = OTPAlgorithm(rawValue: algorithmText)
        else { throw GuardianStoreError(.corrupt, "wallet row has an unknown state or algorithm") }
        guard let digits = Int(exactly: digits), let period = Int(exactly: period),
            let failures = Int(exactly: failures)
        else { throw GuardianStoreError(.corrupt, "wallet row has an out-of-range integer") }
        return WalletRecord(
            wallet: wallet, state: state, guardianPublicKey: try publicKey(bytes(guardian)),
            keys: SealedWalletKeys(
                masterKeyID: keyID, wrappedDataKey: bytes(wrappedDataKey), sealedTOTPSecret: bytes(sealedSecret),
                sealedGuardianSeed: bytes(sealedSeed)),
            totp: TOTPParameters(algorithm: algorithm, digits: digits, period: period),
            lastAcceptedStep: try step.map(unsignedStep),
            lockout: LockoutState(consecutiveFailures: failures, lockedUntil: lockedUntil.map(date)),
            createdAt: date(createdAt), activatedAt: activatedAt.map(date))
    }

    /// ``SessionCondition``, checked inside the caller's transaction: the session row exists (no logout), belongs to the
    /// wallet and has not expired. `FOR SHARE` keeps it from being deleted (a logout waits) until the commit, so a
    /// logout is ordered entirely before or entirely after the write that checked it — in the audit chain too.
    static func sessionIsLive(_ sql: PostgresSession, _ condition: SessionCondition) async throws -> Bool {
        try await sql.count(
            """
            SELECT 1 FROM sessions WHERE token_hash = \(ByteBuffer(bytes: condition.tokenHash)) AND wallet = \(buffer(condition.wallet))
                AND expires_at_ms > \(milliseconds(condition.at)) FOR SHARE
            """) == 1
    }

    /// The compare-and-set that makes a TOTP step single-use: the wallet's last accepted step becomes `step` only if it
    /// is absent or smaller (and `activeOnly` wants the wallet active); a success clears the lockout. READ COMMITTED
    /// re-evaluates the condition on the newest row version after waiting for a concurrent writer, so of two
    /// transactions burning the same step exactly one changes the row. Returns whether it did.
    static func burnStep(_ sql: PostgresSession, wallet: SolanaPublicKey, step: Int64, activeOnly: Bool) async throws
        -> Bool
    {
        try await sql.count(
            """
            UPDATE wallets SET last_accepted_step = \(step), consecutive_failures = 0, locked_until_ms = NULL
            WHERE wallet = \(buffer(wallet)) AND (last_accepted_step IS NULL OR last_accepted_step < \(step))
                \(unescaped: activeOnly ? "AND state = 'active'" : "")
            RETURNING 1
            """) == 1
    }

    // MARK: Conversions

    static func buffer(_ key: SolanaPublicKey) -> ByteBuffer { ByteBuffer(bytes: key.bytes) }

    static func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000) }

    static func publicKey(_ bytes: [UInt8]) throws -> SolanaPublicKey {
        do { return try SolanaPublicKey(bytes: bytes) } catch {
            throw GuardianStoreError(.corrupt, "stored key is not 32 bytes")
        }
    }

    /// Steps are stored as signed 64-bit `bigint`; a step beyond 2^63 − 1 (year ~10^11 at 30 s) is refused.
    static func storedStep(_ step: UInt64) throws -> Int64 {
        guard let stored = Int64(exactly: step) else {
            throw GuardianStoreError(.corrupt, "TOTP step \(step) exceeds the storable range")
        }
        return stored
    }

    static func unsignedStep(_ stored: Int64) throws -> UInt64 {
        guard let step = UInt64(exactly: stored) else { throw GuardianStoreError(.corrupt, "negative stored step") }
        return step
    }

    static func storedSequence(_ sequence: UInt64) throws -> Int64 {
        guard let stored = Int64(exactly: sequence) else {
            throw GuardianStoreError(.corrupt, "governance sequence \(sequence) exceeds the storable range")
        }
        return stored
    }
}
