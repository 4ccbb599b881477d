import ChainKit
import Crypto
import Foundation
import Guardian
import GuardianAPI
import GuardianServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OTP
import Testing

// MARK: - SQLite: restarts and data at rest

@Suite struct PersistenceTests {
    static func open(_ directory: TemporaryDirectory, clock: ManualClock) async throws -> ServerHarness {
        let configuration = ServerHarness.configuration { $0.dataDirectory = data(directory) }
        let dependencies = try await GuardianServerDependencies.open(configuration: configuration, clock: clock)
        return ServerHarness(clock: clock, configuration: configuration, dependencies: dependencies)
    }

    /// A data directory the server creates itself (so its mode is the server's doing).
    static func data(_ directory: TemporaryDirectory) -> URL { directory.url.appendingPathComponent("data") }

    struct FirstRun: Sendable {
        let burned: ActiveWallet
        let burnedCode: String
        let locked: ActiveWallet
        let guardians: [String: String]
    }

    @Test func burnsLockoutsKeysAndSessionsSurviveARestart() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock(unixSeconds: ServerHarness.startTime)
        let first = try await Self.open(directory, clock: clock)
        let state = try await first.run { client -> FirstRun in
            let burned = try await client.activeWallet(clock: clock)
            let locked = try await client.activeWallet(clock: clock)
            clock.advance(by: 30)
            let code = try burned.code(clock)
            try await client.cosign(burned, transaction: TransactionFactory.base64(burned.transaction()), code: code)
                .expect(.ok)
            for _ in 0..<3 {
                try await client.cosign(
                    locked, transaction: TransactionFactory.base64(locked.transaction()),
                    code: EnrollmentRouteTests.wrongCode(locked.totp, at: clock.now())
                ).expect(.unauthorized)
            }
            return FirstRun(
                burned: burned, burnedCode: code, locked: locked,
                guardians: [burned.address: burned.guardian.base58, locked.address: locked.guardian.base58])
        }
        await first.dependencies.close()

        // The data directory as the server left it.
        let mode = { (path: String) in
            try FileManager.default.attributesOfItem(atPath: Self.data(directory).appendingPathComponent(path).path)[
                .posixPermissions] as? Int
        }
        #expect(try mode("master.key") == 0o600)
        #expect(try mode("guardian.sqlite") == 0o600)
        #expect(try mode("") == 0o700)

