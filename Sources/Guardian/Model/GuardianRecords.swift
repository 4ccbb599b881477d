import ChainKit
import Foundation
import OTP

// MARK: - Wallet record

/// Where a wallet's enrollment stands.
public enum EnrollmentState: String, Sendable, Hashable, Codable {
    /// Secret and guardian key issued, not yet confirmed with a code.
    case pending
    /// Confirmed: the guardian co-signs after a valid code.
    case active
}

/// The TOTP parameters a wallet was enrolled with (RFC 6238 §4: hash, digits, period X).
public struct TOTPParameters: Sendable, Hashable, Codable {
    /// The HMAC hash.
    public var algorithm: OTPAlgorithm
    /// Code length.
    public var digits: Int
    /// Time step X in seconds.
    public var period: Int

    /// 6 digits, 30 s, SHA-1: what every authenticator app supports (RFC 6238 §5.2, Google Authenticator).
    public static let standard = TOTPParameters(algorithm: .sha1, digits: 6, period: 30)

    /// Parameters as given (validated when a `TOTP` is built from them).
    public init(algorithm: OTPAlgorithm, digits: Int, period: Int) {
        self.algorithm = algorithm
        self.digits = digits
        self.period = period
    }
}

/// A wallet's secrets as stored: only ciphertexts (see ``KeyEnvelope``).
public struct SealedWalletKeys: Sendable, Hashable {
    /// Id of the master key that wraps ``wrappedDataKey``.
    public var masterKeyID: String
    /// The wallet's AES-256 data key, wrapped by the master key.
    public var wrappedDataKey: [UInt8]
    /// The TOTP secret, encrypted under the data key.
    public var sealedTOTPSecret: [UInt8]
    /// The guardian's 32-byte Ed25519 seed (RFC 8032 §5.1.5), encrypted under the data key.
    public var sealedGuardianSeed: [UInt8]

    /// The four stored values.
    public init(masterKeyID: String, wrappedDataKey: [UInt8], sealedTOTPSecret: [UInt8], sealedGuardianSeed: [UInt8]) {
        self.masterKeyID = masterKeyID
        self.wrappedDataKey = wrappedDataKey
        self.sealedTOTPSecret = sealedTOTPSecret
        self.sealedGuardianSeed = sealedGuardianSeed
    }
}

/// Consecutive wrong codes and the lock they caused.
public struct LockoutState: Sendable, Hashable {
    /// Wrong codes since the last accepted one.
    public var consecutiveFailures: Int
    /// Until when codes are refused (nil: not locked).
    public var lockedUntil: Date?

    /// A lockout state; the default is no failures and no lock.
    public init(consecutiveFailures: Int = 0, lockedUntil: Date? = nil) {
        self.consecutiveFailures = consecutiveFailures
        self.lockedUntil = lockedUntil
    }

    /// No failures, no lock.
    public static let clear = LockoutState()
}

/// Everything the guardian keeps about one wallet.
public struct WalletRecord: Sendable, Hashable {
    /// The owner's wallet address.
    public var wallet: SolanaPublicKey
    /// Pending or active.
    public var state: EnrollmentState
    /// The guardian's public key (the seed is in ``keys``, encrypted).
    public var guardianPublicKey: SolanaPublicKey
    /// The encrypted secrets.
    public var keys: SealedWalletKeys
    /// The TOTP parameters enrolled with.
    public var totp: TOTPParameters
    /// The greatest TOTP step ever accepted (RFC 6238 §5.2 one-time use): only a greater step is accepted next.
    public var lastAcceptedStep: UInt64?
    /// Wrong codes and lock.
    public var lockout: LockoutState
    /// When the (current) enrollment started.
    public var createdAt: Date
    /// When it was confirmed.
    public var activatedAt: Date?

    /// A record with every field given.
    public init(
        wallet: SolanaPublicKey, state: EnrollmentState, guardianPublicKey: SolanaPublicKey, keys: SealedWalletKeys,
        totp: TOTPParameters, lastAcceptedStep: UInt64?, lockout: LockoutState, createdAt: Date, activatedAt: Date?
    ) {
        self.wallet = wallet
        self.state = state
        self.guardianPublicKey = guardianPublicKey
        self.keys = keys
        self.totp = totp
        self.lastAcceptedStep = lastAcceptedStep
        self.lockout = lockout
        self.createdAt = createdAt
        self.activatedAt = activatedAt
    }
}

