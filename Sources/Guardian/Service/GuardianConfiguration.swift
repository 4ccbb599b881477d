import ChainKit
import Crypto
import Foundation

// MARK: - Configuration

/// The guardian's settings. Defaults follow the issue and the seeds; every number says where it comes from.
public struct GuardianConfiguration: Sendable {
    /// What the sign-in message says (Sign In With Solana, EIP-4361-style fields).
    public struct SignIn: Sendable, Hashable {
        /// The RFC 3986 authority the wallet signs in to (e.g. `guardian.example.com`); wallets show and check it.
        public var domain: String
        /// The RFC 3986 URI of the service.
        public var uri: String
        /// One line shown to the user.
        public var statement: String?
        /// The Solana cluster.
        public var chainID: SIWSMessage.ChainID
        /// How long a challenge is valid: at most 300 s (the issue: expiration ≤ 5 min); larger values are clamped.
        public var challengeLifetime: TimeInterval {
            get { clampedChallengeLifetime }
            set { clampedChallengeLifetime = min(newValue, Self.maximumChallengeLifetime) }
        }
        private var clampedChallengeLifetime: TimeInterval

        /// The sign-in statement clients expect unless told otherwise.
        public static let defaultStatement = "Sign in to the Chronoguard guardian to manage two-factor co-signing."

        /// Upper bound on ``challengeLifetime``: 5 minutes.
        public static let maximumChallengeLifetime: TimeInterval = 300

        /// - Parameters: see the properties; `challengeLifetime` is clamped to 300 s.
        public init(
            domain: String, uri: String, statement: String? = Self.defaultStatement,
            chainID: SIWSMessage.ChainID = .mainnet, challengeLifetime: TimeInterval = 300
        ) {
            self.domain = domain
            self.uri = uri
            self.statement = statement
            self.chainID = chainID
            self.clampedChallengeLifetime = min(challengeLifetime, Self.maximumChallengeLifetime)
        }
    }

    /// The sign-in message's fields.
    public var signIn: SignIn
    /// Session lifetime: 15 minutes (the issue).
    public var sessionLifetime: TimeInterval = 900
    /// Random characters in a sign-in nonce: 32 alphanumerics ≈ 190 bits (the issue asks for ≥ 16; SIWS for ≥ 8).
    public var nonceLength: Int = 32
    /// The issuer shown by authenticator apps (`otpauth://totp/Issuer:account?issuer=Issuer`).
    public var issuer: String = "Chronoguard"
    /// TOTP parameters for new enrollments: 6 digits, 30 s, SHA-1 (SEEDS-NOTES "parameters worth keeping").
    public var totp: TOTPParameters = .standard
    /// Steps accepted either side of the current one: ±1 (RFC 6238 §5.2's recommended network-delay allowance).
    public var verificationWindow: Int = 1
    /// Per-wallet cosign requests: a bucket of 10 per 5 minutes (seed 001 §7.1).
    public var walletRateLimit = TokenBucketPolicy(capacity: 10, per: 300)
    /// Per client IP: 300 per minute (a NAT's worth of users; a deployment should tune it), nil for none.
    public var clientIPRateLimit: TokenBucketPolicy? = TokenBucketPolicy(capacity: 300, per: 60)
    /// Per API key: 30,000 per minute (500/s sustained), nil for none.
    public var apiKeyRateLimit: TokenBucketPolicy? = TokenBucketPolicy(capacity: 30_000, per: 60)
    /// Whether the capsule verifies the signatures already in the transaction (typically the owner's) before it
    /// co-signs, reporting a bad one with its slot before the code is consumed. Off by default: it protects nobody —
    /// the guardian's signature covers the exact message whatever the other slots hold, a session holder with a code
    /// could send the slots empty anyway, and the network verifies every signature before executing — while it costs
    /// one Ed25519 verification per cosign, about a fifth of a cosign's CPU (Benchmarks/run-cosign-benchmark.sh).
    /// Turn it on where clients benefit from the early, code-preserving refusal of a transaction the network would
    /// reject (`chronoguard serve --verify-present-signatures on`).
    public var verifiesPresentSignatures = false
    /// Progressive lockout after wrong codes.
    public var lockout = LockoutPolicy()
    /// Timelocks, recovery codes and break-glass limits.
    public var governance = Governance()
    /// Largest serialized transaction accepted, in Base64 characters: ⌈1232 / 3⌉ · 4 = 1644 (Solana's 1232-byte
    /// packet limit, IPv6 MTU 1280 − 48 header bytes).
    public static let maximumTransactionBase64Length = 1_644

    /// Governance and break-glass settings (seed 001 §5, §8, §10).
    public struct Governance: Sendable, Hashable {
        /// Planned rotation timelock: 48 hours (seed 001 §5).
        public var plannedRotationDelay: TimeInterval = 48 * 3600
        /// Emergency rotation timelock: 72 hours (seed 001 §5, §8.2).
        public var emergencyRotationDelay: TimeInterval = 72 * 3600
        /// Recovery codes issued at enrollment confirmation and on regeneration: 10.
        public var recoveryCodeCount = 10
        /// scrypt cost for recovery-code hashes: N = 2^15, r = 8, p = 1.
        public var recoveryCodeScrypt = ScryptParameters.standard
        /// scrypt jobs that run at once: one per core but one, at least 1 (each takes a core for ~80 ms per code). One
        /// client runs one job at a time, so a single flooding address cannot take every slot.
        public var scryptSlots = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
        /// scrypt jobs that may wait at once before further ones get `service_busy` (503 with Retry-After).
        public var scryptQueueLimit = 64
        /// scrypt jobs of one client (address) that may wait at once: a quarter of the queue, so one client cannot
        /// fill it.
        public var scryptQueueLimitPerClient = 16
        /// Break-glass validations per wallet: 3 per hour (stricter than cosigns; seed 001 §10.2).
        public var breakGlassRateLimit = TokenBucketPolicy(capacity: 3, per: 3600)
        /// How long a break-glass attestation stays valid: 10 minutes.
        public var breakGlassAttestationLifetime: TimeInterval = 600
        /// Lifetime of a governance challenge: 5 minutes (as sign-in challenges).
        public var challengeLifetime: TimeInterval = 300
        /// The 32-byte application domain of attestations (Solana off-chain message preamble):
        /// SHA-256("chronoguard:attestation:v1"), so attestations cannot be confused with another application's.
        public var attestationDomain = try! SolanaPublicKey(
            bytes: Array(SHA256.hash(data: Array("chronoguard:attestation:v1".utf8))))  // 32 bytes by construction

        /// The defaults above.
        public init() {}
    }

    /// Defaults everywhere except the sign-in fields, which name this deployment.
    public init(signIn: SignIn) { self.signIn = signIn }
}
