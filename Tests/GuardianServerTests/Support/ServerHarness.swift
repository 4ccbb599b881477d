import ChainKit
import Foundation
import Guardian
import GuardianAPI
import GuardianServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OTP
import Testing

// MARK: - Test server

/// A guardian server for tests: in-memory store (or any store), a manual clock so TOTP steps, expiries, lockouts and
/// buckets move only when a test says so, and the real router with its full middleware stack.
struct ServerHarness: Sendable {
    /// 2025-06-15T14:13:21Z + a few seconds: 1 s past a 30 s step boundary, so `advance(by: 30)` always lands in the next step.
    static let startTime: Int64 = 1_750_000_001

    let clock: ManualClock
    let configuration: GuardianServerConfiguration
    let dependencies: GuardianServerDependencies
    var service: GuardianService { dependencies.service }

    /// A configuration whose sign-in domain is fixed (tests cannot know a live port in advance).
    static func configuration(_ configure: (inout GuardianServerConfiguration) -> Void = { _ in })
        -> GuardianServerConfiguration
    {
        var configuration = GuardianServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.publicURL = URL(string: "https://guardian.test")!
        configuration.logLevel = .critical
        // cheap hashing for tests
        configuration.guardian.governance.recoveryCodeScrypt = ScryptParameters(logN: 8, r: 8, p: 1)
        configure(&configuration)
        return configuration
    }

    static func inMemory(
        _ configure: (inout GuardianServerConfiguration) -> Void = { _ in },
        store: InMemoryGuardianStore = InMemoryGuardianStore(), clock: ManualClock = ManualClock(unixSeconds: startTime)
    ) async throws -> ServerHarness {
        let configuration = configuration(configure)
        let dependencies = try await GuardianServerDependencies.inMemory(
            configuration: configuration, store: store, clock: clock)
        return ServerHarness(clock: clock, configuration: configuration, dependencies: dependencies)
    }

    /// Runs `body` against the real router (no sockets) or a live server on a free loopback port.
    func run<Value: Sendable>(
        _ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let app = try buildApplication(configuration: configuration, dependencies: dependencies)
        return try await app.test(setup, body)
    }
}

// MARK: - Requests

extension TestClientProtocol {
    /// Sends a JSON body (a string, so tests can send malformed JSON too).
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ path: String, json: String? = nil, token: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await execute(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    @discardableResult
    func send<Body: Encodable>(
        _ method: HTTPRequest.Method, _ path: String, body: Body, token: String? = nil, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        let data = try JSONEncoder().encode(body)
        return try await send(method, path, json: String(decoding: data, as: UTF8.self), token: token, headers: headers)
    }

    /// Signs in with Sign In With Solana and returns the bearer token.
    func signIn(_ wallet: SolanaKeypair, headers: HTTPFields = [:]) async throws -> String {
        let challenge = try await send(
            .post, "/v1/auth/challenge", body: ["wallet": wallet.publicKey.base58], headers: headers
        )
        .decoded(GuardianAPI.ChallengeResponse.self, expecting: .ok)
        let signature = try wallet.sign(Array(challenge.message.utf8))
        let session = try await send(
            .post, "/v1/auth/verify", body: ["challengeId": challenge.challengeId, "signature": signature.base58],
            headers: headers
        )
        .decoded(GuardianAPI.SessionResponse.self, expecting: .ok)
        return session.token
    }

    /// Signs in, enrolls and confirms: a wallet ready to cosign at the next step.
    func activeWallet(clock: ManualClock, keypair: SolanaKeypair = SolanaKeypair(), headers: HTTPFields = [:])
        async throws -> ActiveWallet
    {
        let token = try await signIn(keypair, headers: headers)
        let enrollment = try await send(
            .post, "/v1/wallets/\(keypair.publicKey.base58)/enrollment", token: token, headers: headers
        )
        .decoded(GuardianAPI.EnrollmentResponse.self, expecting: .created)
        let totp = try #require(try OTPAuthURI(parsing: enrollment.otpauthUri).totp())
        let confirmed = try await send(
            .post, "/v1/wallets/\(keypair.publicKey.base58)/enrollment/confirm",
            body: ["code": totp.code(at: clock.now())], token: token, headers: headers
        )
        .decoded(GuardianAPI.GuardianStatusResponse.self, expecting: .ok)
        return ActiveWallet(
            keypair: keypair, token: token, totp: totp,
            guardian: try SolanaPublicKey(base58: enrollment.guardianPublicKey), otpauthURI: enrollment.otpauthUri,
            recoveryCodes: confirmed.recoveryCodes ?? [])
    }

    /// `POST /v1/wallets/{wallet}/cosign`.
    func cosign(
        _ wallet: ActiveWallet, transaction: String, code: String, token: String? = nil, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        try await send(
            .post, "/v1/wallets/\(wallet.address)/cosign", body: ["transaction": transaction, "code": code],
            token: token ?? wallet.token, headers: headers)
    }
}

/// A signed-in, enrolled wallet.
struct ActiveWallet: Sendable {
    let keypair: SolanaKeypair
    let token: String
    let totp: TOTP
    let guardian: SolanaPublicKey
    let otpauthURI: String
    /// The recovery codes the confirmation showed.
    var recoveryCodes: [String] = []

    var address: String { keypair.publicKey.base58 }

    func code(_ clock: any GuardianClock) throws -> String { try totp.code(at: clock.now()) }

    /// A transfer from the wallet that requires the guardian's signature, signed by the wallet.
    func transaction(version: SolanaMessage.Version = .legacy) throws -> SolanaTransaction {
        try TransactionFactory.transfer(owner: keypair, guardian: guardian, version: version)
    }
}

// MARK: - Responses

extension TestResponse {
    var text: String { String(buffer: body) }

    @discardableResult
    func expect(_ status: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation) -> TestResponse {
        #expect(self.status == status, "HTTP \(self.status.code), body: \(text)", sourceLocation: sourceLocation)
        return self
    }

    func decoded<T: Decodable>(
        _ type: T.Type, expecting status: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> T {
        try #require(self.status == status, "HTTP \(self.status.code), body: \(text)", sourceLocation: sourceLocation)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            return try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
        }
        return try decoder.decode(T.self, from: Data(buffer: body))
    }

    /// Asserts an error response: status, stable code, and the JSON shape `{"error": {"code", "message"}}`.
    @discardableResult
    func expectError(_ status: HTTPResponse.Status, _ code: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws -> GuardianAPI.ErrorResponse.Detail
    {
        try #require(
            self.status == status, "expected \(status.code) \(code), got HTTP \(self.status.code): \(text)",
            sourceLocation: sourceLocation)
        #expect(headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        let error = try JSONDecoder().decode(GuardianAPI.ErrorResponse.self, from: Data(buffer: body)).error
        #expect(error.code == code, "body: \(text)", sourceLocation: sourceLocation)
        #expect(
            !error.message.isEmpty && error.message.hasSuffix("."), "message must be a sentence: \(error.message)",
            sourceLocation: sourceLocation)
        return error
    }
}

extension Data {
    init(buffer: ByteBuffer) { self.init(buffer.readableBytesView) }
}

extension HTTPResponse.Status {
    /// 423 (RFC 4918 §11.3), which HTTPTypes does not name.
    static let locked = HTTPResponse.Status(code: 423, reasonPhrase: "Locked")
}
