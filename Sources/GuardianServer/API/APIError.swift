import Foundation
import Guardian
import GuardianAPI
import HTTPTypes
import Hummingbird

// MARK: - API error

/// A failure as the HTTP API reports it: a status, and `{"error": {"code": …, "message": …}}` with a stable
/// snake_case code and one sentence that says what was wrong and what to do.
///
/// Every error that leaves the server goes through this type (see ``ErrorMiddleware``): domain failures
/// (``GuardianError``) keep their code and message; HTTP-level failures (unknown route, oversized body, bad JSON,
/// missing API key) get codes of their own. Internal details never reach the client: they go to the server log.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// HTTP status (RFC 9110 §15).
    public let status: HTTPResponse.Status
    /// Stable snake_case code: part of the API, never renamed.
    public let code: String
    /// One sentence for people; safe to show.
    public let message: String
    /// The request field the error is about (strict JSON validation), when there is one.
    public let field: String?
    /// `Retry-After` seconds (RFC 9110 §10.2.3) for 429, 423 and 503.
    public let retryAfterSeconds: Int?
    /// The capsule's operation id, when the failure happened inside a cosign.
    public let operationID: String?
    /// Extra response headers (`Allow` for 405, `WWW-Authenticate` for 401).
    public let headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, code: String, message: String, field: String? = nil,
        retryAfterSeconds: Int? = nil, operationID: String? = nil, headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfterSeconds = retryAfterSeconds
        self.operationID = operationID
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }
}

// MARK: - Codes of the HTTP layer

extension APIError {
    /// Codes the HTTP layer adds to ``GuardianError/Code`` (documented in openapi.json, `ErrorCode`).
    public enum Code {
        public static let invalidRequest = GuardianError.Code.invalidRequest.rawValue
        public static let notFound = "not_found"
        public static let methodNotAllowed = "method_not_allowed"
        public static let payloadTooLarge = "payload_too_large"
        public static let headersTooLarge = "headers_too_large"
        public static let unsupportedMediaType = "unsupported_media_type"
        public static let apiKeyRequired = "api_key_required"
        public static let apiKeyInvalid = "api_key_invalid"
        public static let originNotAllowed = "origin_not_allowed"
        public static let nonCanonicalPath = "non_canonical_path"
        public static let internalError = GuardianError.Code.internalError.rawValue
    }

    static func invalidRequest(_ message: String, field: String? = nil) -> APIError {
        APIError(.badRequest, code: Code.invalidRequest, message: message, field: field)
    }

    static let notFound = APIError(
        .notFound, code: Code.notFound,
        message: "No such endpoint; see /v1/openapi.json for the routes this server offers.")

    static func methodNotAllowed(allowed: [HTTPRequest.Method]) -> APIError {
        let list = allowed.map(\.rawValue).sorted().joined(separator: ", ")
        var headers = HTTPFields()
        headers[.allow] = list
        return APIError(
            .methodNotAllowed, code: Code.methodNotAllowed,
            message: "This endpoint does not accept that method; use \(list).", headers: headers)
    }

    static func payloadTooLarge(limit: Int) -> APIError {
        APIError(
            .contentTooLarge, code: Code.payloadTooLarge,
            message: "The request body is larger than \(limit) bytes; send a smaller body.")
    }

    /// A header field or the header block over the HTTP/1.1 parser's limits (``HTTPHeaderLimits``).
    static let headersTooLarge = APIError(
        HTTPResponse.Status(code: 431, reasonPhrase: "Request Header Fields Too Large"), code: Code.headersTooLarge,
        message:
            "The request headers are too large: at most \(HTTPHeaderLimits.fieldBytes / 1024) KiB per field, \(HTTPHeaderLimits.totalBytes / 1024) KiB in all and \(HTTPHeaderLimits.fieldCount) fields; send fewer or smaller headers."
    )

    static let unsupportedMediaType = APIError(
        .unsupportedMediaType, code: Code.unsupportedMediaType,
        message: "The request body must be JSON; send it with Content-Type: application/json.")

    static let apiKeyRequired = APIError(
        .unauthorized, code: Code.apiKeyRequired,
        message: "This server requires an API key; send it in the X-API-Key header.")

    static let apiKeyInvalid = APIError(
        .unauthorized, code: Code.apiKeyInvalid,
        message: "The API key is not valid for this server; check the X-API-Key header.")

