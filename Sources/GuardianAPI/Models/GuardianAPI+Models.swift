import Foundation

// MARK: - Wire models

/// The JSON bodies of the guardian's HTTP API (openapi.json, `components/schemas`), shared by the server and
/// ``GuardianAPIClient``. Field names are part of the API contract.
///
/// Request bodies decode strictly (``StrictJSON``): unknown fields, wrong types and missing fields are rejected with
/// a 400 naming the field. Response bodies decode leniently, so clients keep working when fields are added.
public enum GuardianAPI {
    /// The statement of the guardian's Sign In With Solana challenges (the `statement` line a client checks word for
    /// word before signing). The server's default (`GuardianConfiguration.SignIn.defaultStatement`); a test holds the
    /// two equal.
    public static let signInStatement = "Sign in to the Chronoguard guardian to manage two-factor co-signing."

    /// The governance actions a challenge can be issued for (`GovernanceAction`'s raw values; a test holds them equal).
    public static let governanceActions: Set<String> = [
        "migrate", "schedule_rotation", "cancel_rotation", "execute_rotation", "break_glass", "reenroll",
        "regenerate_recovery_codes", "update_policy",
    ]

    /// The statement of a governance challenge for `action` (`GovernanceAction.challengeStatement`; a test holds them
    /// equal).
    public static func governanceStatement(action: String) -> String {
        "Authorize the Chronoguard guardian action \(action) for this wallet. Sign only if you started it."
    }

    /// `POST /v1/auth/challenge` request.
    public struct ChallengeRequest: Codable, Sendable, Hashable {
        /// The wallet's address (Base58 Ed25519 public key).
        public var wallet: String

        public init(wallet: String) { self.wallet = wallet }

        enum CodingKeys: String, CodingKey, CaseIterable { case wallet }

        public init(from decoder: any Decoder) throws {
            let container = try StrictJSON.container(decoder, keyedBy: CodingKeys.self)
            wallet = try container.decode(String.self, forKey: .wallet)
        }
    }

    /// `POST /v1/auth/challenge` response: the Sign In With Solana text to sign.
    public struct ChallengeResponse: Codable, Sendable, Hashable {
        public var challengeId: String
        /// The exact SIWS message (UTF-8) the wallet signs with Ed25519.
        public var message: String
        public var nonce: String
        public var expiresAt: Date

        public init(challengeId: String, message: String, nonce: String, expiresAt: Date) {
            self.challengeId = challengeId
            self.message = message
            self.nonce = nonce
            self.expiresAt = expiresAt
        }
    }

    /// `POST /v1/auth/verify` request.
    public struct VerifyRequest: Codable, Sendable, Hashable {
        public var challengeId: String
        /// Base58 Ed25519 signature of the UTF-8 challenge message.
        public var signature: String

        public init(challengeId: String, signature: String) {
            self.challengeId = challengeId
            self.signature = signature
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case challengeId, signature }

        public init(from decoder: any Decoder) throws {
            let container = try StrictJSON.container(decoder, keyedBy: CodingKeys.self)
            challengeId = try container.decode(String.self, forKey: .challengeId)
            signature = try container.decode(String.self, forKey: .signature)
        }
    }

    /// `POST /v1/auth/verify` response: a bearer token (RFC 6750) for the wallet.
    public struct SessionResponse: Codable, Sendable, Hashable, CustomStringConvertible {
        /// Secret: send as `Authorization: Bearer <token>`; never log it.
        public var token: String
        public var tokenType: String
        public var wallet: String
        public var expiresAt: Date

        public init(token: String, wallet: String, expiresAt: Date) {
            self.token = token
            self.tokenType = "Bearer"
            self.wallet = wallet
            self.expiresAt = expiresAt
        }

        public var description: String {
            "SessionResponse(wallet: \(wallet), expiresAt: \(expiresAt), token: redacted)"
        }
    }

    /// `POST /v1/wallets/{wallet}/enrollment` response: shown once; the URI and the QR code carry the TOTP secret.
    public struct EnrollmentResponse: Codable, Sendable, Hashable, CustomStringConvertible {
        public var wallet: String
        public var status: String
        /// The guardian's Ed25519 public key (Base58): the second signer the wallet's transactions must require.
        public var guardianPublicKey: String
        /// `otpauth://totp/…` provisioning URI with the secret.
        public var otpauthUri: String
        /// The URI as a QR code (SVG document).
        public var qrSvg: String?
        public var algorithm: String
        public var digits: Int
        public var period: Int

        public init(
            wallet: String, status: String, guardianPublicKey: String, otpauthUri: String, qrSvg: String?,
            algorithm: String, digits: Int, period: Int
        ) {
            self.wallet = wallet
            self.status = status
            self.guardianPublicKey = guardianPublicKey
            self.otpauthUri = otpauthUri
            self.qrSvg = qrSvg
            self.algorithm = algorithm
            self.digits = digits
            self.period = period
        }

