import ChainKit
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// MARK: - Client

/// A small client for the guardian's HTTP API over Foundation's `URLSession` (FoundationNetworking on Linux): what
/// `chronoguard guardian …` uses, and what tests use against a live server.
///
/// Every failure is a ``GuardianAPIClientError``: the server's stable error code and message when it answered with
/// one, or a transport failure.
public struct GuardianAPIClient: Sendable {
    public let baseURL: URL
    /// Sent as `X-API-Key` when the server requires API keys.
    public var apiKey: String?
    /// Per-request timeout: 30 s.
    public var timeout: TimeInterval = 30
    let session: URLSession

    public init(baseURL: URL, apiKey: String? = nil, session: URLSession = .shared) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.session = session
    }

    // MARK: Endpoints

    /// `POST /v1/auth/challenge`.
    public func challenge(wallet: SolanaPublicKey) async throws(GuardianAPIClientError) -> GuardianAPI.ChallengeResponse
    {
        try await send("POST", "/v1/auth/challenge", body: GuardianAPI.ChallengeRequest(wallet: wallet.base58))
    }

    /// `POST /v1/auth/verify`.
    public func verify(challengeId: String, signature: SolanaSignature) async throws(GuardianAPIClientError)
        -> GuardianAPI.SessionResponse
    {
        try await send(
            "POST", "/v1/auth/verify",
            body: GuardianAPI.VerifyRequest(challengeId: challengeId, signature: signature.base58))
    }

    /// `POST /v1/auth/logout`.
    public func logout(token: String) async throws(GuardianAPIClientError) {
        let _: Empty = try await send("POST", "/v1/auth/logout", token: token, body: Optional<Empty>.none)
    }

    /// `POST /v1/wallets/{wallet}/enrollment`.
    public func beginEnrollment(wallet: SolanaPublicKey, token: String) async throws(GuardianAPIClientError)
        -> GuardianAPI.EnrollmentResponse
    {
        try await send("POST", "/v1/wallets/\(wallet.base58)/enrollment", token: token, body: Optional<Empty>.none)
    }

    /// `POST /v1/wallets/{wallet}/enrollment/confirm`.
    public func confirmEnrollment(wallet: SolanaPublicKey, code: String, token: String)
        async throws(GuardianAPIClientError) -> GuardianAPI.GuardianStatusResponse
    {
        try await send(
            "POST", "/v1/wallets/\(wallet.base58)/enrollment/confirm", token: token,
            body: GuardianAPI.ConfirmRequest(code: code))
    }

    /// `GET /v1/wallets/{wallet}/guardian`; with the wallet's token the lock state is included.
    public func guardianStatus(wallet: SolanaPublicKey, token: String? = nil) async throws(GuardianAPIClientError)
        -> GuardianAPI.GuardianStatusResponse
    {
        try await send("GET", "/v1/wallets/\(wallet.base58)/guardian", token: token, body: Optional<Empty>.none)
    }

    /// `POST /v1/wallets/{wallet}/cosign`.
    public func cosign(wallet: SolanaPublicKey, transactionBase64: String, code: String, token: String)
        async throws(GuardianAPIClientError) -> GuardianAPI.CosignResponse
    {
        try await send(
            "POST", "/v1/wallets/\(wallet.base58)/cosign", token: token,
            body: GuardianAPI.CosignRequest(transaction: transactionBase64, code: code))
    }

    // MARK: Transport

    struct Empty: Codable {}

    func send<Body: Encodable, Result: Decodable>(_ method: String, _ path: String, token: String? = nil, body: Body?)
        async throws(GuardianAPIClientError) -> Result
    {
        guard let url = URL(string: path, relativeTo: baseURL) else {
            throw GuardianAPIClientError(code: "invalid_url", message: "Cannot form a URL from \(baseURL) and \(path).")
        }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let apiKey { request.setValue(apiKey, forHTTPHeaderField: "X-API-Key") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            do { request.httpBody = try JSONCoding.makeEncoder().encode(body) } catch {
                throw GuardianAPIClientError(
                    code: "encoding_failed", message: "Cannot encode the request body: \(error).")
            }
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw GuardianAPIClientError(
                code: "transport_failed",
                message: "Cannot reach the guardian at \(baseURL.absoluteString): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse else {
            throw GuardianAPIClientError(
                code: "transport_failed", message: "The guardian at \(baseURL.absoluteString) did not answer with HTTP."
            )
        }
        guard (200..<300).contains(http.statusCode) else {
            if let failure = try? JSONCoding.makeDecoder().decode(GuardianAPI.ErrorResponse.self, from: data) {
                throw GuardianAPIClientError(
                    status: http.statusCode, code: failure.error.code, message: failure.error.message,
                    retryAfterSeconds: failure.error.retryAfterSeconds
                        ?? http.value(forHTTPHeaderField: "Retry-After").flatMap { Int($0) },
                    operationId: failure.error.operationId)
            }
            throw GuardianAPIClientError(
                status: http.statusCode, code: "unexpected_response",
                message: "The guardian answered HTTP \(http.statusCode) without an error body.")
        }
        if Result.self == Empty.self, data.isEmpty { return Empty() as! Result }
        do {
            return try JSONCoding.makeDecoder().decode(Result.self, from: data)
        } catch {
            throw GuardianAPIClientError(
                status: http.statusCode, code: "unexpected_response",
                message: "The guardian's answer does not match the API (\(error)); is the URL a Chronoguard guardian?")
        }
    }
}

// MARK: - Client errors

/// A failed API call: the server's error code and message (``status`` set), or a client-side failure (`transport_failed`,
/// `unexpected_response`, `invalid_url`, `siws_mismatch`).
public struct GuardianAPIClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// HTTP status, nil when no response came.
    public let status: Int?
    public let code: String
    public let message: String
    public let retryAfterSeconds: Int?
    public let operationId: String?

    public init(
        status: Int? = nil, code: String, message: String, retryAfterSeconds: Int? = nil, operationId: String? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.operationId = operationId
    }

    public var description: String {
        var text = status.map { "\(message) (\(code), HTTP \($0))" } ?? "\(message) (\(code))"
        if let retryAfterSeconds { text += " Retry after \(retryAfterSeconds) s." }
        return text
    }
}
