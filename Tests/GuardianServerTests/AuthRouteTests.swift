import ChainKit
import Foundation
import Guardian
import GuardianAPI
import GuardianServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

// MARK: - Sign In With Solana over HTTP

@Suite struct AuthRouteTests {
    @Test func challengeIsAWellFormedSIWSMessageForTheWallet() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            var nonces = Set<String>()
            for _ in 0..<20 {
                let wallet = SolanaKeypair()
                let challenge = try await client.send(
                    .post, "/v1/auth/challenge", body: ["wallet": wallet.publicKey.base58]
                )
                .decoded(GuardianAPI.ChallengeResponse.self, expecting: .ok)
                let message = try SIWSMessage(text: challenge.message)
                #expect(message.domain == "guardian.test")
                #expect(message.address == wallet.publicKey)
                #expect(message.uri == "https://guardian.test")
                #expect(message.version == "1")
                #expect(message.statement?.isEmpty == false)
                #expect(message.chainID == .mainnet)
                #expect(message.nonce == challenge.nonce)
                #expect(
                    message.nonce.count >= 16 && message.nonce.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
                )
                #expect(message.issuedAt.date == harness.clock.now())
                let lifetime = message.expirationTime.date.timeIntervalSince(message.issuedAt.date)
                #expect(lifetime > 0 && lifetime <= 300)
                #expect(abs(challenge.expiresAt.timeIntervalSince(message.expirationTime.date)) < 0.001)
                #expect(nonces.insert(message.nonce).inserted, "nonces must not repeat")
            }
        }
    }

    @Test func signedChallengeOpensASessionBoundToTheWallet() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let wallet = SolanaKeypair()
            let token = try await client.signIn(wallet)
            // 256 random bits, unpadded Base64url: 43 characters.
            #expect(token.count == 43)
            let session = try await harness.service.authenticate(token: token)
            #expect(session.wallet == wallet.publicKey)
            #expect(session.expiresAt == harness.clock.now().addingTimeInterval(900))
        }
    }

    @Test func badSignaturesAreRefusedAndDoNotConsumeTheNonce() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let wallet = SolanaKeypair()
            let challenge = try await client.send(
                .post, "/v1/auth/challenge", body: ["wallet": wallet.publicKey.base58]
            )
            .decoded(GuardianAPI.ChallengeResponse.self, expecting: .ok)
            let message = Array(challenge.message.utf8)
            // Another key's signature, a signature of other text, and a flipped bit.
            var flipped = try wallet.sign(message).bytes
            flipped[Int.random(in: 0..<64)] ^= 1 << UInt8.random(in: 0..<8)
            for signature in [
                try SolanaKeypair().sign(message), try wallet.sign(message + [0x20]),
                try SolanaSignature(bytes: flipped),
            ] {
                try await client.send(
                    .post, "/v1/auth/verify",
                    body: ["challengeId": challenge.challengeId, "signature": signature.base58]
                )
                .expectError(.unauthorized, "invalid_signature")
            }
            // Not a signature at all.
            for text in ["", "abc", String(repeating: "1", count: 200), "0OIl"] {
                try await client.send(
                    .post, "/v1/auth/verify", body: ["challengeId": challenge.challengeId, "signature": text]
                )
                .expectError(.unauthorized, "invalid_signature")
            }
            // The right signature still works afterwards.
            try await client.send(
                .post, "/v1/auth/verify",
                body: ["challengeId": challenge.challengeId, "signature": try wallet.sign(message).base58]
            )
            .expect(.ok)
        }
    }

    @Test func aNonceIsUsableOnce() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let wallet = SolanaKeypair()
            let challenge = try await client.send(
                .post, "/v1/auth/challenge", body: ["wallet": wallet.publicKey.base58]
            )
            .decoded(GuardianAPI.ChallengeResponse.self, expecting: .ok)
            let body = [
                "challengeId": challenge.challengeId,
                "signature": try wallet.sign(Array(challenge.message.utf8)).base58,
            ]
            try await client.send(.post, "/v1/auth/verify", body: body).expect(.ok)
            try await client.send(.post, "/v1/auth/verify", body: body).expectError(.conflict, "nonce_reused")
        }
    }

    @Test func anExpiredChallengeIsRefused() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let wallet = SolanaKeypair()
            let challenge = try await client.send(
                .post, "/v1/auth/challenge", body: ["wallet": wallet.publicKey.base58]
            )
            .decoded(GuardianAPI.ChallengeResponse.self, expecting: .ok)
            harness.clock.advance(by: 301)
            try await client.send(
                .post, "/v1/auth/verify",
                body: [
                    "challengeId": challenge.challengeId,
                    "signature": try wallet.sign(Array(challenge.message.utf8)).base58,
                ]
            )
            .expectError(.unauthorized, "challenge_expired")
        }
    }

    @Test func unknownChallengesAndInvalidWalletsAreNamed() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            try await client.send(
                .post, "/v1/auth/verify",
                body: [
                    "challengeId": "00112233445566778899aabbccddeeff",
                    "signature": try SolanaKeypair().sign([1]).base58,
                ]
            )
            .expectError(.notFound, "challenge_not_found")
            for wallet in [
                "", "not-base58!", "1111", String(repeating: "z", count: 60), "0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl",
            ] {
                try await client.send(.post, "/v1/auth/challenge", body: ["wallet": wallet]).expectError(
                    .badRequest, "invalid_wallet_address")
            }
        }
    }

    @Test func sessionsExpireAfterFifteenMinutesAndLogoutEndsThem() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let wallet = SolanaKeypair()
            let path = "/v1/wallets/\(wallet.publicKey.base58)/enrollment"
            let token = try await client.signIn(wallet)
            harness.clock.advance(by: 899)
            try await client.send(.post, path, token: token).expect(.created)
            harness.clock.advance(by: 1)
            let expired = try await client.send(.post, path, token: token)
            try expired.expectError(.unauthorized, "session_invalid")
            #expect(expired.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)

            let second = try await client.signIn(wallet)
            try await client.send(.post, "/v1/auth/logout", token: second).expect(.noContent)
            try await client.send(.post, path, token: second).expectError(.unauthorized, "session_invalid")
            // Malformed tokens and schemes.
            for header in [
                "Bearer", "Bearer ", "Basic abc", "Bearer !!!", "Bearer " + String(repeating: "A", count: 43),
            ] {
                try await client.send(.post, path, headers: [.authorization: header]).expectError(
                    .unauthorized, "session_invalid")
            }
            try await client.send(.post, path).expectError(.unauthorized, "session_invalid")
        }
    }
}