        public var description: String {
            "EnrollmentResponse(wallet: \(wallet), guardian: \(guardianPublicKey), secret redacted)"
        }
    }

    /// `POST /v1/wallets/{wallet}/enrollment/confirm` request.
    public struct ConfirmRequest: Codable, Sendable, Hashable {
        /// The code the authenticator app shows.
        public var code: String

        public init(code: String) { self.code = code }

        enum CodingKeys: String, CodingKey, CaseIterable { case code }

        public init(from decoder: any Decoder) throws {
            let container = try StrictJSON.container(decoder, keyedBy: CodingKeys.self)
            code = try container.decode(String.self, forKey: .code)
        }
    }

    /// `GET /v1/wallets/{wallet}/guardian` and the confirmation's response.
    public struct GuardianStatusResponse: Codable, Sendable, Hashable {
        public var wallet: String
        public var guardianPublicKey: String
        /// `pending` or `active`.
        public var status: String
        public var createdAt: Date?
        public var activatedAt: Date?
        /// Until when codes are refused after wrong ones; only shown to the wallet's own session.
        public var lockedUntil: Date?
        /// Disabled after too many wrong codes; only shown to the wallet's own session.
        public var disabled: Bool?
        /// The ten break-glass recovery codes: only in the confirmation's response, exactly once.
        public var recoveryCodes: [String]?

        public init(
            wallet: String, guardianPublicKey: String, status: String, createdAt: Date?, activatedAt: Date?,
            lockedUntil: Date? = nil, disabled: Bool? = nil
        ) {
            self.wallet = wallet
            self.guardianPublicKey = guardianPublicKey
            self.status = status
            self.createdAt = createdAt
            self.activatedAt = activatedAt
            self.lockedUntil = lockedUntil
            self.disabled = disabled
        }
    }

    /// `POST /v1/wallets/{wallet}/cosign` request.
    public struct CosignRequest: Codable, Sendable, Hashable {
        /// The serialized transaction (legacy or v0), standard Base64.
        public var transaction: String
        /// The code the authenticator app shows.
        public var code: String

        public init(transaction: String, code: String) {
            self.transaction = transaction
            self.code = code
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case transaction, code }

        public init(from decoder: any Decoder) throws {
            let container = try StrictJSON.container(decoder, keyedBy: CodingKeys.self)
            transaction = try container.decode(String.self, forKey: .transaction)
            code = try container.decode(String.self, forKey: .code)
        }
    }

    /// One state change of a capsule.
    public struct TimelineEntry: Codable, Sendable, Hashable {
        public var state: String
        /// Microseconds since the capsule was created (monotonic clock).
        public var atMicroseconds: Int64

        public init(state: String, atMicroseconds: Int64) {
            self.state = state
            self.atMicroseconds = atMicroseconds
        }
    }

    /// `POST /v1/wallets/{wallet}/cosign` response.
    public struct CosignResponse: Codable, Sendable, Hashable {
        /// The guardian's Ed25519 signature of the transaction message (Base58).
        public var signature: String
        public var guardianPublicKey: String
        public var operationId: String
        /// The transaction with the guardian's signature in its slot (standard Base64).
        public var transaction: String
        /// The TOTP time step the code was accepted for (burned: never accepted again).
        public var step: UInt64
        public var timeline: [TimelineEntry]

        public init(
            signature: String, guardianPublicKey: String, operationId: String, transaction: String, step: UInt64,
            timeline: [TimelineEntry]
        ) {
            self.signature = signature
            self.guardianPublicKey = guardianPublicKey
            self.operationId = operationId
            self.transaction = transaction
            self.step = step
            self.timeline = timeline
        }
    }

    /// `GET /healthz` and `GET /readyz` response.
    public struct HealthResponse: Codable, Sendable, Hashable {
        public var status: String
        public init(status: String) { self.status = status }
    }

    /// The error body every failure carries.
    public struct ErrorResponse: Codable, Sendable, Hashable {
        public struct Detail: Codable, Sendable, Hashable {
            public var code: String
            public var message: String
            public var field: String?
            public var operationId: String?
            public var retryAfterSeconds: Int?

            public init(
                code: String, message: String, field: String? = nil, operationId: String? = nil,
                retryAfterSeconds: Int? = nil
            ) {
                self.code = code
                self.message = message
                self.field = field
                self.operationId = operationId
                self.retryAfterSeconds = retryAfterSeconds
            }
        }
        public var error: Detail

        public init(error: Detail) { self.error = error }
    }
}
