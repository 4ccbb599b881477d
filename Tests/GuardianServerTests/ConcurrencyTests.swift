import AsyncHTTPClient
import ChainKit
import Foundation
import Guardian
import GuardianServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

// MARK: - One code, many requests

@Suite struct ConcurrencyTests {
    /// 100 cosigns with one valid code at once through the real router: exactly one signature, 99 `code_already_used`.
    /// The wallet bucket is widened so that all 100 reach the capsule instead of 90 stopping at the rate limit.
    @Test func hundredConcurrentCosignsThroughTheRouterYieldOneSignature() async throws {
        let harness = try await ServerHarness.inMemory {
            $0.guardian.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 300)
        }
        try await harness.run { client in
            let wallet = try await client.activeWallet(clock: harness.clock)
            harness.clock.advance(by: 30)
            let code = try wallet.code(harness.clock)
            let statuses = try await withThrowingTaskGroup(of: (UInt, String).self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        let response = try await client.cosign(
                            wallet, transaction: TransactionFactory.base64(wallet.transaction()), code: code)
                        return (response.status.code == 200 ? 200 : UInt(response.status.code), response.text)
                    }
                }
                return try await group.reduce(into: [(UInt, String)]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0.0 == 200 }.count == 1)
            #expect(statuses.filter { $0.0 == 409 && $0.1.contains("code_already_used") }.count == 99)
        }
    }

    /// The same over real sockets against the SQLite store: 100 connections, one request each, sent together.
    @Test func hundredConcurrentCosignsOverSocketsYieldOneSignature() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock(unixSeconds: ServerHarness.startTime)
        let configuration = ServerHarness.configuration {
            $0.dataDirectory = directory.url
            $0.guardian.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 300)
            $0.guardian.clientIPRateLimit = nil
        }
        let dependencies = try await GuardianServerDependencies.open(configuration: configuration, clock: clock)
        let harness = ServerHarness(clock: clock, configuration: configuration, dependencies: dependencies)
        try await harness.run(.live) { client in
            let wallet = try await client.activeWallet(clock: clock)
            clock.advance(by: 30)
            let code = try wallet.code(clock)
            let port = try #require(client.port)
            var httpConfiguration = HTTPClient.Configuration()
            httpConfiguration.connectionPool = .init(
                idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 100)
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
            do {
                let bodies = try (0..<100).map { _ in
                    try JSONEncoder().encode([
                        "transaction": TransactionFactory.base64(wallet.transaction()), "code": code,
                    ])
                }
                let results = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                    for body in bodies {
                        group.addTask {
                            var request = HTTPClientRequest(
                                url: "http://127.0.0.1:\(port)/v1/wallets/\(wallet.address)/cosign")
                            request.method = .POST
                            request.headers.add(name: "Authorization", value: "Bearer \(wallet.token)")
                            request.headers.add(name: "Content-Type", value: "application/json")
                            request.body = .bytes(ByteBuffer(bytes: body))
                            let response = try await http.execute(request, timeout: .seconds(30))
                            let text = String(buffer: try await response.body.collect(upTo: 1 << 16))
                            return (Int(response.status.code), text)
                        }
                    }
                    return try await group.reduce(into: [(Int, String)]()) { $0.append($1) }
                }
                #expect(results.filter { $0.0 == 200 }.count == 1)
                #expect(
                    results.filter { $0.0 == 409 && $0.1.contains("code_already_used") }.count == 99,
                    "\(Dictionary(grouping: results, by: \.0).mapValues(\.count))")
            } catch {
                try await http.shutdown()
                throw error
            }
            try await http.shutdown()
        }
    }
}

/// A fresh directory under the temporary directory, removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chronoguard-server-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
