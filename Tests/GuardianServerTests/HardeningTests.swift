import ChainKit
import Foundation
import Guardian
import GuardianAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import GuardianServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Regression tests for the defects found by attacking the guardian from outside (issue 11), over the router and over
/// real sockets.
@Suite struct ServerHardeningTests {
    static let key = "hardening-key-0123456789"

    /// Every route with its template filled in: `{wallet}` becomes a real address.
    static func concretePaths(_ harness: ServerHarness) -> [(GuardianRoute, String)] {
        let wallet = SolanaKeypair().publicKey.base58
        return guardianRoutes(configuration: harness.configuration, dependencies: harness.dependencies).map { route in
            (route, route.path.replacingOccurrences(of: "{wallet}", with: wallet))
        }
    }

    /// The spellings a router may treat as the same path: each must be refused before any handler runs.
    static func spellings(of path: String) -> [String] {
        var segments = path.split(separator: "/").map(String.init)
        let last = segments.removeLast()
        let prefix = segments.map { "/" + $0 }.joined()
        return [
            "/" + path,  // //v1/…
            "//" + path,  // ///v1/…
            prefix + "//" + last,  // empty segment inside
            path + "/",  // trailing slash
            prefix + "/./" + last,  // dot segment
            prefix + "/x/../" + last,  // dot-dot segment
            "/." + path,  // /./v1/… spelled as a leading dot segment
            prefix + "%2F" + last,  // percent-encoded slash
            prefix + "%2f" + last,
            path.replacingOccurrences(of: "/v1/", with: "/%76%31/").replacingOccurrences(
                of: "/healthz", with: "/%68ealthz"
            )
            .replacingOccurrences(of: "/readyz", with: "/%72eadyz").replacingOccurrences(
                of: "/metrics", with: "/%6detrics"),
        ]
    }

