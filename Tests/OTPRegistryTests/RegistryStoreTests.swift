import Crypto
import Foundation
import OTPRegistry
import Testing

/// The store's compare-and-set updates, durability across a reopen, and the audit chain's tamper evidence.
@Suite("OTP registry store (SQLite)")
struct RegistryStoreTests {
    static func temporaryPath() -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("registry-store-\(UUID())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("registry.sqlite3").path
    }

    @Test("a nonce is consumed once, also after reopening; wrong address, text or an expired nonce never")
    func nonceCompareAndSet() async throws {
        let path = Self.temporaryPath()
        let key = SymmetricKey(size: .bits256)
        do {
            let store = try RegistryStore(path: path, auditKey: key)
            try await store.insertNonce("abcdefgh12345678", address: "0xaa", message: "m", expiresAt: 1000)
            try await store.insertNonce("expired000000000", address: "0xaa", message: "m", expiresAt: 10)
            #expect(try await !store.consumeNonce("abcdefgh12345678", address: "0xbb", message: "m", now: 5))
            #expect(try await !store.consumeNonce("abcdefgh12345678", address: "0xaa", message: "m2", now: 5))
            #expect(try await !store.consumeNonce("expired000000000", address: "0xaa", message: "m", now: 10))
            // Many concurrent consumers: exactly one wins.
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        try await store.consumeNonce("abcdefgh12345678", address: "0xaa", message: "m", now: 5)
                    }
                }
                var count = 0
                for try await won in group where won { count += 1 }
                return count
            }
            #expect(wins == 1)
        }
        let reopened = try RegistryStore(path: path, auditKey: key)
        #expect(try await !reopened.consumeNonce("abcdefgh12345678", address: "0xaa", message: "m", now: 6))
    }

    @Test("token bucket: 3 at once, the 4th waits 100 s, one token back after 100 s")
    func tokenBucket() async throws {
        let store = try RegistryStore(path: ":memory:", auditKey: SymmetricKey(size: .bits256))
        let t0: Int64 = 1_000_000
        for _ in 0..<3 {
            #expect(try await store.takeToken(address: "u", nowMs: t0, intervalMs: 100_000, capacity: 3) == nil)
        }
        #expect(try await store.takeToken(address: "u", nowMs: t0, intervalMs: 100_000, capacity: 3) == 100_000)
        #expect(try await store.takeToken(address: "u", nowMs: t0 + 40_000, intervalMs: 100_000, capacity: 3) == 60_000)
        #expect(try await store.takeToken(address: "other", nowMs: t0, intervalMs: 100_000, capacity: 3) == nil)
        #expect(try await store.takeToken(address: "u", nowMs: t0 + 100_000, intervalMs: 100_000, capacity: 3) == nil)
        #expect(try await store.takeToken(address: "u", nowMs: t0 + 100_000, intervalMs: 100_000, capacity: 3) != nil)
    }

    @Test("salt attempts: at most 3 reservations even when concurrent; a release happens once")
    func saltAttempts() async throws {
        let store = try RegistryStore(path: ":memory:", auditKey: SymmetricKey(size: .bits256))
        let id = [UInt8](repeating: 9, count: 32)
        try await store.insertRequest(
            requestID: id, address: "0xaa", scope: "s", step: 1, sealedSalt: [1], commitment: [2], expiry: 100, now: 1)
        #expect(try await !store.reserveSaltAttempt(id, maxAttempts: 3))  // not on chain yet
        try await store.finishRequest(requestID: id, onChain: true, txHash: [3], now: 2)
        let reserved = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<10 { group.addTask { try await store.reserveSaltAttempt(id, maxAttempts: 3) } }
            var count = 0
            for try await won in group where won { count += 1 }
            return count
        }
        #expect(reserved == 3)
        #expect(try await store.releaseSalt(id, address: "0xaa", now: 3))
        #expect(try await !store.releaseSalt(id, address: "0xaa", now: 4))
        // A duplicate request id is refused by the store.
        await #expect(throws: RegistryError.self) {
            try await store.insertRequest(
                requestID: id, address: "0xaa", scope: "s", step: 1, sealedSalt: [1], commitment: [2], expiry: 100,
                now: 5)
        }
    }

    @Test("the audit chain verifies, and a modified entry breaks it")
    func auditChain() async throws {
        let path = Self.temporaryPath()
        let key = SymmetricKey(size: .bits256)
        do {
            let store = try RegistryStore(path: path, auditKey: key)
            _ = try await store.beginEnrollment(address: "0xaa", now: 1)
            _ = try await store.confirmEnrollment(address: "0xaa", step: 7, now: 2)
            #expect(try await !store.confirmEnrollment(address: "0xaa", step: 8, now: 3))  // CAS: once
            #expect(try await store.auditLog().map(\.event) == ["enrollment_started", "enrollment_confirmed"])
        }
        let tamper = Process()
        tamper.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tamper.arguments = [
            "python3", "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE audit SET detail='step 9' WHERE seq=2\"); c.commit()",
            path,
        ]
        try tamper.run()
        tamper.waitUntilExit()
        #expect(tamper.terminationStatus == 0)
        let reopened = try RegistryStore(path: path, auditKey: key)
        await #expect(throws: RegistryError.self) { try await reopened.auditLog() }
    }
}
