import Foundation
import Guardian
import GuardianAPI
import Hummingbird

// MARK: - Routes

/// Who may call a route once API keys are configured. Deny by default: a route is ``apiKey`` unless it says otherwise,
/// and the public ones are a short explicit list (health, readiness, the API description, and `/metrics` when the
/// operator makes it public).
public enum RouteAccess: Sendable, Hashable {
    /// Needs a valid `X-API-Key` whenever the server has API keys.
    case apiKey
    /// Never needs a key.
    case `public`
}

/// Whether a route acts for a signed-in wallet. ``session`` routes get their bearer token checked by the route gate
/// (``RouteGate``) before the handler runs, and the handler reads the session from the context
/// (``GuardianRequestContext/requireSession()``); openapi.json lists `bearerAuth` for exactly these operations.
public enum RouteAuthentication: Sendable, Hashable {
    /// No session (sign-in itself, operations routes).
    case none
    /// `Authorization: Bearer <token>` from `POST /v1/auth/verify` (RFC 6750 §2.1).
    case session
    /// A session when the request carries an `Authorization` header (then it must be valid), none otherwise: public
    /// reads that show the owner more.
    case optionalSession
}

/// One endpoint: method, OpenAPI path template (`/v1/wallets/{wallet}/cosign`, the same syntax Hummingbird's router
/// takes), who may call it, and handler. Controllers expose their routes as values, so the router, the access gate,
/// the 405 and CORS logic and the test that compares the served routes with openapi.json all read the same list.
public struct GuardianRoute: Sendable {
    /// The HTTP method (RFC 9110 §9).
    public let method: HTTPRequest.Method
    /// The path template, as in openapi.json's `paths`.
    public let path: String
    /// Whether the route needs an API key when keys are configured (``RouteAccess``).
    public let access: RouteAccess
    /// Whether a request is charged to the per-client-IP bucket (``GuardianService/admit(clientIP:)``) before its
    /// handler runs — every `/v1` route; the operations routes (health, readiness, metrics) are for monitors.
    public let admitsByClientIP: Bool
    /// Whether the route needs a wallet session (``RouteAuthentication``).
    public let authentication: RouteAuthentication
    let handler: @Sendable (Request, GuardianRequestContext) async throws -> Response

    init(
        _ method: HTTPRequest.Method, _ path: String, access: RouteAccess = .apiKey, admitsByClientIP: Bool = true,
        authentication: RouteAuthentication = .none,
        _ handler: @escaping @Sendable (Request, GuardianRequestContext) async throws -> Response
    ) {
        self.method = method
        self.path = path
        self.access = access
        self.admitsByClientIP = admitsByClientIP
        self.authentication = authentication
        self.handler = handler
    }
}

/// The served routes, for answering 405 instead of 404 when only the method is wrong.
struct RouteTable: Sendable {
    let routes: [GuardianRoute]

    /// Methods served at a concrete path (`{name}` segments match any one segment), in route-table order.
    func methods(forPath path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return routes.filter { route in
            let template = route.path.split(separator: "/", omittingEmptySubsequences: true)
            guard template.count == segments.count else { return false }
            return zip(template, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }.map(\.method)
    }
}

// MARK: - Request decoding

/// The API's Hummingbird `RequestDecoder` (``GuardianRequestContext/requestDecoder``), so handlers write
/// `request.decode(as:context:)`: the body bounded by the context's limit (413), declared JSON when not empty (415),
/// then one strict decode (``StrictJSON``: duplicate names, unknown fields and excessive nesting refused, 400).
public struct StrictJSONRequestDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext)
        async throws -> T
    {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        if buffer.readableBytes > 0, !HTTPBody.isJSON(request.headers[.contentType]) {
            throw APIError.unsupportedMediaType
        }
        return try StrictJSON.decode(T.self, from: Data(buffer.readableBytesView))
    }
}

// MARK: - Handler helpers

enum HTTPBody {
    /// For endpoints without parameters: accepts no body or an empty JSON object `{}`, and nothing else.
    static func requireEmpty(_ request: Request, context: GuardianRequestContext) async throws {
        let body = try await collect(request, context: context)
        guard !body.isEmpty else { return }
        _ = try StrictJSON.decode(GuardianAPI.EmptyRequest.self, from: body)
    }

    /// The body, at most `context.bodyLimit` bytes (else 413); a non-empty one must be declared JSON (else 415).
    static func collect(_ request: Request, context: GuardianRequestContext) async throws -> Data {
        Data(try await collectBuffer(request, context: context).readableBytesView)
    }

    static func collectBuffer(_ request: Request, context: GuardianRequestContext) async throws -> ByteBuffer {
        var request = request
        let buffer = try await request.collectBody(upTo: context.bodyLimit)
        guard buffer.readableBytes > 0 else { return buffer }
        guard isJSON(request.headers[.contentType]) else { throw APIError.unsupportedMediaType }
        return buffer
    }

    /// `application/json` or any `+json` type (RFC 6839 §3.1), parameters (charset) ignored (RFC 8259 §11); media
    /// types are case-insensitive (RFC 9110 §8.3.1).
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = (contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            .trimmingCharacters(in: blanks).lowercased()
        return mediaType == "application/json"
            || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json")
                && mediaType.count >= "application/+json".count)
    }

    /// Spaces and horizontal tabs (RFC 9110 §5.6.3, OWS).
    static let blanks = CharacterSet(charactersIn: " \t")

    /// A JSON response.
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONCoding.makeEncoder().encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension GuardianAPI {
    /// An endpoint's empty parameter object: `{}`.
    struct EmptyRequest: Decodable {
        init(from decoder: any Decoder) throws {
            try StrictJSON.rejectUnknownKeys(decoder, allowed: [])
        }
    }
}

// MARK: - Bearer sessions

enum BearerToken {
    /// The token of `Authorization: Bearer <token>` (RFC 6750 §2.1; the scheme is case-insensitive, RFC 9110 §11.1).
    static func extract(_ request: Request) -> String? {
        request.headers[.authorization].flatMap(token(inAuthorization:))
    }

    /// The token of an `Authorization` value: the scheme `Bearer` in any case, then a space, then the token (spaces
    /// and tabs around it ignored).
    static func token(inAuthorization value: String) -> String? {
        let trimmed = value.trimmingCharacters(in: HTTPBody.blanks)
        // The scheme ends at a space (RFC 9110 §11.4).
        let bytes = trimmed.utf8
        guard bytes.count > 7, bytes.prefix(6).elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 }),
            bytes.dropFirst(6).first == UInt8(ascii: " ")
        else { return nil }
        let token = String(decoding: bytes.dropFirst(7), as: UTF8.self).trimmingCharacters(in: HTTPBody.blanks)
        return token.isEmpty ? nil : token
    }

    /// The session the request's bearer token opens, or `session_invalid`.
    static func session(_ request: Request, service: GuardianService) async throws -> Session {
        try await service.authenticate(token: require(request))
    }

    /// The request's bearer token, or `session_invalid`.
    static func require(_ request: Request) throws -> String {
        guard let token = extract(request) else {
            throw GuardianError(
                .sessionInvalid,
                "This endpoint needs a session: send Authorization: Bearer <token> from POST /v1/auth/verify.")
        }
        return token
    }
}