    @Test func everyRouteRefusesNonCanonicalSpellingsWithAndWithoutAKey() async throws {
        let harness = try await ServerHarness.inMemory { $0.apiKeys = [Self.key] }
        try await harness.run { client in
            for (route, path) in Self.concretePaths(harness) {
                for spelling in Self.spellings(of: path) {
                    for headers: HTTPFields in [[:], [.apiKeyHeader: Self.key]] {
                        let response = try await client.execute(
                            uri: spelling, method: route.method, headers: headers + [.contentType: "application/json"],
                            body: ByteBuffer(string: "{}"))
                        #expect(
                            response.status == .badRequest || response.status == .notFound,
                            "\(route.method) \(spelling): \(response.status.code) \(response.text)")
                        if response.status == .badRequest {
                            #expect(response.text.contains("non_canonical_path"), "\(spelling): \(response.text)")
                        }
                    }
                }
            }
        }
    }

    @Test func authorisationIsDecidedOnTheMatchedRouteAndDeniesByDefault() async throws {
        let harness = try await ServerHarness.inMemory { $0.apiKeys = [Self.key] }
        let routes = Self.concretePaths(harness)
        // The public routes are a short explicit list; everything else needs a key.
        let publicRoutes = Set(routes.filter { $0.0.access == .public }.map { "\($0.0.method) \($0.0.path)" })
        #expect(publicRoutes == ["GET /healthz", "GET /readyz", "GET /v1/openapi.json"])
        try await harness.run { client in
            for (route, path) in routes {
                let response = try await client.execute(
                    uri: path, method: route.method, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: "{}"))
                if route.access == .apiKey {
                    try response.expectError(.unauthorized, "api_key_required")
                } else {
                    #expect(response.status != .unauthorized, "\(route.method) \(path)")
                }
            }
        }
    }

    @Test func theReportedBypassFailsOverARealSocket() async throws {
        let harness = try await ServerHarness.inMemory { $0.apiKeys = [Self.key] }
        try await harness.run(.live) { client in
            let port = try #require(client.port)
            let body = #"{"wallet":"\#(SolanaKeypair().publicKey.base58)"}"#
            for target in [
                "//v1/auth/challenge", "///v1/auth/challenge", "/v1//auth/challenge", "/v1/auth/challenge/",
                "/v1/./auth/challenge", "/v1%2Fauth/challenge",
            ] {
                let answer = try await RawHTTP.exchange(
                    port: port,
                    "POST \(target) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
                )
                let response = try #require(answer.responses.first, "\(target)")
                #expect(response.status == 400 || response.status == 401, "\(target): \(response.status)")
                #expect(!response.body.contains("challengeId"), "\(target) reached the handler")
            }
        }
    }

    @Test func metricsExposureFollowsTheConfiguration() async throws {
        for (exposure, withoutKey) in [
            (GuardianServerConfiguration.MetricsExposure?.none, 401), (.apiKey, 401), (.public, 200), (.off, 404),
        ] {
            let harness = try await ServerHarness.inMemory {
                $0.apiKeys = [Self.key]
                $0.metrics = exposure
            }
            try await harness.run { client in
                #expect(
                    try await client.execute(uri: "/metrics", method: .get).status.code == withoutKey,
                    "\(String(describing: exposure))")
                let keyed = try await client.execute(uri: "/metrics", method: .get, headers: [.apiKeyHeader: Self.key])
                #expect(keyed.status.code == (exposure == .off ? 404 : 200))
            }
        }
        // Without API keys, the default is open (there is nothing to present).
        let open = try await ServerHarness.inMemory()
        try await open.run { client in
            let status = try await client.execute(uri: "/metrics", method: .get).status
            #expect(status == .ok)
        }
    }

    // MARK: JSON

    @Test func duplicateMembersAreRefusedOnEveryPath() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let a = SolanaKeypair().publicKey.base58
            let b = SolanaKeypair().publicKey.base58
            for body in [
                #"{"wallet":"\#(a)","wallet":"\#(b)"}"#, #"{"wallet":"\#(a)","wal\u006cet":"\#(b)"}"#,
                #"{"wallet":"\#(a)", "wallet" : "\#(a)"}"#,
            ] {
                let error = try await client.send(.post, "/v1/auth/challenge", json: body).expectError(
                    .badRequest, "invalid_request")
                #expect(error.field == "wallet")
                #expect(error.message.contains("more than once"))
            }
            let wallet = try await client.activeWallet(clock: harness.clock)
            let cosign = #"{"transaction":"AQID","code":"123456","code":"654321"}"#
            try await client.send(.post, "/v1/wallets/\(wallet.address)/cosign", json: cosign, token: wallet.token)
                .expectError(.badRequest, "invalid_request")
            let policy =
                #"{"code":"123456","policy":{"spendingLimits":[{"asset":"SOL","window":"day","amount":"1","amount":"2"}]}}"#
            let error = try await client.send(
                .put, "/v1/wallets/\(wallet.address)/policy", json: policy, token: wallet.token
            ).expectError(.badRequest, "invalid_request")
            #expect(error.field == "policy.spendingLimits[0].amount")
        }
    }

    @Test func thePerIPBucketIsChargedBeforeTheBodyIsParsed() async throws {
        let harness = try await ServerHarness.inMemory {
            $0.guardian.clientIPRateLimit = TokenBucketPolicy(capacity: 3, per: 60)
        }
        try await harness.run(.live) { client in
            let junk = "{" + String(repeating: #""x":1,"#, count: 5_000) + "}"
            var statuses: [Int] = []
            for _ in 0..<4 {
                statuses.append(Int(try await client.send(.post, "/v1/auth/challenge", json: junk).status.code))
            }
            #expect(statuses == [400, 400, 400, 429], "the fourth request must be refused before its body is read")
        }
    }

    // MARK: CORS

    @Test func preflightsAllowTheMethodsTheRouteServes() async throws {
        let harness = try await ServerHarness.inMemory { $0.allowedOrigins = ["https://wallet.example"] }
        try await harness.run { client in
            let wallet = SolanaKeypair().publicKey.base58
            let preflight: HTTPFields = [.origin: "https://wallet.example", .accessControlRequestMethod: "PUT"]
            let policy = try await client.execute(
                uri: "/v1/wallets/\(wallet)/policy", method: .options, headers: preflight)
            #expect(policy.status == .noContent)
            #expect(policy.headers[.accessControlAllowMethods] == "GET, PUT, OPTIONS")
            let cosign = try await client.execute(
                uri: "/v1/wallets/\(wallet)/cosign", method: .options, headers: preflight)
            #expect(cosign.headers[.accessControlAllowMethods] == "POST, OPTIONS")
            #expect(
                try await client.execute(uri: "/v1/nowhere", method: .options, headers: preflight).status == .notFound)
        }
    }

    // MARK: A logout while the body is in flight

    @Test func aSessionLoggedOutMidRequestDoesNotCosign() async throws {
        let harness = try await ServerHarness.inMemory { $0.guardian.clientIPRateLimit = nil }
        try await harness.run(.live) { client in
            let port = try #require(client.port)
            let wallet = try await client.activeWallet(clock: harness.clock)
            harness.clock.advance(by: 30)
            let code = try wallet.code(harness.clock)
            let body = #"{"transaction":"\#(try TransactionFactory.base64(wallet.transaction()))","code":"\#(code)"}"#
            let head =
                "POST /v1/wallets/\(wallet.address)/cosign HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(wallet.token)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
            let split = body.index(body.startIndex, offsetBy: 20)
            let connection = try RawConnection(port: port)
            try connection.send(head + body[..<split])
            try await Task.sleep(for: .milliseconds(200))  // the handler has the session and waits for the body
            try await client.send(.post, "/v1/auth/logout", token: wallet.token).expect(.noContent)
            try connection.send(String(body[split...]))
            let answer = try await connection.readUntilClose()
            #expect(answer.contains("HTTP/1.1 401"), "\(answer)")
            #expect(answer.contains("session_invalid"))
            // Nothing was consumed: a new session cosigns with the same code.
            let token = try await client.signIn(wallet.keypair)
            try await client.cosign(
                wallet, transaction: try TransactionFactory.base64(wallet.transaction()), code: code, token: token
            ).expect(.ok)
        }
    }

    // MARK: Slow and idle clients

    @Test func slowClientsAreCutOffAndIdleOnesDoNotBlockOthers() async throws {
        // A 2 s deadline: "answered at once" below must be measurably shorter than the deadline on a loaded 2-core CI
        // machine (1.5 s was seen there with 1 s), or it would not tell "not blocked" from "waited for the deadline".
        let harness = try await ServerHarness.inMemory { $0.requestTimeout = .seconds(2) }
        try await harness.run(.live) { client in
            let port = try #require(client.port)
            // A head trickled one byte every 200 ms (each byte resets an idle timer) is cut off near the deadline.
            let trickled = try RawConnection(port: port)
            let start = ContinuousClock.now
            let closedWhileTrickling = try await trickled.trickle(
                "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + String(repeating: "a", count: 100),
                every: .milliseconds(200))
            #expect(closedWhileTrickling, "the server never closed a trickling head")
            // The whole trickle would take ~27 s; the 2 s deadline cuts it far earlier (bound loose for a loaded CI).
            #expect(ContinuousClock.now - start < .seconds(15))
            // The same for a body.
            let slowBody = try RawConnection(port: port)
            try slowBody.send(
                "POST /v1/auth/challenge HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
            )
            #expect(try await slowBody.trickle(String(repeating: " ", count: 100), every: .milliseconds(200)))

            // An early answer (a 404 before the body is read) must not leave the connection without a deadline: the
            // next head, trickled, is still cut off.
            let early = try RawConnection(port: port)
            try early.send(
                // 404 before the body
                "POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1\r\n\r\n")
            try await Task.sleep(for: .milliseconds(300))
            try early.send("{")
            #expect(
                try await early.trickle(
                    "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + String(repeating: "a", count: 100),
                    every: .milliseconds(200)),
                "a connection whose previous request was answered early escaped the head deadline")

            // 1,000 idle connections, then an ordinary request is answered at once.
            let idle = try (0..<1_000).map { _ in try RawConnection(port: port) }
            let answered = ContinuousClock.now
            // On a new connection: the test client's own kept-alive one has met the head deadline meanwhile.
            let health = try await RawHTTP.exchange(
                port: port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(health.responses.first?.status == 200)
            #expect(ContinuousClock.now - answered < .milliseconds(1_800), "an idle connection held up a new one")
            // And the idle ones are closed by the deadline too.
            try await Task.sleep(for: .milliseconds(2_500))
            #expect(try idle.prefix(10).allSatisfy { try $0.isClosedByPeer() })
        }
    }
}

