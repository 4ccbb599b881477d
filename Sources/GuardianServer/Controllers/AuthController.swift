import ChainKit
import Foundation
import Guardian
import Hummingbird

// MARK: - Sign-in

/// `POST /v1/auth/challenge`, `POST /v1/auth/verify`, `POST /v1/auth/logout`: Sign In With Solana.
///
/// The client asks for a challenge for its wallet, signs the returned message (UTF-8) with the wallet's Ed25519 key,
/// and trades the signature for a 15-minute bearer token bound to that wallet. Nonces are single-use.
public struct AuthController: Sendable {
    let service: GuardianService
    let limiter: ClientRateLimit

    init(service: GuardianService, limiter: ClientRateLimit) {
        self.service = service
        self.limiter = limiter
    }

    public var routes: [GuardianRoute] {
        [
            GuardianRoute(.post, "/v1/auth/challenge", challenge),
            GuardianRoute(.post, "/v1/auth/verify", verify),
            GuardianRoute(.post, "/v1/auth/logout", logout),
        ]
    }

    @Sendable func challenge(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let body = try await HTTPBody.decode(GuardianAPI.ChallengeRequest.self, from: request, context: context)
        // The domain applies the per-IP bucket here: a challenge costs a stored row.
        let challenge = try await service.challenge(wallet: body.wallet, clientIP: context.clientAddress)
        return try HTTPBody.json(GuardianAPI.ChallengeResponse(challengeId: challenge.id, message: challenge.message, nonce: challenge.nonce, expiresAt: challenge.expiresAt))
    }

    @Sendable func verify(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        try limiter.check(context)
        let body = try await HTTPBody.decode(GuardianAPI.VerifyRequest.self, from: request, context: context)
        let grant = try await service.verifyChallenge(id: body.challengeId, signature: body.signature)
        return try HTTPBody.json(GuardianAPI.SessionResponse(token: grant.token, wallet: grant.wallet.base58, expiresAt: grant.expiresAt))
    }

    @Sendable func logout(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let session = try await BearerToken.session(request, service: service)
        try await HTTPBody.requireEmpty(request, context: context)
        try await service.logout(session)
        return Response(status: .noContent)
    }
}

// MARK: - Per-IP bucket for endpoints the domain does not limit

/// The per-client-IP token bucket (``GuardianConfiguration/clientIPRateLimit``) applied by the server to the
/// endpoints whose domain calls take no client address (signature verification, status reads), sharing the bucket
/// the domain uses for challenges and cosigns.
struct ClientRateLimit: Sendable {
    let limiter: any RateLimiter
    let policy: TokenBucketPolicy?
    let clock: any GuardianClock
    let metrics: any GuardianMetrics

    func check(_ context: GuardianRequestContext) throws {
        guard let policy, let address = context.clientAddress else { return }
        if case .limited(let retryAfter) = limiter.acquire(.clientIP, key: address, policy: policy, at: clock.now()) {
            metrics.rateLimited(.clientIP)
            throw APIError(.tooManyRequests, code: GuardianError.Code.rateLimited.rawValue, message: "Too many requests for this client address; try again in \(retryAfter) s.", retryAfterSeconds: retryAfter)
        }
    }
}
