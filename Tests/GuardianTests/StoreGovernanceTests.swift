import ChainKit
import Foundation
import Guardian
import GuardianTestSupport
import Testing

/// Governance and recovery on each store: proofs consumed by compare-and-set across nodes (services on one store, as
/// processes or nodes), state that survives a restart, refusals that leave nothing behind. (A cosign commit by a
/// rotated-out key: ``GovernanceTests/aCosignCommitByARotatedOutKeyIsRefused(store:)``.)
@Suite struct StoreGovernanceTests {
    @Test(arguments: StoreKind.allCases) func oneRecoveryCodeUsedFromThreeNodesAtOnceSucceedsOnce(store: StoreKind)
        async throws
    {
        try await store.withStore { fixture in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            let limits: (inout GuardianConfiguration) -> Void = {
                $0.governance.breakGlassRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1)
            }
            var nodes: [GuardianHarness] = []
            for _ in 0..<3 { nodes.append(try await fixture.harness(clock: clock, configure: limits)) }
            for _ in 0..<3 {
                let wallet = try await nodes[0].enroll()
                var calls: [(GuardianService, Session, GovernanceAuthorization)] = []
                for index in 0..<21 {
                    let harness = nodes[index % nodes.count]
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
                let set = try #require(try await nodes[1].store.recoveryCodes(wallet.owner.publicKey))
                #expect(set.remaining == 9 && set.usedAt[4] != nil)
                if store != .inMemory {
                    let used = try await fixture.rawCount(
                        "recovery_codes",
                        where:
                            "wallet = \(fixture.blobLiteral(wallet.owner.publicKey.bytes)) AND used_at_ms IS NOT NULL")
                    #expect(used == 1)
                }
            }
            #expect(try await nodes[2].service.verifyAuditLog().isIntact)
        }
    }

    @Test(arguments: StoreKind.allCases) func cancelAndExecuteFromTwoNodesExactlyOneWins(store: StoreKind) async throws
    {
        try await store.withStore { fixture in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            let first = try await fixture.harness(clock: clock)
            let second = try await fixture.harness(clock: clock)
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
        }
    }

    @Test(arguments: StoreKind.persistent) func governanceRotationAndRecoveryCodesSurviveARestart(store: StoreKind)
        async throws
    {
        try await store.withStore { fixture in
            let clock = ManualClock(unixSeconds: GuardianHarness.startTime)
            var harness = try await fixture.harness(clock: clock)
            let wallet = try await migratedWallet(harness)
            let receipt = try await harness.service.scheduleRotation(
                session: wallet.session, wallet: wallet.address, kind: .emergency, sequence: 2,
                authorization: recoveryAuthorization(harness, wallet, .scheduleRotation, index: 7))
            let rotation = try #require(receipt.status.pendingRotation)
            await fixture.close(harness)

            harness = try await fixture.harness(clock: clock)
            let status = try await harness.service.governanceStatus(wallet: wallet.address)
            #expect(status.version == 2 && status.sequence == 2 && status.pendingRotation == rotation)
            let set = try #require(try await harness.store.recoveryCodes(wallet.owner.publicKey))
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
    }

    @Test(arguments: StoreKind.allCases) func aRefusedCommitLeavesEveryProofUnconsumed(store kind: StoreKind)
        async throws
    {
        try await kind.withStore { fixture in
            let harness = try await fixture.harness()
            let store = harness.store
            let wallet = try await harness.enroll()
            let set = try #require(try await store.recoveryCodes(wallet.owner.publicKey))
            let challenge = try await harness.service.governanceChallenge(
                session: wallet.session, wallet: wallet.address, action: .scheduleRotation)
            // Step, recovery code and challenge all pass their compare-and-set; the sequence does not (v1 wallet):
            // nothing sticks, not even the audit event.
            let commit = AuthorizedCommit(
                wallet: wallet.owner.publicKey,
                proofs: [
                    .totpStep(UInt64.max >> 2), .recoveryCode(setID: set.id, index: 0), .challenge(id: challenge.id),
                ],
                sequence: (expected: 1, new: 2), change: .none, at: harness.clock.now())
            let auditBefore = try await harness.service.verifyAuditLog().recordCount
            let rawAuditBefore = try await fixture.rawCount("audit_log")
            let outcome = try await store.commitAuthorized(
                commit,
                audit: AuditAppend(
                    sealer: AuditSealer(key: .init(size: .bits256)),
                    events: [AuditEvent(.breakGlassValidated, at: Date())]))
            #expect(outcome == .sequenceConflict(current: nil))
            #expect(try await store.wallet(wallet.owner.publicKey)?.lastAcceptedStep != UInt64.max >> 2)
            #expect(try await store.recoveryCodes(wallet.owner.publicKey)?.remaining == 10)
            #expect(try await store.challenge(id: challenge.id)?.consumedAt == nil)
            #expect(try await harness.service.verifyAuditLog().recordCount == auditBefore)
            #expect(try await fixture.rawCount("audit_log") == rawAuditBefore)
        }
    }
}