// MARK: - Raw sockets

/// A blocking client socket for requests no well-behaved client sends (partial bodies, trickled bytes).
final class RawConnection: @unchecked Sendable {
    let fd: Int32

    init(port: Int) throws {
        _ = ExternalPeer.ignoreSIGPIPE  // a write to a socket the server closed fails with EPIPE
        #if canImport(Glibc)
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw RawHTTP.Failure(description: "socket: errno \(errno)") }
        // Generous: while other suites wait synchronously for their Python peers on the cooperative pool (2 threads
        // on a 2-core CI machine), the server's handlers can be held up for seconds. The assertions are about what
        // the server answers, not how fast; a hung server still fails, after a minute.
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw RawHTTP.Failure(description: "connect: errno \(errno)")
        }
    }

    deinit { close(fd) }

    /// Writes all of `text`; false when the peer has closed.
    @discardableResult
    func send<S: StringProtocol>(_ text: S) throws -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    /// Sends `text` one byte at a time; true as soon as the server has closed the connection.
    func trickle(_ text: String, every interval: Duration) async throws -> Bool {
        for byte in text.utf8 {
            if try isClosedByPeer() || !send(String(decoding: [byte], as: UTF8.self)) { return true }
            try await Task.sleep(for: interval)
        }
        return try isClosedByPeer()
    }

    /// Whether the peer has closed (a read would return end-of-file or a reset), without blocking.
    func isClosedByPeer() throws -> Bool {
        var byte: UInt8 = 0
        let count = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        if count == 0 { return true }
        if count < 0 { return errno == ECONNRESET || errno == EPIPE }
        return false
    }

    /// Everything the server sends until it closes, read on a thread of its own.
    func readUntilClose() async throws -> String {
        let fd = fd
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                var received: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if count <= 0 { break }
                    received += chunk[..<count]
                }
                continuation.resume(returning: String(decoding: received, as: UTF8.self))
            }
        }
    }
}

extension HTTPFields {
    static func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
        var result = lhs
        for field in rhs { result[field.name] = field.value }
        return result
    }
}

/// The client (GuardianAPI, which knows nothing of the domain) checks the statements the domain writes: they must stay
/// the same strings.
@Suite struct ClientServerContractTests {
    @Test func theClientExpectsTheStatementsTheServerWrites() {
        #expect(GuardianAPI.signInStatement == GuardianConfiguration.SignIn.defaultStatement)
        #expect(GuardianAPI.governanceActions == Set(GovernanceAction.allCases.map(\.rawValue)))
        for action in GovernanceAction.allCases {
            #expect(GuardianAPI.governanceStatement(action: action.rawValue) == action.challengeStatement)
        }
    }
}
