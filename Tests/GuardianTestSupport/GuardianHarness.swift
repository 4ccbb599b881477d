import ChainKit
import Foundation
import Guardian
import OTP

// MARK: - Harness

/// Shared by GuardianTests, GuardianSQLiteTests and the server's tests.
/// A service on a manual clock, with helpers that play the wallet owner's side (sign-in, enrollment, codes).
public struct GuardianHarness {
    public let clock: ManualClock
    public let store: any GuardianStore
    public let service: GuardianService
    /// What must live as long as the harness (a SQLite store's temporary directory, removed when released).
    var retained: AnyObject? = nil

    /// 2030-03-17T17:46:45Z: mid-step (step 63,333,333 runs from …990 to …020), far from 2^31.
    public static let startTime: Int64 = 1_900_000_005

    public static let signIn = GuardianConfiguration.SignIn(
        domain: "guardian.chronoguard.test", uri: "https://guardian.chronoguard.test/login", chainID: .devnet)

    /// scrypt N = 2^8 for recovery codes in tests (the default is 2^15).
    public static let testScrypt = ScryptParameters(logN: 8, r: 8, p: 1)

    public static func configuration(_ adjust: (inout GuardianConfiguration) -> Void = { _ in })
        -> GuardianConfiguration
    {
        var configuration = GuardianConfiguration(signIn: signIn)
        // Cheap recovery-code hashing keeps the many confirmations in tests fast; RecoveryCodeTests cover the real cost.
        configuration.governance.recoveryCodeScrypt = testScrypt
        adjust(&configuration)
        return configuration
    }

    public static func make(
        store: any GuardianStore = InMemoryGuardianStore(),
        keyProvider: any MasterKeyProvider = StaticMasterKeyProvider([.generate()]),
        clock: ManualClock = ManualClock(unixSeconds: startTime),
        metrics: any GuardianMetrics = NoGuardianMetrics(),
        qrRenderer: (any QRRenderer)? = nil,
        configure: (inout GuardianConfiguration) -> Void = { _ in }
    ) async throws -> GuardianHarness {
        let service = try await GuardianService.start(
            store: store, keyProvider: keyProvider, configuration: configuration(configure), clock: clock,
            metrics: metrics, qrRenderer: qrRenderer)
        return GuardianHarness(clock: clock, store: store, service: service)
    }

    // MARK: Owner side

    /// Signs in with the owner's key (signing in Swift; the interop tests sign with libsodium instead).
    public func login(_ owner: SolanaKeypair) async throws -> Session {
        let challenge = try await service.challenge(wallet: owner.publicKey.base58)
        let grant = try await service.verifyChallenge(
            id: challenge.id, signature: owner.sign(Array(challenge.message.utf8)))
        return try await service.authenticate(token: grant.token)
    }

    /// Signs in and returns the bearer token itself (as an HTTP client holds it).
    public func loginToken(_ owner: SolanaKeypair) async throws -> String {
        let challenge = try await service.challenge(wallet: owner.publicKey.base58)
        return try await service.verifyChallenge(id: challenge.id, signature: owner.sign(Array(challenge.message.utf8)))
            .token
    }

    /// Signs in, enrolls and confirms; the returned wallet's current step is burned by the confirmation.
    public func enroll(_ owner: SolanaKeypair = SolanaKeypair()) async throws -> EnrolledWallet {
        let session = try await login(owner)
        let start = try await service.beginEnrollment(session: session, wallet: owner.publicKey.base58)
        let totp = try OTPAuthURI(parsing: start.otpauthURI).totp()!
        let confirmation = try await service.confirmEnrollment(
            session: session, wallet: owner.publicKey.base58, code: totp.code(at: clock.unixSeconds()))
        return EnrolledWallet(
            owner: owner, session: session, guardian: start.guardianPublicKey, totp: totp,
            recoveryCodes: confirmation.recoveryCodes)
    }

    /// Moves to the next TOTP step and returns its code (what a user does after a code was used).
    public func nextCode(_ wallet: EnrolledWallet) throws -> String {
        clock.advance(by: TimeInterval(wallet.totp.period))
        return try wallet.totp.code(at: clock.unixSeconds())
    }

    /// The code for the current step.
    public func currentCode(_ wallet: EnrolledWallet) throws -> String { try wallet.totp.code(at: clock.unixSeconds()) }

    /// A code that is wrong now (and in the ±1 window).
    public func wrongCode(_ wallet: EnrolledWallet) throws -> String {
        let now = clock.unixSeconds()
        let window = try Set((-1...1).map { try wallet.totp.code(at: now + Int64($0 * wallet.totp.period)) })
        var candidate = 0
        while window.contains(OTPCode.format(UInt32(candidate), digits: 6)) { candidate += 1 }
        return OTPCode.format(UInt32(candidate), digits: 6)
    }
}

