import Foundation

// MARK: - Governance and recovery wire models

extension GuardianAPI {
    /// How a governance or recovery request is authorised: either `code` (the authenticator), or `recoveryCode` with
    /// `challengeId` and the wallet's `signature` over that governance challenge. Shared by several request bodies.
    public struct Authorization: Codable, Sendable, Hashable {
        public var code: String?
        public var recoveryCode: String?
        public var challengeId: String?
        /// Base58 (or padded Base64) Ed25519 signature of the governance challenge text.
        public var signature: String?

        public init(
            code: String? = nil, recoveryCode: String? = nil, challengeId: String? = nil, signature: String? = nil
        ) {
            self.code = code
            self.recoveryCode = recoveryCode
            self.challengeId = challengeId
            self.signature = signature
        }

        static let keys: Set<String> = ["code", "recoveryCode", "challengeId", "signature"]

        enum CodingKeys: String, CodingKey, CaseIterable { case code, recoveryCode, challengeId, signature }

        init(decodingFrom decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            code = try container.decodeIfPresent(String.self, forKey: .code)
            recoveryCode = try container.decodeIfPresent(String.self, forKey: .recoveryCode)
            challengeId = try container.decodeIfPresent(String.self, forKey: .challengeId)
            signature = try container.decodeIfPresent(String.self, forKey: .signature)
        }

        public init(from decoder: any Decoder) throws {
            try StrictJSON.rejectUnknownKeys(decoder, allowed: Self.keys)
            try self.init(decodingFrom: decoder)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(code, forKey: .code)
            try container.encodeIfPresent(recoveryCode, forKey: .recoveryCode)
            try container.encodeIfPresent(challengeId, forKey: .challengeId)
            try container.encodeIfPresent(signature, forKey: .signature)
        }
    }

