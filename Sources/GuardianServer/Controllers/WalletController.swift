import ChainKit
import Foundation
import Guardian
import GuardianAPI
import Hummingbird

// MARK: - Wallets: enrollment, status, cosign

/// The wallet-scoped endpoints. All but the status read need the wallet's own session; the domain checks that the
/// session's wallet is the one in the path (`session_wallet_mismatch`, 403).
package struct WalletController: Sendable {
    let service: GuardianService

    init(service: GuardianService) {
        self.service = service
    }

    package var routes: [GuardianRoute] {
        [
            GuardianRoute(.post, "/v1/wallets/{wallet}/enrollment", authentication: .session, beginEnrollment),
            GuardianRoute(
                .post, "/v1/wallets/{wallet}/enrollment/confirm", authentication: .session, confirmEnrollment),
            GuardianRoute(.get, "/v1/wallets/{wallet}/guardian", authentication: .optionalSession, guardianStatus),
            GuardianRoute(.post, "/v1/wallets/{wallet}/cosign", authentication: .session, cosign),
        ]
    }

    static func wallet(_ context: GuardianRequestContext) throws -> String {
        try context.parameters.require("wallet")
    }

    /// Starts (or restarts, while pending) enrollment: a new TOTP secret and guardian key, returned once.
    @Sendable func beginEnrollment(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let session = try context.requireSession()
        try await HTTPBody.requireEmpty(request, context: context)
        let start = try await service.beginEnrollment(session: session, wallet: Self.wallet(context))
        let body = GuardianAPI.EnrollmentResponse(
            wallet: start.wallet.base58, status: EnrollmentState.pending.rawValue,
            guardianPublicKey: start.guardianPublicKey.base58,
            otpauthUri: start.otpauthURI, qrSvg: start.qrSVG, algorithm: start.totp.algorithm.uriName,
            digits: start.totp.digits, period: start.totp.period)
        return try HTTPBody.json(body, status: .created)
    }

    /// Activates the enrollment with a first code (burning its step).
    @Sendable func confirmEnrollment(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let body = try await request.decode(as: GuardianAPI.ConfirmRequest.self, context: context)
        let confirmation = try await service.confirmEnrollment(
            session: session, wallet: Self.wallet(context), code: body.code, clientIP: context.clientAddress)
        var response = Self.statusBody(confirmation.status, includeLockout: true)
        response.recoveryCodes = confirmation.recoveryCodes  // shown once
        return try HTTPBody.json(response)
    }

    /// The guardian key and enrollment state: public (the key goes on-chain). With the wallet's own session the lock
    /// state is included too; a bearer token that is present but invalid is refused rather than ignored.
    @Sendable func guardianStatus(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let wallet = try Self.wallet(context)
        var ownSession = false
        if let session = context.session {
            guard session.wallet.base58 == wallet else {
                throw GuardianError(
                    .sessionWalletMismatch,
                    "The session belongs to a different wallet; sign in with the wallet you are acting for.")
            }
            ownSession = true
        }
        let status = try await service.guardianStatus(wallet: wallet)
        return try HTTPBody.json(Self.statusBody(status, includeLockout: ownSession))
    }

    static func statusBody(_ status: GuardianStatus, includeLockout: Bool) -> GuardianAPI.GuardianStatusResponse {
        GuardianAPI.GuardianStatusResponse(
            wallet: status.wallet.base58, guardianPublicKey: status.guardianPublicKey.base58,
            status: status.state.rawValue,
            createdAt: status.createdAt, activatedAt: status.activatedAt,
            lockedUntil: includeLockout ? status.lockedUntil : nil, disabled: includeLockout ? status.disabled : nil)
    }

    /// The capsule: session → body → rate limits → lockout → parse → signer checks → code → decrypt → sign → burn →
    /// respond. The session is resolved before the body is read, and checked again inside the burn's transaction.
    @Sendable func cosign(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let body = try await request.decode(as: GuardianAPI.CosignRequest.self, context: context)
        let result = try await service.cosign(
            session: session, wallet: Self.wallet(context), transactionBase64: body.transaction, code: body.code,
            apiKey: context.apiKeyID)
        let timeline = result.timeline.entries.map {
            GuardianAPI.TimelineEntry(state: $0.state.rawValue, atMicroseconds: $0.offsetNanoseconds / 1_000)
        }
        return try HTTPBody.json(
            GuardianAPI.CosignResponse(
                signature: result.signature.base58, guardianPublicKey: result.guardianPublicKey.base58,
                operationId: result.operationID,
                transaction: result.signedTransactionBase64, step: result.step, timeline: timeline))
    }
}