// MARK: - Login records

/// A sign-in challenge as stored.
public struct StoredChallenge: Sendable, Hashable {
    /// Random 128-bit id, hex.
    public var id: String
    /// The wallet that must sign.
    public var wallet: SolanaPublicKey
    /// The exact SIWS text the wallet must sign.
    public var message: String
    /// The single-use nonce in the message.
    public var nonce: String
    /// The message's `Issued At`.
    public var issuedAt: Date
    /// The message's `Expiration Time`.
    public var expiresAt: Date
    /// When it was used; a used challenge is never accepted again.
    public var consumedAt: Date?
    /// What signing it authorises: `login` for a sign-in, `governance:<action>` for a governance challenge — so a
    /// signature collected for one can never be replayed as the other.
    public var purpose: String

    /// The purpose of sign-in challenges.
    public static let loginPurpose = "login"

    /// A challenge with every field given.
    public init(
        id: String, wallet: SolanaPublicKey, message: String, nonce: String, issuedAt: Date, expiresAt: Date,
        consumedAt: Date? = nil, purpose: String = StoredChallenge.loginPurpose
    ) {
        self.purpose = purpose
        self.id = id
        self.wallet = wallet
        self.message = message
        self.nonce = nonce
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.consumedAt = consumedAt
    }
}

/// A session as stored: only the SHA-256 of its token.
public struct StoredSession: Sendable, Hashable {
    /// SHA-256 of the bearer token.
    public var tokenHash: [UInt8]
    /// The wallet the session is bound to.
    public var wallet: SolanaPublicKey
    /// Sign-in time.
    public var createdAt: Date
    /// End of the session.
    public var expiresAt: Date

    /// A session with every field given.
    public init(tokenHash: [UInt8], wallet: SolanaPublicKey, createdAt: Date, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.wallet = wallet
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

// MARK: - Cosign records

/// The durable trace of one completed capsule.
public struct CosignRecord: Sendable, Hashable {
    /// The capsule's operation id (time-ordered).
    public var operationID: String
    /// The wallet whose transaction was co-signed.
    public var wallet: SolanaPublicKey
    /// The guardian key that signed.
    public var guardianPublicKey: SolanaPublicKey
    /// The TOTP step the capsule burned.
    public var step: UInt64
    /// SHA-256 of the signed message bytes (the full message is the client's; its hash identifies it).
    public var messageHash: [UInt8]
    /// The transaction's recent blockhash (or durable nonce).
    public var recentBlockhash: SolanaBlockhash
    /// The guardian's signature.
    public var signature: SolanaSignature
    /// When the capsule burned the step.
    public var createdAt: Date
    /// The capsule's state timeline, encoded by ``CapsuleTimeline/encoded``.
    public var timeline: String

    /// A record with every field given.
    public init(
        operationID: String, wallet: SolanaPublicKey, guardianPublicKey: SolanaPublicKey, step: UInt64,
        messageHash: [UInt8], recentBlockhash: SolanaBlockhash, signature: SolanaSignature, createdAt: Date,
        timeline: String
    ) {
        self.operationID = operationID
        self.wallet = wallet
        self.guardianPublicKey = guardianPublicKey
        self.step = step
        self.messageHash = messageHash
        self.recentBlockhash = recentBlockhash
        self.signature = signature
        self.createdAt = createdAt
        self.timeline = timeline
    }
}

// MARK: - Keyring record

/// The database's key metadata: which master key wraps its keys, and the wrapped audit key (whose successful
/// unwrapping is also the check that the right master key was supplied).
public struct StoredKeyring: Sendable, Hashable {
    /// Id of the master key wrapping every data key.
    public var masterKeyID: String
    /// The audit MAC key, wrapped by that master key.
    public var wrappedAuditKey: [UInt8]

    /// A keyring with both values.
    public init(masterKeyID: String, wrappedAuditKey: [UInt8]) {
        self.masterKeyID = masterKeyID
        self.wrappedAuditKey = wrappedAuditKey
    }
}