    /// A governance sequence number: a JSON integer ≥ 0. Decoded through Int64 so that a negative number is reported
    /// against its field (Foundation reports an out-of-range UInt64 without a coding path).
    static func sequence<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> UInt64 {
        let value = try container.decode(Int64.self, forKey: key)
        guard value >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "negative sequence")
        }
        return UInt64(value)
    }

    /// `POST /v1/wallets/{wallet}/governance/challenge` request.
    public struct GovernanceChallengeRequest: Codable, Sendable, Hashable {
        /// `schedule_rotation`, `cancel_rotation`, `break_glass` or `reenroll` (the actions a recovery code can authorise).
        public var action: String

        public init(action: String) { self.action = action }

        enum CodingKeys: String, CodingKey, CaseIterable { case action }

        public init(from decoder: any Decoder) throws {
            let container = try StrictJSON.container(decoder, keyedBy: CodingKeys.self)
            action = try container.decode(String.self, forKey: .action)
        }
    }

    /// `POST /v1/wallets/{wallet}/governance/challenge` response.
    public struct GovernanceChallengeResponse: Codable, Sendable, Hashable {
        public var challengeId: String
        public var action: String
        /// The exact text (Sign In With Solana format) the wallet signs.
        public var message: String
        public var expiresAt: Date

        public init(challengeId: String, action: String, message: String, expiresAt: Date) {
            self.challengeId = challengeId
            self.action = action
            self.message = message
            self.expiresAt = expiresAt
        }
    }

    /// `POST /v1/wallets/{wallet}/governance/migrate` request.
    public struct MigrateRequest: Codable, Sendable, Hashable {
        /// Must be 1 (the next sequence of a v1 wallet).
        public var sequence: UInt64
        public var code: String

        public init(sequence: UInt64, code: String) {
            self.sequence = sequence
            self.code = code
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case sequence, code }

        public init(from decoder: any Decoder) throws {
            let container = try StrictJSON.container(decoder, keyedBy: CodingKeys.self)
            sequence = try GuardianAPI.sequence(container, .sequence)
            code = try container.decode(String.self, forKey: .code)
        }
    }

    /// `POST /v1/wallets/{wallet}/governance/schedule-rotation` request.
    public struct ScheduleRotationRequest: Codable, Sendable, Hashable {
        /// `planned` (48 h, TOTP code) or `emergency` (72 h, TOTP code or recovery code).
        public var kind: String
        public var sequence: UInt64
        public var authorization: Authorization

        public init(kind: String, sequence: UInt64, authorization: Authorization) {
            self.kind = kind
            self.sequence = sequence
            self.authorization = authorization
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case kind, sequence }

        public init(from decoder: any Decoder) throws {
            try StrictJSON.rejectUnknownKeys(
                decoder, allowed: Set(CodingKeys.allCases.map(\.stringValue)).union(Authorization.keys))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kind = try container.decode(String.self, forKey: .kind)
            sequence = try GuardianAPI.sequence(container, .sequence)
            authorization = try Authorization(decodingFrom: decoder)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kind, forKey: .kind)
            try container.encode(sequence, forKey: .sequence)
            try authorization.encode(to: encoder)
        }
    }

    /// `POST …/governance/cancel-rotation` and `…/governance/execute-rotation` request (execute takes no
    /// authorisation fields: its timelock protects it).
    public struct RotationActionRequest: Codable, Sendable, Hashable {
        public var rotationId: String
        public var sequence: UInt64
        public var authorization: Authorization
        /// Execute only: a Solana vault's migration transactions (standard Base64) for the outgoing key to co-sign.
        public var migrationTransactions: [String]?

        public init(
            rotationId: String, sequence: UInt64, authorization: Authorization = Authorization(),
            migrationTransactions: [String]? = nil
        ) {
            self.rotationId = rotationId
            self.sequence = sequence
            self.authorization = authorization
            self.migrationTransactions = migrationTransactions
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case rotationId, sequence, migrationTransactions }

        public init(from decoder: any Decoder) throws {
            try StrictJSON.rejectUnknownKeys(
                decoder, allowed: Set(CodingKeys.allCases.map(\.stringValue)).union(Authorization.keys))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            rotationId = try container.decode(String.self, forKey: .rotationId)
            sequence = try GuardianAPI.sequence(container, .sequence)
            migrationTransactions = try container.decodeIfPresent([String].self, forKey: .migrationTransactions)
            authorization = try Authorization(decodingFrom: decoder)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rotationId, forKey: .rotationId)
            try container.encode(sequence, forKey: .sequence)
            try container.encodeIfPresent(migrationTransactions, forKey: .migrationTransactions)
            try authorization.encode(to: encoder)
        }
    }

    /// A pending rotation in the governance status.
    public struct PendingRotationBody: Codable, Sendable, Hashable {
        public var rotationId: String
        public var kind: String
        public var newGuardianPublicKey: String
        public var sequence: UInt64
        public var scheduledAt: Date
        public var executeAfter: Date
        /// `executeAfter` as Unix seconds, as the attestation's on-chain reader compares it.
        public var executeAfterUnix: Int64

        public init(
            rotationId: String, kind: String, newGuardianPublicKey: String, sequence: UInt64, scheduledAt: Date,
            executeAfter: Date, executeAfterUnix: Int64
        ) {
            self.rotationId = rotationId
            self.kind = kind
            self.newGuardianPublicKey = newGuardianPublicKey
            self.sequence = sequence
            self.scheduledAt = scheduledAt
            self.executeAfter = executeAfter
            self.executeAfterUnix = executeAfterUnix
        }
    }

    /// `GET /v1/wallets/{wallet}/governance` response.
    public struct GovernanceStatusResponse: Codable, Sendable, Hashable {
        public var wallet: String
        /// 1 (no governance record) or 2.
        public var version: Int
        public var sequence: UInt64
        public var nextSequence: UInt64
        public var guardianPublicKey: String
        public var pendingRotation: PendingRotationBody?
        public var plannedRotationDelaySeconds: Int
        public var emergencyRotationDelaySeconds: Int

        public init(
            wallet: String, version: Int, sequence: UInt64, nextSequence: UInt64, guardianPublicKey: String,
            pendingRotation: PendingRotationBody?, plannedRotationDelaySeconds: Int, emergencyRotationDelaySeconds: Int
        ) {
            self.wallet = wallet
            self.version = version
            self.sequence = sequence
            self.nextSequence = nextSequence
            self.guardianPublicKey = guardianPublicKey
            self.pendingRotation = pendingRotation
            self.plannedRotationDelaySeconds = plannedRotationDelaySeconds
            self.emergencyRotationDelaySeconds = emergencyRotationDelaySeconds
        }
    }

    /// A signed attestation: the text, the exact signed bytes (Solana off-chain message), the signature and signer.
    public struct AttestationBody: Codable, Sendable, Hashable {
        /// The body text (`Key: value` lines).
        public var text: String
        /// The serialized off-chain message that was signed, standard Base64.
        public var message: String
        /// Base58 Ed25519 signature over the decoded `message` bytes.
        public var signature: String
        /// Base58 guardian key that signed.
        public var signer: String

        public init(text: String, message: String, signature: String, signer: String) {
            self.text = text
            self.message = message
            self.signature = signature
            self.signer = signer
        }
    }

    /// Response of migrate, schedule, cancel and execute.
    public struct GovernanceActionResponse: Codable, Sendable, Hashable {
        public var governance: GovernanceStatusResponse
        public var attestation: AttestationBody
        /// An executed rotation's vault migration, co-signed by the outgoing guardian key (absent otherwise).
        public var migrationTransactions: [String]?

        public init(
            governance: GovernanceStatusResponse, attestation: AttestationBody, migrationTransactions: [String]? = nil
        ) {
            self.governance = governance
            self.attestation = attestation
            self.migrationTransactions = migrationTransactions
        }
    }

    /// `POST /v1/wallets/{wallet}/break-glass/validate-totp` response.
    public struct BreakGlassResponse: Codable, Sendable, Hashable {
        public var wallet: String
        /// `totp` or `recovery_code`.
        public var method: String
        public var attestation: AttestationBody
        public var expiresAt: Date
        public var remainingRecoveryCodes: Int

        public init(
            wallet: String, method: String, attestation: AttestationBody, expiresAt: Date, remainingRecoveryCodes: Int
        ) {
            self.wallet = wallet
            self.method = method
            self.attestation = attestation
            self.expiresAt = expiresAt
            self.remainingRecoveryCodes = remainingRecoveryCodes
        }
    }

    /// `POST /v1/wallets/{wallet}/recovery-codes` request.
    public typealias RegenerateRecoveryCodesRequest = ConfirmRequest

    /// `POST /v1/wallets/{wallet}/recovery-codes` response: the new codes, shown once.
    public struct RecoveryCodesResponse: Codable, Sendable, Hashable, CustomStringConvertible {
        public var recoveryCodes: [String]
        public var description: String { "RecoveryCodesResponse(\(recoveryCodes.count) codes redacted)" }

        public init(recoveryCodes: [String]) {
            self.recoveryCodes = recoveryCodes
        }
    }

    /// `POST /v1/wallets/{wallet}/recovery/reenroll` request: a recovery code and the wallet's signature over a
    /// `reenroll` governance challenge.
    public struct ReenrollRequest: Codable, Sendable, Hashable {
        public var recoveryCode: String
        public var challengeId: String
        public var signature: String

        public init(recoveryCode: String, challengeId: String, signature: String) {
            self.recoveryCode = recoveryCode
            self.challengeId = challengeId
            self.signature = signature
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case recoveryCode, challengeId, signature }

        public init(from decoder: any Decoder) throws {
            let container = try StrictJSON.container(decoder, keyedBy: CodingKeys.self)
            recoveryCode = try container.decode(String.self, forKey: .recoveryCode)
            challengeId = try container.decode(String.self, forKey: .challengeId)
            signature = try container.decode(String.self, forKey: .signature)
        }
    }
}
