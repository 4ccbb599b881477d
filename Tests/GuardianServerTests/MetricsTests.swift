import ChainKit
import Foundation
import Guardian
import GuardianServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

// MARK: - /metrics

@Suite struct MetricsTests {
    /// The value of one sample line `name{labels} value` (labels in the registry's order).
    static func value(_ text: String, _ name: String, _ labels: [(String, String)]) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { continue }
            if labels.allSatisfy({ parts[0].contains("\($0.0)=\"\($0.1)\"") }) { return Double(parts[1]) }
        }
        return nil
    }

    @Test func metricsCountRoutesOutcomesLockoutsAndRateLimits() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let wallet = try await client.activeWallet(clock: harness.clock)
            harness.clock.advance(by: 30)
            let transaction = try TransactionFactory.base64(wallet.transaction())
            try await client.cosign(wallet, transaction: transaction, code: wallet.code(harness.clock)).expect(.ok)
            try await client.cosign(wallet, transaction: transaction, code: wallet.code(harness.clock)).expect(
                .conflict)
            for _ in 0..<3 {
                try await client.cosign(
                    wallet, transaction: transaction,
                    code: EnrollmentRouteTests.wrongCode(wallet.totp, at: harness.clock.now())
                ).expect(.unauthorized)
            }
            for _ in 0..<6 { _ = try await client.cosign(wallet, transaction: transaction, code: "000000") }
            try await client.send(.get, "/nowhere").expect(.notFound)

            let response = try await client.send(.get, "/metrics").expect(.ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = response.text
            #expect(
                Self.value(
                    text, "chronoguard_http_requests_total",
                    [("method", "POST"), ("route", "/v1/wallets/{wallet}/cosign"), ("status", "200")]) == 1)
            #expect(
                Self.value(
                    text, "chronoguard_http_requests_total",
                    [("method", "POST"), ("route", "/v1/wallets/{wallet}/cosign"), ("status", "401")]) == 3)
            #expect(
                Self.value(
                    text, "chronoguard_http_requests_total",
                    [("method", "POST"), ("route", "/v1/auth/challenge"), ("status", "200")]) == 1)
            #expect(
                Self.value(
                    text, "chronoguard_http_requests_total",
                    [("method", "GET"), ("route", "unmatched"), ("status", "404")]) == 1)
            #expect(
                Self.value(
                    text, "chronoguard_http_request_duration_seconds_count",
                    [("method", "POST"), ("route", "/v1/wallets/{wallet}/cosign")]) == 11)
            #expect(text.contains("chronoguard_http_request_duration_seconds_bucket{"))
            #expect(!text.contains(wallet.address), "wallet addresses must not become label values")
            #expect(Self.value(text, "chronoguard_cosign_total", [("outcome", "completed")]) == 1)
            #expect(Self.value(text, "chronoguard_cosign_total", [("outcome", "code_already_used")]) == 1)
            #expect(Self.value(text, "chronoguard_cosign_total", [("outcome", "invalid_code")]) == 3)
            #expect(Self.value(text, "chronoguard_cosign_total", [("outcome", "wallet_locked")]) == 5)
            #expect(Self.value(text, "chronoguard_cosign_total", [("outcome", "rate_limited")]) == 1)
            #expect(Self.value(text, "chronoguard_cosign_duration_seconds_count", [("outcome", "completed")]) == 1)
            #expect(Self.value(text, "chronoguard_wallet_lockouts_total", [("kind", "locked")]) == 1)
            #expect(Self.value(text, "chronoguard_rate_limited_total", [("scope", "wallet")]) == 1)
            #expect(Self.value(text, "chronoguard_login_total", [("outcome", "succeeded")]) == 1)
        }
    }
}
