import ChainKit
import Foundation
import Guardian
import GuardianAPI
import Hummingbird

// MARK: - Governance, break-glass and recovery codes

/// Seed 001 §8.4's governance endpoints and §10's break-glass validation, under `/v1/wallets/{wallet}`:
/// status (public), challenge, migrate, schedule/cancel/execute rotation, break-glass validation, recovery-code
/// regeneration and lost-authenticator re-enrollment. Everything but the status needs the wallet's session.
package struct GovernanceController: Sendable {
    let service: GuardianService

    init(service: GuardianService) {
        self.service = service
    }

    package var routes: [GuardianRoute] {
        [
            GuardianRoute(.get, "/v1/wallets/{wallet}/governance", status),
            GuardianRoute(.post, "/v1/wallets/{wallet}/governance/challenge", authentication: .session, challenge),
            GuardianRoute(.post, "/v1/wallets/{wallet}/governance/migrate", authentication: .session, migrate),
            GuardianRoute(
                .post, "/v1/wallets/{wallet}/governance/schedule-rotation", authentication: .session, scheduleRotation),
            GuardianRoute(
                .post, "/v1/wallets/{wallet}/governance/cancel-rotation", authentication: .session, cancelRotation),
            GuardianRoute(
                .post, "/v1/wallets/{wallet}/governance/execute-rotation", authentication: .session, executeRotation),
            GuardianRoute(
                .post, "/v1/wallets/{wallet}/break-glass/validate-totp", authentication: .session, validateBreakGlass),
            GuardianRoute(
                .post, "/v1/wallets/{wallet}/recovery-codes", authentication: .session, regenerateRecoveryCodes),
            GuardianRoute(.post, "/v1/wallets/{wallet}/recovery/reenroll", authentication: .session, reenroll),
        ]
    }

    @Sendable func status(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        return try HTTPBody.json(
            Self.body(try await service.governanceStatus(wallet: WalletController.wallet(context))))
    }

    @Sendable func challenge(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let body = try await request.decode(as: GuardianAPI.GovernanceChallengeRequest.self, context: context)
        guard let action = GovernanceAction(rawValue: body.action), Self.challengeActions.contains(action) else {
            throw APIError.invalidRequest(
                "Field `action` must be one of \(Self.challengeActions.map(\.rawValue).sorted().joined(separator: ", ")): the actions a recovery code can authorise.",
                field: "action")
        }
        let challenge = try await service.governanceChallenge(
            session: session, wallet: WalletController.wallet(context), action: action)
        return try HTTPBody.json(
            GuardianAPI.GovernanceChallengeResponse(
                challengeId: challenge.id, action: action.rawValue, message: challenge.message,
                expiresAt: challenge.expiresAt))
    }

    /// Actions a governance challenge is issued for (those a recovery code may authorise).
    static let challengeActions: [GovernanceAction] = [.scheduleRotation, .cancelRotation, .breakGlass, .reenroll]

    @Sendable func migrate(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let body = try await request.decode(as: GuardianAPI.MigrateRequest.self, context: context)
        let receipt = try await service.migrateGovernance(
            session: session, wallet: WalletController.wallet(context), sequence: body.sequence, code: body.code,
            clientIP: context.clientAddress)
        return try HTTPBody.json(Self.body(receipt))
    }

    @Sendable func scheduleRotation(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let body = try await request.decode(as: GuardianAPI.ScheduleRotationRequest.self, context: context)
        guard let kind = RotationKind(rawValue: body.kind) else {
            throw APIError.invalidRequest(
                "Field `kind` must be `planned` (48 h timelock) or `emergency` (72 h).", field: "kind")
        }
        let receipt = try await service.scheduleRotation(
            session: session, wallet: WalletController.wallet(context), kind: kind, sequence: body.sequence,
            authorization: try Self.authorization(body.authorization), clientIP: context.clientAddress)
        return try HTTPBody.json(Self.body(receipt), status: .created)
    }

    @Sendable func cancelRotation(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let body = try await request.decode(as: GuardianAPI.RotationActionRequest.self, context: context)
        guard body.migrationTransactions == nil else {
            throw APIError.invalidRequest("A cancellation takes no migration transactions; only an execution does.")
        }
        let receipt = try await service.cancelRotation(
            session: session, wallet: WalletController.wallet(context), rotationID: body.rotationId,
            sequence: body.sequence,
            authorization: try Self.authorization(body.authorization), clientIP: context.clientAddress)
        return try HTTPBody.json(Self.body(receipt))
    }

    @Sendable func executeRotation(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let body = try await request.decode(as: GuardianAPI.RotationActionRequest.self, context: context)
        guard body.authorization == GuardianAPI.Authorization() else {
            throw APIError.invalidRequest(
                "Executing a rotation takes no code: its timelock protects it. Send only `rotationId` and `sequence`.")
        }
        let receipt = try await service.executeRotation(
            session: session, wallet: WalletController.wallet(context), rotationID: body.rotationId,
            sequence: body.sequence, migrationTransactions: body.migrationTransactions ?? [],
            clientIP: context.clientAddress)
        return try HTTPBody.json(Self.body(receipt))
    }

    @Sendable func validateBreakGlass(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let body = try await request.decode(as: GuardianAPI.Authorization.self, context: context)
        let result = try await service.validateBreakGlass(
            session: session, wallet: WalletController.wallet(context), authorization: try Self.authorization(body),
            clientIP: context.clientAddress)
        return try HTTPBody.json(
            GuardianAPI.BreakGlassResponse(
                wallet: result.wallet.base58, method: result.method, attestation: Self.body(result.attestation),
                expiresAt: result.expiresAt,
                remainingRecoveryCodes: result.remainingRecoveryCodes))
    }

    @Sendable func regenerateRecoveryCodes(_ request: Request, context: GuardianRequestContext) async throws -> Response
    {
        let session = try context.requireSession()
        let body = try await request.decode(as: GuardianAPI.RegenerateRecoveryCodesRequest.self, context: context)
        let codes = try await service.regenerateRecoveryCodes(
            session: session, wallet: WalletController.wallet(context), code: body.code, clientIP: context.clientAddress
        )
        return try HTTPBody.json(GuardianAPI.RecoveryCodesResponse(recoveryCodes: codes), status: .created)
    }

    @Sendable func reenroll(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let body = try await request.decode(as: GuardianAPI.ReenrollRequest.self, context: context)
        let start = try await service.reenroll(
            session: session, wallet: WalletController.wallet(context), recoveryCode: body.recoveryCode,
            challengeID: body.challengeId,
            signature: try Self.signature(body.signature), clientIP: context.clientAddress)
        return try HTTPBody.json(
            GuardianAPI.EnrollmentResponse(
                wallet: start.wallet.base58, status: EnrollmentState.pending.rawValue,
                guardianPublicKey: start.guardianPublicKey.base58,
                otpauthUri: start.otpauthURI, qrSvg: start.qrSVG, algorithm: start.totp.algorithm.uriName,
                digits: start.totp.digits, period: start.totp.period), status: .created)
    }

    // MARK: Mapping

    static func authorization(_ fields: GuardianAPI.Authorization) throws -> GovernanceAuthorization {
        switch (fields.code, fields.recoveryCode, fields.challengeId, fields.signature) {
        case (let code?, nil, nil, nil):
            return .totp(code: code)
        case (nil, let recovery?, let challenge?, let signatureText?):
            return .recoveryCode(recovery, challengeID: challenge, signature: try Self.signature(signatureText))
        case (nil, nil, nil, nil):
            throw APIError.invalidRequest(
                "Send `code` (from the authenticator app), or `recoveryCode` with `challengeId` and `signature` (the wallet's signature of a governance challenge).",
                field: "code")
        case (.some, _, _, _):
            throw APIError.invalidRequest(
                "Send either `code` or a recovery code with its challenge, not both.", field: "code")
        case (nil, nil, _, _):
            throw APIError.invalidRequest(
                "`challengeId` and `signature` go with `recoveryCode`; add the recovery code, or send `code` instead.",
                field: "recoveryCode")
        case (nil, _, nil, _):
            throw APIError.invalidRequest(
                "A recovery code needs `challengeId`: request a governance challenge for this action and sign it with the wallet.",
                field: "challengeId")
        case (nil, _, _, nil):
            throw APIError.invalidRequest(
                "A recovery code needs `signature`: the wallet's signature of the governance challenge text.",
                field: "signature")
        }
    }

    static func signature(_ text: String) throws -> SolanaSignature {
        guard let signature = GuardianService.parseSignature(text) else {
            throw APIError.invalidRequest(
                "Field `signature` is not 64 bytes of Base58 or padded Base64; send the wallet's signature of the challenge text.",
                field: "signature")
        }
        return signature
    }

    static func body(_ status: GovernanceStatus) -> GuardianAPI.GovernanceStatusResponse {
        GuardianAPI.GovernanceStatusResponse(
            wallet: status.wallet.base58, version: status.version, sequence: status.sequence,
            nextSequence: status.nextSequence,
            guardianPublicKey: status.guardianPublicKey.base58,
            pendingRotation: status.pendingRotation.map {
                GuardianAPI.PendingRotationBody(
                    rotationId: $0.id, kind: $0.kind.rawValue, newGuardianPublicKey: $0.newGuardianPublicKey.base58,
                    sequence: $0.sequence,
                    scheduledAt: $0.scheduledAt, executeAfter: $0.executeAfter,
                    executeAfterUnix: Int64($0.executeAfter.timeIntervalSince1970.rounded(.down)))
            },
            plannedRotationDelaySeconds: Int(status.plannedRotationDelay),
            emergencyRotationDelaySeconds: Int(status.emergencyRotationDelay))
    }

    static func body(_ attestation: SignedAttestation) -> GuardianAPI.AttestationBody {
        GuardianAPI.AttestationBody(
            text: attestation.text, message: Data(attestation.message).base64EncodedString(),
            signature: attestation.signature.base58, signer: attestation.signer.base58)
    }

    static func body(_ receipt: GovernanceReceipt) -> GuardianAPI.GovernanceActionResponse {
        GuardianAPI.GovernanceActionResponse(
            governance: body(receipt.status), attestation: body(receipt.attestation),
            migrationTransactions: receipt.migrationTransactions.isEmpty ? nil : receipt.migrationTransactions)
    }
}
