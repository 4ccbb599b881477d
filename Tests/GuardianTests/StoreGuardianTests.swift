import ChainKit
import Crypto
import Foundation
import Guardian
import GuardianTestSupport
import OTP
import PostgresNIO
import Testing

@testable import GuardianPostgres
@testable import GuardianSQLite

/// The guardian on each store, through handles opened and closed as processes and nodes would: the race for one code
/// (also across two nodes on one store), state that survives a restart and is visible to every node at once,
/// encryption at rest, audit tampering through SQL, key rotation with crash recovery.
@Suite struct StoreGuardianTests {
    // MARK: One code, many requests

    @Test(arguments: StoreKind.allCases) func loggedOutSessionsCommitNothing(store: StoreKind) async throws {
        try await store.withStore { fixture in
            try await expectLoggedOutSessionsCommitNothing(try await fixture.harness())
        }
    }

    @Test(arguments: StoreKind.allCases) func hundredConcurrentCosignsWithOneCodeGiveOneSignature(store: StoreKind)
        async throws
    {
        try await store.withStore { fixture in
            let harness = try await fixture.harness {
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
            if store != .inMemory { #expect(try await fixture.rawCount("cosigns") == 1) }
        }
    }

    /// Two services on one store (two server processes on one SQLite file, two nodes on one PostgreSQL database): the
    /// per-wallet gate of each cannot see the other's requests, so only the store's compare-and-set stands between
    /// them.
    @Test(arguments: StoreKind.allCases) func twoNodesOnOneStoreStillGiveOneSignature(store: StoreKind) async throws {
        try await store.withStore { fixture in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            let limits: (inout GuardianConfiguration) -> Void = {
                $0.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1)
            }
            let first = try await fixture.harness(clock: clock, configure: limits)
            let second = try await fixture.harness(clock: clock, configure: limits)
            var wallets: [EnrolledWallet] = []
            for _ in 0..<5 { wallets.append(try await first.enroll()) }
            clock.advance(by: 30)
            for wallet in wallets {
                let tx = try TransactionFactory.standard(for: wallet)
                let code = try first.currentCode(wallet)
                let secondSession = try await second.login(wallet.owner)
                let services = [(first.service, wallet.session), (second.service, secondSession)]
                let outcomes = await withTaskGroup(of: GuardianError.Code?.self) { group in
                    for index in 0..<60 {
                        let (service, session) = services[index % 2]
                        group.addTask {
                            await errorCode {
                                try await service.cosign(
                                    session: session, wallet: wallet.address, transactionBase64: tx, code: code)
                            }
                        }
                    }
                    return await group.reduce(into: [GuardianError.Code?]()) { $0.append($1) }
                }
                #expect(outcomes.filter { $0 == nil }.count == 1, "\(outcomes)")
                #expect(outcomes.filter { $0 == .codeAlreadyUsed }.count == 59)
            }
            #expect(try await first.service.verifyAuditLog().isIntact)
        }
    }

    // MARK: Persistence

    @Test(arguments: StoreKind.persistent) func burnsLockoutsKeysAndTheAuditChainSurviveARestart(store: StoreKind)
        async throws
    {
        try await store.withStore { fixture in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            var harness = try await fixture.harness(clock: clock)
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
            await fixture.close(harness)

            harness = try await fixture.harness(clock: clock)
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
        }
    }

    /// A result in hand is committed: another node, with its own handle on the store, sees the burn at once.
    @Test(arguments: StoreKind.allCases) func everyReturnedResultIsVisibleToAnotherNodeAtOnce(store: StoreKind)
        async throws
    {
        try await store.withStore { fixture in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            let first = try await fixture.harness(clock: clock)
            let second = try await fixture.harness(clock: clock)
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
        }
    }

    // MARK: Encryption at rest

    /// No secret is in what the store keeps: the SQLite files' bytes, every PostgreSQL row as text (bytea as hex).
    @Test(arguments: StoreKind.persistent) func theDatabaseHoldsNoPlaintextSecret(store: StoreKind) async throws {
        try await store.withStore { fixture in
            let harness = try await fixture.harness()
            var secrets: [(String, [UInt8])] = []  // bytes: raw in the files, hex in PostgreSQL's text
            var texts: [(String, String)] = []  // text as it is
            var wallets: [EnrolledWallet] = []
            for _ in 0..<8 {
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
                secrets.append(("TOTP secret", uri.secret.bytes))
                secrets.append(("TOTP secret Base32", Array(uri.secret.base32.utf8)))
                secrets.append(("otpauth URI", Array(start.otpauthURI.utf8)))
                secrets.append(("session token", Array(grant.token.utf8)))
                texts.append(("TOTP secret Base32", uri.secret.base32))
                texts.append(("otpauth URI", start.otpauthURI))
                texts.append(("session token", grant.token))
                for code in confirmation.recoveryCodes { texts.append(("recovery code", code)) }
            }
            // The guardian seeds: recovered here through the public envelope API with the key file (as an operator
            // with the master key could), which also proves the stored ciphertexts are what we think they are.
            let master = try fixture.keyProvider.candidateKeys(creatingIfMissing: false)[0]
            for wallet in wallets {
                let record = try #require(try await harness.store.wallet(wallet.owner.publicKey))
                let dataKey = try KeyEnvelope.unwrapDataKey(
                    record.keys.wrappedDataKey, wallet: record.wallet, master: master)
                let seed = try KeyEnvelope.openSecret(
                    record.keys.sealedGuardianSeed, purpose: .guardianSeed, wallet: record.wallet, dataKey: dataKey)
                #expect(try SolanaKeypair(seed: seed).publicKey == wallet.guardian)
                secrets.append(("guardian seed", seed))
                secrets.append(("data key", dataKey.withUnsafeBytes { Array($0) }))
            }
            let masterBytes = try #require(Data(base64Encoded: master.exportBase64()))
            secrets.append(("master key", [UInt8](masterBytes)))
            texts.append(("master key text", master.exportBase64()))
            await fixture.close(harness)

            func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
            switch store {
            case .sqlite:
                var scanned = 0
                for file in try fixture.directory.files() where file.lastPathComponent.hasPrefix("guardian.sqlite") {
                    let bytes = [UInt8](try Data(contentsOf: file))
                    scanned += bytes.count
                    for (name, needle) in secrets + texts.map({ ($0.0, Array($0.1.utf8)) }) {
                        #expect(!bytes.contains(needle), "\(name) found in \(file.lastPathComponent)")
                    }
                }
                #expect(scanned > 0)
                // And the scan itself can find things: the wallets' public keys are stored in the clear.
                let database = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture.sqlitePath)))
                #expect(database.contains(wallets[0].owner.publicKey.bytes))
            case .postgres:
                // Every row of every table, as text (bytea in hex).
                let database = try #require(fixture.postgres)
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
                for (name, needle) in secrets.map({ ($0.0, hex($0.1)) }) + texts {
                    #expect(!text.contains(needle.lowercased()), "\(name) found in the database")
                }
                // And the scan can find things: the wallets' public keys are stored in the clear.
                #expect(text.contains(hex(wallets[0].owner.publicKey.bytes)))
            case .inMemory:
                Issue.record("no database to scan")
            }
        }
    }

    // MARK: Audit through SQL

    @Test(arguments: StoreKind.persistent) func auditTamperingThroughSQLIsReported(store: StoreKind) async throws {
        try await store.withStore { fixture in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            let harness = try await fixture.harness(clock: clock)
            for _ in 0..<3 {
                let wallet = try await harness.enroll()
                _ = try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address,
                    transactionBase64: TransactionFactory.standard(for: wallet), code: harness.nextCode(wallet))
            }
            if store == .sqlite { await fixture.close(harness) }  // the attacker owns the file
            let count = try #require(try await fixture.rawInteger("SELECT max(sequence) FROM audit_log"))
            if store == .postgres {
                try await fixture.postgres!.query("CREATE TABLE audit_backup AS SELECT * FROM audit_log")
            }

            /// What verification finds after `statements` ran with the append-only triggers off; then the log is put
            /// back as it was.
            func problems(after statements: String...) async throws -> [AuditProblem] {
                switch store {
                case .sqlite:
                    let url = URL(fileURLWithPath: fixture.sqlitePath)
                    let backup = try Data(contentsOf: url)
                    try fixture.withRawSQLite { db in
                        try db.execute("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
                        for statement in statements { try db.execute(statement) }
                    }
                    let reopened = try await fixture.harness(clock: clock)
                    let found = try await reopened.service.verifyAuditLog().problems
                    await fixture.close(reopened)
                    try backup.write(to: url)
                    return found
                default:
                    // Someone with the database's superuser: triggers off, rows rewritten, under the running node.
                    let database = fixture.postgres!
                    try await database.query("ALTER TABLE audit_log DISABLE TRIGGER USER")
                    for statement in statements { try await database.query(PostgresQuery(unsafeSQL: statement)) }
                    let found = try await harness.service.verifyAuditLog().problems
                    try await database.query("DELETE FROM audit_log")
                    try await database.query("INSERT INTO audit_log SELECT * FROM audit_backup")
                    try await database.query("ALTER TABLE audit_log ENABLE TRIGGER USER")
                    return found
                }
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

            // Untouched: intact, also through the read-only reader `audit verify` uses, which cannot write.
            switch store {
            case .sqlite:
                let reopened = try await fixture.harness(clock: clock)
                #expect(try await reopened.service.verifyAuditLog().isIntact)
                await fixture.close(reopened)
                let reader = try SQLiteAuditReader(path: fixture.sqlitePath)
                let report = try await GuardianService.verifyAuditLog(store: reader, keyProvider: fixture.keyProvider)
                #expect(report.isIntact && report.recordCount == count)
                #expect(throws: (any Error).self) { try reader.read { try $0.execute("DELETE FROM sessions") } }
            default:
                let database = fixture.postgres!
                #expect(try await harness.service.verifyAuditLog().isIntact)
                let reader = try await PostgresAuditReader.open(
                    configuration: database.configuration, options: database.storeOptions)
                let report = try await GuardianService.verifyAuditLog(store: reader, keyProvider: fixture.keyProvider)
                #expect(report.isIntact && report.recordCount == count)
                let write = await storeError {
                    try await reader.database.session { sql in try await sql.run("DELETE FROM sessions") }
                }
                #expect(write?.detail.contains("25006") == true, "\(String(describing: write))")
                await reader.close()
            }
        }
    }

    // MARK: Key rotation

    @Test(arguments: StoreKind.persistent) func rotationSurvivesARestartAndRetiresTheOldKey(store: StoreKind)
        async throws
    {
        try await store.withStore { fixture in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            var harness = try await fixture.harness(clock: clock)
            let wallet = try await harness.enroll()
            let oldKey = try fixture.keyProvider.candidateKeys(creatingIfMissing: false)[0]
            let report = try await harness.service.rotateMasterKey()
            #expect(report.fromKeyID == oldKey.id && report.walletsRewrapped == 1)
            await fixture.close(harness)

            let keys = fixture.directory.url
            let keyFile = try String(contentsOf: keys.appendingPathComponent("master.key"), encoding: .utf8)
            #expect(try MasterKey(text: keyFile).id == report.toKeyID)
            #expect(!FileManager.default.fileExists(atPath: keys.appendingPathComponent("master.key.next").path))
            harness = try await fixture.harness(clock: clock)
            let session = try await harness.login(wallet.owner)
            _ = try await harness.service.cosign(
                session: session, wallet: wallet.address, transactionBase64: TransactionFactory.standard(for: wallet),
                code: harness.nextCode(wallet))
            await fixture.close(harness)

            // The retired key no longer opens the database.
            let storeAgain = try await fixture.openStore()
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
        }
    }

    /// A rewrap that fails inside the rotation's transaction leaves every wallet and the keyring as they were.
    @Test(arguments: StoreKind.allCases) func aFailingRewrapRollsTheWholeRotationBack(store: StoreKind) async throws {
        try await store.withStore { fixture in
            let harness = try await fixture.harness()
            var wallets: [EnrolledWallet] = []
            for _ in 0..<3 { wallets.append(try await harness.enroll()) }
            let keyring = try #require(try await harness.store.loadKeyring())
            let before = try await harness.store.wallet(wallets[0].owner.publicKey)
            struct RewrapFailed: Error {}
            let calls = CallCounter()
            await #expect(throws: RewrapFailed.self) {
                try await harness.store.rotateKeys(
                    KeyRotation(fromKeyID: keyring.masterKeyID, toKeyID: "next", wrappedAuditKey: [1, 2, 3]) {
                        _, wrapped, _ in
                        guard calls.increment() < 2 else { throw RewrapFailed() }  // the third wallet fails
                        return wrapped + [0]
                    },
                    audit: AuditAppend(sealer: AuditSealer(key: .init(size: .bits256)), events: []))
            }
            #expect(try await harness.store.loadKeyring() == keyring)
            #expect(try await harness.store.wallet(wallets[0].owner.publicKey) == before)
            if store != .inMemory {
                #expect(try await fixture.rawCount("wallets", where: "master_key_id = 'next'") == 0)
            }
            #expect(try await harness.service.verifyAuditLog().isIntact)
        }
    }

    /// A crash between the database commit and the key-file rename: the staged key is found and promoted at start.
    @Test(arguments: StoreKind.persistent) func aRotationInterruptedAfterTheCommitIsCompletedAtStart(store: StoreKind)
        async throws
    {
        try await store.withStore { fixture in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            var harness = try await fixture.harness(clock: clock)
            let wallet = try await harness.enroll()
            let provider = fixture.keyProvider
            let oldKey = try provider.candidateKeys(creatingIfMissing: false)[0]
            let newKey = MasterKey.generate()
            _ = try await harness.service.rotateMasterKey(to: newKey)  // stages, commits and promotes…
            await fixture.close(harness)
            // …so undo the promotion on disk to recreate the crash window: old key current, new key staged.
            let keys = fixture.directory.url
            try FileManager.default.moveItem(
                at: keys.appendingPathComponent("master.key"), to: keys.appendingPathComponent("master.key.next"))
            #expect(
                FileManager.default.createFile(
                    atPath: keys.appendingPathComponent("master.key").path,
                    contents: Data((oldKey.exportBase64() + "\n").utf8), attributes: [.posixPermissions: 0o600]))

            harness = try await fixture.harness(clock: clock)
            #expect(try provider.candidateKeys(creatingIfMissing: false).map(\.id) == [newKey.id])
            let session = try await harness.login(wallet.owner)
            _ = try await harness.service.cosign(
                session: session, wallet: wallet.address, transactionBase64: TransactionFactory.standard(for: wallet),
                code: harness.nextCode(wallet))
        }
    }

    /// A crash after staging but before the database commit: the old key stays current and the service starts.
    @Test(arguments: StoreKind.persistent) func aRotationInterruptedBeforeTheCommitLeavesTheOldKey(store: StoreKind)
        async throws
    {
        try await store.withStore { fixture in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            var harness = try await fixture.harness(clock: clock)
            let wallet = try await harness.enroll()
            let provider = fixture.keyProvider
            let oldKey = try provider.candidateKeys(creatingIfMissing: false)[0]
            try provider.stage(MasterKey.generate())
            await fixture.close(harness)
            harness = try await fixture.harness(clock: clock)
            #expect(try provider.candidateKeys(creatingIfMissing: false)[0].id == oldKey.id)
            let session = try await harness.login(wallet.owner)
            _ = try await harness.service.cosign(
                session: session, wallet: wallet.address, transactionBase64: TransactionFactory.standard(for: wallet),
                code: harness.nextCode(wallet))
            let rotated = try await harness.service.rotateMasterKey()  // the stale staged key is simply replaced
            #expect(rotated.fromKeyID == oldKey.id)
        }
    }
}

/// A counter shared with a `@Sendable` closure.
final class CallCounter: @unchecked Sendable {
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

extension Array where Element == UInt8 {
    /// Whether `needle` occurs as a contiguous run.
    func contains(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        let first = needle[0]
        var index = 0
        while index <= count - needle.count {
            if self[index] == first && self[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
