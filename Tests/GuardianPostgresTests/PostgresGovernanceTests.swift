import ChainKit
import Foundation
import Guardian
import GuardianTestSupport
import NIOCore
import PostgresNIO
import Testing

@testable import GuardianPostgres

/// Governance and recovery on PostgreSQL (the SQLite store's suite, ported): proofs consumed by compare-and-set across
/// nodes, state that survives a restart, refusals that leave nothing behind.
@Suite struct PostgresGovernanceTests {
    @Test func oneRecoveryCodeUsedFromThreeNodesAtOnceSucceedsOnce() async throws {
        try await withDatabase { database, keys in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            let limits: (inout GuardianConfiguration) -> Void = {
                $0.governance.breakGlassRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1)
            }
            var nodes: [(GuardianHarness, PostgresGuardianStore)] = []
            for _ in 0..<3 {
                nodes.append(try await GuardianHarness.postgres(database, keys: keys, clock: clock, configure: limits))
            }
            for _ in 0..<2 {
                let wallet = try await nodes[0].0.enroll()
                var calls: [(GuardianService, Session, GovernanceAuthorization)] = []
                for index in 0..<21 {
                    let harness = nodes[index % nodes.count].0
                    let session: Session
                    if index < nodes.count {
                        session = try await harness.login(wallet.owner)
                    } else {
                        session = calls[index % nodes.count].1
                    }
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
                let requests = calls
                let outcomes = await withTaskGroup(of: GuardianError.Code?.self) { group in
                    for (service, session, authorization) in requests {
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
                let used = try await database.scalar(
                    "SELECT count(*) FROM recovery_codes WHERE wallet = \(ByteBuffer(bytes: wallet.owner.publicKey.bytes)) AND used_at_ms IS NOT NULL",
                    as: Int64.self)
                #expect(used == 1)
            }
            #expect(try await nodes[2].0.service.verifyAuditLog().isIntact)
            await closeAll(nodes.map(\.1))
        }
    }

    @Test func cancelAndExecuteFromTwoNodesExactlyOneWins() async throws {
        try await withDatabase { database, keys in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            let (first, firstStore) = try await GuardianHarness.postgres(database, keys: keys, clock: clock)
            let (second, secondStore) = try await GuardianHarness.postgres(database, keys: keys, clock: clock)
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
                #expect(
                    status.guardianPublicKey == (outcomes[0] == nil ? rotation.newGuardianPublicKey : wallet.guardian))
            }
            await closeAll([firstStore, secondStore])
        }
    }

    @Test func aCosignCommitByARotatedOutKeyIsRefused() async throws {
        try await withDatabase { database, keys in
            let (harness, store) = try await GuardianHarness.postgres(database, keys: keys)
            let wallet = try await harness.enroll()
            let stale = SolanaKeypair().publicKey  // not (or no longer) the wallet's guardian
            let record = CosignRecord(
                operationID: "00" + String(repeating: "ab", count: 15), wallet: wallet.owner.publicKey,
                guardianPublicKey: stale, step: UInt64.max >> 4, messageHash: [UInt8](repeating: 1, count: 32),
                recentBlockhash: try SolanaBlockhash(bytes: [UInt8](repeating: 2, count: 32)),
                signature: try SolanaSignature(bytes: [UInt8](repeating: 3, count: 64)),
                createdAt: harness.clock.now(), timeline: "")
            let outcome = try await store.commitCosign(
                CosignCommit(wallet: wallet.owner.publicKey, step: UInt64.max >> 4, record: record),
                audit: AuditAppend(sealer: AuditSealer(key: .init(size: .bits256)), events: []))
            #expect(outcome == .guardianRotated)
            #expect(try await store.wallet(wallet.owner.publicKey)?.lastAcceptedStep != UInt64.max >> 4)
            #expect(try await store.cosignRecord(operationID: record.operationID) == nil)
            // A step beyond what bigint holds is refused before the database sees it.
            let huge = await storeError {
                try await store.commitCosign(
                    CosignCommit(wallet: wallet.owner.publicKey, step: .max, record: record),
                    audit: AuditAppend(sealer: AuditSealer(key: .init(size: .bits256)), events: []))
            }
            #expect(huge?.kind == .corrupt && huge?.detail.contains("storable range") == true)
            await store.close()
        }
    }

    @Test func governanceRotationAndRecoveryCodesSurviveARestart() async throws {
        try await withDatabase { database, keys in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            var (harness, store) = try await GuardianHarness.postgres(database, keys: keys, clock: clock)
            let wallet = try await migratedWallet(harness)
            let receipt = try await harness.service.scheduleRotation(
                session: wallet.session, wallet: wallet.address, kind: .emergency, sequence: 2,
                authorization: recoveryAuthorization(harness, wallet, .scheduleRotation, index: 7))
            let rotation = try #require(receipt.status.pendingRotation)
            await store.close()

            (harness, store) = try await GuardianHarness.postgres(database, keys: keys, clock: clock)
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
            await store.close()
        }
    }

    @Test func aRefusedCommitLeavesEveryProofUnconsumed() async throws {
        try await withDatabase { database, keys in
            let (harness, store) = try await GuardianHarness.postgres(database, keys: keys)
            let wallet = try await harness.enroll()
            let set = try #require(try await store.recoveryCodes(wallet.owner.publicKey))
            let challenge = try await harness.service.governanceChallenge(
                session: wallet.session, wallet: wallet.address, action: .scheduleRotation)
            // Step, recovery code and challenge all pass their compare-and-set; the sequence does not (v1 wallet).
            let commit = AuthorizedCommit(
                wallet: wallet.owner.publicKey,
                proofs: [
                    .totpStep(UInt64.max >> 2), .recoveryCode(setID: set.id, index: 0), .challenge(id: challenge.id),
                ],
                sequence: (expected: 1, new: 2), change: .none, at: harness.clock.now())
            let auditBefore = try await database.count("audit_log")
            let outcome = try await store.commitAuthorized(
                commit,
                audit: AuditAppend(
                    sealer: AuditSealer(key: .init(size: .bits256)),
                    events: [AuditEvent(.breakGlassValidated, at: Date())]))
            #expect(outcome == .sequenceConflict(current: nil))
            #expect(try await store.wallet(wallet.owner.publicKey)?.lastAcceptedStep != UInt64.max >> 2)
            #expect(try await store.recoveryCodes(wallet.owner.publicKey)?.remaining == 10)
            #expect(try await store.challenge(id: challenge.id)?.consumedAt == nil)
            #expect(try await database.count("audit_log") == auditBefore)
            await store.close()
        }
    }
}
