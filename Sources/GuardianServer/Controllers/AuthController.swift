import ChainKit
import Foundation
import Guardian
import GuardianAPI
import Hummingbird

// MARK: - Sign-in

/// `POST /v1/auth/challenge`, `POST /v1/auth/verify`, `POST /v1/auth/logout`: Sign In With Solana.
///
/// The client asks for a challenge for its wallet, signs the returned message (UTF-8) with the wallet's Ed25519 key,
/// and trades the signature for a 15-minute bearer token bound to that wallet. Nonces are single-use.
package struct AuthController: Sendable {
    let service: GuardianService

    init(service: GuardianService) {
        self.service = service
    }

    package var routes: [GuardianRoute] {
        [
            GuardianRoute(.post, "/v1/auth/challenge", challenge),
            GuardianRoute(.post, "/v1/auth/verify", verify),
            GuardianRoute(.post, "/v1/auth/logout", authentication: .session, logout),
        ]
    }

    @Sendable func challenge(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let body = try await request.decode(as: GuardianAPI.ChallengeRequest.self, context: context)
        let challenge = try await service.challenge(wallet: body.wallet)
        return try HTTPBody.json(
            GuardianAPI.ChallengeResponse(
                challengeId: challenge.id, message: challenge.message, nonce: challenge.nonce,
                expiresAt: challenge.expiresAt))
    }

    @Sendable func verify(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let body = try await request.decode(as: GuardianAPI.VerifyRequest.self, context: context)
        let grant = try await service.verifyChallenge(id: body.challengeId, signature: body.signature)
        return try HTTPBody.json(
            GuardianAPI.SessionResponse(token: grant.token, wallet: grant.wallet.base58, expiresAt: grant.expiresAt))
    }

    @Sendable func logout(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let session = try context.requireSession()
        try await HTTPBody.requireEmpty(request, context: context)
        try await service.logout(session)
        return Response(status: .noContent)
    }
}
