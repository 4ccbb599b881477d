import ChainKit
import Foundation
import Guardian
import GuardianTestSupport
import OTP
import Testing

// MARK: - Recovery codes, break-glass validation, lost-authenticator re-enrollment

@Suite struct RecoveryCodeTests {
    @Test(arguments: StoreKind.allCases) func confirmationIssuesTenDistinct80BitCodesStoredOnlyAsScryptHashes(
        store: StoreKind
    ) async throws {
        let harness = try await store.harness()
        let wallets = try await (0..<5).asyncMap { _ in try await harness.enroll() }
        struct Item: Codable {
            let code: String
            let salt: String
            let log_n: Int
            let r: Int
            let p: Int
        }
        struct Request: Codable {
            var command = "scrypt_hashes"
            let items: [Item]
        }
        struct Response: Codable { let hashes: [String] }
        var items: [Item] = []
        var stored: [String] = []
        for wallet in wallets {
            #expect(wallet.recoveryCodes.count == 10 && Set(wallet.recoveryCodes).count == 10)
            for code in wallet.recoveryCodes {
                #expect(code.wholeMatch(of: /[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}/) != nil, "\(code)")
            }
            let set = try #require(try await harness.store.recoveryCodes(wallet.owner.publicKey))
            #expect(set.hashes.count == 10 && set.usedAt.allSatisfy { $0 == nil } && set.salt.count == 16)
            #expect(set.parameters == GuardianHarness.testScrypt)
            for (code, hash) in zip(wallet.recoveryCodes, set.hashes) {
                // Python's hashlib hashes the normalised code (no hyphens) and must land on the stored hash.
                items.append(
                    Item(
                        code: code.replacingOccurrences(of: "-", with: ""), salt: Hex.encode(set.salt),
                        log_n: set.parameters.logN, r: set.parameters.r, p: set.parameters.p))
                stored.append(Hex.encode(hash))
                #expect(!Hex.encode(hash).contains(Hex.encode(Array(code.utf8))))
            }
        }
        #expect(try PythonPeer.call(Request(items: items), as: Response.self).hashes == stored)
    }

    @Test func theProductionCostMatchesPythonToo() throws {
        let issued = try RecoveryCodes.issue(count: 2, parameters: .standard, at: Date())
        struct Item: Codable {
            let code: String
            let salt: String
            let log_n: Int
            let r: Int
            let p: Int
        }
        struct Request: Codable {
            var command = "scrypt_hashes"
            let items: [Item]
        }
        struct Response: Codable { let hashes: [String] }
        let items = issued.codes.map {
            Item(code: RecoveryCodes.normalise($0)!, salt: Hex.encode(issued.set.salt), log_n: 15, r: 8, p: 1)
        }
        #expect(
            try PythonPeer.call(Request(items: items), as: Response.self).hashes == issued.set.hashes.map(Hex.encode))
        #expect(try RecoveryCodes.match(issued.codes[1], in: issued.set) == 1)
    }

    @Test func matchingNormalisesInputAndRejectsEverythingElse() throws {
        let issued = try RecoveryCodes.issue(count: 10, parameters: GuardianHarness.testScrypt, at: Date())
        for (index, code) in issued.codes.enumerated() {
            #expect(try RecoveryCodes.match(code, in: issued.set) == index)
            #expect(
                try RecoveryCodes.match(code.uppercased().replacingOccurrences(of: "-", with: " "), in: issued.set)
                    == index)
            #expect(try RecoveryCodes.match(code.replacingOccurrences(of: "-", with: ""), in: issued.set) == index)
        }
        var other = Array(issued.codes[0])
        other[0] = other[0] == "a" ? "b" : "a"
        for wrong in [
            String(other), "", "abcd", issued.codes[0] + "a", String(issued.codes[0].dropLast()) + "1",
            String(repeating: "a", count: 80),
        ] {
            #expect(try RecoveryCodes.match(wrong, in: issued.set) == nil, "\(wrong)")
        }
    }

    @Test(arguments: StoreKind.allCases) func regeneratingNeedsAFreshTOTPCodeAndVoidsTheOldSet(store: StoreKind)
        async throws
    {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        let code = try harness.nextCode(wallet)
        let fresh = try await harness.service.regenerateRecoveryCodes(
            session: wallet.session, wallet: wallet.address, code: code)
        #expect(fresh.count == 10 && Set(fresh).isDisjoint(with: wallet.recoveryCodes))
        #expect(
            await errorCode {
                try await harness.service.regenerateRecoveryCodes(
                    session: wallet.session, wallet: wallet.address, code: code)
            } == .codeAlreadyUsed)
        let old = try await recoveryAuthorization(harness, wallet, .breakGlass)
        #expect(
            await errorCode {
                try await harness.service.validateBreakGlass(
                    session: wallet.session, wallet: wallet.address, authorization: old)
            } == .invalidRecoveryCode)
        let renewed = EnrolledWallet(
            owner: wallet.owner, session: wallet.session, guardian: wallet.guardian, totp: wallet.totp,
            recoveryCodes: fresh)
        let result = try await harness.service.validateBreakGlass(
            session: wallet.session, wallet: wallet.address,
            authorization: recoveryAuthorization(harness, renewed, .breakGlass))
        #expect(result.method == "recovery_code" && result.remainingRecoveryCodes == 9)
    }
}

