import ChainKit
import Crypto
import Foundation
import Guardian
import GuardianTestSupport
import OTP
import Testing

@testable import GuardianSQLite

/// Governance and recovery on the real store: proofs consumed by compare-and-set across two service instances (as two
/// processes), state that survives a restart, refusals that leave nothing behind, and the schema migration.
@Suite struct SQLiteGovernanceTests {
    @Test func oneRecoveryCodeUsedFromTwoInstancesAtOnceSucceedsOnce() async throws {
        let directory = try DataDirectory()
        let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
        let limits: (inout GuardianConfiguration) -> Void = {
            $0.governance.breakGlassRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1)
        }
        let (first, firstStore) = try await GuardianHarness.sqlite(directory, clock: clock, configure: limits)
        let (second, secondStore) = try await GuardianHarness.sqlite(directory, clock: clock, configure: limits)
        defer {
            firstStore.close()
            secondStore.close()
        }
        for _ in 0..<3 {
            let wallet = try await first.enroll()
            let secondSession = try await second.login(wallet.owner)
            var calls: [(GuardianService, Session, GovernanceAuthorization)] = []
            for index in 0..<20 {
                let harness = index % 2 == 0 ? first : second
                let session = index % 2 == 0 ? wallet.session : secondSession
                let challenge = try await harness.service.governanceChallenge(
                    session: session, wallet: wallet.address, action: .breakGlass)
                calls.append(
                    (
                        harness.service, session,
                        .recoveryCode(
                            wallet.recoveryCodes[4], challengeID: challenge.id,
                            signature: try wallet.owner.sign(Array(challenge.message.utf8)))
                    ))
            }
            let outcomes = await withTaskGroup(of: GuardianError.Code?.self) { group in
                for (service, session, authorization) in calls {
                    group.addTask {
                        await errorCode {
                            try await service.validateBreakGlass(
                                session: session, wallet: wallet.address, authorization: authorization)
                        }
                    }
                }
                return await group.reduce(into: [GuardianError.Code?]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == nil }.count == 1, "\(outcomes)")
            #expect(outcomes.compactMap { $0 }.allSatisfy { $0 == .recoveryCodeUsed })
            let used = try withRawDatabase(firstStore.databasePath) { db in
                try db.queryOne(
                    "SELECT count(*) FROM recovery_codes WHERE wallet = ? AND used_at_ms IS NOT NULL",
                    [.blob(wallet.owner.publicKey.bytes)]
                ) { $0.int64(0) }
            }
            #expect(used == 1)
        }
        #expect(try await first.service.verifyAuditLog().isIntact)
    }

    @Test func cancelAndExecuteFromTwoInstancesExactlyOneWins() async throws {
        let directory = try DataDirectory()
        let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
        let (first, firstStore) = try await GuardianHarness.sqlite(directory, clock: clock)
        let (second, secondStore) = try await GuardianHarness.sqlite(directory, clock: clock)
        defer {
            firstStore.close()
            secondStore.close()
        }
        for _ in 0..<4 {
            let wallet = try await migratedWallet(first)
            let rotation = try #require(
                try await first.service.scheduleRotation(
                    session: wallet.session, wallet: wallet.address, kind: .planned, sequence: 2,
                    authorization: .totp(code: first.nextCode(wallet))
                ).status.pendingRotation)
            clock.advance(by: 48 * 3600)
            let (a, b) = (try await first.login(wallet.owner), try await second.login(wallet.owner))
            let code = try first.nextCode(wallet)
            let (firstService, secondService) = (first.service, second.service)
            async let executed = errorCode {
                try await firstService.executeRotation(
                    session: a, wallet: wallet.address, rotationID: rotation.id, sequence: 3)
            }
            async let cancelled = errorCode {
                try await secondService.cancelRotation(
                    session: b, wallet: wallet.address, rotationID: rotation.id, sequence: 3,
                    authorization: .totp(code: code))
            }
            let outcomes = await [executed, cancelled]
            #expect(outcomes.filter { $0 == nil }.count == 1, "\(outcomes)")
            let status = try await second.service.governanceStatus(wallet: wallet.address)
            #expect(status.sequence == 3 && status.pendingRotation == nil)
            #expect(status.guardianPublicKey == (outcomes[0] == nil ? rotation.newGuardianPublicKey : wallet.guardian))
        }
    }

    @Test func aCosignCommitByARotatedOutKeyIsRefused() async throws {
        let directory = try DataDirectory()
        let (harness, store) = try await GuardianHarness.sqlite(directory)
        defer { store.close() }
        let wallet = try await harness.enroll()
        let stale = SolanaKeypair().publicKey  // not (or no longer) the wallet's guardian
        let record = CosignRecord(
            operationID: "00" + String(repeating: "ab", count: 15), wallet: wallet.owner.publicKey,
            guardianPublicKey: stale, step: UInt64.max >> 4,
            messageHash: [UInt8](repeating: 1, count: 32),
            recentBlockhash: try SolanaBlockhash(bytes: [UInt8](repeating: 2, count: 32)),
            signature: try SolanaSignature(bytes: [UInt8](repeating: 3, count: 64)), createdAt: harness.clock.now(),
            timeline: "")
        let outcome = try await harness.store.commitCosign(
            CosignCommit(wallet: wallet.owner.publicKey, step: UInt64.max >> 4, record: record),
            audit: AuditAppend(sealer: AuditSealer(key: .init(size: .bits256)), events: []))
        #expect(outcome == .guardianRotated)
        #expect(try await harness.store.wallet(wallet.owner.publicKey)?.lastAcceptedStep != UInt64.max >> 4)
        #expect(try await harness.store.cosignRecord(operationID: record.operationID) == nil)
    }

    @Test func governanceRotationAndRecoveryCodesSurviveARestart() async throws {
        let directory = try DataDirectory()
        let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
        var (harness, store) = try await GuardianHarness.sqlite(directory, clock: clock)
        let wallet = try await migratedWallet(harness)
        let receipt = try await harness.service.scheduleRotation(
            session: wallet.session, wallet: wallet.address, kind: .emergency, sequence: 2,
            authorization: recoveryAuthorization(harness, wallet, .scheduleRotation, index: 7))
        let rotation = try #require(receipt.status.pendingRotation)
        store.close()

        (harness, store) = try await GuardianHarness.sqlite(directory, clock: clock)
        defer { store.close() }
        let status = try await harness.service.governanceStatus(wallet: wallet.address)
        #expect(status.version == 2 && status.sequence == 2 && status.pendingRotation == rotation)
        let set = try #require(try await store.recoveryCodes(wallet.owner.publicKey))
        #expect(set.remaining == 9 && set.usedAt[7] != nil)
        clock.advance(by: 72 * 3600)
        let session = try await harness.login(wallet.owner)
        let executed = try await harness.service.executeRotation(
            session: session, wallet: wallet.address, rotationID: rotation.id, sequence: 3)
        #expect(executed.status.guardianPublicKey == rotation.newGuardianPublicKey)
        // The resealed key signs: a cosign with the new guardian verifies.
        let transaction = try TransactionFactory.transaction(signers: [
            wallet.owner.publicKey, rotation.newGuardianPublicKey,
        ])
        let result = try await harness.service.cosign(
            session: session, wallet: wallet.address, transactionBase64: TransactionFactory.base64(transaction),
            code: harness.nextCode(wallet))
        #expect(rotation.newGuardianPublicKey.isValidSignature(result.signature, for: transaction.messageBytes))
        #expect(try await harness.service.verifyAuditLog().isIntact)
    }

    @Test func aRefusedCommitLeavesEveryProofUnconsumed() async throws {
        let directory = try DataDirectory()
        let (harness, store) = try await GuardianHarness.sqlite(directory)
        defer { store.close() }
        let wallet = try await harness.enroll()
        let set = try #require(try await store.recoveryCodes(wallet.owner.publicKey))
        let challenge = try await harness.service.governanceChallenge(
            session: wallet.session, wallet: wallet.address, action: .scheduleRotation)
        // Step, recovery code and challenge all pass their compare-and-set; the sequence does not (v1 wallet): nothing sticks.
        let commit = AuthorizedCommit(
            wallet: wallet.owner.publicKey,
            proofs: [.totpStep(UInt64.max >> 2), .recoveryCode(setID: set.id, index: 0), .challenge(id: challenge.id)],
            sequence: (expected: 1, new: 2), change: .none, at: harness.clock.now())
        let outcome = try await store.commitAuthorized(
            commit, audit: AuditAppend(sealer: AuditSealer(key: .init(size: .bits256)), events: []))
        #expect(outcome == .sequenceConflict(current: nil))
        #expect(try await store.wallet(wallet.owner.publicKey)?.lastAcceptedStep != UInt64.max >> 2)
        #expect(try await store.recoveryCodes(wallet.owner.publicKey)?.remaining == 10)
        #expect(try await store.challenge(id: challenge.id)?.consumedAt == nil)
    }

    @Test func aVersionOneDatabaseMigratesAndKeepsItsSignIns() async throws {
        let directory = try DataDirectory()
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        let path = directory.url.appendingPathComponent(SQLiteGuardianStore.databaseFileName).path
        // A database as the first release wrote it: schema version 1 with an unconsumed challenge.
        try withRawDatabase(path) { db in
            try db.execute(SQLiteSchema.migrations[0].sql)
            try db.execute("PRAGMA user_version = 1")
            try db.run(
                "INSERT INTO challenges (id, wallet, message, nonce, issued_at_ms, expires_at_ms) VALUES ('old', ?, 'm', 'n', 0, 1)",
                [.blob(SolanaKeypair().publicKey.bytes)])
        }
        let store = try await SQLiteGuardianStore.open(directory: directory.url)
        defer { store.close() }
        #expect(try await store.challenge(id: "old")?.purpose == StoredChallenge.loginPurpose)
        let version = try withRawDatabase(path) { db in try db.queryOne("PRAGMA user_version") { $0.int64(0) } }
        #expect(version == Int64(SQLiteSchema.latestVersion) && SQLiteSchema.latestVersion >= 2)
    }
}
