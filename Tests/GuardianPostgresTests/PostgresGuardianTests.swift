import ChainKit
import Crypto
import Foundation
import Guardian
import GuardianTestSupport
import OTP
import PostgresNIO
import Testing

@testable import GuardianPostgres

/// The guardian on PostgreSQL (the SQLite store's suite, ported): the race for one code, state that survives a restart
/// and is visible to every node at once, encryption at rest, audit tampering through SQL, key rotation.
@Suite struct PostgresGuardianTests {
    // MARK: One code, many requests

    @Test func loggedOutSessionsCommitNothingOnPostgreSQL() async throws {
        try await withDatabase { database, keys in
            let (harness, store) = try await GuardianHarness.postgres(database, keys: keys)
            try await expectLoggedOutSessionsCommitNothing(harness)
            await store.close()
        }
    }

    @Test func hundredConcurrentCosignsWithOneCodeGiveOneSignature() async throws {
        try await withDatabase { database, keys in
            let (harness, store) = try await GuardianHarness.postgres(database, keys: keys) {
                $0.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1)
            }
            let wallet = try await harness.enroll()
            let tx = try TransactionFactory.standard(for: wallet)
            let code = try harness.nextCode(wallet)
            let service = harness.service
            let outcomes = await withTaskGroup(of: GuardianError.Code?.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        await errorCode {
                            try await service.cosign(
                                session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: code)
                        }
                    }
                }
                return await group.reduce(into: [GuardianError.Code?]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == nil }.count == 1)
            #expect(outcomes.filter { $0 == .codeAlreadyUsed }.count == 99)
            #expect(try await database.count("cosigns") == 1)
            await store.close()
        }
    }

    // MARK: Persistence

    @Test func burnsLockoutsKeysAndTheAuditChainSurviveARestart() async throws {
        try await withDatabase { database, keys in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            var (harness, store) = try await GuardianHarness.postgres(database, keys: keys, clock: clock)
            let burned = try await harness.enroll()
            let locked = try await harness.enroll()
            let tx = try TransactionFactory.standard(for: burned)
            let code = try harness.nextCode(burned)
            let result = try await harness.service.cosign(
                session: burned.session, wallet: burned.address, transactionBase64: tx, code: code)
            let lockedTx = try TransactionFactory.standard(for: locked)
            for _ in 0..<3 {
                _ = await errorCode {
                    try await harness.service.cosign(
                        session: locked.session, wallet: locked.address, transactionBase64: lockedTx,
                        code: harness.wrongCode(locked))
                }
            }
            let anchor = try await harness.service.auditAnchor()
            await store.close()

            (harness, store) = try await GuardianHarness.postgres(database, keys: keys, clock: clock)
            let session = try await harness.login(burned.owner)
            #expect(
                await errorCode {
                    try await harness.service.cosign(
                        session: session, wallet: burned.address, transactionBase64: tx, code: code)
                } == .codeAlreadyUsed)
            let lockedSession = try await harness.login(locked.owner)
            let lockedError = await guardianError {
                try await harness.service.cosign(
                    session: lockedSession, wallet: locked.address, transactionBase64: lockedTx,
                    code: harness.currentCode(locked))
            }
            #expect(lockedError?.code == .walletLocked)
            #expect(
                try await harness.service.guardianStatus(wallet: burned.address).guardianPublicKey == burned.guardian)
            #expect(
                try await harness.service.cosignRecord(operationID: result.operationID)?.signature == result.signature)
            #expect(try await harness.service.verifyAuditLog(anchor: anchor).isIntact)
            // The decrypted keys still work: the next code co-signs with the same guardian key.
            let next = try await harness.service.cosign(
                session: session, wallet: burned.address, transactionBase64: tx, code: harness.nextCode(burned))
            #expect(
                burned.guardian.isValidSignature(
                    next.signature, for: try SolanaTransaction(wireBytes: Data(base64Encoded: tx)!).messageBytes))
            await store.close()
        }
    }

    /// A result in hand is committed: another node, with its own pool, sees the burn at once.
    @Test func everyReturnedResultIsVisibleToAnotherNodeAtOnce() async throws {
        try await withDatabase { database, keys in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            let (first, firstStore) = try await GuardianHarness.postgres(database, keys: keys, clock: clock)
            let (second, secondStore) = try await GuardianHarness.postgres(database, keys: keys, clock: clock)
            let wallet = try await first.enroll()
            let tx = try TransactionFactory.standard(for: wallet)
            for _ in 0..<5 {
                let code = try first.nextCode(wallet)
                _ = try await first.service.cosign(
                    session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: code)
                let session = try await second.login(wallet.owner)
                #expect(
                    await errorCode {
                        try await second.service.cosign(
                            session: session, wallet: wallet.address, transactionBase64: tx, code: code)
                    } == .codeAlreadyUsed)
            }
            #expect(try await second.service.verifyAuditLog().isIntact)
            await closeAll([firstStore, secondStore])
        }
    }

    // MARK: Encryption at rest

    @Test func theDatabaseHoldsNoPlaintextSecret() async throws {
        try await withDatabase { database, keys in
            let (harness, store) = try await GuardianHarness.postgres(database, keys: keys)
            var needles: [(String, String)] = []  // as they would appear in the rows' text (bytea as hex)
            var wallets: [EnrolledWallet] = []
            func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
            for _ in 0..<4 {
                let owner = SolanaKeypair()
                let challenge = try await harness.service.challenge(wallet: owner.publicKey.base58)
                let grant = try await harness.service.verifyChallenge(
                    id: challenge.id, signature: owner.sign(Array(challenge.message.utf8)))
                let session = try await harness.service.authenticate(token: grant.token)
                let start = try await harness.service.beginEnrollment(
                    session: session, wallet: owner.publicKey.base58)
                let uri = try OTPAuthURI(parsing: start.otpauthURI)
                let confirmation = try await harness.service.confirmEnrollment(
                    session: session, wallet: owner.publicKey.base58,
                    code: uri.totp()!.code(at: harness.clock.unixSeconds()))
                let wallet = EnrolledWallet(
                    owner: owner, session: session, guardian: start.guardianPublicKey, totp: try uri.totp()!)
                _ = try await harness.service.cosign(
                    session: session, wallet: wallet.address,
                    transactionBase64: TransactionFactory.standard(for: wallet), code: harness.nextCode(wallet))
                wallets.append(wallet)
                needles.append(("TOTP secret", hex(uri.secret.bytes)))
                needles.append(("TOTP secret Base32", uri.secret.base32))
                needles.append(("otpauth URI", start.otpauthURI))
                needles.append(("session token", grant.token))
                needles.append(("session token bytes", hex(Array(grant.token.utf8))))
                for code in confirmation.recoveryCodes { needles.append(("recovery code", code)) }
            }
            let master = try FileMasterKeyProvider(directory: keys.url).candidateKeys(creatingIfMissing: false)[0]
            for wallet in wallets {
                let record = try #require(try await store.wallet(wallet.owner.publicKey))
                let dataKey = try KeyEnvelope.unwrapDataKey(
                    record.keys.wrappedDataKey, wallet: record.wallet, master: master)
                let seed = try KeyEnvelope.openSecret(
                    record.keys.sealedGuardianSeed, purpose: .guardianSeed, wallet: record.wallet, dataKey: dataKey)
                #expect(try SolanaKeypair(seed: seed).publicKey == wallet.guardian)
                needles.append(("guardian seed", hex(seed)))
                needles.append(("data key", hex(dataKey.withUnsafeBytes { Array($0) })))
            }
            let masterBytes = try #require(Data(base64Encoded: master.exportBase64()))
            needles.append(("master key", hex([UInt8](masterBytes))))
            needles.append(("master key text", master.exportBase64()))
            await store.close()

            // Every row of every table, as text (bytea in hex).
            let tables = try await database.query(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
            ).map { try $0.decode(String.self) }
            #expect(tables.contains("wallets") && tables.contains("audit_log"))
            var dump = ""
            for table in tables {
                let rows = try await database.query(PostgresQuery(unsafeSQL: "SELECT t::text FROM \(table) t"))
                for row in rows { dump += try row.decode(String.self) + "\n" }
            }
            let text = dump.lowercased()
            for (name, needle) in needles {
                #expect(!text.contains(needle.lowercased()), "\(name) found in the database")
            }
            // And the scan can find things: the wallets' public keys are stored in the clear.
            #expect(text.contains(hex(wallets[0].owner.publicKey.bytes)))
        }
    }

    // MARK: Audit through SQL

    @Test func auditTamperingThroughSQLIsReported() async throws {
        try await withDatabase { database, keys in
            let (harness, store) = try await GuardianHarness.postgres(database, keys: keys)
            for _ in 0..<3 {
                let wallet = try await harness.enroll()
                _ = try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address,
                    transactionBase64: TransactionFactory.standard(for: wallet), code: harness.nextCode(wallet))
            }
            let count = try #require(try await database.scalar("SELECT max(sequence) FROM audit_log", as: Int64.self))
            try await database.query("CREATE TABLE audit_backup AS SELECT * FROM audit_log")

            func problems(after statements: String...) async throws -> [AuditProblem] {
                // Someone with the database's superuser: triggers off, rows rewritten.
                try await database.query("ALTER TABLE audit_log DISABLE TRIGGER USER")
                for statement in statements { try await database.query(PostgresQuery(unsafeSQL: statement)) }
                let found = try await harness.service.verifyAuditLog().problems
                try await database.query("DELETE FROM audit_log")
                try await database.query("INSERT INTO audit_log SELECT * FROM audit_backup")
                try await database.query("ALTER TABLE audit_log ENABLE TRIGGER USER")
                return found
            }

            #expect(
                try await problems(after: "UPDATE audit_log SET detail = 'step=1' WHERE sequence = 5") == [
                    AuditProblem(kind: .edited, sequence: 5)
                ])
            #expect(
                try await problems(after: "UPDATE audit_log SET at_ms = at_ms - 60000 WHERE sequence = 6") == [
                    AuditProblem(kind: .edited, sequence: 6)
                ])
            #expect(
                try await problems(after: "UPDATE audit_log SET wallet = NULL WHERE sequence = 7") == [
                    AuditProblem(kind: .edited, sequence: 7)
                ])
            #expect(
                try await problems(after: "DELETE FROM audit_log WHERE sequence = 4") == [
                    AuditProblem(kind: .missingOrReordered, sequence: 5)
                ])
            let swapped = try await problems(
                after: "UPDATE audit_log SET sequence = -1 WHERE sequence = 2",
                "UPDATE audit_log SET sequence = 2 WHERE sequence = 3",
                "UPDATE audit_log SET sequence = 3 WHERE sequence = -1")
            #expect(!swapped.isEmpty && swapped.allSatisfy { (2...4).contains($0.sequence) })
            #expect(
                try await problems(after: "DELETE FROM audit_log WHERE sequence > \(count - 2)") == [
                    AuditProblem(kind: .truncated, sequence: count - 2)
                ])
            #expect(
                try await problems(after: "UPDATE audit_log SET kind = 'wallet_unlocked' WHERE sequence = 3").contains(
                    AuditProblem(kind: .edited, sequence: 3)))
            #expect(
                try await problems(after: "UPDATE audit_log SET kind = 'no_such_kind' WHERE sequence = 3").contains(
                    AuditProblem(kind: .edited, sequence: 3)))
            // Untouched: intact, also through the read-only reader `audit verify` uses.
            #expect(try await harness.service.verifyAuditLog().isIntact)
            let reader = try await PostgresAuditReader.open(
                configuration: database.configuration, options: database.storeOptions)
            let report = try await GuardianService.verifyAuditLog(
                store: reader, keyProvider: FileMasterKeyProvider(directory: keys.url))
            #expect(report.isIntact && report.recordCount == count)
            // The reader cannot write.
            let write = await storeError {
                try await reader.database.session { sql in try await sql.run("DELETE FROM sessions") }
            }
            #expect(write?.detail.contains("25006") == true, "\(String(describing: write))")
            await reader.close()
            await store.close()
        }
    }

    // MARK: Key rotation

    @Test func rotationSurvivesARestartAndRetiresTheOldKey() async throws {
        try await withDatabase { database, keys in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            var (harness, store) = try await GuardianHarness.postgres(database, keys: keys, clock: clock)
            let wallet = try await harness.enroll()
            let oldKey = try FileMasterKeyProvider(directory: keys.url).candidateKeys(creatingIfMissing: false)[0]
            let report = try await harness.service.rotateMasterKey()
            #expect(report.fromKeyID == oldKey.id && report.walletsRewrapped == 1)
            await store.close()

            (harness, store) = try await GuardianHarness.postgres(database, keys: keys, clock: clock)
            let session = try await harness.login(wallet.owner)
            _ = try await harness.service.cosign(
                session: session, wallet: wallet.address, transactionBase64: TransactionFactory.standard(for: wallet),
                code: harness.nextCode(wallet))
            await store.close()

            // The retired key no longer opens the database.
            let storeAgain = try await database.openStore()
            let error = await guardianError {
                try await GuardianService.start(
                    store: storeAgain, keyProvider: StaticMasterKeyProvider([oldKey]),
                    configuration: GuardianHarness.configuration())
            }
            #expect(error?.code == .masterKeyMismatch)
            // A rotation from a key id the database no longer has is a conflict, and changes nothing.
            let stale = await storeError {
                try await storeAgain.rotateKeys(
                    KeyRotation(fromKeyID: oldKey.id, toKeyID: "other", wrappedAuditKey: [1]) { _, wrapped, _ in
                        wrapped
                    },
                    audit: AuditAppend(sealer: AuditSealer(key: .init(size: .bits256)), events: []))
            }
            #expect(stale?.kind == .conflict)
            #expect(try await storeAgain.loadKeyring()?.masterKeyID == report.toKeyID)
            await storeAgain.close()
        }
    }

    /// A rewrap that fails inside the rotation's transaction leaves every wallet and the keyring as they were.
    @Test func aFailingRewrapRollsTheWholeRotationBack() async throws {
        try await withDatabase { database, keys in
            let (harness, store) = try await GuardianHarness.postgres(database, keys: keys)
            var wallets: [EnrolledWallet] = []
            for _ in 0..<3 { wallets.append(try await harness.enroll()) }
            let keyring = try #require(try await store.loadKeyring())
            let before = try await store.wallet(wallets[0].owner.publicKey)
            struct RewrapFailed: Error {}
            let calls = Counter()
            await #expect(throws: RewrapFailed.self) {
                try await store.rotateKeys(
                    KeyRotation(fromKeyID: keyring.masterKeyID, toKeyID: "next", wrappedAuditKey: [1, 2, 3]) {
                        _, wrapped, _ in
                        guard calls.increment() < 2 else { throw RewrapFailed() }  // the third wallet fails
                        return wrapped + [0]
                    },
                    audit: AuditAppend(sealer: AuditSealer(key: .init(size: .bits256)), events: []))
            }
            #expect(try await store.loadKeyring() == keyring)
            #expect(try await store.wallet(wallets[0].owner.publicKey) == before)
            #expect(try await database.count("wallets", where: "master_key_id = 'next'") == 0)
            #expect(try await harness.service.verifyAuditLog().isIntact)
            await store.close()
        }
    }

    /// A crash between the database commit and the key-file rename: the staged key is found and promoted at start.
    @Test func aRotationInterruptedAfterTheCommitIsCompletedAtStart() async throws {
        try await withDatabase { database, keys in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            var (harness, store) = try await GuardianHarness.postgres(database, keys: keys, clock: clock)
            let wallet = try await harness.enroll()
            let provider = FileMasterKeyProvider(directory: keys.url)
            let oldKey = try provider.candidateKeys(creatingIfMissing: false)[0]
            let newKey = MasterKey.generate()
            _ = try await harness.service.rotateMasterKey(to: newKey)
            await store.close()
            try FileManager.default.moveItem(
                at: keys.url.appendingPathComponent("master.key"),
                to: keys.url.appendingPathComponent("master.key.next"))
            #expect(
                FileManager.default.createFile(
                    atPath: keys.url.appendingPathComponent("master.key").path,
                    contents: Data((oldKey.exportBase64() + "\n").utf8), attributes: [.posixPermissions: 0o600]))

            (harness, store) = try await GuardianHarness.postgres(database, keys: keys, clock: clock)
            #expect(try provider.candidateKeys(creatingIfMissing: false).map(\.id) == [newKey.id])
            let session = try await harness.login(wallet.owner)
            _ = try await harness.service.cosign(
                session: session, wallet: wallet.address, transactionBase64: TransactionFactory.standard(for: wallet),
                code: harness.nextCode(wallet))
            await store.close()
        }
    }
}

/// A counter shared with a `@Sendable` closure.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// Adds one and returns the value before.
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}
