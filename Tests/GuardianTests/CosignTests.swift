import ChainKit
import Crypto
import Foundation
import Guardian
import GuardianTestSupport
import OTP
import Testing

/// The capsule: the happy path, its timeline, and every failure path — none of which releases or consumes anything.
@Suite struct CosignTests {
    @Test(arguments: [SolanaMessage.Version.legacy, .v0])
    func cosignSignsTheExactMessageAndBurnsTheStep(version: SolanaMessage.Version) async throws {
        let harness = try await GuardianHarness.make()
        let wallet = try await harness.enroll()
        let transaction = try TransactionFactory.transaction(
            signers: [wallet.owner.publicKey, wallet.guardian], version: version)
        let code = try harness.nextCode(wallet)
        let result = try await harness.service.cosign(
            session: wallet.session, wallet: wallet.address, transactionBase64: TransactionFactory.base64(transaction),
            code: code, apiKey: "key-1")

        #expect(result.guardianPublicKey == wallet.guardian)
        #expect(wallet.guardian.isValidSignature(result.signature, for: transaction.messageBytes))
        let signed = try SolanaTransaction(wireBytes: Data(base64Encoded: result.signedTransactionBase64)!)
        #expect(signed.messageBytes == transaction.messageBytes)
        #expect(signed.signatures[1] == result.signature && signed.signatures[0].isEmpty)
        #expect(result.step == UInt64(harness.clock.unixSeconds() / 30))
        #expect(result.operationID.count == 32)

        // The timeline walks every state in order.
        #expect(
            result.timeline.entries.map(\.state) == [
                .created, .sealed, .validating, .decrypting, .signing, .burning, .completed,
            ])
        let offsets = result.timeline.entries.map(\.offsetNanoseconds)
        #expect(offsets == offsets.sorted())
        #expect(result.timeline.failure == nil)