public struct EnrolledWallet: @unchecked Sendable {
    public init(
        owner: SolanaKeypair, session: Session, guardian: SolanaPublicKey, totp: TOTP, recoveryCodes: [String] = []
    ) {
        (self.owner, self.session, self.guardian, self.totp, self.recoveryCodes) = (
            owner, session, guardian, totp, recoveryCodes
        )
    }

    public let owner: SolanaKeypair
    public let session: Session
    public let guardian: SolanaPublicKey
    public let totp: TOTP
    /// The recovery codes the confirmation showed.
    public let recoveryCodes: [String]
    public var address: String { owner.publicKey.base58 }
}

// MARK: - Governance

/// A recovery-code authorisation for `action`: a governance challenge signed by the owner, plus the code.
public func recoveryAuthorization(
    _ harness: GuardianHarness, _ wallet: EnrolledWallet, _ action: GovernanceAction, code: String? = nil,
    index: Int = 0
) async throws -> GovernanceAuthorization {
    let challenge = try await harness.service.governanceChallenge(
        session: wallet.session, wallet: wallet.address, action: action)
    return .recoveryCode(
        code ?? wallet.recoveryCodes[index], challengeID: challenge.id,
        signature: try wallet.owner.sign(Array(challenge.message.utf8)))
}

/// Enrolls a wallet and migrates it to v2 (sequence 1).
public func migratedWallet(_ harness: GuardianHarness) async throws -> EnrolledWallet {
    let wallet = try await harness.enroll()
    _ = try await harness.service.migrateGovernance(
        session: wallet.session, wallet: wallet.address, sequence: 1, code: harness.nextCode(wallet))
    return wallet
}

// MARK: - Transactions

/// Builds Solana transactions in Swift (the bulk interop tests build them with solders instead).
public enum TransactionFactory {
    /// A message whose first `signers.count` keys must sign, one program instruction over all of them.
    public static func transaction(
        signers: [SolanaPublicKey], version: SolanaMessage.Version = .legacy, blockhash: SolanaBlockhash? = nil,
        presign: [SolanaKeypair] = []
    ) throws -> SolanaTransaction {
        let program = try SolanaPublicKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })
        let hash = try blockhash ?? SolanaBlockhash(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })
        let message = try SolanaMessage(
            version: version,
            header: .init(
                numRequiredSignatures: UInt8(signers.count), numReadonlySignedAccounts: 0,
                numReadonlyUnsignedAccounts: 1),
            staticAccountKeys: signers + [program],
            recentBlockhash: hash,
            instructions: [
                .init(
                    programIDIndex: UInt8(signers.count), accountIndexes: Array(0..<UInt8(signers.count)),
                    data: [1, 2, 3])
            ])
        var transaction = try SolanaTransaction(message: message)
        for keypair in presign { transaction = try transaction.signing(with: keypair) }
        return transaction
    }

    public static func base64(_ transaction: SolanaTransaction) -> String {
        Data(transaction.serialized()).base64EncodedString()
    }

    /// The usual case: owner pays and signs later, guardian co-signs.
    public static func standard(for wallet: EnrolledWallet, version: SolanaMessage.Version = .legacy) throws -> String {
        try base64(transaction(signers: [wallet.owner.publicKey, wallet.guardian], version: version))
    }
}

// MARK: - Expectations

/// The error code a throwing call produced, nil when it succeeded.
public func errorCode<T>(_ body: () async throws -> T) async -> GuardianError.Code? {
    do {
        _ = try await body()
        return nil
    } catch let error as GuardianError {
        return error.code
    } catch {
        return .internalError
    }
}

/// The error a throwing call produced.
public func guardianError<T>(_ body: () async throws -> T) async -> GuardianError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? GuardianError
    }
}

/// The store error a throwing call produced, nil when it succeeded.
public func storeError<T>(_ body: () async throws -> T) async -> GuardianStoreError? {
    do {
        _ = try await body()
        return nil
    } catch let error as GuardianStoreError {
        return error
    } catch {
        return GuardianStoreError(.io, "not a store error: \(error)")
    }
}

// MARK: - Cosign authorization

/// A scenario step that did not hold (the shared scenarios below run under both stores' test suites).
public struct ScenarioCheckFailed: Error, CustomStringConvertible {
    public let description: String
}

func check(_ condition: Bool, _ what: String) throws {
    guard condition else {
        throw ScenarioCheckFailed(description: "scenario check failed at GuardianHarness.swift \(what)")
    }
}
