import Crypto
import Guardian
import HTTPTypes
import Hummingbird

// MARK: - API keys

/// Optional API keys: once any is configured, every `/v1` request except the public OpenAPI document must carry one in
/// `X-API-Key`. Keys are kept only as SHA-256 digests and compared in constant time; the request context gets a
/// non-secret key id that names the key's rate bucket (``GuardianConfiguration/apiKeyRateLimit``).
public struct APIKeyMiddleware: RouterMiddleware {
    public typealias Context = GuardianRequestContext

    /// Paths that stay public with keys configured: the API description is no secret.
    static let publicPaths: Set<String> = ["/v1/openapi.json"]
    /// Key id length: 8 bytes (16 hex digits) of the digest, enough to tell keys apart in buckets and logs.
    static let keyIDByteCount = 8
    /// Longest key accepted, so the header cannot make the server hash megabytes.
    static let maximumKeyLength = 256

    let digests: [[UInt8]]

    public init(keys: [String]) {
        self.digests = keys.map { Array(SHA256.hash(data: Array($0.utf8))) }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/v1/"), !Self.publicPaths.contains(path) else { return try await next(request, context) }
        guard let key = request.headers[.xAPIKey], !key.isEmpty else { throw APIError.apiKeyRequired }
        guard key.utf8.count <= Self.maximumKeyLength else { throw APIError.apiKeyInvalid }
        let digest = Array(SHA256.hash(data: Array(key.utf8)))
        // Compare against every key so the time taken does not say which key (or how much of one) matched.
        var matched = false
        for candidate in digests { matched = Self.constantTimeEqual(candidate, digest) || matched }
        guard matched else { throw APIError.apiKeyInvalid }
        var context = context
        context.apiKeyID = Hex.encode(digest.prefix(Self.keyIDByteCount))
        return try await next(request, context)
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
