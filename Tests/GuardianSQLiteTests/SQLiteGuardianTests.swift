import ChainKit
import Crypto
import Foundation
import Guardian
import GuardianTestSupport
import OTP
import Testing

@testable import GuardianSQLite

/// The guardian on its real store: the race for one code, persistence across restarts and crashes, encryption at rest,
/// audit tampering through SQL, key rotation with crash recovery.
@Suite struct SQLiteGuardianTests {
    // MARK: One code, many requests

    @Test func loggedOutSessionsCommitNothingOnSQLite() async throws {
        let directory = try DataDirectory()
        let (harness, store) = try await GuardianHarness.sqlite(directory)
        defer { store.close() }
        try await expectLoggedOutSessionsCommitNothing(harness)
    }

    @Test func hundredConcurrentCosignsWithOneCodeGiveOneSignature() async throws {
        let directory = try DataDirectory()
        let (harness, store) = try await GuardianHarness.sqlite(directory) {
            $0.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1)
        }
        defer { store.close() }
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
        let cosigns = try withRawDatabase(store.databasePath) { db in
            try db.queryOne("SELECT count(*) FROM cosigns") { $0.int64(0) }
        }
        #expect(cosigns == 1)
    }

    /// Two service instances (as two server processes would be) on one database file: the per-wallet gate of each
    /// cannot see the other's requests, so only the database compare-and-set stands between them.
    @Test func twoInstancesOnOneDatabaseStillGiveOneSignature() async throws {
        let directory = try DataDirectory()
        let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
        let limits: (inout GuardianConfiguration) -> Void = {
            $0.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1)
        }
        let (first, firstStore) = try await GuardianHarness.sqlite(directory, clock: clock, configure: limits)
        let (second, secondStore) = try await GuardianHarness.sqlite(directory, clock: clock, configure: limits)
        defer {
            firstStore.close()
            secondStore.close()
        }
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

    // MARK: Persistence

    @Test func burnsLockoutsKeysAndTheAuditChainSurviveARestart() async throws {
        let directory = try DataDirectory()
        let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
        var (harness, store) = try await GuardianHarness.sqlite(directory, clock: clock)
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
        store.close()

        (harness, store) = try await GuardianHarness.sqlite(directory, clock: clock)
        defer { store.close() }
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
        #expect(try await harness.service.guardianStatus(wallet: burned.address).guardianPublicKey == burned.guardian)
        #expect(try await harness.service.cosignRecord(operationID: result.operationID)?.signature == result.signature)
        #expect(try await harness.service.verifyAuditLog(anchor: anchor).isIntact)
        // The decrypted keys still work: the next code co-signs with the same guardian key.
        let next = try await harness.service.cosign(
            session: session, wallet: burned.address, transactionBase64: tx, code: harness.nextCode(burned))
        #expect(
            burned.guardian.isValidSignature(
                next.signature, for: try SolanaTransaction(wireBytes: Data(base64Encoded: tx)!).messageBytes))
    }

    /// The files as a crash leaves them (copied while the store is still open, WAL not checkpointed): every call that
    /// returned is in them.
    @Test func everyReturnedResultIsInTheFilesAtOnce() async throws {
        let directory = try DataDirectory()
        let options = { () -> SQLiteGuardianStore.Options in
            var o = SQLiteGuardianStore.Options()
            o.checkpointInterval = 3_600
            return o
        }()
        let (harness, store) = try await GuardianHarness.sqlite(directory, options: options)
        defer { store.close() }
        let wallet = try await harness.enroll()
        let code = try harness.nextCode(wallet)
        let tx = try TransactionFactory.standard(for: wallet)
        _ = try await harness.service.cosign(
            session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: code)

        let crashed = try directory.crashCopy()
        let (recovered, recoveredStore) = try await GuardianHarness.sqlite(crashed, clock: harness.clock)
        defer { recoveredStore.close() }
        let session = try await recovered.login(wallet.owner)
        #expect(
            await errorCode {
                try await recovered.service.cosign(
                    session: session, wallet: wallet.address, transactionBase64: tx, code: code)
            } == .codeAlreadyUsed)
        #expect(try await recovered.service.verifyAuditLog().isIntact)
    }

    // MARK: Encryption at rest

    @Test func theDatabaseFilesHoldNoPlaintextSecret() async throws {
        let directory = try DataDirectory()
        let (harness, store) = try await GuardianHarness.sqlite(directory)
        var needles: [(String, [UInt8])] = []
        var wallets: [(EnrolledWallet, OTPSecret)] = []
        for _ in 0..<8 {
            let owner = SolanaKeypair()
            let challenge = try await harness.service.challenge(wallet: owner.publicKey.base58)
            let grant = try await harness.service.verifyChallenge(
                id: challenge.id, signature: owner.sign(Array(challenge.message.utf8)))
            let session = try await harness.service.authenticate(token: grant.token)
            let start = try await harness.service.beginEnrollment(session: session, wallet: owner.publicKey.base58)
            let uri = try OTPAuthURI(parsing: start.otpauthURI)
            _ = try await harness.service.confirmEnrollment(
                session: session, wallet: owner.publicKey.base58,
                code: uri.totp()!.code(at: harness.clock.unixSeconds()))
            let wallet = EnrolledWallet(
                owner: owner, session: session, guardian: start.guardianPublicKey, totp: try uri.totp()!)
            _ = try await harness.service.cosign(
                session: session, wallet: wallet.address, transactionBase64: TransactionFactory.standard(for: wallet),
                code: harness.nextCode(wallet))
            wallets.append((wallet, uri.secret))
            needles.append(("TOTP secret", uri.secret.bytes))
            needles.append(("TOTP secret Base32", Array(uri.secret.base32.utf8)))
            needles.append(("otpauth URI", Array(start.otpauthURI.utf8)))
            needles.append(("session token", Array(grant.token.utf8)))
        }
        // The guardian seeds: recovered here through the public envelope API with the key file (as an operator with
        // the master key could), which also proves the stored ciphertexts are what we think they are.
        let master = try FileMasterKeyProvider(directory: directory.url).candidateKeys(creatingIfMissing: false)[0]
        for (wallet, _) in wallets {
            let record = try #require(try await store.wallet(wallet.owner.publicKey))
            let dataKey = try KeyEnvelope.unwrapDataKey(
                record.keys.wrappedDataKey, wallet: record.wallet, master: master)
            let seed = try KeyEnvelope.openSecret(
                record.keys.sealedGuardianSeed, purpose: .guardianSeed, wallet: record.wallet, dataKey: dataKey)
            #expect(try SolanaKeypair(seed: seed).publicKey == wallet.guardian)
            needles.append(("guardian seed", seed))
            needles.append(("data key", dataKey.withUnsafeBytes { Array($0) }))
        }
        let masterBytes = try #require(Data(base64Encoded: master.exportBase64()))
        needles.append(("master key", [UInt8](masterBytes)))
        store.close()

        var scanned = 0
        for file in try directory.files() where file.lastPathComponent.hasPrefix("guardian.sqlite") {
            let bytes = [UInt8](try Data(contentsOf: file))
            scanned += bytes.count
            for (name, needle) in needles {
                #expect(!bytes.contains(needle), "\(name) found in \(file.lastPathComponent)")
            }
        }
        #expect(scanned > 0)
        // And the scan itself can find things: the wallets' public keys are stored in the clear.
        let database = [UInt8](try Data(contentsOf: directory.url.appendingPathComponent("guardian.sqlite")))
        #expect(database.contains(wallets[0].0.owner.publicKey.bytes))
    }

    // MARK: Audit through SQL

    @Test func auditTamperingThroughSQLIsReported() async throws {
        let directory = try DataDirectory()
        var (harness, store) = try await GuardianHarness.sqlite(directory)
        for _ in 0..<3 {
            let wallet = try await harness.enroll()
            _ = try await harness.service.cosign(
                session: wallet.session, wallet: wallet.address,
                transactionBase64: TransactionFactory.standard(for: wallet), code: harness.nextCode(wallet))
        }
        let clock = harness.clock
        let path = store.databasePath
        store.close()
        let count = try withRawDatabase(path) {
            try $0.queryOne("SELECT max(sequence) FROM audit_log") { $0.int64(0) }!
        }

        func problems(after sql: String) async throws -> [AuditProblem] {
            let backup = try Data(contentsOf: URL(fileURLWithPath: path))
            try withRawDatabase(path) { db in
                // an attacker owns the file
                try db.execute("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
                try db.execute(sql)
            }
            (harness, store) = try await GuardianHarness.sqlite(directory, clock: clock)
            let found = try await harness.service.verifyAuditLog().problems
            store.close()
            try backup.write(to: URL(fileURLWithPath: path))
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
            after: """
                UPDATE audit_log SET sequence = -1 WHERE sequence = 2;
                UPDATE audit_log SET sequence = 2 WHERE sequence = 3;
                UPDATE audit_log SET sequence = 3 WHERE sequence = -1;
                """)
        #expect(!swapped.isEmpty && swapped.allSatisfy { (2...4).contains($0.sequence) })
        #expect(
            try await problems(after: "DELETE FROM audit_log WHERE sequence > \(count - 2)") == [
                AuditProblem(kind: .truncated, sequence: count - 2)
            ])
        #expect(
            try await problems(after: "UPDATE audit_log SET kind = 'wallet_unlocked' WHERE sequence = 3").contains(
                AuditProblem(kind: .edited, sequence: 3)))
        // Untouched: intact.
        (harness, store) = try await GuardianHarness.sqlite(directory, clock: clock)
        #expect(try await harness.service.verifyAuditLog().isIntact)
        store.close()
    }

    // MARK: Key rotation

    @Test func rotationSurvivesARestartAndRetiresTheOldKey() async throws {
        let directory = try DataDirectory()
        let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
        var (harness, store) = try await GuardianHarness.sqlite(directory, clock: clock)
        let wallet = try await harness.enroll()
        let oldKey = try FileMasterKeyProvider(directory: directory.url).candidateKeys(creatingIfMissing: false)[0]
        let report = try await harness.service.rotateMasterKey()
        #expect(report.fromKeyID == oldKey.id && report.walletsRewrapped == 1)
        store.close()

        let keyFile = try String(contentsOf: directory.url.appendingPathComponent("master.key"), encoding: .utf8)
        #expect(try MasterKey(text: keyFile).id == report.toKeyID)
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("master.key.next").path))
        (harness, store) = try await GuardianHarness.sqlite(directory, clock: clock)
        let session = try await harness.login(wallet.owner)
        _ = try await harness.service.cosign(
            session: session, wallet: wallet.address, transactionBase64: TransactionFactory.standard(for: wallet),
            code: harness.nextCode(wallet))
        store.close()

        // The retired key no longer opens the database.
        let storeAgain = try await SQLiteGuardianStore.open(directory: directory.url)
        defer { storeAgain.close() }
        let error = await guardianError {
            try await GuardianService.start(
                store: storeAgain, keyProvider: StaticMasterKeyProvider([oldKey]),
                configuration: GuardianHarness.configuration())
        }
        #expect(error?.code == .masterKeyMismatch)
    }

    /// A crash between the database commit and the key-file rename: the staged key is found and promoted at start.
    @Test func aRotationInterruptedAfterTheCommitIsCompletedAtStart() async throws {
        let directory = try DataDirectory()
        let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
        var (harness, store) = try await GuardianHarness.sqlite(directory, clock: clock)
        let wallet = try await harness.enroll()
        let provider = FileMasterKeyProvider(directory: directory.url)
        let oldKey = try provider.candidateKeys(creatingIfMissing: false)[0]
        let newKey = MasterKey.generate()
        _ = try await harness.service.rotateMasterKey(to: newKey)  // stages, commits and promotes…
        store.close()
        // …so undo the promotion on disk to recreate the crash window: old key current, new key staged.
        try FileManager.default.moveItem(
            at: directory.url.appendingPathComponent("master.key"),
            to: directory.url.appendingPathComponent("master.key.next"))
        let oldText = oldKey.exportBase64() + "\n"
        let oldPath = directory.url.appendingPathComponent("master.key").path
        #expect(
            FileManager.default.createFile(
                atPath: oldPath, contents: Data(oldText.utf8), attributes: [.posixPermissions: 0o600]))

        (harness, store) = try await GuardianHarness.sqlite(directory, clock: clock)
        defer { store.close() }
        #expect(try provider.candidateKeys(creatingIfMissing: false).map(\.id) == [newKey.id])
        let session = try await harness.login(wallet.owner)
        _ = try await harness.service.cosign(
            session: session, wallet: wallet.address, transactionBase64: TransactionFactory.standard(for: wallet),
            code: harness.nextCode(wallet))
    }

    /// A crash after staging but before the database commit: the old key stays current and the service starts.
    @Test func aRotationInterruptedBeforeTheCommitLeavesTheOldKey() async throws {
        let directory = try DataDirectory()
        var (harness, store) = try await GuardianHarness.sqlite(directory)
        let wallet = try await harness.enroll()
        let provider = FileMasterKeyProvider(directory: directory.url)
        let oldKey = try provider.candidateKeys(creatingIfMissing: false)[0]
        try provider.stage(MasterKey.generate())
        store.close()
        (harness, store) = try await GuardianHarness.sqlite(directory, clock: harness.clock)
        defer { store.close() }
        #expect(try provider.candidateKeys(creatingIfMissing: false)[0].id == oldKey.id)
        let session = try await harness.login(wallet.owner)
        _ = try await harness.service.cosign(
            session: session, wallet: wallet.address, transactionBase64: TransactionFactory.standard(for: wallet),
            code: harness.nextCode(wallet))
        let rotated = try await harness.service.rotateMasterKey()  // the stale staged key is simply replaced
        #expect(rotated.fromKeyID == oldKey.id)
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
