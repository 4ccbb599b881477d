import HTTPTypes
import Hummingbird

// MARK: - Security headers

/// Adds the hardening headers to every response, errors included (OWASP Secure Headers Project recommendations for
/// JSON APIs). An API returns data, never documents to render, so the policies deny everything.
package struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The fixed headers. Each value's source:
    static var fixed: [(HTTPField.Name, String)] {
        [
            // RFC 6797 §6.1: two years (63,072,000 s) is the HSTS preload list's minimum-recommended max-age; browsers
            // ignore the header over plain HTTP, so sending it always is harmless.
            (.strictTransportSecurity, "max-age=63072000; includeSubDomains"),
            // CSP Level 3: nothing may load, nothing may frame the response.
            (.contentSecurityPolicy, "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
            (.xContentTypeOptions, "nosniff"),
            // RFC 7034: no framing at all (legacy browsers that ignore frame-ancestors).
            (.xFrameOptions, "DENY"),
            (.referrerPolicy, "no-referrer"),
            (.crossOriginOpenerPolicy, "same-origin"),
            (.crossOriginResourcePolicy, "same-origin"),
            (
                .permissionsPolicy,
                "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=()"
            ),
            (.xPermittedCrossDomainPolicies, "none"),
        ]
    }

    private let fields: [(HTTPField.Name, String)]

    package init() { self.fields = Self.fixed }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        for (name, value) in fields {
            // The browser pages (AppPages) set their own policies, since a page must run its scripts and use the
            // camera. Every other response gets the deny-all values.
            if (name == .contentSecurityPolicy || name == .permissionsPolicy) && response.headers[name] != nil {
                continue
            }
            response.headers[name] = value
        }
        // Tokens, secrets, signatures and lock states must not sit in any cache (RFC 9111 §5.2.2.5); a handler that
        // serves public, cacheable data (the OpenAPI document) sets its own Cache-Control.
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

extension HTTPField.Name {
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let crossOriginOpenerPolicy = Self("Cross-Origin-Opener-Policy")!
    static let permissionsPolicy = Self("Permissions-Policy")!
    static let xPermittedCrossDomainPolicies = Self("X-Permitted-Cross-Domain-Policies")!
    static let xAPIKey = Self("X-API-Key")!
}
