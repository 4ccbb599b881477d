import ChainKit
import Foundation
import Guardian
import GuardianServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// MARK: - HTTP hardening

@Suite struct HTTPHardeningTests {
    static let securityHeaders: [(String, String)] = [
        ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
        ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
    ]

    static func expectSecurityHeaders(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        for (name, value) in securityHeaders {
            #expect(
                response.headers[HTTPField.Name(name)!] == value, "\(name) on HTTP \(response.status.code)",
                sourceLocation: sourceLocation)
        }
        #expect(
            response.headers[HTTPField.Name("Permissions-Policy")!]?.contains("camera=()") == true,
            sourceLocation: sourceLocation)
        #expect(response.headers[.server] == nil, sourceLocation: sourceLocation)
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let responses = [
                try await client.send(.get, "/healthz"),
                try await client.send(.get, "/readyz"),
                try await client.send(.get, "/metrics"),
                try await client.send(.get, "/v1/openapi.json"),
                try await client.send(.post, "/v1/auth/challenge", body: ["wallet": SolanaKeypair().publicKey.base58]),
                try await client.send(.post, "/v1/auth/challenge", json: "{"),
                try await client.send(.get, "/nowhere"),
                try await client.send(.delete, "/v1/auth/verify"),
                try await client.send(.post, "/v1/auth/challenge", json: String(repeating: " ", count: 70_000)),
                try await client.send(.post, "/v1/wallets/x/cosign", json: "{}"),
            ]
            for response in responses { Self.expectSecurityHeaders(response) }
            // Sensitive responses must not be cached; the public API description may be, after revalidation.
            for (index, response) in responses.enumerated() where index != 3 {
                #expect(response.headers[.cacheControl] == "no-store", "HTTP \(response.status.code) #\(index)")
            }
            #expect(responses[3].headers[.cacheControl] == "no-cache")
        }
    }

    @Test func unknownRoutesAndMethodsGetJSONErrors() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            try await client.send(.get, "/").expectError(.notFound, "not_found")
            try await client.send(.get, "/v2/auth/challenge").expectError(.notFound, "not_found")
            try await client.send(.get, "/v1/wallets/abc/unknown").expectError(.notFound, "not_found")
            let wrongMethod = try await client.send(.get, "/v1/auth/challenge")
            try wrongMethod.expectError(.methodNotAllowed, "method_not_allowed")
            #expect(wrongMethod.headers[.allow] == "POST")
            let wrongMethod2 = try await client.send(
                .put, "/v1/wallets/\(SolanaKeypair().publicKey.base58)/guardian", json: "{}")
            try wrongMethod2.expectError(.methodNotAllowed, "method_not_allowed")
            #expect(wrongMethod2.headers[.allow] == "GET")
        }
    }

    @Test func oversizedBodiesAre413WithTheJSONError() async throws {
        let harness = try await ServerHarness.inMemory { $0.maxBodyBytes = 4_096 }
        try await harness.run { client in
            let big = #"{"wallet":""# + String(repeating: "1", count: 5_000) + #""}"#
            let error = try await client.send(.post, "/v1/auth/challenge", json: big).expectError(
                .contentTooLarge, "payload_too_large")
            #expect(error.message.contains("4096"))
            try await client.send(
                .post, "/v1/wallets/\(SolanaKeypair().publicKey.base58)/cosign", json: big, token: "x"
            ).expectError(.contentTooLarge, "payload_too_large")
            // Just under the limit is fine (and then fails on content).
            let fits = #"{"wallet":""# + String(repeating: "1", count: 4_000) + #""}"#
            try await client.send(.post, "/v1/auth/challenge", json: fits).expectError(
                .badRequest, "invalid_wallet_address")
        }
    }

    @Test func oversizedBodiesAreCutOffWithoutAContentLengthToo() async throws {
        // Over a real socket with chunked transfer encoding: the limit applies while the body is collected.
        let harness = try await ServerHarness.inMemory { $0.maxBodyBytes = 2_048 }
        try await harness.run(.live) { client in
            let port = try #require(client.port)
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/auth/challenge")!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            let body = Data((#"{"wallet":""# + String(repeating: "1", count: 10_000) + #""}"#).utf8)
            request.httpBodyStream = InputStream(data: body)
            let (data, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode
            #expect(status == 413, "got \(status ?? 0): \(String(decoding: data, as: UTF8.self))")
            #expect(String(decoding: data, as: UTF8.self).contains("payload_too_large"))
        }
    }

    @Test func strictJSONNamesTheFieldAndTheReason() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let cases: [(String, String?, String)] = [
                ("{", nil, "not valid JSON"),
                ("", nil, "empty"),
                ("[]", nil, "JSON object"),
                ("\"wallet\"", nil, "JSON object"),
                ("null", nil, "JSON object"),
                ("{}", "wallet", "missing"),
                (#"{"wallet": 5}"#, "wallet", "string"),
                (#"{"wallet": null}"#, "wallet", "null"),
                (#"{"wallet": ["a"]}"#, "wallet", "string"),
                (#"{"wallet": "x", "extra": 1}"#, "extra", "not allowed"),
                (#"{"Wallet": "x"}"#, "Wallet", "not allowed"),
            ]
            for (body, field, reason) in cases {
                let error = try await client.send(
                    .post, "/v1/auth/challenge", json: body.isEmpty ? nil : body,
                    headers: body.isEmpty ? [.contentType: "application/json"] : [:]
                )
                .expectError(.badRequest, "invalid_request")
                #expect(error.field == field, "\(body): \(error.message)")
                #expect(error.message.contains(reason), "\(body): \(error.message)")
                if let field { #expect(error.message.contains("`\(field)`")) }
            }
            let wallet = try await client.activeWallet(clock: harness.clock)
            let cosignCases: [(String, String)] = [
                (#"{"transaction": "AAAA"}"#, "code"),
                (#"{"code": "123456"}"#, "transaction"),
                (#"{"transaction": "AAAA", "code": 123456}"#, "code"),
                (#"{"transaction": "AAAA", "code": "123456", "signature": "x"}"#, "signature"),
            ]
            for (body, field) in cosignCases {
                let error = try await client.send(
                    .post, "/v1/wallets/\(wallet.address)/cosign", json: body, token: wallet.token
                ).expectError(.badRequest, "invalid_request")
                #expect(error.field == field, "\(body): \(error.message)")
            }
        }
    }

    @Test func bodiesMustBeJSON() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let body = #"{"wallet":"\#(SolanaKeypair().publicKey.base58)"}"#
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                try await client.send(.post, "/v1/auth/challenge", json: body, headers: [.contentType: type])
                    .expectError(.unsupportedMediaType, "unsupported_media_type")
            }
            try await client.execute(
                uri: "/v1/auth/challenge", method: .post, headers: [:], body: ByteBuffer(string: body)
            ).expectError(.unsupportedMediaType, "unsupported_media_type")
            for type in [
                "application/json", "application/json; charset=utf-8", "Application/JSON", "application/problem+json",
            ] {
                try await client.send(.post, "/v1/auth/challenge", json: body, headers: [.contentType: type]).expect(
                    .ok)
            }
        }
    }

    @Test func corsOnlyForAllowedOrigins() async throws {
        let harness = try await ServerHarness.inMemory { $0.allowedOrigins = ["https://wallet.example"] }
        try await harness.run { client in
            let preflight: HTTPFields = [
                .origin: "https://wallet.example", .accessControlRequestMethod: "POST",
                .accessControlRequestHeaders: "authorization, content-type",
            ]
            let allowed = try await client.execute(uri: "/v1/wallets/abc/cosign", method: .options, headers: preflight)
            #expect(allowed.status == .noContent)
            #expect(allowed.headers[.accessControlAllowOrigin] == "https://wallet.example")
            #expect(allowed.headers[.accessControlAllowMethods]?.contains("POST") == true)
            #expect(allowed.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
            #expect(allowed.headers[.accessControlAllowCredentials] == nil)
            Self.expectSecurityHeaders(allowed)

            var evil = preflight
            evil[.origin] = "https://evil.example"
            try await client.execute(uri: "/v1/wallets/abc/cosign", method: .options, headers: evil).expectError(
                .forbidden, "origin_not_allowed")

            let body = ["wallet": SolanaKeypair().publicKey.base58]
            let simple = try await client.send(
                .post, "/v1/auth/challenge", body: body, headers: [.origin: "https://wallet.example"])
            #expect(simple.status == .ok && simple.headers[.accessControlAllowOrigin] == "https://wallet.example")
            #expect(simple.headers[.vary] == "Origin")
            let foreign = try await client.send(
                .post, "/v1/auth/challenge", body: body, headers: [.origin: "https://evil.example"])
            #expect(foreign.headers[.accessControlAllowOrigin] == nil)
            let error = try await client.send(.get, "/missing", headers: [.origin: "https://wallet.example"])
            #expect(
                error.headers[.accessControlAllowOrigin] == "https://wallet.example",
                "errors must be readable by allowed pages")
        }
        // Without a configured list nothing is allowed.
        let closed = try await ServerHarness.inMemory()
        _ = try await closed.run { client in
            try await client.execute(
                uri: "/v1/auth/challenge", method: .options,
                headers: [.origin: "https://wallet.example", .accessControlRequestMethod: "POST"]
            )
            .expectError(.forbidden, "origin_not_allowed")
        }
    }

    @Test func apiKeysAreRequiredOnceConfiguredAndHaveTheirOwnBucket() async throws {
        let key = "k3y-" + UUID().uuidString
        let harness = try await ServerHarness.inMemory {
            $0.apiKeys = [key, "second-key-0123456789"]
            $0.guardian.apiKeyRateLimit = TokenBucketPolicy(capacity: 3, per: 60)
        }
        try await harness.run { client in
            let body = ["wallet": SolanaKeypair().publicKey.base58]
            try await client.send(.post, "/v1/auth/challenge", body: body).expectError(
                .unauthorized, "api_key_required")
            try await client.send(.post, "/v1/auth/challenge", body: body, headers: [.apiKeyHeader: key + "x"])
                .expectError(.unauthorized, "api_key_invalid")
            try await client.send(
                .post, "/v1/auth/challenge", body: body, headers: [.apiKeyHeader: String(repeating: "k", count: 10_000)]
            ).expectError(.unauthorized, "api_key_invalid")
            try await client.send(.get, "/v1/wallets/\(body["wallet"]!)/guardian").expectError(
                .unauthorized, "api_key_required")
            // Public operational routes stay open.
            try await client.send(.get, "/v1/openapi.json").expect(.ok)
            try await client.send(.get, "/healthz").expect(.ok)

            let headers: HTTPFields = [.apiKeyHeader: key]
            let wallet = try await client.activeWallet(clock: harness.clock, headers: headers)
            harness.clock.advance(by: 30)
            let code = try wallet.code(harness.clock)
            let transaction = try TransactionFactory.base64(wallet.transaction())
            try await client.cosign(wallet, transaction: transaction, code: code, headers: headers).expect(.ok)
            try await client.cosign(wallet, transaction: transaction, code: code, headers: headers).expectError(
                .conflict, "code_already_used")
            try await client.cosign(wallet, transaction: transaction, code: code, headers: headers).expectError(
                .conflict, "code_already_used")
            let limited = try await client.cosign(wallet, transaction: transaction, code: code, headers: headers)
            try limited.expectError(.tooManyRequests, "rate_limited")
            #expect(limited.headers[.retryAfter] == "20", "3 per 60 s refills one every 20 s")
            // The other key has a bucket of its own.
            try await client.cosign(
                wallet, transaction: transaction, code: code, headers: [.apiKeyHeader: "second-key-0123456789"]
            ).expectError(.conflict, "code_already_used")
        }
    }
}

extension HTTPField.Name {
    static let apiKeyHeader = HTTPField.Name("X-API-Key")!
}
