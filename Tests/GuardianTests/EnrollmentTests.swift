import ChainKit
import Foundation
import Guardian
import GuardianTestSupport
import OTP
import Testing

/// Enrollment: secret and guardian key creation, the one-time URI and QR, confirmation, status.
@Suite struct EnrollmentTests {
    @Test(arguments: StoreKind.allCases) func beginReturnsAURIForAFreshSecretAndAGuardianKey(store: StoreKind)
        async throws
    {
        let rendered = RenderLog()
        let harness = try await store.harness(
            qrRenderer: QRRendererFunction { text in
                rendered.append(text)
                return "<svg data-length=\"\(text.count)\"/>"
            })
        let owner = SolanaKeypair()
        let session = try await harness.login(owner)
        let start = try await harness.service.beginEnrollment(session: session, wallet: owner.publicKey.base58)
        let uri = try OTPAuthURI(parsing: start.otpauthURI)
        #expect(uri.account == owner.publicKey.base58)
        #expect(uri.issuer == "Chronoguard")
        #expect(uri.algorithm == .sha1 && uri.digits == 6 && uri.kind == .totp(period: 30))
        #expect(uri.secret.bytes.count == 20)  // RFC 4226 §4 R6 recommends 160 bits
        #expect(rendered.items == [start.otpauthURI])
        #expect(start.qrSVG == "<svg data-length=\"\(start.otpauthURI.count)\"/>")
        #expect(!start.description.contains(uri.secret.base32))
        #expect(start.guardianPublicKey != owner.publicKey)

        let status = try await harness.service.guardianStatus(wallet: owner.publicKey.base58)
        #expect(status.state == .pending && status.guardianPublicKey == start.guardianPublicKey)
    }

    @Test(arguments: StoreKind.allCases) func eachEnrollmentHasItsOwnSecretAndKey(store: StoreKind) async throws {
        let harness = try await store.harness()
        var secrets = Set<[UInt8]>()
        var guardians = Set<SolanaPublicKey>()
        for _ in 0..<20 {
            let owner = SolanaKeypair()
            let start = try await harness.service.beginEnrollment(
                session: harness.login(owner), wallet: owner.publicKey.base58)
            secrets.insert(try OTPAuthURI(parsing: start.otpauthURI).secret.bytes)
            guardians.insert(start.guardianPublicKey)
        }
        #expect(secrets.count == 20 && guardians.count == 20)
    }

