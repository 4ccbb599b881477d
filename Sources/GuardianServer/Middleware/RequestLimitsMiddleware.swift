import Hummingbird

// MARK: - Body limit and media type

/// Bounds what a request can make the server buffer.
///
/// A `Content-Length` over the limit is refused before any byte is read (413); a chunked body is cut off at the
/// limit while it is collected (``HTTPBody`` collects with `collectBody(upTo:)`, which throws, also 413). That a
/// non-empty body is `application/json` is checked by ``HTTPBody`` once the body is read, since a chunked body's
/// emptiness is only known then.
package struct RequestLimitsMiddleware: RouterMiddleware {
    package typealias Context = GuardianRequestContext

    let maxBodyBytes: Int

    package init(maxBodyBytes: Int) { self.maxBodyBytes = maxBodyBytes }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var context = context
        context.bodyLimit = maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBodyBytes {
            throw APIError.payloadTooLarge(limit: maxBodyBytes)
        }
        return try await next(request, context)
    }

}
