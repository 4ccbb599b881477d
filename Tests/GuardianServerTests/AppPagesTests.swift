import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import GuardianServer

/// The browser pages under /app/ (AppPages): served from the target's resources with their own policies, nothing
/// outside the resource directory, the proving key only when configured. The pages themselves run in Chromium in
/// scripts/browser-test.py.
@Suite struct AppPagesTests {
    static let appDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/GuardianServer/App")

    @Test func thePagesAndTheModuleAreServedWithTheirPolicies() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            for (path, type) in [
                ("/app/authenticator", "text/html; charset=utf-8"), ("/app/wallet", "text/html; charset=utf-8"),
                ("/app/chronoguard.js", "text/javascript; charset=utf-8"), ("/app/app.css", "text/css; charset=utf-8"),
                ("/app/chronoguard.wasm", "application/wasm"),
            ] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok, "\(path)")
                #expect(response.headers[.contentType] == type, "\(path)")
                let csp = try #require(response.headers[.contentSecurityPolicy])
                #expect(csp.contains("script-src 'self' 'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"))
                #expect(!csp.contains("unsafe-inline") && !csp.contains("*"), "\(csp)")
                #expect(response.headers[HTTPField.Name("Permissions-Policy")!]?.contains("camera=(self)") == true)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
            let wasm = try await client.execute(uri: "/app/chronoguard.wasm", method: .get)
            let committed = try Data(contentsOf: Self.appDirectory.appendingPathComponent("chronoguard.wasm"))
            #expect(Data(buffer: wasm.body) == committed)
            // The API keeps its deny-all policies.
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'; frame-ancestors") == true)
            #expect(health.headers[HTTPField.Name("Permissions-Policy")!]?.contains("camera=()") == true)
        }
    }

    @Test func onlyTheResourceFilesAreServed() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            for path in ["/app/nothing.js", "/app/README.md", "/app/proving_key.bin"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .notFound, "\(path)")
                #expect(String(buffer: response.body).contains("\"not_found\""), "\(path)")
            }
            for path in ["/app/..%2F..%2FPackage.swift", "/app/../Package.swift", "/app/%2e%2e/x", "/app/wallet/"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .badRequest || response.status == .notFound, "\(path)")
                #expect(!String(buffer: response.body).contains("swift-tools-version"), "\(path)")
            }
            let post = try await client.execute(uri: "/app/wallet", method: .post)
            #expect(post.status != .ok)
        }
    }

    @Test func theProvingKeyIsServedOnlyWhenConfigured() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("app-keys-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = Data((0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        try key.write(to: directory.appendingPathComponent("proving_key.bin"))
        let harness = try await ServerHarness.inMemory { $0.zkKeysDirectory = directory }
        try await harness.run { client in
            let response = try await client.execute(uri: "/app/proving_key.bin", method: .get)
            #expect(response.status == .ok)
            #expect(Data(buffer: response.body) == key)
            #expect(response.headers[.contentType] == "application/octet-stream")
        }
        #expect(throws: AppPagesError.self) {
            _ = try AppPages(keysDirectory: directory.appendingPathComponent("missing"))
        }
    }
}
