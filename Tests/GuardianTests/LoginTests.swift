import ChainKit
import Crypto
import Foundation
import Guardian
import GuardianTestSupport
import Testing

/// Sign-in: SIWS challenges, single-use nonces, signature checks, sessions.
@Suite struct LoginTests {
    /// Stamps round down: a challenge issued 0.7 ms into a millisecond and signed at once is not "issued in the future"
    /// (rounded to the nearest, its issued-at would be 0.3 ms ahead of the clock).
    @Test(arguments: StoreKind.allCases) func aChallengeSignedInTheSameMillisecondVerifies(store: StoreKind)
        async throws
    {
        let harness = try await store.harness()
        harness.clock.advance(by: 0.0007)
        let owner = SolanaKeypair()
        let challenge = try await harness.service.challenge(wallet: owner.publicKey.base58)
        _ = try await harness.service.verifyChallenge(
            id: challenge.id, signature: owner.sign(Array(challenge.message.utf8)))
    }

    @Test(arguments: StoreKind.allCases) func challengeIsACompleteSIWSMessage(store: StoreKind) async throws {
        let harness = try await store.harness()
        let owner = SolanaKeypair()
        let challenge = try await harness.service.challenge(wallet: owner.publicKey.base58)
        let message = try SIWSMessage(text: challenge.message)
        #expect(message.domain == GuardianHarness.signIn.domain)
        #expect(message.address == owner.publicKey)
        #expect(message.statement == GuardianHarness.signIn.statement)
        #expect(message.uri == GuardianHarness.signIn.uri)
        #expect(message.version == "1")
        #expect(message.chainID == .devnet)
        #expect(message.nonce == challenge.nonce)
        #expect(message.nonce.count >= 16 && message.nonce.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(message.issuedAt.date.timeIntervalSince1970 == TimeInterval(GuardianHarness.startTime))
        let lifetime = message.expirationTime.date.timeIntervalSince(message.issuedAt.date)
        #expect(lifetime > 0 && lifetime <= 300)
        #expect(message.requestID == challenge.id)
    }

    @Test(arguments: StoreKind.allCases) func noncesAreFreshAndUniformlyAlphanumeric(store: StoreKind) async throws {
        let harness = try await store.harness()
        let wallet = SolanaKeypair().publicKey.base58
        var nonces = Set<String>()
        var counts = [Character: Int]()
        for _ in 0..<200 {
            let nonce = try await harness.service.challenge(wallet: wallet).nonce
            nonces.insert(nonce)
            for character in nonce { counts[character, default: 0] += 1 }
        }
        #expect(nonces.count == 200)
        // 6,400 characters over 62 symbols: ≈103 each; a biased or non-random generator leaves gaps or spikes.
        #expect(counts.count == 62)
        #expect(counts.values.allSatisfy { (50...170).contains($0) })
    }

    @Test func challengeLifetimeIsCappedAtFiveMinutes() async throws {
        var signIn = GuardianHarness.signIn
        signIn.challengeLifetime = 3_600
        #expect(signIn.challengeLifetime == 300)
    }

    @Test(arguments: StoreKind.allCases) func validSignatureOpensA15MinuteSessionBoundToTheWallet(store: StoreKind)
        async throws
    {
        let harness = try await store.harness()
        let owner = SolanaKeypair()
        let challenge = try await harness.service.challenge(wallet: owner.publicKey.base58)
        let grant = try await harness.service.verifyChallenge(
            id: challenge.id, signature: owner.sign(Array(challenge.message.utf8)).base58)
        #expect(grant.wallet == owner.publicKey)
        #expect(grant.expiresAt.timeIntervalSince1970 == TimeInterval(GuardianHarness.startTime + 900))
        #expect(grant.token.count == 43)  // 32 bytes, unpadded Base64url
        #expect(!grant.description.contains(grant.token))
        let session = try await harness.service.authenticate(token: grant.token)
        #expect(session.wallet == owner.publicKey)

        harness.clock.advance(by: 899)
        #expect(try await harness.service.authenticate(token: grant.token).wallet == owner.publicKey)
        harness.clock.advance(by: 1)
        #expect(await errorCode { try await harness.service.authenticate(token: grant.token) } == .sessionInvalid)
    }