        // The record is stored with the timeline; the same code is now spent.
        let record = try #require(try await harness.service.cosignRecord(operationID: result.operationID))
        #expect(record.step == result.step && record.signature == result.signature)
        #expect(record.messageHash == Array(SHA256.hash(data: transaction.messageBytes)))
        #expect(record.timeline.hasPrefix("created@0,sealed@") && record.timeline.contains("burning@"))
        let replay = await guardianError {
            try await harness.service.cosign(
                session: wallet.session, wallet: wallet.address,
                transactionBase64: TransactionFactory.base64(transaction), code: code)
        }
        #expect(replay?.code == .codeAlreadyUsed)
        #expect(replay?.operationID != nil && replay?.operationID != result.operationID)
    }

    @Test(arguments: StoreKind.allCases) func partlySignedTransactionsKeepTheirSignatures(store: StoreKind) async throws
    {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        let extra = SolanaKeypair()
        // Guardian as fee payer, owner pre-signed, a third signer still empty.
        let transaction = try TransactionFactory.transaction(
            signers: [wallet.guardian, extra.publicKey, wallet.owner.publicKey], presign: [wallet.owner])
        let result = try await harness.service.cosign(
            session: wallet.session, wallet: wallet.address, transactionBase64: TransactionFactory.base64(transaction),
            code: harness.nextCode(wallet))
        let signed = try SolanaTransaction(wireBytes: Data(base64Encoded: result.signedTransactionBase64)!)
        #expect(signed.verifySignatures().map(\.status) == [.valid, .empty, .valid])
        #expect(try signed.signing(with: extra).isFullyVerified)
    }

    @Test(arguments: StoreKind.allCases) func laterStepsAreAcceptedEarlierOnesAreNot(store: StoreKind) async throws {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        let tx = try TransactionFactory.standard(for: wallet)
        harness.clock.advance(by: 60)
        let now = harness.clock.unixSeconds()
        // Use the code of step now+30 s (clock drift +1), then the current step's code is older: refused as used.
        _ = try await harness.service.cosign(
            session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: wallet.totp.code(at: now + 30)
        )
        #expect(
            await errorCode {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address, transactionBase64: tx,
                    code: wallet.totp.code(at: now))
            } == .codeAlreadyUsed)
        // Two steps ahead is outside the ±1 window: a wrong code.
        #expect(
            await errorCode {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address, transactionBase64: tx,
                    code: wallet.totp.code(at: now + 60))
            } == .invalidCode)
        harness.clock.advance(by: 60)
        _ = try await harness.service.cosign(
            session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: harness.currentCode(wallet))
    }

    @Test(arguments: StoreKind.allCases) func wrongCodeCountsAFailureAndConsumesNothing(store: StoreKind) async throws {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        let tx = try TransactionFactory.standard(for: wallet)
        let code = try harness.nextCode(wallet)
        let error = await guardianError {
            try await harness.service.cosign(
                session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: harness.wrongCode(wallet))
        }
        #expect(error?.code == .invalidCode)
        // The right code still works afterwards, and resets the count.
        _ = try await harness.service.cosign(
            session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: code)
        let state = try await harness.store.wallet(wallet.owner.publicKey)?.lockout
        #expect(state == .clear)
    }

    /// Every refusal before the burn leaves the code usable: nothing released, nothing consumed.
    @Test(arguments: StoreKind.allCases) func failuresBeforeTheBurnConsumeNothing(store: StoreKind) async throws {
        // With present-signature verification on, a bad owner signature is one of the refusals.
        let harness = try await store.harness {
            $0.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1)
            $0.verifiesPresentSignatures = true
        }
        let wallet = try await harness.enroll()
        let code = try harness.nextCode(wallet)
        let stranger = SolanaKeypair().publicKey
        let zeroHash = try SolanaBlockhash(bytes: [UInt8](repeating: 0, count: 32))
        let good = try TransactionFactory.transaction(signers: [wallet.owner.publicKey, wallet.guardian])
        let presigned = try good.signing(with: wallet.owner)
        var presignedBytes = presigned.serialized()
        presignedBytes[presignedBytes.count - 1] ^= 0x01  // message changed after the owner signed

        let cases: [(String, GuardianError.Code)] = [
            ("", .malformedTransaction),
            ("%%%not base64%%%", .malformedTransaction),
            (Data([1, 2, 3]).base64EncodedString(), .malformedTransaction),
            (Data(good.serialized().dropLast()).base64EncodedString(), .malformedTransaction),
            (Data(good.serialized() + [0]).base64EncodedString(), .malformedTransaction),
            (String(repeating: "A", count: 1_648), .malformedTransaction),
            (Data(presignedBytes).base64EncodedString(), .malformedTransaction),
            (
                try TransactionFactory.base64(TransactionFactory.transaction(signers: [wallet.guardian, stranger])),
                .walletNotSigner
            ),
            (
                try TransactionFactory.base64(
                    TransactionFactory.transaction(signers: [wallet.owner.publicKey, stranger])), .guardianNotSigner
            ),
            (
                try TransactionFactory.base64(TransactionFactory.transaction(signers: [wallet.owner.publicKey])),
                .guardianNotSigner
            ),
            (
                try TransactionFactory.base64(
                    TransactionFactory.transaction(
                        signers: [wallet.owner.publicKey, wallet.guardian], blockhash: zeroHash)),
                .missingRecentBlockhash
            ),
        ]
        for (transaction, expected) in cases {
            let error = await guardianError {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address, transactionBase64: transaction, code: code)
            }
            #expect(error?.code == expected, "\(transaction.prefix(40)) → \(String(describing: error))")
            #expect(error?.internalDetail == nil)
        }
        // A code of the wrong shape, a foreign session, an unknown or bad wallet.
        let other = try await harness.login(SolanaKeypair())
        #expect(
            await errorCode {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address, transactionBase64: TransactionFactory.base64(good),
                    code: "12a456")
            } == .invalidRequest)
        #expect(
            await errorCode {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address, transactionBase64: TransactionFactory.base64(good),
                    code: "1234567")
            } == .invalidRequest)
        #expect(
            await errorCode {
                try await harness.service.cosign(
                    session: other, wallet: wallet.address, transactionBase64: TransactionFactory.base64(good),
                    code: code)
            } == .sessionWalletMismatch)
        #expect(
            await errorCode {
                try await harness.service.cosign(
                    session: other, wallet: other.wallet.base58, transactionBase64: TransactionFactory.base64(good),
                    code: code)
            } == .notEnrolled)
        #expect(
            await errorCode {
                try await harness.service.cosign(
                    session: wallet.session, wallet: "xyz", transactionBase64: TransactionFactory.base64(good),
                    code: code)
            } == .invalidWalletAddress)

        // None of it counted as a wrong code, and the code is still good.
        #expect(try await harness.store.wallet(wallet.owner.publicKey)?.lockout == .clear)
        _ = try await harness.service.cosign(
            session: wallet.session, wallet: wallet.address, transactionBase64: TransactionFactory.base64(good),
            code: code)
    }

    @Test(arguments: StoreKind.allCases) func presentSignaturesAreVerifiedUnlessTurnedOff(store: StoreKind) async throws
    {
        for verifies in [true, false] {
            let harness = try await store.harness { $0.verifiesPresentSignatures = verifies }
            let wallet = try await harness.enroll()
            let transaction = try TransactionFactory.transaction(signers: [wallet.owner.publicKey, wallet.guardian])
            // The owner's slot holds a signature over another message.
            let forged = try transaction.settingSignature(wallet.owner.sign([1, 2, 3]), for: wallet.owner.publicKey)
            let code = try harness.nextCode(wallet)
            let outcome = await guardianError {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address,
                    transactionBase64: TransactionFactory.base64(forged), code: code)
            }
            if verifies {
                #expect(outcome?.code == .malformedTransaction && outcome?.message.contains("slot 0") == true)
            } else {
                // Off: the guardian signs its own slot and leaves the others as they came; the network would refuse.
                #expect(outcome == nil)
            }
        }
    }

    @Test(arguments: StoreKind.allCases) func pendingEnrollmentCannotCosign(store: StoreKind) async throws {
        let harness = try await store.harness()
        let owner = SolanaKeypair()
        let session = try await harness.login(owner)
        let start = try await harness.service.beginEnrollment(session: session, wallet: owner.publicKey.base58)
        let totp = try OTPAuthURI(parsing: start.otpauthURI).totp()!
        let tx = try TransactionFactory.base64(
            TransactionFactory.transaction(signers: [owner.publicKey, start.guardianPublicKey]))
        #expect(
            await errorCode {
                try await harness.service.cosign(
                    session: session, wallet: owner.publicKey.base58, transactionBase64: tx,
                    code: totp.code(at: harness.clock.unixSeconds()))
            } == .enrollmentPending)
    }

    @Test(arguments: StoreKind.allCases) func expiredSessionIsRefusedFirst(store: StoreKind) async throws {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        harness.clock.advance(by: 900)
        #expect(
            await errorCode {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address, transactionBase64: "", code: "")
            } == .sessionInvalid)
    }

    @Test(arguments: StoreKind.allCases) func failedCapsuleTimelineStopsWhereItFailed(store: StoreKind) async throws {
        let recorder = MetricsLog()
        let harness = try await store.harness(metrics: recorder)
        let wallet = try await harness.enroll()
        _ = await errorCode {
            try await harness.service.cosign(
                session: wallet.session, wallet: wallet.address,
                transactionBase64: TransactionFactory.standard(for: wallet), code: harness.wrongCode(wallet))
        }
        _ = await errorCode {
            try await harness.service.cosign(
                session: wallet.session, wallet: wallet.address, transactionBase64: "AAAA",
                code: harness.nextCode(wallet))
        }
        let timelines = recorder.timelines
        #expect(timelines.count == 2)
        #expect(timelines[0].entries.map(\.state) == [.created, .sealed, .validating, .failed])
        #expect(timelines[0].failure == .invalidCode && timelines[0].failedDuring == .validating)
        #expect(timelines[0].encoded.hasSuffix(":invalid_code"))
        #expect(timelines[1].entries.map(\.state) == [.created, .failed])
        #expect(timelines[1].failure == .malformedTransaction)
    }
}

/// Records what the service reports, for assertions.
final class MetricsLog: GuardianMetrics, @unchecked Sendable {
    private let lock = NSLock()
    private var capsules: [CapsuleTimeline] = []
    private var limited: [RateLimitScope] = []
    private var locks: [(Int, Bool)] = []
    private var logins: [GuardianError.Code?] = []

    func capsuleFinished(_ timeline: CapsuleTimeline) { lock.withLock { capsules.append(timeline) } }
    func rateLimited(_ scope: RateLimitScope) { lock.withLock { limited.append(scope) } }
    func walletLocked(consecutiveFailures: Int, disabled: Bool) {
        lock.withLock { locks.append((consecutiveFailures, disabled)) }
    }
    func loginFinished(failure: GuardianError.Code?) { lock.withLock { logins.append(failure) } }

    var timelines: [CapsuleTimeline] { lock.withLock { capsules } }
    var rateLimits: [RateLimitScope] { lock.withLock { limited } }
    var lockouts: [(Int, Bool)] { lock.withLock { locks } }
    var loginOutcomes: [GuardianError.Code?] { lock.withLock { logins } }
}
