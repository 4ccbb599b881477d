import Hummingbird

// MARK: - CORS from an allow-list

/// Cross-origin resource sharing (WHATWG Fetch §3.2 "CORS protocol") for the configured origins only.
///
/// A request whose `Origin` is on the list gets `Access-Control-Allow-Origin: <that origin>` (never `*`, never a
/// reflection of an unlisted origin); a preflight from a listed origin is answered here with 204; a preflight from any
/// other origin is refused with 403 `origin_not_allowed`. The methods a preflight allows are those the route table
/// serves at the requested path (so `PUT` for a wallet's policy), plus `OPTIONS`; a preflight for a path no route
/// serves gets the 404 any request for it would. Non-preflight requests from unlisted origins pass without
/// CORS headers, so the browser withholds the response from the page. Credentials (cookies) are never allowed: the API
/// authenticates with bearer tokens.
package struct CORSAllowListMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The request headers a browser client needs.
    static var allowedHeaders: String { "Authorization, Content-Type, X-API-Key" }
    /// Response headers a page may read besides the CORS-safelisted ones.
    static var exposedHeaders: String { "Retry-After, WWW-Authenticate" }
    /// Preflight cache: 600 s (Chromium caps Access-Control-Max-Age at 7,200 s; 10 minutes keeps changes prompt).
    static var maxAgeSeconds: String { "600" }

    let origins: Set<String>
    let routes: RouteTable

    init(allowedOrigins: [String], routes: RouteTable) {
        self.origins = Set(allowedOrigins.map(Self.normalize))
        self.routes = routes
    }

    /// `Access-Control-Allow-Methods` for a path: the methods served there, then `OPTIONS`; nil when none is.
    func allowedMethods(forPath path: String) -> String? {
        var methods: [String] = []
        for method in routes.methods(forPath: path).map(\.rawValue) where !methods.contains(method) {
            methods.append(method)
        }
        return methods.isEmpty ? nil : (methods + ["OPTIONS"]).joined(separator: ", ")
    }

    /// Origins compare as ASCII lower case without a trailing slash (RFC 6454 §6.1 serialisation).
    static func normalize(_ origin: String) -> String {
        var value = origin.lowercased()
        while value.hasSuffix("/") { value.removeLast() }
        return value
    }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowed = origins.contains(Self.normalize(origin))
        let isPreflight = request.method == .options && request.headers[.accessControlRequestMethod] != nil
        if isPreflight {
            guard allowed else { return APIError.originNotAllowed.response() }
            guard let methods = allowedMethods(forPath: request.uri.path) else {
                return try await next(request, context)
            }
            var response = Response(status: .noContent)
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlAllowMethods] = methods
            response.headers[.accessControlAllowHeaders] = Self.allowedHeaders
            response.headers[.accessControlMaxAge] = Self.maxAgeSeconds
            response.headers[.vary] = "Origin"
            return response
        }
        var response = try await next(request, context)
        if allowed {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        }
        // The answer depends on Origin whenever CORS is configured (Fetch §3.2.5: caches must key on it).
        response.headers[.vary] = "Origin"
        return response
    }
}
