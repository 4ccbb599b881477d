import ChainKit
import Foundation

// MARK: - Transaction policies

extension GuardianAPIClient {
    /// `GET /v1/wallets/{wallet}/policy` (the wallet's own session).
    public func policy(wallet: SolanaPublicKey, token: String) async throws(GuardianAPIClientError)
        -> GuardianAPI.PolicyResponse
    {
        try await send("GET", "/v1/wallets/\(wallet.base58)/policy", token: token, body: Optional<Empty>.none)
    }

    /// `PUT /v1/wallets/{wallet}/policy`: sets the policy (nil removes it) after a fresh code. Tightening applies at
    /// once, loosening 24 hours later.
    public func updatePolicy(wallet: SolanaPublicKey, policy: GuardianAPI.Policy?, code: String, token: String)
        async throws(GuardianAPIClientError) -> GuardianAPI.PolicyResponse
    {
        try await send(
            "PUT", "/v1/wallets/\(wallet.base58)/policy", token: token,
            body: GuardianAPI.PolicyUpdateRequest(policy: policy, code: code))
    }
}
