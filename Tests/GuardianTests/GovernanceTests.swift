import ChainKit
import Crypto
import Foundation
import Guardian
import GuardianTestSupport
import OTP
import Testing

// MARK: - Governance: migration, timelocked rotation, sequence numbers, attestations

@Suite struct GovernanceTests {
    // MARK: Versions

    @Test(arguments: StoreKind.allCases) func newWalletsAreV1AndRefuseGovernanceUntilMigrated(store: StoreKind)
        async throws
    {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        let status = try await harness.service.governanceStatus(wallet: wallet.address)
        #expect(
            status.version == 1 && status.sequence == 0 && status.nextSequence == 1 && status.pendingRotation == nil)
        #expect(status.guardianPublicKey == wallet.guardian)
        let code = try harness.nextCode(wallet)
        #expect(
            await errorCode {
                try await harness.service.scheduleRotation(
                    session: wallet.session, wallet: wallet.address, kind: .planned, sequence: 1,
                    authorization: .totp(code: code))
            } == .governanceNotEnabled)
        // The refusal consumed nothing: the same code still cosigns (v1 keeps working).
        let cosign = try await harness.service.cosign(
            session: wallet.session, wallet: wallet.address,
            transactionBase64: TransactionFactory.standard(for: wallet), code: code)
        #expect(cosign.guardianPublicKey == wallet.guardian)
    }

    @Test(arguments: StoreKind.allCases) func migrationCreatesTheRecordOnceAndBurnsItsCode(store: StoreKind)
        async throws
    {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        let code = try harness.nextCode(wallet)
        #expect(
            await errorCode {
                try await harness.service.migrateGovernance(
                    session: wallet.session, wallet: wallet.address, sequence: 2, code: code)
            } == .sequenceMismatch)
        let receipt = try await harness.service.migrateGovernance(
            session: wallet.session, wallet: wallet.address, sequence: 1, code: code)
        #expect(receipt.status.version == 2 && receipt.status.sequence == 1 && receipt.status.nextSequence == 2)
        #expect(
            receipt.attestation.text.contains("Action: migrate") && receipt.attestation.text.contains("Sequence: 1"))
        #expect(receipt.attestation.signer == wallet.guardian)
        // The code's step is burned.
        #expect(
            await errorCode {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address,
                    transactionBase64: TransactionFactory.standard(for: wallet), code: code)
            } == .codeAlreadyUsed)
        #expect(
            await errorCode {
                try await harness.service.migrateGovernance(
                    session: wallet.session, wallet: wallet.address, sequence: 1, code: harness.nextCode(wallet))
            } == .alreadyMigrated)
        #expect(try await harness.service.governanceStatus(wallet: wallet.address).version == 2)
    }

    // MARK: Timelocks

    @Test(arguments: [RotationKind.planned, .emergency])
    func rotationExecutesOnlyAfterItsTimelock(kind: RotationKind) async throws {
        let harness = try await GuardianHarness.make()
        let wallet = try await migratedWallet(harness)
        let receipt = try await harness.service.scheduleRotation(
            session: wallet.session, wallet: wallet.address, kind: kind, sequence: 2,
            authorization: .totp(code: harness.nextCode(wallet)))
        let rotation = try #require(receipt.status.pendingRotation)
        let delay: TimeInterval = kind == .planned ? 48 * 3600 : 72 * 3600
        #expect(rotation.executeAfter == harness.clock.now().addingTimeInterval(delay))
        #expect(rotation.newGuardianPublicKey != wallet.guardian)

        // The old key keeps co-signing while the rotation waits.
        _ = try await harness.service.cosign(
            session: wallet.session, wallet: wallet.address,
            transactionBase64: TransactionFactory.standard(for: wallet), code: harness.nextCode(wallet))

        // One second before: refused, with the wait.
        harness.clock.set(rotation.executeAfter.addingTimeInterval(-1))
        let session = try await harness.login(wallet.owner)  // the first session has expired meanwhile
        let early = await guardianError {
            try await harness.service.executeRotation(
                session: session, wallet: wallet.address, rotationID: rotation.id, sequence: 3)
        }
        #expect(early?.code == .timelockActive && early?.retryAfterSeconds == 1)
        // At the boundary (and so one second after): executes.
        harness.clock.advance(by: 1)
        let executed = try await harness.service.executeRotation(
            session: session, wallet: wallet.address, rotationID: rotation.id, sequence: 3)
        #expect(
            executed.status.guardianPublicKey == rotation.newGuardianPublicKey && executed.status.pendingRotation == nil
                && executed.status.sequence == 3)
        #expect(executed.attestation.signer == wallet.guardian, "the outgoing key attests the execution")

        // Only the new key co-signs now.
        let old = try TransactionFactory.base64(
            TransactionFactory.transaction(signers: [wallet.owner.publicKey, wallet.guardian]))
        #expect(
            await errorCode {
                try await harness.service.cosign(
                    session: session, wallet: wallet.address, transactionBase64: old, code: harness.nextCode(wallet))
            } == .guardianNotSigner)
        let transaction = try TransactionFactory.transaction(signers: [
            wallet.owner.publicKey, rotation.newGuardianPublicKey,
        ])
        let result = try await harness.service.cosign(
            session: session, wallet: wallet.address, transactionBase64: TransactionFactory.base64(transaction),
            code: harness.currentCode(wallet))
        #expect(result.guardianPublicKey == rotation.newGuardianPublicKey)
        #expect(rotation.newGuardianPublicKey.isValidSignature(result.signature, for: transaction.messageBytes))
    }

    @Test(arguments: StoreKind.allCases) func executionOneSecondAfterTheTimelockSucceeds(store: StoreKind) async throws
    {
        let harness = try await store.harness()
        let wallet = try await migratedWallet(harness)
        let rotation = try #require(
            try await harness.service.scheduleRotation(
                session: wallet.session, wallet: wallet.address, kind: .planned, sequence: 2,
                authorization: .totp(code: harness.nextCode(wallet))
            ).status.pendingRotation)
        harness.clock.set(rotation.executeAfter.addingTimeInterval(1))
        let session = try await harness.login(wallet.owner)
        #expect(
            try await harness.service.executeRotation(
                session: session, wallet: wallet.address, rotationID: rotation.id, sequence: 3
            ).status.guardianPublicKey == rotation.newGuardianPublicKey)
    }

    // MARK: Authorisation

    @Test(arguments: StoreKind.allCases) func plannedRotationNeedsTheAuthenticatorEmergencyAcceptsARecoveryCode(
        store: StoreKind
    ) async throws {
        let harness = try await store.harness()
        let wallet = try await migratedWallet(harness)
        let planned = try await recoveryAuthorization(harness, wallet, .scheduleRotation)
        #expect(
            await errorCode {
                try await harness.service.scheduleRotation(
                    session: wallet.session, wallet: wallet.address, kind: .planned, sequence: 2, authorization: planned
                )
            } == .invalidRequest)
        let emergency = try await recoveryAuthorization(harness, wallet, .scheduleRotation, index: 1)
        let receipt = try await harness.service.scheduleRotation(
            session: wallet.session, wallet: wallet.address, kind: .emergency, sequence: 2, authorization: emergency)
        #expect(receipt.status.pendingRotation?.kind == .emergency)
        #expect(receipt.attestation.text.contains("Authorized By: recovery_code"))
        #expect(try await harness.store.recoveryCodes(wallet.owner.publicKey)?.remaining == 9)
    }

    @Test(arguments: StoreKind.allCases) func aRecoveryCodeNeedsAChallengeSignedByTheWalletForThatAction(
        store: StoreKind
    ) async throws {
        let harness = try await store.harness()
        let wallet = try await migratedWallet(harness)
        let stranger = SolanaKeypair()
        let challenge = try await harness.service.governanceChallenge(
            session: wallet.session, wallet: wallet.address, action: .scheduleRotation)
        let forged = GovernanceAuthorization.recoveryCode(
            wallet.recoveryCodes[0], challengeID: challenge.id,
            signature: try stranger.sign(Array(challenge.message.utf8)))
        #expect(
            await errorCode {
                try await harness.service.scheduleRotation(
                    session: wallet.session, wallet: wallet.address, kind: .emergency, sequence: 2,
                    authorization: forged)
            } == .invalidSignature)
        // A challenge for another action does not authorise this one.
        let other = try await recoveryAuthorization(harness, wallet, .breakGlass)
        #expect(
            await errorCode {
                try await harness.service.scheduleRotation(
                    session: wallet.session, wallet: wallet.address, kind: .emergency, sequence: 2, authorization: other
                )
            } == .challengeNotFound)
        // A login challenge is not a governance challenge, and a governance challenge opens no session.
        let login = try await harness.service.challenge(wallet: wallet.address)
        let asGovernance = GovernanceAuthorization.recoveryCode(
            wallet.recoveryCodes[0], challengeID: login.id, signature: try wallet.owner.sign(Array(login.message.utf8)))
        #expect(
            await errorCode {
                try await harness.service.scheduleRotation(
                    session: wallet.session, wallet: wallet.address, kind: .emergency, sequence: 2,
                    authorization: asGovernance)
            } == .challengeNotFound)
        #expect(
            await errorCode {
                try await harness.service.verifyChallenge(
                    id: challenge.id, signature: wallet.owner.sign(Array(challenge.message.utf8)))
            } == .challengeNotFound)
        // None of that used the recovery code.
        #expect(try await harness.store.recoveryCodes(wallet.owner.publicKey)?.remaining == 10)
        // A used challenge is refused the second time.
        let good = try await recoveryAuthorization(harness, wallet, .scheduleRotation)
        _ = try await harness.service.scheduleRotation(
            session: wallet.session, wallet: wallet.address, kind: .emergency, sequence: 2, authorization: good)
    }

    // MARK: Sequence numbers

    @Test(arguments: StoreKind.allCases) func reusedStaleAndSkippedSequencesAreRefusedAndConsumeNothing(
        store: StoreKind
    ) async throws {
        let harness = try await store.harness()
        let wallet = try await migratedWallet(harness)
        let scheduled = try await harness.service.scheduleRotation(
            session: wallet.session, wallet: wallet.address, kind: .planned, sequence: 2,
            authorization: .totp(code: harness.nextCode(wallet)))
        let rotation = try #require(scheduled.status.pendingRotation)
        let code = try harness.nextCode(wallet)
        for sequence: UInt64 in [0, 1, 2, 4, 100, .max] {
            let error = await guardianError {
                try await harness.service.cancelRotation(
                    session: wallet.session, wallet: wallet.address, rotationID: rotation.id, sequence: sequence,
                    authorization: .totp(code: code))
            }
            #expect(error?.code == .sequenceMismatch, "sequence \(sequence)")
            #expect(error?.message.contains("must be 3") == true)
        }
        // The code was never consumed by the refusals.
        let cancelled = try await harness.service.cancelRotation(
            session: wallet.session, wallet: wallet.address, rotationID: rotation.id, sequence: 3,
            authorization: .totp(code: code))
        #expect(cancelled.status.pendingRotation == nil && cancelled.status.sequence == 3)
        // Replaying the cancel (same sequence) is refused.
        #expect(
            await errorCode {
                try await harness.service.cancelRotation(
                    session: wallet.session, wallet: wallet.address, rotationID: rotation.id, sequence: 3,
                    authorization: .totp(code: harness.nextCode(wallet)))
            } == .sequenceMismatch)
        #expect(
            await errorCode {
                try await harness.service.cancelRotation(
                    session: wallet.session, wallet: wallet.address, rotationID: rotation.id, sequence: 4,
                    authorization: .totp(code: harness.nextCode(wallet)))
            } == .noPendingRotation)
    }

    @Test(arguments: StoreKind.allCases) func aCancelledRotationCannotExecuteAndOnlyOneRotationWaits(store: StoreKind)
        async throws
    {
        let harness = try await store.harness()
        let wallet = try await migratedWallet(harness)
        let first = try #require(
            try await harness.service.scheduleRotation(
                session: wallet.session, wallet: wallet.address, kind: .planned, sequence: 2,
                authorization: .totp(code: harness.nextCode(wallet))
            ).status.pendingRotation)
        #expect(
            await errorCode {
                try await harness.service.scheduleRotation(
                    session: wallet.session, wallet: wallet.address, kind: .emergency, sequence: 3,
                    authorization: .totp(code: harness.nextCode(wallet)))
            } == .rotationPending)
        #expect(
            await errorCode {
                try await harness.service.cancelRotation(
                    session: wallet.session, wallet: wallet.address, rotationID: "0123", sequence: 3,
                    authorization: .totp(code: harness.nextCode(wallet)))
            } == .noPendingRotation)
        _ = try await harness.service.cancelRotation(
            session: wallet.session, wallet: wallet.address, rotationID: first.id, sequence: 3,
            authorization: .totp(code: harness.nextCode(wallet)))
        harness.clock.advance(by: 49 * 3600)
        let session = try await harness.login(wallet.owner)
        #expect(
            await errorCode {
                try await harness.service.executeRotation(
                    session: session, wallet: wallet.address, rotationID: first.id, sequence: 4)
            } == .noPendingRotation)
        #expect(try await harness.service.governanceStatus(wallet: wallet.address).guardianPublicKey == wallet.guardian)
    }

    /// A signature by a key that is no longer the guardian (a rotation executed meanwhile, perhaps in another process)
    /// is never released: the burn's compare-and-set includes the key.
    @Test(arguments: StoreKind.allCases) func aCosignCommitByARotatedOutKeyIsRefused(store: StoreKind) async throws {
        let harness = try await store.harness()
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
        if store != .inMemory {
            // A step beyond what a signed 64-bit column holds is refused before the database sees it.
            let huge = await storeError {
                try await harness.store.commitCosign(
                    CosignCommit(wallet: wallet.owner.publicKey, step: .max, record: record),
                    audit: AuditAppend(sealer: AuditSealer(key: .init(size: .bits256)), events: []))
            }
            #expect(huge?.kind == .corrupt && huge?.detail.contains("storable range") == true)
        }
    }

    // MARK: Races

    @Test(arguments: StoreKind.allCases) func cancelAndExecuteRacingAfterTheTimelockExactlyOneWins(store: StoreKind)
        async throws
    {
        for _ in 0..<10 {
            let harness = try await store.harness()
            let wallet = try await migratedWallet(harness)
            let rotation = try #require(
                try await harness.service.scheduleRotation(
                    session: wallet.session, wallet: wallet.address, kind: .planned, sequence: 2,
                    authorization: .totp(code: harness.nextCode(wallet))
                ).status.pendingRotation)
            harness.clock.advance(by: 48 * 3600)
            let session = try await harness.login(wallet.owner)
            let code = try harness.nextCode(wallet)
            let service = harness.service
            let outcomes = await withTaskGroup(of: (String, GuardianError.Code?).self) { group in
                for index in 0..<8 {
                    group.addTask {
                        if index % 2 == 0 {
                            return (
                                "execute",
                                await errorCode {
                                    try await service.executeRotation(
                                        session: session, wallet: wallet.address, rotationID: rotation.id, sequence: 3)
                                }
                            )
                        }
                        return (
                            "cancel",
                            await errorCode {
                                try await service.cancelRotation(
                                    session: session, wallet: wallet.address, rotationID: rotation.id, sequence: 3,
                                    authorization: .totp(code: code))
                            }
                        )
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let winners = outcomes.filter { $0.1 == nil }
            #expect(winners.count == 1, "\(outcomes)")
            #expect(
                outcomes.allSatisfy {
                    $0.1 == nil || [.sequenceMismatch, .codeAlreadyUsed, .noPendingRotation].contains($0.1!)
                })
            let status = try await harness.service.governanceStatus(wallet: wallet.address)
            #expect(status.sequence == 3 && status.pendingRotation == nil)
            #expect(
                status.guardianPublicKey
                    == (winners.first?.0 == "execute" ? rotation.newGuardianPublicKey : wallet.guardian))
        }
    }

    // MARK: Attestations against libsodium

    @Test(arguments: StoreKind.allCases) func attestationsVerifyWithLibsodiumAndParseAsOffchainMessages(
        store: StoreKind
    ) async throws {
        let harness = try await store.harness()
        var attestations: [SignedAttestation] = []
        for _ in 0..<4 {
            let wallet = try await harness.enroll()
            let migrated = try await harness.service.migrateGovernance(
                session: wallet.session, wallet: wallet.address, sequence: 1, code: harness.nextCode(wallet))
            let scheduled = try await harness.service.scheduleRotation(
                session: wallet.session, wallet: wallet.address, kind: .emergency, sequence: 2,
                authorization: recoveryAuthorization(harness, wallet, .scheduleRotation))
            let rotation = try #require(scheduled.status.pendingRotation)
            #expect(scheduled.attestation.text.contains("New Guardian: \(rotation.newGuardianPublicKey.base58)"))
            #expect(
                scheduled.attestation.text.contains(
                    "Execute After: \(ISO8601DateFormatter().string(from: rotation.executeAfter))"))
            let glass = try await harness.service.validateBreakGlass(
                session: wallet.session, wallet: wallet.address, authorization: .totp(code: harness.nextCode(wallet)))
            let cancelled = try await harness.service.cancelRotation(
                session: wallet.session, wallet: wallet.address, rotationID: rotation.id, sequence: 3,
                authorization: .totp(code: harness.nextCode(wallet)))
            attestations += [migrated.attestation, scheduled.attestation, glass.attestation, cancelled.attestation]
        }
        struct Item: Codable {
            let message: String
            let signature: String
            let signer: String
            let domain: String
        }
        struct Request: Codable {
            var command = "verify_attestations"
            let items: [Item]
        }
        struct Result: Codable {
            let signature_valid: Bool
            let tampered_rejected: Bool
            let preamble_valid: Bool
            let format: Int
            let text: String
        }
        struct Response: Codable { let results: [Result] }
        let domain = Hex.encode(harness.service.configuration.governance.attestationDomain.bytes)
        let items = attestations.map {
            Item(
                message: Data($0.message).base64EncodedString(), signature: $0.signature.base58,
                signer: $0.signer.base58, domain: domain)
        }
        let results = try PythonPeer.call(Request(items: items), as: Response.self).results
        #expect(results.count == attestations.count)
        for (result, attestation) in zip(results, attestations) {
            #expect(result.signature_valid && result.tampered_rejected && result.preamble_valid)
            #expect(result.text == attestation.text && result.format == 1)  // limited UTF-8: the body has line breaks
            #expect(result.text.hasPrefix(SignedAttestation.header + "\n"))
        }
    }
}