    @Test(arguments: StoreKind.allCases) func confirmActivatesWithAValidCodeAndBurnsItsStep(store: StoreKind)
        async throws
    {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        let status = try await harness.service.guardianStatus(wallet: wallet.address)
        #expect(status.state == .active)
        #expect(status.activatedAt?.timeIntervalSince1970 == TimeInterval(GuardianHarness.startTime))
        // The confirmation code cannot be reused for a cosign.
        let code = try harness.currentCode(wallet)
        #expect(
            await errorCode {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address,
                    transactionBase64: TransactionFactory.standard(for: wallet), code: code)
            } == .codeAlreadyUsed)
    }

    @Test(arguments: StoreKind.allCases) func confirmWithWrongCodeCountsAFailure(store: StoreKind) async throws {
        let harness = try await store.harness()
        let owner = SolanaKeypair()
        let session = try await harness.login(owner)
        let start = try await harness.service.beginEnrollment(session: session, wallet: owner.publicKey.base58)
        let totp = try OTPAuthURI(parsing: start.otpauthURI).totp()!
        let wallet = EnrolledWallet(owner: owner, session: session, guardian: start.guardianPublicKey, totp: totp)
        let wrong = try harness.wrongCode(wallet)
        let error = await guardianError {
            try await harness.service.confirmEnrollment(session: session, wallet: owner.publicKey.base58, code: wrong)
        }
        #expect(error?.code == .invalidCode)
        #expect(error?.message.contains("2 more wrong code(s)") == true)
        #expect(
            await errorCode {
                try await harness.service.confirmEnrollment(
                    session: session, wallet: owner.publicKey.base58, code: "12345")
            } == .invalidRequest)
        #expect(try await harness.service.guardianStatus(wallet: owner.publicKey.base58).state == .pending)
        _ = try await harness.service.confirmEnrollment(
            session: session, wallet: owner.publicKey.base58, code: harness.currentCode(wallet))
        #expect(try await harness.service.guardianStatus(wallet: owner.publicKey.base58).state == .active)
    }

    @Test(arguments: StoreKind.allCases) func anActiveGuardianCannotBeReissued(store: StoreKind) async throws {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        // A thief holding only the wallet key cannot swap the second factor.
        #expect(
            await errorCode {
                try await harness.service.beginEnrollment(session: wallet.session, wallet: wallet.address)
            } == .alreadyEnrolled)
        #expect(
            await errorCode {
                try await harness.service.confirmEnrollment(
                    session: wallet.session, wallet: wallet.address, code: harness.nextCode(wallet))
            } == .alreadyEnrolled)
    }

    @Test(arguments: StoreKind.allCases) func restartingAPendingEnrollmentReplacesSecretAndKey(store: StoreKind)
        async throws
    {
        let harness = try await store.harness()
        let owner = SolanaKeypair()
        let session = try await harness.login(owner)
        let first = try await harness.service.beginEnrollment(session: session, wallet: owner.publicKey.base58)
        let second = try await harness.service.beginEnrollment(session: session, wallet: owner.publicKey.base58)
        #expect(first.guardianPublicKey != second.guardianPublicKey)
        let firstCode = try OTPAuthURI(parsing: first.otpauthURI).totp()!.code(at: harness.clock.unixSeconds())
        let secondCode = try OTPAuthURI(parsing: second.otpauthURI).totp()!.code(at: harness.clock.unixSeconds())
        if firstCode != secondCode {
            #expect(
                await errorCode {
                    try await harness.service.confirmEnrollment(
                        session: session, wallet: owner.publicKey.base58, code: firstCode)
                } == .invalidCode)
        }
        let status = try await harness.service.confirmEnrollment(
            session: session, wallet: owner.publicKey.base58, code: secondCode)
        #expect(status.status.guardianPublicKey == second.guardianPublicKey && status.recoveryCodes.count == 10)
    }

    @Test(arguments: StoreKind.allCases) func sessionMustBelongToTheWallet(store: StoreKind) async throws {
        let harness = try await store.harness()
        let owner = SolanaKeypair()
        let other = SolanaKeypair()
        let session = try await harness.login(owner)
        #expect(
            await errorCode {
                try await harness.service.beginEnrollment(session: session, wallet: other.publicKey.base58)
            } == .sessionWalletMismatch)
        harness.clock.advance(by: 900)
        #expect(
            await errorCode {
                try await harness.service.beginEnrollment(session: session, wallet: owner.publicKey.base58)
            } == .sessionInvalid)
    }

    @Test(arguments: StoreKind.allCases) func statusOfAnUnknownWallet(store: StoreKind) async throws {
        let harness = try await store.harness()
        #expect(
            await errorCode { try await harness.service.guardianStatus(wallet: SolanaKeypair().publicKey.base58) }
                == .notEnrolled)
        #expect(await errorCode { try await harness.service.guardianStatus(wallet: "nope") } == .invalidWalletAddress)
    }

    @Test(arguments: StoreKind.allCases) func aFailingQRRendererLeavesNoEnrollment(store: StoreKind) async throws {
        struct RendererDown: Error {}
        let harness = try await store.harness(qrRenderer: QRRendererFunction { _ in throw RendererDown() })
        let owner = SolanaKeypair()
        let session = try await harness.login(owner)
        let error = await guardianError {
            try await harness.service.beginEnrollment(session: session, wallet: owner.publicKey.base58)
        }
        #expect(error?.code == .internalError)
        #expect(error?.message.contains("RendererDown") == false)  // no internal detail for the client
        #expect(
            await errorCode { try await harness.service.guardianStatus(wallet: owner.publicKey.base58) } == .notEnrolled
        )
    }
}

final class RenderLog: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    func append(_ text: String) { lock.withLock { storage.append(text) } }
    var items: [String] { lock.withLock { storage } }
}
