import Crypto
import Guardian
import HTTPTypes
import Hummingbird

// MARK: - Route gate: API keys and admission, decided on the matched route

/// What runs between the router and a route's handler: the API-key check for the route's ``RouteAccess``, the
/// per-client-IP admission (``GuardianService/admit(clientIP:)``) and, for ``RouteAuthentication/session`` routes,
/// the bearer-token session — all before the handler reads the body.
///
/// Authorisation is a property of the *route the router matched*, not of how the client spelled the path: a check on
/// the raw path (`hasPrefix("/v1/")`) is bypassed by `//v1/…`, which the router still matches. Every route is
/// ``RouteAccess/apiKey`` unless it declares itself public, so a new route is protected without anyone remembering to.
/// (``CanonicalPathMiddleware`` refuses such spellings too, before any handler.)
struct RouteGate: Sendable {
    let keys: APIKeys
    let service: GuardianService

    /// The route's handler behind the gate.
    func guarding(_ route: GuardianRoute) -> @Sendable (Request, GuardianRequestContext) async throws -> Response {
        let keys = keys
        let service = service
        return { request, context in
            var context = context
            if route.access == .apiKey, !keys.isEmpty {
                context.apiKeyID = try keys.authenticate(request.headers[.xAPIKey])
            }
            if route.admitsByClientIP {
                try service.admit(clientIP: context.clientAddress)
            }
            // Bearer authentication, for the routes that act for a signed-in wallet (before the body is read).
            switch route.authentication {
            case .none: break
            case .session: context.session = try await BearerToken.session(request, service: service)
            case .optionalSession:
                if request.headers[.authorization] != nil {
                    context.session = try await BearerToken.session(request, service: service)
                }
            }
            return try await route.handler(request, context)
        }
    }
}

/// The configured API keys, kept only as SHA-256 digests and compared in constant time; a request that presents one
/// gets a non-secret key id naming its rate bucket (``GuardianConfiguration/apiKeyRateLimit``).
struct APIKeys: Sendable {
    /// Key id length: 8 bytes (16 hex digits) of the digest, enough to tell keys apart in buckets and logs.
    static let keyIDByteCount = 8
    /// Longest key accepted, so the header cannot make the server hash megabytes.
    static let maximumKeyLength = 256

    let digests: [[UInt8]]

    init(_ keys: [String]) {
        self.digests = keys.map { Array(SHA256.hash(data: Array($0.utf8))) }
    }

    var isEmpty: Bool { digests.isEmpty }

    /// The key id for a presented `X-API-Key` value, or `api_key_required` / `api_key_invalid`.
    func authenticate(_ presented: String?) throws(APIError) -> String {
        guard let presented, !presented.isEmpty else { throw APIError.apiKeyRequired }
        guard presented.utf8.count <= Self.maximumKeyLength else { throw APIError.apiKeyInvalid }
        let digest = Array(SHA256.hash(data: Array(presented.utf8)))
        // Compare against every key so the time taken does not say which key (or how much of one) matched.
        var matched = false
        for candidate in digests { matched = Self.constantTimeEqual(candidate, digest) || matched }
        guard matched else { throw APIError.apiKeyInvalid }
        return Hex.encode(digest.prefix(Self.keyIDByteCount))
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

// MARK: - Canonical request targets

/// Refuses request targets whose path is not in the one canonical spelling the API documents, before any handler runs:
/// empty segments (`//v1/…`), `.` and `..` segments, percent-encoding of any kind (`%2F`, `%2e`, `%63`), a trailing
/// slash, and characters outside RFC 3986's unreserved set (§2.3: `A–Z a–z 0–9 - . _ ~`). No route needs any of
/// them (wallet addresses are Base58), and each is a way to make a proxy, a log or an authorisation check see a
/// different path than the router.
///
/// Answers 400 `non_canonical_path`.
package struct CanonicalPathMiddleware: RouterMiddleware {
    package typealias Context = GuardianRequestContext

    package init() {}

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard Self.isCanonical(request.uri.path) else { throw APIError.nonCanonicalPath }
        return try await next(request, context)
    }

    /// `/` or `/seg(/seg)*` with every segment non-empty, not `.` or `..`, and made of unreserved characters.
    static func isCanonical(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        guard bytes.first == UInt8(ascii: "/") else { return false }
        if bytes.count == 1 { return true }
        guard bytes.last != UInt8(ascii: "/") else { return false }
        for segment in bytes.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            guard !segment.isEmpty, !segment.elementsEqual([0x2E]), !segment.elementsEqual([0x2E, 0x2E]),
                segment.allSatisfy(isUnreserved)
            else { return false }
        }
        return true
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): true
        default: false
        }
    }
}
