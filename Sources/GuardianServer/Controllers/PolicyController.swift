import Foundation
import Guardian
import GuardianAPI
import Hummingbird

// MARK: - Wallet transaction policy

/// `GET` and `PUT /v1/wallets/{wallet}/policy`: the wallet's transaction policy (docs/policies.md). Both need the
/// wallet's own session; an update also needs a fresh TOTP code, whose step it burns.
package struct PolicyController: Sendable {
    let service: GuardianService

    init(service: GuardianService) {
        self.service = service
    }

    package var routes: [GuardianRoute] {
        [
            GuardianRoute(.get, "/v1/wallets/{wallet}/policy", authentication: .session, policy),
            GuardianRoute(.put, "/v1/wallets/{wallet}/policy", authentication: .session, updatePolicy),
        ]
    }

    /// The active policy, a pending one with its time, and each limit's usage in its current window.
    @Sendable func policy(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let status = try await service.policyStatus(session: session, wallet: WalletController.wallet(context))
        return try HTTPBody.json(GuardianAPI.PolicyResponse(status))
    }

    /// Sets or removes the policy: tighter rules apply at once, looser ones 24 hours later.
    @Sendable func updatePolicy(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let body = try await request.decode(as: GuardianAPI.PolicyUpdateRequest.self, context: context)
        let policy = try body.policy?.domain()
        let status = try await service.updatePolicy(
            session: session, wallet: WalletController.wallet(context), policy: policy, code: body.code,
            apiKey: context.apiKeyID)
        return try HTTPBody.json(GuardianAPI.PolicyResponse(status))
    }
}
