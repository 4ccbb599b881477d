import ArgumentParser
import ChainKit
import Foundation
import Guardian
import GuardianSQLite
import GuardianServer
import OTP

// MARK: - guardian-load seed

/// Enrolls wallets directly through the domain on the server's data directory (the server must not be running):
/// sign-in, enrollment and confirmation exactly as over HTTP, minus the HTTP. Confirmation uses the previous step's
/// code, so the current step stays free for the benchmark's cosign.
struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Enroll wallets into a data directory and write them to a JSON file.")

    @Option(name: .customLong("data-dir")) var dataDir: String
    @Option var wallets: Int = 10_000
    @Option var out: String
    @Option(help: "Concurrent enrollments.") var concurrency: Int = 64

    func run() async throws {
        let directory = URL(fileURLWithPath: dataDir)
        let lock = try DataDirectoryLock(directory: directory)
        defer { lock.release() }
        let store = try await SQLiteGuardianStore.open(directory: directory)
        defer { store.close() }
        var configuration = GuardianServerConfiguration()
        configuration.dataDirectory = directory
        // Each confirmation issues 10 recovery codes; at the production scrypt cost seeding 70,000 wallets would take
        // hours. The cosign path never touches them.
        configuration.guardian.governance.recoveryCodeScrypt = ScryptParameters(logN: 4, r: 8, p: 1)
        // Seeding calls the domain directly (no per-IP bucket); the per-wallet bucket, which the service takes from the
        // store, is opened wide so that the confirmations retried after `serviceBusy` are not limited.
        configuration.guardian.walletRateLimit = TokenBucketPolicy(capacity: 1_000_000, per: 1)
        let service = try await GuardianService.start(
            store: store, keyProvider: GuardianServerDependencies.keyProvider(.automatic, directory: directory),
            configuration: configuration.resolvedGuardianConfiguration)
        let start = ContinuousClock.now
        let seeded = try await withThrowingTaskGroup(of: [SeededWallet].self) { group in
            let perTask = (wallets + concurrency - 1) / concurrency
            for worker in 0..<concurrency {
                let count = max(0, min(perTask, wallets - worker * perTask))
                group.addTask {
                    var out: [SeededWallet] = []
                    for _ in 0..<count { out.append(try await Self.enroll(service)) }
                    return out
                }
            }
            return try await group.reduce(into: [SeededWallet]()) { $0 += $1 }
        }
        let elapsed = ContinuousClock.now - start
        try JSONEncoder().encode(seeded).write(to: URL(fileURLWithPath: out))
        print("seeded \(seeded.count) wallets in \(elapsed) into \(dataDir); wrote \(out)")
    }

    static func enroll(_ service: GuardianService) async throws -> SeededWallet {
        let keypair = SolanaKeypair()
        let challenge = try await service.challenge(wallet: keypair.publicKey.base58)
        let grant = try await service.verifyChallenge(id: challenge.id, signature: keypair.sign(Array(challenge.message.utf8)))
        let session = try await service.authenticate(token: grant.token)
        let enrollment = try await service.beginEnrollment(session: session, wallet: keypair.publicKey.base58)
        let uri = try OTPAuthURI(parsing: enrollment.otpauthURI)
        guard let totp = try uri.totp() else { throw ValidationError("not a TOTP URI") }
        // The previous step's code keeps the current step free for a cosign; if a step boundary passes between computing
        // and verifying it, it falls out of the ±1 window, so compute it again once.
        // The service admits a bounded number of recovery-code jobs at once (FairWorkScheduler) and answers the others
        // `serviceBusy` without changing anything: wait a moment and confirm again.
        var stepRetried = false
        while true {
            do {
                _ = try await service.confirmEnrollment(session: session, wallet: keypair.publicKey.base58, code: totp.code(at: Date().addingTimeInterval(-30)))
                break
            } catch let error as GuardianError where error.code == .serviceBusy {
                try await Task.sleep(for: .milliseconds(Int.random(in: 2...20)))
            } catch let error as GuardianError where error.code == .invalidCode && !stepRetried {
                stepRetried = true
            }
        }
        let message = try SolanaMessage(
            version: .legacy, header: .init(numRequiredSignatures: 2, numReadonlySignedAccounts: 1, numReadonlyUnsignedAccounts: 1),
            staticAccountKeys: [keypair.publicKey, enrollment.guardianPublicKey, SolanaKeypair().publicKey, .zero],
            recentBlockhash: try SolanaBlockhash(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) }),
            // System Program Transfer of 1,000,000 lamports: u32 LE 2, u64 LE amount.
            instructions: [.init(programIDIndex: 3, accountIndexes: [0, 2], data: [2, 0, 0, 0, 0x40, 0x42, 0x0f, 0, 0, 0, 0, 0])])
        let transaction = try SolanaTransaction(message: message).signing(with: keypair)
        return SeededWallet(wallet: keypair.publicKey.base58, token: grant.token, secret: uri.secret.base32, transaction: Data(transaction.serialized()).base64EncodedString())
    }
}
