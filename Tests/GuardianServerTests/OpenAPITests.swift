import ChainKit
import Foundation
import Guardian
import GuardianAPI
import GuardianServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

// MARK: - The OpenAPI document

@Suite struct OpenAPITests {
    /// The committed, hand-written document next to the server's sources.
    static let committedURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/GuardianServer/OpenAPI/openapi.json")

    static func document() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
    }

    @Test func theServedDocumentIsTheCommittedFile() async throws {
        let committed = try String(contentsOf: Self.committedURL, encoding: .utf8)
        #expect(OpenAPIDocument.json == committed, "run scripts/embed-openapi.py after editing openapi.json")
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let response = try await client.send(.get, "/v1/openapi.json").expect(.ok)
            #expect(response.text == committed)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        }
    }

    @Test func everyServedRouteIsDocumentedAndViceVersa() async throws {
        let harness = try await ServerHarness.inMemory()
        let served = Set(
            guardianRoutes(configuration: harness.configuration, dependencies: harness.dependencies).map {
                "\($0.method.rawValue.lowercased()) \($0.path)"
            })
        let paths = try #require(try Self.document()["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        let documented = Set(paths.flatMap { path, item in item.keys.filter(methods.contains).map { "\($0) \(path)" } })
        #expect(
            served == documented,
            "served only: \(served.subtracting(documented).sorted()); documented only: \(documented.subtracting(served).sorted())"
        )
        #expect(served.count >= 11)
    }

    /// Bearer authentication is declared on the route (``RouteAuthentication``) and checked by the route gate; the
    /// document's `security` lists `bearerAuth` for exactly those operations.
    @Test func sessionRoutesAreExactlyTheBearerAuthOperations() async throws {
        let harness = try await ServerHarness.inMemory()
        let routes = guardianRoutes(configuration: harness.configuration, dependencies: harness.dependencies)
        let paths = try #require(try Self.document()["paths"] as? [String: [String: Any]])
        for route in routes {
            let operation = try #require(paths[route.path]?[route.method.rawValue.lowercased()] as? [String: Any])
            let security = operation["security"] as? [[String: Any]] ?? []
            let bearer = security.contains { $0["bearerAuth"] != nil }
            let anonymous = security.isEmpty || security.contains { $0.isEmpty }
            switch route.authentication {
            case .none: #expect(!bearer, "\(route.method) \(route.path)")
            case .session: #expect(bearer && !anonymous, "\(route.method) \(route.path)")
            case .optionalSession: #expect(bearer && anonymous, "\(route.method) \(route.path)")
            }
        }
        #expect(routes.filter { $0.authentication == .session }.count == 14)
    }

    @Test func everyErrorCodeIsDocumented() throws {
        let schemas = try #require((try Self.document()["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let documented = Set(try #require((schemas["ErrorCode"] as? [String: Any])?["enum"] as? [String]))
        let domain = Set(GuardianError.Code.allCases.map(\.rawValue))
        let http: Set<String> = [
            APIError.Code.notFound, APIError.Code.methodNotAllowed, APIError.Code.payloadTooLarge,
            APIError.Code.headersTooLarge, APIError.Code.unsupportedMediaType,
            APIError.Code.apiKeyRequired, APIError.Code.apiKeyInvalid, APIError.Code.originNotAllowed,
            APIError.Code.nonCanonicalPath,
        ]
        #expect(
            domain.union(http) == documented,
            "missing: \(domain.union(http).subtracting(documented).sorted()); extra: \(documented.subtracting(domain.union(http)).sorted())"
        )
    }

    struct Sample: Codable {
        let path: String
        let method: String
        let status: Int
        let body: String
    }

    struct Check: Codable {
        let specErrors: [String]
        let sampleErrors: [String]
    }

    /// The document passes openapi-spec-validator, and real responses from every route — successes and failures —
    /// validate against the schemas it declares for their status.
    @Test func theDocumentIsValidAndDescribesRealResponses() async throws {
        let harness = try await ServerHarness.inMemory { $0.allowedOrigins = ["https://wallet.example"] }
        let samples = try await harness.run { client -> [Sample] in
            var samples: [Sample] = []
            func record(_ method: String, _ template: String, _ response: TestResponse) {
                samples.append(
                    Sample(path: template, method: method, status: Int(response.status.code), body: response.text))
            }
            let wallet = try await client.activeWallet(clock: harness.clock)
            let walletPath = "/v1/wallets/\(wallet.address)"
            record("get", "/healthz", try await client.send(.get, "/healthz"))
            record("get", "/readyz", try await client.send(.get, "/readyz"))
            record("get", "/v1/openapi.json", try await client.send(.get, "/v1/openapi.json"))
            record(
                "post", "/v1/auth/challenge",
                try await client.send(.post, "/v1/auth/challenge", body: ["wallet": wallet.address]))
            record(
                "post", "/v1/auth/challenge",
                try await client.send(.post, "/v1/auth/challenge", body: ["wallet": "nope"]))
            record(
                "post", "/v1/auth/challenge",
                try await client.send(.post, "/v1/auth/challenge", json: "{", headers: [:]))
            record(
                "post", "/v1/auth/challenge",
                try await client.send(.post, "/v1/auth/challenge", json: "{}", headers: [.contentType: "text/plain"]))
            record(
                "post", "/v1/auth/challenge",
                try await client.send(.post, "/v1/auth/challenge", json: String(repeating: " ", count: 70_000)))
            // A 405 can only be documented under the operations the path has.
            record("post", "/v1/auth/challenge", try await client.send(.get, "/v1/auth/challenge"))
            let other = SolanaKeypair()
            let challenge = try await client.send(.post, "/v1/auth/challenge", body: ["wallet": other.publicKey.base58])
                .decoded(GuardianAPI.ChallengeResponse.self, expecting: .ok)
            record(
                "post", "/v1/auth/verify",
                try await client.send(
                    .post, "/v1/auth/verify",
                    body: ["challengeId": challenge.challengeId, "signature": try SolanaKeypair().sign([1]).base58]))
            let verify = try await client.send(
                .post, "/v1/auth/verify",
                body: [
                    "challengeId": challenge.challengeId,
                    "signature": try other.sign(Array(challenge.message.utf8)).base58,
                ])
            record("post", "/v1/auth/verify", verify)
            record(
                "post", "/v1/auth/verify",
                try await client.send(
                    .post, "/v1/auth/verify",
                    body: [
                        "challengeId": challenge.challengeId,
                        "signature": try other.sign(Array(challenge.message.utf8)).base58,
                    ]))
            record(
                "post", "/v1/auth/verify",
                try await client.send(
                    .post, "/v1/auth/verify", body: ["challengeId": "missing", "signature": try other.sign([1]).base58])
            )
            let otherToken = try verify.decoded(GuardianAPI.SessionResponse.self, expecting: .ok).token
            let otherPath = "/v1/wallets/\(other.publicKey.base58)"
            record(
                "post", "/v1/wallets/{wallet}/enrollment",
                try await client.send(.post, otherPath + "/enrollment", token: otherToken))
            record(
                "post", "/v1/wallets/{wallet}/enrollment",
                try await client.send(.post, walletPath + "/enrollment", token: wallet.token))
            record(
                "post", "/v1/wallets/{wallet}/enrollment",
                try await client.send(.post, walletPath + "/enrollment", token: otherToken))
            record(
                "post", "/v1/wallets/{wallet}/enrollment/confirm",
                try await client.send(
                    .post, otherPath + "/enrollment/confirm", body: ["code": "000000"], token: otherToken))
            record("get", "/v1/wallets/{wallet}/guardian", try await client.send(.get, walletPath + "/guardian"))
            record(
                "get", "/v1/wallets/{wallet}/guardian",
                try await client.send(.get, walletPath + "/guardian", token: wallet.token))
            record(
                "get", "/v1/wallets/{wallet}/guardian",
                try await client.send(.get, "/v1/wallets/\(SolanaKeypair().publicKey.base58)/guardian"))
            harness.clock.advance(by: 30)
            let transaction = try TransactionFactory.base64(wallet.transaction())
            record(
                "post", "/v1/wallets/{wallet}/cosign",
                try await client.cosign(wallet, transaction: transaction, code: wallet.code(harness.clock)))
            record(
                "post", "/v1/wallets/{wallet}/cosign",
                try await client.cosign(wallet, transaction: transaction, code: wallet.code(harness.clock)))
            record(
                "post", "/v1/wallets/{wallet}/cosign",
                try await client.cosign(wallet, transaction: "AAAA", code: wallet.code(harness.clock)))
            let noGuardian = try SolanaTransaction(
                message: TransactionFactory.message(
                    owner: wallet.keypair.publicKey, guardian: wallet.guardian, signers: [wallet.keypair.publicKey])
            ).signing(with: wallet.keypair)
            record(
                "post", "/v1/wallets/{wallet}/cosign",
                try await client.cosign(
                    wallet, transaction: TransactionFactory.base64(noGuardian), code: wallet.code(harness.clock)))
            for _ in 0..<3 {
                record(
                    "post", "/v1/wallets/{wallet}/cosign",
                    try await client.cosign(
                        wallet, transaction: transaction,
                        code: EnrollmentRouteTests.wrongCode(wallet.totp, at: harness.clock.now())))
            }
            record(
                "post", "/v1/wallets/{wallet}/cosign",
                try await client.cosign(wallet, transaction: transaction, code: wallet.code(harness.clock)))
            for _ in 0..<4 { _ = try await client.cosign(wallet, transaction: transaction, code: "000000") }
            record(
                "post", "/v1/wallets/{wallet}/cosign",
                try await client.cosign(wallet, transaction: transaction, code: "000000"))
            // Governance, break-glass and recovery (a fresh wallet: the first one is locked now).
            let governed = try await client.activeWallet(clock: harness.clock)
            let governedPath = "/v1/wallets/\(governed.address)"
            record("get", "/v1/wallets/{wallet}/governance", try await client.send(.get, governedPath + "/governance"))
            harness.clock.advance(by: 30)
            record(
                "post", "/v1/wallets/{wallet}/governance/migrate",
                try await client.send(
                    .post, governedPath + "/governance/migrate",
                    json: #"{"sequence":1,"code":"\#(try governed.code(harness.clock))"}"#, token: governed.token))
            record(
                "post", "/v1/wallets/{wallet}/governance/migrate",
                try await client.send(
                    .post, governedPath + "/governance/migrate",
                    json: #"{"sequence":1,"code":"\#(try governed.code(harness.clock))"}"#, token: governed.token))
            harness.clock.advance(by: 30)
            let scheduled = try await client.send(
                .post, governedPath + "/governance/schedule-rotation",
                json: #"{"kind":"emergency","sequence":2,"code":"\#(try governed.code(harness.clock))"}"#,
                token: governed.token)
            record("post", "/v1/wallets/{wallet}/governance/schedule-rotation", scheduled)
            record("get", "/v1/wallets/{wallet}/governance", try await client.send(.get, governedPath + "/governance"))
            let rotationID =
                try scheduled.decoded(GuardianAPI.GovernanceActionResponse.self, expecting: .created).governance
                .pendingRotation?.rotationId ?? ""
            record(
                "post", "/v1/wallets/{wallet}/governance/execute-rotation",
                try await client.send(
                    .post, governedPath + "/governance/execute-rotation",
                    json: #"{"rotationId":"\#(rotationID)","sequence":3}"#, token: governed.token))
            let governanceChallenge = try await client.send(
                .post, governedPath + "/governance/challenge", body: ["action": "cancel_rotation"],
                token: governed.token)
            record("post", "/v1/wallets/{wallet}/governance/challenge", governanceChallenge)
            let challengeBody = try governanceChallenge.decoded(
                GuardianAPI.GovernanceChallengeResponse.self, expecting: .ok)
            let cancelJSON =
                #"{"rotationId":"\#(rotationID)","sequence":3,"recoveryCode":"\#(governed.recoveryCodes[0])","challengeId":"\#(challengeBody.challengeId)","signature":"\#(try governed.keypair.sign(Array(challengeBody.message.utf8)).base58)"}"#
            record(
                "post", "/v1/wallets/{wallet}/governance/cancel-rotation",
                try await client.send(
                    .post, governedPath + "/governance/cancel-rotation", json: cancelJSON, token: governed.token))
            harness.clock.advance(by: 30)
            record(
                "post", "/v1/wallets/{wallet}/break-glass/validate-totp",
                try await client.send(
                    .post, governedPath + "/break-glass/validate-totp",
                    body: ["code": try governed.code(harness.clock)], token: governed.token))
            record(
                "post", "/v1/wallets/{wallet}/break-glass/validate-totp",
                try await client.send(
                    .post, governedPath + "/break-glass/validate-totp", body: ["recoveryCode": "x"],
                    token: governed.token))
            harness.clock.advance(by: 30)
            record(
                "post", "/v1/wallets/{wallet}/recovery-codes",
                try await client.send(
                    .post, governedPath + "/recovery-codes", body: ["code": try governed.code(harness.clock)],
                    token: governed.token))
            let reenrollChallenge = try await client.send(
                .post, governedPath + "/governance/challenge", body: ["action": "reenroll"], token: governed.token
            )
            .decoded(GuardianAPI.GovernanceChallengeResponse.self, expecting: .ok)
            record(
                "post", "/v1/wallets/{wallet}/recovery/reenroll",
                try await client.send(
                    .post, governedPath + "/recovery/reenroll",
                    body: [
                        "recoveryCode": governed.recoveryCodes[1], "challengeId": reenrollChallenge.challengeId,
                        "signature": try governed.keypair.sign(Array(reenrollChallenge.message.utf8)).base58,
                    ], token: governed.token))
            record("post", "/v1/auth/logout", try await client.send(.post, "/v1/auth/logout", token: otherToken))
            record("post", "/v1/auth/logout", try await client.send(.post, "/v1/auth/logout", token: otherToken))
            return samples
        }
        let statuses = Set(samples.map(\.status))
        #expect(
            statuses.isSuperset(of: [200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 422, 423, 429]),
            "\(statuses.sorted())")
        let check = try PythonPeer.run(
            "openapi_check", ["document": AnyEncodable(OpenAPIDocument.json), "samples": AnyEncodable(samples)],
            as: Check.self)
        #expect(check.specErrors.isEmpty, "\(check.specErrors)")
        #expect(check.sampleErrors.isEmpty, "\(check.sampleErrors.joined(separator: "\n"))")
    }
}

/// Type erasure for heterogeneous JSON requests to Python peers.
struct AnyEncodable: Encodable {
    let encodeBody: (any Encoder) throws -> Void
    init<T: Encodable>(_ value: T) { encodeBody = value.encode }
    func encode(to encoder: any Encoder) throws { try encodeBody(encoder) }
}
