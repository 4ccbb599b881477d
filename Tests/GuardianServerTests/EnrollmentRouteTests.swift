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

// MARK: - Enrollment and status over HTTP

@Suite struct EnrollmentRouteTests {
    @Test func enrollmentReturnsTheSecretOnceAndConfirmationActivatesIt() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let wallet = SolanaKeypair()
            let address = wallet.publicKey.base58
            let token = try await client.signIn(wallet)
            let first = try await client.send(.post, "/v1/wallets/\(address)/enrollment", token: token)
                .decoded(GuardianAPI.EnrollmentResponse.self, expecting: .created)
            let uri = try OTPAuthURI(parsing: first.otpauthUri)
            #expect(uri.account == address)
            #expect(uri.issuer == "Chronoguard")
            #expect(first.status == "pending" && first.digits == 6 && first.period == 30 && first.algorithm == "SHA1")
            #expect(first.qrSvg?.contains("<svg") == true)
            #expect(try SolanaPublicKey(base58: first.guardianPublicKey) != wallet.publicKey)

            // Restarting while pending issues a new secret and a new guardian key.
            let second = try await client.send(.post, "/v1/wallets/\(address)/enrollment", json: "{}", token: token)
                .decoded(GuardianAPI.EnrollmentResponse.self, expecting: .created)
            #expect(second.guardianPublicKey != first.guardianPublicKey)
            #expect(second.otpauthUri != first.otpauthUri)

            let pending = try await client.send(.get, "/v1/wallets/\(address)/guardian").decoded(
                GuardianAPI.GuardianStatusResponse.self, expecting: .ok)
            #expect(pending.status == "pending" && pending.guardianPublicKey == second.guardianPublicKey)

            // The first secret no longer confirms; the second does.
            let staleCode = try #require(try uri.totp()).code(at: harness.clock.now())
            let freshTOTP = try #require(try OTPAuthURI(parsing: second.otpauthUri).totp())
            if staleCode != (try freshTOTP.code(at: harness.clock.now())) {
                try await client.send(
                    .post, "/v1/wallets/\(address)/enrollment/confirm", body: ["code": staleCode], token: token
                )
                .expectError(.unauthorized, "invalid_code")
            }
            let active = try await client.send(
                .post, "/v1/wallets/\(address)/enrollment/confirm",
                body: ["code": try freshTOTP.code(at: harness.clock.now())], token: token
            )
            .decoded(GuardianAPI.GuardianStatusResponse.self, expecting: .ok)
            #expect(active.status == "active" && active.guardianPublicKey == second.guardianPublicKey)
            #expect(active.activatedAt == harness.clock.now())

            // Once active, the secret is never issued again.
            try await client.send(.post, "/v1/wallets/\(address)/enrollment", token: token).expectError(
                .conflict, "already_enrolled")
            harness.clock.advance(by: 30)
            try await client.send(
                .post, "/v1/wallets/\(address)/enrollment/confirm",
                body: ["code": try freshTOTP.code(at: harness.clock.now())], token: token
            )
            .expectError(.conflict, "already_enrolled")
        }
    }

    @Test func enrollmentNeedsTheWalletsOwnSession() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let alice = SolanaKeypair()
            let mallory = SolanaKeypair()
            let malloryToken = try await client.signIn(mallory)
            try await client.send(.post, "/v1/wallets/\(alice.publicKey.base58)/enrollment").expectError(
                .unauthorized, "session_invalid")
            try await client.send(.post, "/v1/wallets/\(alice.publicKey.base58)/enrollment", token: malloryToken)
                .expectError(.forbidden, "session_wallet_mismatch")
            try await client.send(
                .post, "/v1/wallets/\(alice.publicKey.base58)/enrollment/confirm", body: ["code": "123456"],
                token: malloryToken
            )
            .expectError(.forbidden, "session_wallet_mismatch")
            try await client.send(.post, "/v1/wallets/not-a-wallet/enrollment", token: malloryToken).expectError(
                .badRequest, "invalid_wallet_address")
            // Parameters are not accepted on enrollment.
            try await client.send(
                .post, "/v1/wallets/\(mallory.publicKey.base58)/enrollment", json: #"{"secret":"AAAA"}"#,
                token: malloryToken
            )
            .expectError(.badRequest, "invalid_request")
        }
    }

    @Test func statusIsPublicButLockStateOnlyForTheOwner() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let wallet = try await client.activeWallet(clock: harness.clock)
            let stranger = try await client.signIn(SolanaKeypair())
            let path = "/v1/wallets/\(wallet.address)/guardian"

            let publicView = try await client.send(.get, path).decoded(
                GuardianAPI.GuardianStatusResponse.self, expecting: .ok)
            #expect(publicView.status == "active" && publicView.guardianPublicKey == wallet.guardian.base58)
            #expect(publicView.lockedUntil == nil && publicView.disabled == nil)
            let raw = try await client.send(.get, path).text
            #expect(!raw.contains("disabled") && !raw.contains("lockedUntil"))

            let ownView = try await client.send(.get, path, token: wallet.token).decoded(
                GuardianAPI.GuardianStatusResponse.self, expecting: .ok)
            #expect(ownView.disabled == false)

            try await client.send(.get, path, token: stranger).expectError(.forbidden, "session_wallet_mismatch")
            try await client.send(.get, path, headers: [.authorization: "Bearer nonsense"]).expectError(
                .unauthorized, "session_invalid")
            try await client.send(.get, "/v1/wallets/\(SolanaKeypair().publicKey.base58)/guardian").expectError(
                .notFound, "not_enrolled")
        }
    }

    @Test func wrongConfirmationCodesCountTowardsTheLockout() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let wallet = SolanaKeypair()
            let address = wallet.publicKey.base58
            let token = try await client.signIn(wallet)
            let enrollment = try await client.send(.post, "/v1/wallets/\(address)/enrollment", token: token)
                .decoded(GuardianAPI.EnrollmentResponse.self, expecting: .created)
            let totp = try #require(try OTPAuthURI(parsing: enrollment.otpauthUri).totp())
            let wrong = try Self.wrongCode(totp, at: harness.clock.now())
            try await client.send(
                .post, "/v1/wallets/\(address)/enrollment/confirm", body: ["code": wrong], token: token
            ).expectError(.unauthorized, "invalid_code")
            try await client.send(
                .post, "/v1/wallets/\(address)/enrollment/confirm", body: ["code": wrong], token: token
            ).expectError(.unauthorized, "invalid_code")
            try await client.send(
                .post, "/v1/wallets/\(address)/enrollment/confirm", body: ["code": wrong], token: token
            ).expectError(.unauthorized, "invalid_code")
            let locked = try await client.send(
                .post, "/v1/wallets/\(address)/enrollment/confirm",
                body: ["code": try totp.code(at: harness.clock.now())], token: token)
            try locked.expectError(.locked, "wallet_locked")
            #expect(locked.headers[.retryAfter] == "60")
            for code in ["12345", "1234567", "abcdef", "", " 123456"] {
                try await client.send(
                    .post, "/v1/wallets/\(address)/enrollment/confirm", body: ["code": code], token: token
                )
                .expectError(.locked, "wallet_locked")
            }
        }
    }

    /// A 6-digit code that matches none of the steps within ±1 of `date`.
    static func wrongCode(_ totp: TOTP, at date: Date) throws -> String {
        let valid = try Set((-1...1).map { try totp.code(at: date.addingTimeInterval(Double($0 * totp.period))) })
        while true {
            let candidate = String(format: "%06d", Int.random(in: 0..<1_000_000))
            if !valid.contains(candidate) { return candidate }
        }
    }
}
