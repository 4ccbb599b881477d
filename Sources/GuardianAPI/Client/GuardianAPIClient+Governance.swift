import ChainKit
import Foundation

// MARK: - Governance, break-glass and recovery codes

extension GuardianAPIClient {
    /// `GET /v1/wallets/{wallet}/governance`.
    public func governanceStatus(wallet: SolanaPublicKey) async throws(GuardianAPIClientError)
        -> GuardianAPI.GovernanceStatusResponse
    {
        try await send("GET", "/v1/wallets/\(wallet.base58)/governance", body: Optional<Empty>.none)
    }

    /// `POST /v1/wallets/{wallet}/governance/challenge`.
    public func governanceChallenge(wallet: SolanaPublicKey, action: String, token: String)
        async throws(GuardianAPIClientError) -> GuardianAPI.GovernanceChallengeResponse
    {
        try await send(
            "POST", "/v1/wallets/\(wallet.base58)/governance/challenge", token: token,
            body: GuardianAPI.GovernanceChallengeRequest(action: action))
    }

    /// A recovery-code authorisation for `action`: fetches a governance challenge, parses it and checks every field —
    /// this wallet, the server's domain, the action's exact statement, the challenge id as request id, a live
    /// lifetime — then signs it with the wallet's keypair.
    public func recoveryAuthorization(
        wallet keypair: SolanaKeypair, action: String, recoveryCode: String, token: String,
        expectedDomain: String? = nil, now: Date = Date()
    ) async throws(GuardianAPIClientError) -> GuardianAPI.Authorization {
        guard GuardianAPI.governanceActions.contains(action) else {
            throw GuardianAPIClientError(
                code: "unexpected_challenge",
                message: "\(action) is not a governance action; not asking for a challenge.")
        }
        let challenge = try await governanceChallenge(wallet: keypair.publicKey, action: action, token: token)
        guard challenge.action == action else {
            throw GuardianAPIClientError(
                code: "unexpected_challenge",
                message:
                    "The guardian answered with a challenge for \(challenge.action), not \(action); not signing it.")
        }
        let message = try Self.checkedMessage(
            challenge.message, purpose: "\(action) challenge", wallet: keypair.publicKey,
            domain: expectedDomain ?? Self.authority(of: baseURL),
            statement: GuardianAPI.governanceStatement(action: action), nonce: nil, requestID: challenge.challengeId,
            now: now)
        let signature: SolanaSignature
        do { signature = try keypair.sign(message.messageBytes) } catch {
            throw GuardianAPIClientError(
                code: "signing_failed", message: "Signing the governance challenge failed: \(error).")
        }
        return GuardianAPI.Authorization(
            recoveryCode: recoveryCode, challengeId: challenge.challengeId, signature: signature.base58)
    }

    /// `POST /v1/wallets/{wallet}/governance/migrate`.
    public func migrateGovernance(wallet: SolanaPublicKey, code: String, token: String)
        async throws(GuardianAPIClientError) -> GuardianAPI.GovernanceActionResponse
    {
        try await send(
            "POST", "/v1/wallets/\(wallet.base58)/governance/migrate", token: token,
            body: GuardianAPI.MigrateRequest(sequence: 1, code: code))
    }

    /// `POST /v1/wallets/{wallet}/governance/schedule-rotation`.
    public func scheduleRotation(
        wallet: SolanaPublicKey, kind: String, sequence: UInt64, authorization: GuardianAPI.Authorization, token: String
    ) async throws(GuardianAPIClientError) -> GuardianAPI.GovernanceActionResponse {
        try await send(
            "POST", "/v1/wallets/\(wallet.base58)/governance/schedule-rotation", token: token,
            body: GuardianAPI.ScheduleRotationRequest(kind: kind, sequence: sequence, authorization: authorization))
    }

    /// `POST /v1/wallets/{wallet}/governance/cancel-rotation`.
    public func cancelRotation(
        wallet: SolanaPublicKey, rotationId: String, sequence: UInt64, authorization: GuardianAPI.Authorization,
        token: String
    ) async throws(GuardianAPIClientError) -> GuardianAPI.GovernanceActionResponse {
        try await send(
            "POST", "/v1/wallets/\(wallet.base58)/governance/cancel-rotation", token: token,
            body: GuardianAPI.RotationActionRequest(
                rotationId: rotationId, sequence: sequence, authorization: authorization))
    }

    /// `POST /v1/wallets/{wallet}/governance/execute-rotation`; with `migrationTransactions` (a Solana vault's
    /// migration, Base64) the response carries them co-signed by the outgoing guardian key.
    public func executeRotation(
        wallet: SolanaPublicKey, rotationId: String, sequence: UInt64, migrationTransactions: [String]? = nil,
        token: String
    ) async throws(GuardianAPIClientError) -> GuardianAPI.GovernanceActionResponse {
        try await send(
            "POST", "/v1/wallets/\(wallet.base58)/governance/execute-rotation", token: token,
            body: GuardianAPI.RotationActionRequest(
                rotationId: rotationId, sequence: sequence, migrationTransactions: migrationTransactions))
    }

    /// `POST /v1/wallets/{wallet}/break-glass/validate-totp`.
    public func validateBreakGlass(wallet: SolanaPublicKey, authorization: GuardianAPI.Authorization, token: String)
        async throws(GuardianAPIClientError) -> GuardianAPI.BreakGlassResponse
    {
        try await send(
            "POST", "/v1/wallets/\(wallet.base58)/break-glass/validate-totp", token: token, body: authorization)
    }

    /// `POST /v1/wallets/{wallet}/recovery-codes`.
    public func regenerateRecoveryCodes(wallet: SolanaPublicKey, code: String, token: String)
        async throws(GuardianAPIClientError) -> GuardianAPI.RecoveryCodesResponse
    {
        try await send(
            "POST", "/v1/wallets/\(wallet.base58)/recovery-codes", token: token,
            body: GuardianAPI.ConfirmRequest(code: code))
    }

    /// `POST /v1/wallets/{wallet}/recovery/reenroll`, signing a `reenroll` challenge with the wallet's keypair.
    public func reenroll(wallet keypair: SolanaKeypair, recoveryCode: String, token: String)
        async throws(GuardianAPIClientError) -> GuardianAPI.EnrollmentResponse
    {
        let authorization = try await recoveryAuthorization(
            wallet: keypair, action: "reenroll", recoveryCode: recoveryCode, token: token)
        return try await send(
            "POST", "/v1/wallets/\(keypair.publicKey.base58)/recovery/reenroll", token: token,
            body: GuardianAPI.ReenrollRequest(
                recoveryCode: recoveryCode, challengeId: authorization.challengeId ?? "",
                signature: authorization.signature ?? ""))
    }
}
