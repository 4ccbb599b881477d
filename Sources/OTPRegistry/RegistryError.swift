import Foundation

// MARK: - The registry's one error shape

/// Every failure of the issuer service: a stable snake_case ``Code`` (part of the HTTP API, never renamed), one
/// sentence safe to show, and for rate limits the seconds to wait. Secrets (the master key, seeds, salts before their
/// release, codes) never appear in a message; ``internalDetail`` is for the server log only and never carries them
/// either.
public struct RegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable codes, each with its HTTP status (``httpStatus``).
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A field is malformed (400).
        case invalidRequest = "invalid_request"
        /// The SIWE sign-in failed: unknown/used/expired nonce, wrong domain, URI or chain, bad signature (401).
        case signInFailed = "sign_in_failed"
        /// No valid bearer token (401).
        case unauthenticated = "unauthenticated"
        /// The account has no confirmed enrollment (403).
        case notEnrolled = "not_enrolled"
        /// Enrollment already confirmed (409).
        case alreadyEnrolled = "already_enrolled"
        /// The enrollment code is wrong (400).
        case invalidCode = "invalid_code"
        /// The token bucket is empty (429, `Retry-After`).
        case rateLimited = "rate_limited"
        /// No such request for this account (404).
        case unknownRequest = "unknown_request"
        /// The request's expiry has passed (410).
        case requestExpired = "request_expired"
        /// Three wrong codes were given for the request (423).
        case requestBlocked = "request_blocked"
        /// The salt was already released (409).
        case saltAlreadyReleased = "salt_already_released"
        /// The request is not on chain (its setOtp failed) (409).
        case requestNotOnChain = "request_not_on_chain"
        /// The chain refused or the node failed (502).
        case chainUnavailable = "chain_unavailable"
        /// The store failed (500).
        case storage = "storage_error"
        /// Anything else (500).
        case internalError = "internal_error"

        /// The HTTP status the API answers this code with (RFC 9110 §15).
        public var httpStatus: Int {
            switch self {
            case .invalidRequest, .invalidCode: 400
            case .signInFailed, .unauthenticated: 401
            case .notEnrolled: 403
            case .unknownRequest: 404
            case .alreadyEnrolled, .saltAlreadyReleased, .requestNotOnChain: 409
            case .requestExpired: 410
            case .requestBlocked: 423
            case .rateLimited: 429
            case .chainUnavailable: 502
            case .storage, .internalError: 500
            }
        }
    }

    public let code: Code
    /// One sentence for people; never a secret.
    public let message: String
    /// `Retry-After` seconds (RFC 9110 §10.2.3) for ``Code/rateLimited``.
    public let retryAfterSeconds: Int?
    /// For the server log only (never sent, never a secret).
    public let internalDetail: String?

    public init(_ code: Code, _ message: String, retryAfterSeconds: Int? = nil, internalDetail: String? = nil) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.internalDetail = internalDetail
    }

    public var description: String { "\(code.rawValue): \(message)" }

    static func storage(_ detail: String) -> RegistryError {
        RegistryError(.storage, "The registry's store failed; try again later.", internalDetail: detail)
    }
}