    static let nonCanonicalPath = APIError(
        .badRequest, code: Code.nonCanonicalPath,
        message:
            "The request path is not in canonical form (empty, '.' or '..' segments, percent-encoding, a trailing slash, or characters outside A-Z a-z 0-9 - . _ ~); send the path exactly as /v1/openapi.json lists it."
    )

    static let originNotAllowed = APIError(
        .forbidden, code: Code.originNotAllowed,
        message:
            "Cross-origin requests from this origin are not allowed; ask the operator to add it to the allowed origins."
    )

    static let internalError = APIError(
        .internalServerError, code: Code.internalError,
        message: "The service could not complete the request; nothing was changed. Retry later.")
}

// MARK: - From domain errors

extension APIError {
    /// The API form of a domain failure: same code and message, the status the domain suggests, and the headers that
    /// status calls for (`Retry-After`, `WWW-Authenticate: Bearer` per RFC 6750 §3 on 401 session failures).
    public init(_ error: GuardianError) {
        var headers = HTTPFields()
        if error.code == .sessionInvalid {
            headers[.wwwAuthenticate] = #"Bearer realm="chronoguard", error="invalid_token""#
        }
        self.init(
            Self.status(Self.statusCode(for: error.code)), code: error.code.rawValue, message: error.message,
            retryAfterSeconds: error.retryAfterSeconds, operationID: error.operationID, headers: headers)
    }
}

extension APIError {
    /// The HTTP status for a domain failure (RFC 9110 §15; 423 from RFC 4918 §11.3; 429 from RFC 6585 §4): the
    /// server's decision — the domain's errors know nothing of HTTP.
    static func statusCode(for code: GuardianError.Code) -> Int {
        switch code {
        case .invalidRequest, .invalidWalletAddress, .malformedTransaction: 400
        case .challengeExpired, .invalidSignature, .sessionInvalid, .invalidCode: 401
        case .sessionWalletMismatch: 403
        case .challengeNotFound, .notEnrolled: 404
        case .nonceReused, .alreadyEnrolled, .enrollmentPending, .codeAlreadyUsed: 409
        case .governanceNotEnabled, .alreadyMigrated, .sequenceMismatch, .rotationPending, .noPendingRotation,
            .timelockActive, .recoveryCodeUsed:
            409
        case .invalidRecoveryCode: 401
        case .missingRecentBlockhash, .walletNotSigner, .guardianNotSigner, .vaultInstructionNotAllowed,
            .vaultMigrationRefused:
            422
        case .walletLocked, .walletDisabled: 423
        case .rateLimited: 429
        // Transaction policies: a refusal by the wallet's own rules is 403; what the guardian cannot evaluate is 422.
        case .policySpendingLimitExceeded, .policyDestinationNotAllowed, .policyProgramNotAllowed: 403
        case .invalidPolicy, .policyInstructionNotSupported, .policyAccountUnresolved: 422
        case .policyChanged: 409
        case .invalidConfiguration, .masterKeyMismatch, .keyProviderFailed, .keyringMissing, .internalError: 500
        case .storageUnavailable, .serviceBusy: 503
        }
    }

    /// The status for a code, with the reason phrase of RFC 4918 §11.3 for 423, which HTTPTypes does not name.
    static func status(_ code: Int) -> HTTPResponse.Status {
        code == 423 ? HTTPResponse.Status(code: 423, reasonPhrase: "Locked") : HTTPResponse.Status(code: code)
    }
}

// MARK: - Response

extension APIError {
    /// The JSON body: `{"error": {"code", "message", "field"?, "operationId"?, "retryAfterSeconds"?}}`.
    struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let field: String?
            let operationId: String?
            let retryAfterSeconds: Int?
        }
        let error: Detail
    }

    /// The HTTP response for this error.
    func response() -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        if let retryAfterSeconds { fields[.retryAfter] = String(retryAfterSeconds) }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: jsonBody())))
    }

    /// The encoded JSON body.
    func jsonBody() -> Data {
        let body = Body(
            error: .init(
                code: code, message: message, field: field, operationId: operationID,
                retryAfterSeconds: retryAfterSeconds))
        return (try? JSONCoding.encoder.encode(body))
            ?? Data(
                #"{"error":{"code":"internal_error","message":"The service could not complete the request."}}"#.utf8)
    }
}
