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

// MARK: - Over real sockets: client addresses and TLS

@Suite struct LiveServerTests {
    /// The per-client-IP bucket sees the socket's peer address and is shared by every endpoint it guards.
    @Test func theClientAddressBucketLimitsEveryGuardedEndpoint() async throws {
        let harness = try await ServerHarness.inMemory {
            $0.guardian.clientIPRateLimit = TokenBucketPolicy(capacity: 3, per: 60)
        }
        try await harness.run(.live) { client in
            let wallet = SolanaKeypair().publicKey.base58
            try await client.send(.post, "/v1/auth/challenge", body: ["wallet": wallet]).expect(.ok)
            try await client.send(.post, "/v1/auth/challenge", body: ["wallet": wallet]).expect(.ok)
            try await client.send(.get, "/v1/wallets/\(wallet)/guardian").expectError(.notFound, "not_enrolled")
            let limited = try await client.send(.post, "/v1/auth/challenge", body: ["wallet": wallet])
            try limited.expectError(.tooManyRequests, "rate_limited")
            #expect(limited.headers[.retryAfter] == "20", "3 per 60 s refills one every 20 s")
            try await client.send(.get, "/v1/wallets/\(wallet)/guardian").expectError(.tooManyRequests, "rate_limited")
            try await client.send(.post, "/v1/auth/verify", body: ["challengeId": "x", "signature": "y"]).expectError(
                .tooManyRequests, "rate_limited")
            // Operational endpoints are not limited.
            try await client.send(.get, "/healthz").expect(.ok)
            harness.clock.advance(by: 20)
            try await client.send(.post, "/v1/auth/challenge", body: ["wallet": wallet]).expect(.ok)
        }
    }

    /// Header abuse is stopped by the HTTP parser: a 10 KiB header field exceeds the 8 KiB bound, and the client gets
    /// the API's JSON error (431 `headers_too_large`).
    @Test func oversizedHeadersAreRefused() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run(.live) { client in
            let port = try #require(client.port)
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/healthz")!)
            request.setValue(String(repeating: "a", count: 10_240), forHTTPHeaderField: "X-Padding")
            let (body, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 431)
            #expect(String(decoding: body, as: UTF8.self).contains(#""code":"headers_too_large""#))
            let (_, fine) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!)
            #expect((fine as? HTTPURLResponse)?.statusCode == 200)
        }
    }

    /// HTTPS with a PEM certificate and key made by OpenSSL.
    @Test func servesHTTPSWithAConfiguredCertificate() async throws {
        let directory = try TemporaryDirectory()
        let certificate = directory.url.appendingPathComponent("cert.pem").path
        let key = directory.url.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
            "-out", certificate,
            "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        do { try openssl.run() } catch {
            Issue.record("openssl is needed to make a test certificate; run scripts/install-test-deps.sh (\(error))")
            return
        }
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl could not make a certificate")

        let harness = try await ServerHarness.inMemory {
            $0.tls = .init(certificateChainPath: certificate, privateKeyPath: key)
        }
        try await harness.run(.ahc(.https)) { client in
            let response = try await client.send(.get, "/healthz").expect(.ok)
            #expect(response.headers[.strictTransportSecurity] == "max-age=63072000; includeSubDomains")
            _ = try await client.signIn(SolanaKeypair())
        }

        // Unreadable files are a setup error with a sentence, not a crash.
        var broken = ServerHarness.configuration()
        broken.tls = .init(
            certificateChainPath: directory.url.appendingPathComponent("missing.pem").path, privateKeyPath: key)
        let dependencies = try await GuardianServerDependencies.inMemory(configuration: broken)
        #expect(throws: ServerSetupError.self) {
            _ = try buildApplication(configuration: broken, dependencies: dependencies)
        }
    }
}