    @Test(arguments: StoreKind.allCases) func signatureAsPaddedBase64IsAccepted(store: StoreKind) async throws {
        let harness = try await store.harness()
        let owner = SolanaKeypair()
        let challenge = try await harness.service.challenge(wallet: owner.publicKey.base58)
        let signature = Data(try owner.sign(Array(challenge.message.utf8)).bytes).base64EncodedString()
        #expect(
            try await harness.service.verifyChallenge(id: challenge.id, signature: signature).wallet == owner.publicKey)
    }

    @Test func sessionTokenIsStoredOnlyAsItsHash() async throws {
        let store = InMemoryGuardianStore()
        let harness = try await GuardianHarness.make(store: store)
        let owner = SolanaKeypair()
        let challenge = try await harness.service.challenge(wallet: owner.publicKey.base58)
        let grant = try await harness.service.verifyChallenge(
            id: challenge.id, signature: owner.sign(Array(challenge.message.utf8)))
        var raw = grant.token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while raw.count % 4 != 0 { raw += "=" }
        let tokenBytes = [UInt8](Data(base64Encoded: raw)!)
        #expect(try await store.session(tokenHash: tokenBytes) == nil)
        let hash = [UInt8](Data(SHA256Digest(tokenBytes)))
        #expect(try await store.session(tokenHash: hash)?.wallet == owner.publicKey)
    }

    @Test(arguments: StoreKind.allCases) func wrongSignatureIsRefusedAndDoesNotConsumeTheChallenge(store: StoreKind)
        async throws
    {
        let harness = try await store.harness()
        let owner = SolanaKeypair()
        let intruder = SolanaKeypair()
        let challenge = try await harness.service.challenge(wallet: owner.publicKey.base58)
        let bytes = Array(challenge.message.utf8)
        // Another key's signature, a signature of other text, a bit-flipped signature, garbage.
        #expect(
            await errorCode {
                try await harness.service.verifyChallenge(id: challenge.id, signature: intruder.sign(bytes))
            } == .invalidSignature)
        #expect(
            await errorCode {
                try await harness.service.verifyChallenge(id: challenge.id, signature: owner.sign(bytes + [0x20]))
            } == .invalidSignature)
        var flipped = try owner.sign(bytes).bytes
        flipped[Int.random(in: 0..<64)] ^= 1 << UInt8.random(in: 0...7)
        #expect(
            await errorCode {
                try await harness.service.verifyChallenge(id: challenge.id, signature: SolanaSignature(bytes: flipped))
            } == .invalidSignature)
        #expect(
            await errorCode {
                try await harness.service.verifyChallenge(id: challenge.id, signature: "not a signature")
            } == .invalidSignature)
        // The owner can still answer.
        #expect(
            try await harness.service.verifyChallenge(id: challenge.id, signature: owner.sign(bytes)).wallet
                == owner.publicKey)
    }

    @Test(arguments: StoreKind.allCases) func nonceIsSingleUse(store: StoreKind) async throws {
        let harness = try await store.harness()
        let owner = SolanaKeypair()
        let challenge = try await harness.service.challenge(wallet: owner.publicKey.base58)
        let signature = try owner.sign(Array(challenge.message.utf8))
        _ = try await harness.service.verifyChallenge(id: challenge.id, signature: signature)
        #expect(
            await errorCode { try await harness.service.verifyChallenge(id: challenge.id, signature: signature) }
                == .nonceReused)
    }

    @Test(arguments: StoreKind.allCases) func concurrentAnswersToOneChallengeOpenOneSession(store: StoreKind)
        async throws
    {
        let harness = try await store.harness()
        let owner = SolanaKeypair()
        let challenge = try await harness.service.challenge(wallet: owner.publicKey.base58)
        let signature = try owner.sign(Array(challenge.message.utf8))
        let service = harness.service
        let outcomes = await withTaskGroup(of: GuardianError.Code?.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    await errorCode { try await service.verifyChallenge(id: challenge.id, signature: signature) }
                }
            }
            return await group.reduce(into: [GuardianError.Code?]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.filter { $0 == .nonceReused }.count == 49)
    }

    @Test(arguments: StoreKind.allCases) func expiredChallengeIsRefused(store: StoreKind) async throws {
        let harness = try await store.harness()
        let owner = SolanaKeypair()
        let challenge = try await harness.service.challenge(wallet: owner.publicKey.base58)
        harness.clock.advance(by: 300)
        #expect(
            await errorCode {
                try await harness.service.verifyChallenge(
                    id: challenge.id, signature: owner.sign(Array(challenge.message.utf8)))
            } == .challengeExpired)
    }

    @Test(arguments: StoreKind.allCases) func unknownChallengeAndBadInputs(store: StoreKind) async throws {
        let harness = try await store.harness()
        let owner = SolanaKeypair()
        let signature = try owner.sign([1])
        #expect(
            await errorCode { try await harness.service.verifyChallenge(id: "0123456789abcdef", signature: signature) }
                == .challengeNotFound)
        #expect(
            await errorCode {
                try await harness.service.verifyChallenge(
                    id: String(repeating: "a", count: 10_000), signature: signature)
            } == .challengeNotFound)
        // "0" is outside Base58's alphabet: a 43-character address plus a valid digit can be a valid 44-character one.
        for bad in ["", "0OIl", "abc", String(repeating: "1", count: 60), owner.publicKey.base58 + "0"] {
            #expect(
                await errorCode { try await harness.service.challenge(wallet: bad) } == .invalidWalletAddress, "\(bad)")
        }
        for bad in ["", "x", String(repeating: "A", count: 43), String(repeating: "A", count: 500), "AAAA+AAA"] {
            #expect(await errorCode { try await harness.service.authenticate(token: bad) } == .sessionInvalid, "\(bad)")
        }
    }

    @Test(arguments: StoreKind.allCases) func logoutEndsTheSession(store: StoreKind) async throws {
        let harness = try await store.harness()
        let owner = SolanaKeypair()
        let challenge = try await harness.service.challenge(wallet: owner.publicKey.base58)
        let grant = try await harness.service.verifyChallenge(
            id: challenge.id, signature: owner.sign(Array(challenge.message.utf8)))
        let session = try await harness.service.authenticate(token: grant.token)
        try await harness.service.logout(session)
        #expect(await errorCode { try await harness.service.authenticate(token: grant.token) } == .sessionInvalid)
    }

    @Test(arguments: StoreKind.allCases) func challengesAreRateLimitedPerClientIP(store: StoreKind) async throws {
        let harness = try await store.harness { $0.clientIPRateLimit = TokenBucketPolicy(capacity: 3, per: 60) }
        let wallet = SolanaKeypair().publicKey.base58
        for _ in 0..<3 {
            try harness.service.admit(clientIP: "203.0.113.7")
            _ = try await harness.service.challenge(wallet: wallet)
        }
        let error = await guardianError { try harness.service.admit(clientIP: "203.0.113.7") }
        #expect(error?.code == .rateLimited)
        #expect(error?.retryAfterSeconds == 20)  // one token per 60/3 = 20 s
        try harness.service.admit(clientIP: "203.0.113.8")
        try harness.service.admit(clientIP: nil)  // no address (in-process callers): nothing to count
    }

    @Test(arguments: StoreKind.allCases) func purgeRemovesExpiredChallengesAndSessions(store: StoreKind) async throws {
        let harness = try await store.harness()
        let owner = SolanaKeypair()
        _ = try await harness.login(owner)
        _ = try await harness.service.challenge(wallet: owner.publicKey.base58)
        #expect(try await harness.service.purgeExpired() == 0)
        harness.clock.advance(by: 900 + 301)
        #expect(try await harness.service.purgeExpired() == 3)  // two challenges, one session
    }
}

/// SHA-256 through swift-crypto, for checking what the store holds.
private func SHA256Digest(_ bytes: [UInt8]) -> SHA256.Digest { SHA256.hash(data: bytes) }
