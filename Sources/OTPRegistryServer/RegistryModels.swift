import Foundation
import GuardianAPI

// MARK: - Wire models

/// The JSON bodies of the issuer's HTTP API (docs/registry.md, `/v1/openapi.json`). Requests decode strictly
/// (``StrictJSON``: unknown, missing and mistyped fields are a 400 naming the field); byte strings are `0x` hex.
public enum RegistryAPI {
    public struct ChallengeRequest: Codable, Sendable {
        public var address: String
        public init(address: String) { self.address = address }
        enum CodingKeys: String, CodingKey, CaseIterable { case address }
        public init(from decoder: any Decoder) throws {
            let c = try StrictJSON.container(decoder, keyedBy: CodingKeys.self)
            address = try c.decode(String.self, forKey: .address)
        }
    }

    public struct ChallengeResponse: Codable, Sendable {
        /// The EIP-4361 message to sign with `personal_sign` (EIP-191).
        public var message: String
        public var expiresAt: Int64
    }

    public struct VerifyRequest: Codable, Sendable {
        public var message: String
        /// The 65-byte `r ‖ s ‖ v` signature, 0x hex.
        public var signature: String
        public init(message: String, signature: String) {
            self.message = message
            self.signature = signature
        }
        enum CodingKeys: String, CodingKey, CaseIterable { case message, signature }
        public init(from decoder: any Decoder) throws {
            let c = try StrictJSON.container(decoder, keyedBy: CodingKeys.self)
            message = try c.decode(String.self, forKey: .message)
            signature = try c.decode(String.self, forKey: .signature)
        }
    }

    public struct SessionResponse: Codable, Sendable {
        public var token: String
        public var address: String
        public var expiresAt: Int64
    }

    public struct EnrollmentResponse: Codable, Sendable {
        /// `otpauth://totp/…` (TOTP, SHA256, 6 digits, 60 s), shown while the enrollment is pending.
        public var otpauthUri: String
        /// The same URI as a QR code (SVG).
        public var qrSvg: String
    }

    public struct CodeRequest: Codable, Sendable {
        public var code: String
        public init(code: String) { self.code = code }
        enum CodingKeys: String, CodingKey, CaseIterable { case code }
        public init(from decoder: any Decoder) throws {
            let c = try StrictJSON.container(decoder, keyedBy: CodingKeys.self)
            code = try c.decode(String.self, forKey: .code)
        }
    }

    public struct IssueRequest: Codable, Sendable {
        public var scope: String
        public init(scope: String) { self.scope = scope }
        enum CodingKeys: String, CodingKey, CaseIterable { case scope }
        public init(from decoder: any Decoder) throws {
            let c = try StrictJSON.container(decoder, keyedBy: CodingKeys.self)
            scope = try c.decode(String.self, forKey: .scope)
        }
    }

    /// `POST /v1/requests`: never the salt.
    public struct IssueResponse: Codable, Sendable {
        public var requestId: String
        public var expiry: Int64
        public var step: UInt64
        public var stepEndsAt: Int64
        public var transactionHash: String
    }

    /// `POST /v1/requests/{id}/salt`, after the right code.
    public struct SaltResponse: Codable, Sendable {
        public var requestId: String
        public var salt: String
    }

    public struct EmptyRequest: Decodable, Sendable {
        enum CodingKeys: String, CodingKey, CaseIterable { case none }
        public init(from decoder: any Decoder) throws {
            _ = try StrictJSON.container(decoder, keyedBy: CodingKeys.self)
        }
    }

    public struct ErrorBody: Codable, Sendable {
        public struct Detail: Codable, Sendable {
            public var code: String
            public var message: String
            public var retryAfterSeconds: Int?
        }
        public var error: Detail
    }
}
