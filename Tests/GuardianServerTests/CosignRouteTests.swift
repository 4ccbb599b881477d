import ChainKit
import Foundation
import Guardian
import GuardianAPI
import GuardianServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OTP
import Testing

// MARK: - The capsule over HTTP

@Suite struct CosignRouteTests {
    @Test(arguments: [SolanaMessage.Version.legacy, .v0])
    func cosignReturnsAValidGuardianSignatureInItsSlot(version: SolanaMessage.Version) async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let wallet = try await client.activeWallet(clock: harness.clock)
            for _ in 0..<3 {
                harness.clock.advance(by: 30)
                let transaction = try wallet.transaction(version: version)
                let result = try await client.cosign(
                    wallet, transaction: TransactionFactory.base64(transaction), code: wallet.code(harness.clock)
                )
                .decoded(GuardianAPI.CosignResponse.self, expecting: .ok)
                let signature = try SolanaSignature(base58: result.signature)
                #expect(result.guardianPublicKey == wallet.guardian.base58)
                #expect(wallet.guardian.isValidSignature(signature, for: transaction.messageBytes))
                let signed = try SolanaTransaction(wireBytes: try #require(Data(base64Encoded: result.transaction)))
                #expect(signed.message == transaction.message)
                #expect(signed.signatures[0] == transaction.signatures[0], "the owner's signature is kept")
                #expect(signed.signatures[1] == signature)
                #expect(signed.isFullyVerified)
                #expect(result.step == UInt64(harness.clock.unixSeconds() / 30))
                #expect(
                    result.timeline.map(\.state) == [
                        "created", "sealed", "validating", "decrypting", "signing", "burning", "completed",
                    ])
                #expect(
                    zip(result.timeline, result.timeline.dropFirst()).allSatisfy {
                        $0.atMicroseconds <= $1.atMicroseconds
                    })
                let record = try await harness.service.cosignRecord(operationID: result.operationId)
                #expect(record?.signature == signature)
            }
        }
    }

    @Test func aCodeIsBurnedByItsFirstUse() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let wallet = try await client.activeWallet(clock: harness.clock)
            // The confirmation burned this step already.
            try await client.cosign(
                wallet, transaction: TransactionFactory.base64(wallet.transaction()), code: wallet.code(harness.clock)
            )
            .expectError(.conflict, "code_already_used")
            harness.clock.advance(by: 30)
            let code = try wallet.code(harness.clock)
            try await client.cosign(wallet, transaction: TransactionFactory.base64(wallet.transaction()), code: code)
                .expect(.ok)
            // Replays — same transaction or another one, now or within the ±1 window — are refused and not counted.
            for _ in 0..<4 {
                let replay = try await client.cosign(
                    wallet, transaction: TransactionFactory.base64(wallet.transaction()), code: code)
                let error = try replay.expectError(.conflict, "code_already_used")
                #expect(error.operationId != nil)
            }
            harness.clock.advance(by: 25)
            try await client.cosign(wallet, transaction: TransactionFactory.base64(wallet.transaction()), code: code)
                .expectError(.conflict, "code_already_used")
            // An older step's code is refused too: steps only move forward.
            let status = try await client.send(.get, "/v1/wallets/\(wallet.address)/guardian", token: wallet.token)
                .decoded(GuardianAPI.GuardianStatusResponse.self, expecting: .ok)
            #expect(status.lockedUntil == nil)
        }
    }

    @Test func wrongCodesLockTheWalletWithRetryAfter() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let wallet = try await client.activeWallet(clock: harness.clock)
            harness.clock.advance(by: 30)
            let transaction = try TransactionFactory.base64(wallet.transaction())
            let wrong = try EnrollmentRouteTests.wrongCode(wallet.totp, at: harness.clock.now())
            try await client.cosign(wallet, transaction: transaction, code: wrong).expectError(
                .unauthorized, "invalid_code")
            try await client.cosign(wallet, transaction: transaction, code: wrong).expectError(
                .unauthorized, "invalid_code")
            try await client.cosign(wallet, transaction: transaction, code: wrong).expectError(
                .unauthorized, "invalid_code")
            // Locked for 60 s: even the right code is refused, with Retry-After.
            let locked = try await client.cosign(wallet, transaction: transaction, code: wallet.code(harness.clock))
            let error = try locked.expectError(.locked, "wallet_locked")
            #expect(locked.headers[.retryAfter] == "60" && error.retryAfterSeconds == 60)
            harness.clock.advance(by: 59)
            try await client.cosign(wallet, transaction: transaction, code: wallet.code(harness.clock)).expectError(
                .locked, "wallet_locked")
            let own = try await client.send(.get, "/v1/wallets/\(wallet.address)/guardian", token: wallet.token)
                .decoded(GuardianAPI.GuardianStatusResponse.self, expecting: .ok)
            #expect(own.lockedUntil != nil)
            harness.clock.advance(by: 1)
            // The next wrong one doubles the lock; a right one afterwards resets the count.
            try await client.cosign(
                wallet, transaction: transaction,
                code: EnrollmentRouteTests.wrongCode(wallet.totp, at: harness.clock.now())
            ).expectError(.unauthorized, "invalid_code")
            let doubled = try await client.cosign(wallet, transaction: transaction, code: wallet.code(harness.clock))
            try doubled.expectError(.locked, "wallet_locked")
            #expect(doubled.headers[.retryAfter] == "120")
            harness.clock.advance(by: 120)
            try await client.cosign(wallet, transaction: transaction, code: wallet.code(harness.clock)).expect(.ok)
        }
    }

    @Test func malformedTransactionsAreRefusedBeforeTheCodeIsChecked() async throws {
        // Many requests for one wallet: widen its bucket (the bucket is tested on its own).
        // And verify present signatures, so a forged owner signature is refused too.
        let harness = try await ServerHarness.inMemory {
            $0.guardian.walletRateLimit = TokenBucketPolicy(capacity: 100, per: 300)
            $0.guardian.verifiesPresentSignatures = true
        }
        try await harness.run { client in
            let wallet = try await client.activeWallet(clock: harness.clock)
            harness.clock.advance(by: 30)
            let code = try wallet.code(harness.clock)
            let good = try wallet.transaction()
            let bytes = good.serialized()
            var randomGarbage: [String] = []
            for _ in 0..<20 {
                let length = Int.random(in: 1...400)
                randomGarbage.append(Data((0..<length).map { _ in UInt8.random(in: 0...255) }).base64EncodedString())
            }
            let malformed =
                [
                    "", "not base64!", "AAAA", Data(bytes.prefix(bytes.count - 1)).base64EncodedString(),
                    Data(bytes + [0]).base64EncodedString(),
                    String(repeating: "A", count: 1_648),
                ] + randomGarbage
            for text in malformed {
                try await client.cosign(wallet, transaction: text, code: code).expectError(
                    .badRequest, "malformed_transaction")
            }
            // A filled slot that does not verify.
            var forged = good.signatures
            forged[0] = try SolanaKeypair().sign(good.messageBytes)
            try await client.cosign(
                wallet,
                transaction: TransactionFactory.base64(SolanaTransaction(message: good.message, signatures: forged)),
                code: code
            )
            .expectError(.badRequest, "malformed_transaction")
            // Signer checks.
            let withoutGuardian = try SolanaTransaction(
                message: TransactionFactory.message(
                    owner: wallet.keypair.publicKey, guardian: wallet.guardian, signers: [wallet.keypair.publicKey])
            ).signing(with: wallet.keypair)
            try await client.cosign(wallet, transaction: TransactionFactory.base64(withoutGuardian), code: code)
                .expectError(.unprocessableContent, "guardian_not_signer")
            let other = SolanaKeypair()
            let withoutWallet = try SolanaTransaction(
                message: TransactionFactory.message(
                    owner: other.publicKey, guardian: wallet.guardian, signers: [other.publicKey, wallet.guardian])
            ).signing(with: other)
            try await client.cosign(wallet, transaction: TransactionFactory.base64(withoutWallet), code: code)
                .expectError(.unprocessableContent, "wallet_not_signer")
            let zeroHash = try SolanaTransaction(
                message: TransactionFactory.message(
                    owner: wallet.keypair.publicKey, guardian: wallet.guardian,
                    blockhash: SolanaBlockhash(bytes: [UInt8](repeating: 0, count: 32)))
            ).signing(with: wallet.keypair)
            try await client.cosign(wallet, transaction: TransactionFactory.base64(zeroHash), code: code).expectError(
                .unprocessableContent, "missing_recent_blockhash")
            // Code shape.
            for bad in ["", "12345", "1234567", "12345a", "１２３４５６"] {
                try await client.cosign(wallet, transaction: TransactionFactory.base64(good), code: bad).expectError(
                    .badRequest, "invalid_request")
            }
            // None of that burned the step or counted as a wrong code.
            try await client.cosign(wallet, transaction: TransactionFactory.base64(good), code: code).expect(.ok)
        }
    }

    @Test func sessionsAreCheckedFirstAndBoundToTheirWallet() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let wallet = try await client.activeWallet(clock: harness.clock)
            let other = try await client.activeWallet(clock: harness.clock)
            harness.clock.advance(by: 30)
            let body = try TransactionFactory.base64(wallet.transaction())
            try await client.cosign(wallet, transaction: body, code: wallet.code(harness.clock), token: other.token)
                .expectError(.forbidden, "session_wallet_mismatch")
            try await client.send(.post, "/v1/wallets/\(wallet.address)/cosign", json: "{not json").expectError(
                .unauthorized, "session_invalid")
            try await client.send(
                .post, "/v1/wallets/\(SolanaKeypair().publicKey.base58)/cosign",
                body: ["transaction": body, "code": "123456"], token: wallet.token
            )
            .expectError(.forbidden, "session_wallet_mismatch")
            try await client.cosign(wallet, transaction: body, code: wallet.code(harness.clock)).expect(.ok)
        }
    }

    @Test func pendingAndUnknownWalletsCannotCosign() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let keypair = SolanaKeypair()
            let token = try await client.signIn(keypair)
            let path = "/v1/wallets/\(keypair.publicKey.base58)/cosign"
            let transaction = try TransactionFactory.base64(
                TransactionFactory.transfer(owner: keypair, guardian: SolanaKeypair().publicKey))
            try await client.send(.post, path, body: ["transaction": transaction, "code": "123456"], token: token)
                .expectError(.notFound, "not_enrolled")
            try await client.send(.post, "/v1/wallets/\(keypair.publicKey.base58)/enrollment", token: token).expect(
                .created)
            try await client.send(.post, path, body: ["transaction": transaction, "code": "123456"], token: token)
                .expectError(.conflict, "enrollment_pending")
        }
    }

    @Test func theWalletBucketAllowsTenRequestsPerFiveMinutes() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let wallet = try await client.activeWallet(clock: harness.clock)
            harness.clock.advance(by: 30)
            let code = try wallet.code(harness.clock)
            let transaction = try TransactionFactory.base64(wallet.transaction())
            try await client.cosign(wallet, transaction: transaction, code: code).expect(.ok)
            for _ in 0..<9 {
                try await client.cosign(wallet, transaction: transaction, code: code).expectError(
                    .conflict, "code_already_used")
            }
            let limited = try await client.cosign(wallet, transaction: transaction, code: code)
            let error = try limited.expectError(.tooManyRequests, "rate_limited")
            // One token refills every 300 / 10 = 30 s.
            #expect(limited.headers[.retryAfter] == "30" && error.retryAfterSeconds == 30)
            // Another wallet is unaffected.
            let other = try await client.activeWallet(clock: harness.clock)
            harness.clock.advance(by: 30)
            try await client.cosign(
                other, transaction: TransactionFactory.base64(other.transaction()), code: other.code(harness.clock)
            ).expect(.ok)
            try await client.cosign(
                wallet, transaction: TransactionFactory.base64(wallet.transaction()), code: wallet.code(harness.clock)
            ).expect(.ok)
        }
    }
}
