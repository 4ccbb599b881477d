import Foundation
import Guardian
import GuardianTestSupport
import Metrics
import MetricsTestKit
import Testing

/// The swift-metrics adapter, observed through swift-metrics' own test backend.
@Suite(.serialized) struct MetricsTests {
    @Test func swiftMetricsAdapterCountsOutcomes() async throws {
        let backend = MetricsBootstrap.backend
        let prefix = "cg_test_\(UInt32.random(in: 0...UInt32.max))"
        // Six tokens: confirmation, one cosign, three wrong codes, one refused by the lock; the seventh is rate-limited.
        let harness = try await GuardianHarness.make(metrics: SwiftMetricsGuardianMetrics(prefix: prefix)) {
            $0.walletRateLimit = TokenBucketPolicy(capacity: 6, per: 300)
        }
        let wallet = try await harness.enroll()
        let tx = try TransactionFactory.standard(for: wallet)
        _ = try await harness.service.cosign(
            session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: harness.nextCode(wallet))
        for _ in 0..<3 {
            _ = await errorCode {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address, transactionBase64: tx,
                    code: harness.wrongCode(wallet))
            }
        }
        for _ in 0..<2 {
            _ = await errorCode {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: "000000")
            }
        }

        #expect(try backend.expectCounter("\(prefix)_cosign_total", [("outcome", "completed")]).totalValue == 1)
        #expect(try backend.expectCounter("\(prefix)_cosign_total", [("outcome", "invalid_code")]).totalValue == 3)
        #expect(try backend.expectCounter("\(prefix)_cosign_total", [("outcome", "rate_limited")]).totalValue == 1)
        #expect(try backend.expectCounter("\(prefix)_cosign_total", [("outcome", "wallet_locked")]).totalValue == 1)
        #expect(try backend.expectCounter("\(prefix)_rate_limited_total", [("scope", "wallet")]).totalValue == 1)
        #expect(try backend.expectCounter("\(prefix)_wallet_lockouts_total", [("kind", "locked")]).totalValue == 1)
        #expect(try backend.expectCounter("\(prefix)_login_total", [("outcome", "succeeded")]).totalValue == 1)
        #expect(
            try backend.expectTimer("\(prefix)_cosign_duration_seconds", [("outcome", "completed")]).values.count == 1)
        #expect(try backend.expectTimer("\(prefix)_cosign_duration_seconds", [("outcome", "failed")]).values.count == 5)
    }
}

/// swift-metrics can be bootstrapped once per process: one shared test backend.
enum MetricsBootstrap {
    static let backend: TestMetrics = {
        let backend = TestMetrics()
        MetricsSystem.bootstrap(backend)
        return backend
    }()
}
