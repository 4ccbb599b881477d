import ChainKit
import Foundation
import GuardianTestSupport
import Testing

@testable import Guardian

/// One valid code, many concurrent requests: exactly one signature.
@Suite struct ConcurrencyTests {
    static func race(_ harness: GuardianHarness, _ wallet: EnrolledWallet, count: Int) async throws -> [Result<
        CosignResult, GuardianError
    >] {
        let tx = try TransactionFactory.standard(for: wallet)
        let code = try harness.nextCode(wallet)
        let service = harness.service
        return await withTaskGroup(of: Result<CosignResult, GuardianError>.self) { group in
            for _ in 0..<count {
                group.addTask {
                    do throws(GuardianError) {
                        return .success(
                            try await service.cosign(
                                session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: code))
                    } catch { return .failure(error) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test func hundredConcurrentCosignsWithOneCodeGiveOneSignature() async throws {
        let harness = try await GuardianHarness.make { $0.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1) }
        let wallet = try await harness.enroll()
        let results = try await Self.race(harness, wallet, count: 100)
        let successes = results.compactMap { try? $0.get() }
        #expect(successes.count == 1)
        #expect(
            results.filter { result in
                if case .failure(let error) = result { return error.code == .codeAlreadyUsed }
                return false
            }.count == 99)
        // replays are not wrong codes
        #expect(try await harness.store.wallet(wallet.owner.publicKey)?.lockout == .clear)
    }

    @Test func withDefaultLimitsTheRestAreRateLimitedOrRefused() async throws {
        let harness = try await GuardianHarness.make()
        let wallet = try await harness.enroll()
        let results = try await Self.race(harness, wallet, count: 100)
        let codes: [GuardianError.Code?] = results.map { result in
            if case .failure(let error) = result { return error.code }
            return nil
        }
        #expect(codes.filter { $0 == nil }.count == 1)
        // 10 tokens: the confirmation took one, the 30 s to the next code refilled one (300 s / 10).
        #expect(codes.filter { $0 == .rateLimited }.count == 90)
        #expect(codes.filter { $0 == .codeAlreadyUsed }.count == 9)
    }

    @Test func manyWalletsInParallelAllSucceed() async throws {
        let harness = try await GuardianHarness.make()
        var wallets: [EnrolledWallet] = []
        for _ in 0..<20 { wallets.append(try await harness.enroll()) }
        harness.clock.advance(by: 30)
        let now = harness.clock.unixSeconds()
        let service = harness.service
        let results = await withTaskGroup(of: Bool.self) { group in
            for wallet in wallets {
                let tx = try! TransactionFactory.standard(for: wallet)
                let code = try! wallet.totp.code(at: now)
                group.addTask {
                    (try? await service.cosign(
                        session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: code)) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 } && results.count == 20)
    }

    @Test func keyedLockSerialisesPerKeyInArrivalOrderAndCleansUp() async throws {
        let lock = KeyedAsyncLock<Int>()
        let log = Log()
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<200 {
                group.addTask {
                    await lock.withLock(task % 4) {
                        log.enter(task % 4)
                        await Task.yield()
                        log.leave(task % 4)
                    }
                }
            }
        }
        #expect(log.maximumInside == 1)
        #expect(log.entries == 200)
        #expect(lock.activeKeyCount == 0)
    }

    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var inside: [Int: Int] = [:]
        private(set) var maximumInside = 0
        private(set) var entries = 0
        func enter(_ key: Int) {
            lock.withLock {
                inside[key, default: 0] += 1
                maximumInside = max(maximumInside, inside[key]!)
                entries += 1
            }
        }
        func leave(_ key: Int) { lock.withLock { inside[key, default: 0] -= 1 } }
    }
}