@Suite struct BreakGlassTests {
    @Test(arguments: StoreKind.allCases) func aTOTPCodeValidatesOnceAndReturnsASignedAttestation(store: StoreKind)
        async throws
    {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        let code = try harness.nextCode(wallet)
        let result = try await harness.service.validateBreakGlass(
            session: wallet.session, wallet: wallet.address, authorization: .totp(code: code))
        #expect(result.method == "totp" && result.remainingRecoveryCodes == 10)
        #expect(result.expiresAt == harness.clock.now().addingTimeInterval(600))
        let message = try SolanaOffchainMessage(serialized: result.attestation.message)
        #expect(message.text == result.attestation.text && message.signers == [wallet.guardian])
        #expect(message.isValidSignature(result.attestation.signature, by: wallet.guardian))
        for line in [
            "Action: break_glass", "Wallet: \(wallet.address)", "Guardian: \(wallet.guardian.base58)", "Method: totp",
            "Sequence: 0",
        ] {
            #expect(result.attestation.text.contains(line + "\n"), "\(line)")
        }
        // The code is consumed: neither break-glass nor a cosign accepts it again.
        #expect(
            await errorCode {
                try await harness.service.validateBreakGlass(
                    session: wallet.session, wallet: wallet.address, authorization: .totp(code: code))
            } == .codeAlreadyUsed)
        #expect(
            await errorCode {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address,
                    transactionBase64: TransactionFactory.standard(for: wallet), code: code)
            } == .codeAlreadyUsed)
    }

    @Test(arguments: StoreKind.allCases) func aRecoveryCodeWorksOnceAndWrongOnesCountTowardsTheLockout(store: StoreKind)
        async throws
    {
        let harness = try await store.harness {
            $0.governance.breakGlassRateLimit = TokenBucketPolicy(capacity: 100, per: 3600)
        }
        let wallet = try await harness.enroll()
        _ = try await harness.service.validateBreakGlass(
            session: wallet.session, wallet: wallet.address,
            authorization: recoveryAuthorization(harness, wallet, .breakGlass))
        #expect(
            await errorCode {
                try await harness.service.validateBreakGlass(
                    session: wallet.session, wallet: wallet.address,
                    authorization: recoveryAuthorization(harness, wallet, .breakGlass))
            } == .recoveryCodeUsed)
        let wrong = "aaaa-bbbb-cccc-dddd"
        let first = await guardianError {
            try await harness.service.validateBreakGlass(
                session: wallet.session, wallet: wallet.address,
                authorization: recoveryAuthorization(harness, wallet, .breakGlass, code: wrong))
        }
        #expect(first?.code == .invalidRecoveryCode)
        for _ in 0..<10 {
            _ = await errorCode {
                try await harness.service.validateBreakGlass(
                    session: wallet.session, wallet: wallet.address,
                    authorization: recoveryAuthorization(harness, wallet, .breakGlass, code: wrong))
            }
        }
        // Locked now: even a right recovery code waits.
        #expect(
            await errorCode {
                try await harness.service.validateBreakGlass(
                    session: wallet.session, wallet: wallet.address,
                    authorization: recoveryAuthorization(harness, wallet, .breakGlass, index: 2))
            } == .walletLocked)
        #expect(try await harness.store.recoveryCodes(wallet.owner.publicKey)?.remaining == 9)
    }

    @Test(arguments: StoreKind.allCases) func breakGlassHasItsOwnStricterBucket(store: StoreKind) async throws {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        for _ in 0..<3 {
            _ = try await harness.service.validateBreakGlass(
                session: wallet.session, wallet: wallet.address, authorization: .totp(code: harness.nextCode(wallet)))
        }
        let limited = await guardianError {
            try await harness.service.validateBreakGlass(
                session: wallet.session, wallet: wallet.address, authorization: .totp(code: harness.nextCode(wallet)))
        }
        #expect(limited?.code == .rateLimited && (limited?.retryAfterSeconds ?? 0) > 0)
        // Cosigns are not affected by the break-glass bucket.
        _ = try await harness.service.cosign(
            session: wallet.session, wallet: wallet.address,
            transactionBase64: TransactionFactory.standard(for: wallet), code: harness.nextCode(wallet))
        harness.clock.advance(by: 1200)  // 3 per hour: one token per 20 minutes
        let session = try await harness.login(wallet.owner)
        _ = try await harness.service.validateBreakGlass(
            session: session, wallet: wallet.address, authorization: .totp(code: harness.nextCode(wallet)))
    }

    @Test(arguments: StoreKind.allCases) func concurrentUsesOfOneRecoveryCodeExactlyOneSucceeds(store: StoreKind)
        async throws
    {
        let harness = try await store.harness {
            $0.governance.breakGlassRateLimit = TokenBucketPolicy(capacity: 1000, per: 1)
        }
        let wallet = try await harness.enroll()
        var authorizations: [GovernanceAuthorization] = []
        for _ in 0..<20 { authorizations.append(try await recoveryAuthorization(harness, wallet, .breakGlass)) }
        let service = harness.service
        let outcomes = await withTaskGroup(of: GuardianError.Code?.self) { group in
            for authorization in authorizations {
                group.addTask {
                    await errorCode {
                        try await service.validateBreakGlass(
                            session: wallet.session, wallet: wallet.address, authorization: authorization)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.compactMap { $0 }.allSatisfy { $0 == .recoveryCodeUsed })
        #expect(try await harness.store.recoveryCodes(wallet.owner.publicKey)?.remaining == 9)
    }
}

@Suite struct ReenrollmentTests {
    @Test(arguments: StoreKind.allCases) func aLostAuthenticatorIsReplacedWithAWalletSignatureAndARecoveryCode(
        store: StoreKind
    ) async throws {
        let harness = try await store.harness()
        let wallet = try await harness.enroll()
        let oldCode = try harness.nextCode(wallet)
        let challenge = try await harness.service.governanceChallenge(
            session: wallet.session, wallet: wallet.address, action: .reenroll)
        // The session alone is not enough: the signature must be the wallet's over this challenge.
        #expect(
            await errorCode {
                try await harness.service.reenroll(
                    session: wallet.session, wallet: wallet.address, recoveryCode: wallet.recoveryCodes[0],
                    challengeID: challenge.id, signature: SolanaKeypair().sign(Array(challenge.message.utf8)))
            } == .invalidSignature)
        let start = try await harness.service.reenroll(
            session: wallet.session, wallet: wallet.address, recoveryCode: wallet.recoveryCodes[0],
            challengeID: challenge.id,
            signature: wallet.owner.sign(Array(challenge.message.utf8)))
        #expect(
            start.guardianPublicKey == wallet.guardian,
            "re-enrollment keeps the guardian key; only a timelocked rotation changes it")
        let newTOTP = try #require(try OTPAuthURI(parsing: start.otpauthURI).totp())
        // The old secret is revoked at once: its codes no longer cosign (the wallet waits for confirmation).
        #expect(
            await errorCode {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address,
                    transactionBase64: TransactionFactory.standard(for: wallet), code: oldCode)
            } == .enrollmentPending)
        // A plain enrollment cannot replace the guardian key meanwhile.
        #expect(
            await errorCode {
                try await harness.service.beginEnrollment(session: wallet.session, wallet: wallet.address)
            } == .alreadyEnrolled)
        // Confirming with an old-secret code fails; with the new one it activates and issues new recovery codes.
        harness.clock.advance(by: 30)
        let stale = try wallet.totp.code(at: harness.clock.unixSeconds())
        if stale != (try newTOTP.code(at: harness.clock.unixSeconds())) {
            #expect(
                await errorCode {
                    try await harness.service.confirmEnrollment(
                        session: wallet.session, wallet: wallet.address, code: stale)
                } == .invalidCode)
        }
        let confirmation = try await harness.service.confirmEnrollment(
            session: wallet.session, wallet: wallet.address, code: newTOTP.code(at: harness.clock.unixSeconds()))
        #expect(
            confirmation.status.state == .active && confirmation.recoveryCodes.count == 10
                && Set(confirmation.recoveryCodes).isDisjoint(with: wallet.recoveryCodes))
        let renewed = EnrolledWallet(
            owner: wallet.owner, session: wallet.session, guardian: wallet.guardian, totp: newTOTP,
            recoveryCodes: confirmation.recoveryCodes)
        let result = try await harness.service.cosign(
            session: wallet.session, wallet: wallet.address,
            transactionBase64: TransactionFactory.standard(for: renewed), code: harness.nextCode(renewed))
        #expect(result.guardianPublicKey == wallet.guardian)
        // Old recovery codes are void after the new set.
        #expect(
            await errorCode {
                try await harness.service.validateBreakGlass(
                    session: wallet.session, wallet: wallet.address,
                    authorization: recoveryAuthorization(harness, wallet, .breakGlass, index: 1))
            } == .invalidRecoveryCode)
    }

    @Test(arguments: StoreKind.allCases) func aRecoveryCodeAndChallengeAreConsumedByReenrollment(store: StoreKind)
        async throws
    {
        // Four attempts in a row: more than the default break-glass bucket (3 per hour) allows, which is tested above.
        let harness = try await store.harness {
            $0.governance.breakGlassRateLimit = TokenBucketPolicy(capacity: 10, per: 3600)
        }
        let wallet = try await harness.enroll()
        let challenge = try await harness.service.governanceChallenge(
            session: wallet.session, wallet: wallet.address, action: .reenroll)
        let signature = try wallet.owner.sign(Array(challenge.message.utf8))
        _ = try await harness.service.reenroll(
            session: wallet.session, wallet: wallet.address, recoveryCode: wallet.recoveryCodes[0],
            challengeID: challenge.id, signature: signature)
        #expect(
            await errorCode {
                try await harness.service.reenroll(
                    session: wallet.session, wallet: wallet.address, recoveryCode: wallet.recoveryCodes[1],
                    challengeID: challenge.id, signature: signature)
            } == .nonceReused)
        let again = try await harness.service.governanceChallenge(
            session: wallet.session, wallet: wallet.address, action: .reenroll)
        #expect(
            await errorCode {
                try await harness.service.reenroll(
                    session: wallet.session, wallet: wallet.address, recoveryCode: wallet.recoveryCodes[0],
                    challengeID: again.id, signature: wallet.owner.sign(Array(again.message.utf8)))
            } == .recoveryCodeUsed)
        // Lost the new QR before confirming: re-enrolling again works with another code.
        _ = try await harness.service.reenroll(
            session: wallet.session, wallet: wallet.address, recoveryCode: wallet.recoveryCodes[1],
            challengeID: again.id, signature: wallet.owner.sign(Array(again.message.utf8)))
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