        clock.advance(by: 10)
        let second = try await Self.open(directory, clock: clock)
        try await second.run { client in
            // The step stays burned: the same code, still inside its window, is refused.
            try await client.cosign(
                state.burned, transaction: TransactionFactory.base64(state.burned.transaction()), code: state.burnedCode
            )
            .expectError(.conflict, "code_already_used")
            // The lock holds.
            try await client.cosign(
                state.locked, transaction: TransactionFactory.base64(state.locked.transaction()),
                code: state.locked.code(clock)
            )
            .expectError(.locked, "wallet_locked")
            // Guardian keys are the same, and still sign: the next step works for the burned wallet.
            for (wallet, guardian) in state.guardians {
                let status = try await client.send(.get, "/v1/wallets/\(wallet)/guardian").decoded(
                    GuardianAPI.GuardianStatusResponse.self, expecting: .ok)
                #expect(status.guardianPublicKey == guardian && status.status == "active")
            }
            clock.advance(by: 30)
            let result = try await client.cosign(
                state.burned, transaction: TransactionFactory.base64(state.burned.transaction()),
                code: state.burned.code(clock)
            )
            .decoded(GuardianAPI.CosignResponse.self, expecting: .ok)
            #expect(result.guardianPublicKey == state.guardians[state.burned.address])
        }
        await second.dependencies.close()
    }

    @Test func theDataDirectoryHasOneOwnerAndItsOwnKey() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock(unixSeconds: ServerHarness.startTime)
        let first = try await Self.open(directory, clock: clock)
        // A second server (or `keys rotate`) on the same directory is refused while the first runs.
        await #expect(throws: DataDirectoryLockError.self) { _ = try await Self.open(directory, clock: clock) }
        await first.dependencies.close()

        // Another master key does not open the database.
        let keyPath = Self.data(directory).appendingPathComponent("master.key").path
        let original = try Data(contentsOf: URL(fileURLWithPath: keyPath))
        try FileManager.default.removeItem(atPath: keyPath)
        #expect(
            FileManager.default.createFile(
                atPath: keyPath, contents: Data((MasterKey.generate().exportBase64() + "\n").utf8),
                attributes: [.posixPermissions: 0o600]))
        do {
            _ = try await Self.open(directory, clock: clock)
            Issue.record("a foreign master key opened the database")
        } catch let error as GuardianError {
            #expect(error.code == .masterKeyMismatch)
        }
        // A key file readable by others is refused.
        try FileManager.default.removeItem(atPath: keyPath)
        #expect(
            FileManager.default.createFile(atPath: keyPath, contents: original, attributes: [.posixPermissions: 0o644]))
        do {
            _ = try await Self.open(directory, clock: clock)
            Issue.record("a world-readable key file was accepted")
        } catch let error as GuardianError {
            #expect(error.code == .keyProviderFailed)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyPath)
        let reopened = try await Self.open(directory, clock: clock)
        await reopened.dependencies.close()
    }

    /// Every byte of the database, its WAL and shared memory is scanned for each secret the server has handled: the
    /// TOTP secret (raw, Base32, the URI), the guardian's Ed25519 seed, the wallet's data key, the master key, the
    /// session token. The seed and data key are recovered through the envelope to prove the scan looks for the real ones.
    @Test func theDatabaseHoldsNoPlaintextSecret() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock(unixSeconds: ServerHarness.startTime)
        let harness = try await Self.open(directory, clock: clock)
        let master = try MasterKey(
            text: String(contentsOf: Self.data(directory).appendingPathComponent("master.key"), encoding: .utf8))
        let masterBytes = try #require(Data(base64Encoded: master.exportBase64()))
        let secrets = try await harness.run { client -> [Secret] in
            var wallets: [ActiveWallet] = []
            for _ in 0..<3 { wallets.append(try await client.activeWallet(clock: clock)) }
            clock.advance(by: 30)
            for wallet in wallets {
                try await client.cosign(
                    wallet, transaction: TransactionFactory.base64(wallet.transaction()), code: wallet.code(clock)
                ).expect(.ok)
            }
            var secrets = [
                Secret(name: "master key", bytes: [UInt8](masterBytes)),
                Secret(name: "master key text", bytes: Array(master.exportBase64().utf8)),
            ]
            for wallet in wallets {
                let uri = try OTPAuthURI(parsing: wallet.otpauthURI)
                secrets.append(Secret(name: "TOTP secret", bytes: uri.secret.bytes))
                secrets.append(Secret(name: "TOTP secret Base32", bytes: Array(uri.secret.base32.utf8)))
                secrets.append(Secret(name: "otpauth URI", bytes: Array(wallet.otpauthURI.utf8)))
                secrets.append(Secret(name: "session token", bytes: Array(wallet.token.utf8)))
                secrets.append(
                    Secret(name: "session token bytes", bytes: try #require(Self.base64URLDecode(wallet.token))))
                let record = try #require(try await harness.dependencies.store.wallet(wallet.keypair.publicKey))
                let dataKey = try KeyEnvelope.unwrapDataKey(
                    record.keys.wrappedDataKey, wallet: record.wallet, master: master)
                let seed = try KeyEnvelope.openSecret(
                    record.keys.sealedGuardianSeed, purpose: .guardianSeed, wallet: record.wallet, dataKey: dataKey)
                #expect(
                    try SolanaKeypair(seed: seed).publicKey == wallet.guardian,
                    "the recovered seed must be the guardian's")
                secrets.append(Secret(name: "guardian seed", bytes: seed))
                secrets.append(Secret(name: "wallet data key", bytes: dataKey.withUnsafeBytes { [UInt8]($0) }))
            }
            try Self.scan(Self.data(directory), for: secrets, moment: "while running")
            return secrets
        }
        // The router test run shuts the services down, which closes the database (and checkpoints the WAL).
        await harness.dependencies.close()
        try Self.scan(Self.data(directory), for: secrets, moment: "after shutdown")
    }

    struct Secret: Sendable {
        let name: String
        let bytes: [UInt8]
    }

    static func scan(_ directory: URL, for secrets: [Secret], moment: String) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasPrefix("guardian.sqlite")
        }
        #expect(files.contains("guardian.sqlite"))
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(file)))
            for secret in secrets {
                #expect(!Self.contains(bytes, secret.bytes), "\(secret.name) found in \(file) (\(moment))")
            }
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        while let found = haystack[index...].firstIndex(of: first), found + needle.count <= haystack.count {
            if haystack[found..<(found + needle.count)].elementsEqual(needle) { return true }
            index = found + 1
        }
        return false
    }

    static func base64URLDecode(_ text: String) -> [UInt8]? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map { [UInt8]($0) }
    }
}
