import Guardian
import GuardianAPI
import Hummingbird
import Logging
import NIOCore

// MARK: - Errors to JSON

/// Turns every error thrown below it into the API's JSON error response (``APIError``), so no failure leaves the
/// server as an empty body, an HTML page or a stack trace.
///
/// - Domain errors keep their stable code, message and status; `internalDetail` goes to the log only.
/// - An unknown path is a 404 `not_found`; a known path with another method is a 405 `method_not_allowed` with
///   `Allow` (RFC 9110 §15.5.6).
/// - A body over the limit is a 413 `payload_too_large`.
/// - Anything unexpected is logged and answered with a 500 `internal_error` that says nothing more.
package struct ErrorMiddleware: RouterMiddleware {
    package typealias Context = GuardianRequestContext

    let routes: RouteTable

    init(routes: RouteTable) { self.routes = routes }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return apiError(for: error, request: request, context: context).response()
        }
    }

    func apiError(for error: any Error, request: Request, context: Context) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as StrictJSONError:
            return .invalidRequest(error.message, field: error.field)
        case let error as GuardianError:
            if APIError.statusCode(for: error.code) >= 500 {
                context.logger.error(
                    "request failed",
                    metadata: [
                        "code": .string(error.code.rawValue),
                        "detail": .string(error.internalDetail ?? "-"),
                        "operation_id": .string(error.operationID ?? "-"),
                    ])
            }
            return APIError(error)
        case is NIOTooManyBytesError:
            return .payloadTooLarge(limit: context.bodyLimit)
        case let error as HTTPError where error.status == .notFound:
            let allowed = routes.methods(forPath: request.uri.path)
            return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
        case let error as any HTTPResponseError:
            return Self.generic(status: error.status)
        default:
            context.logger.error("unexpected error", metadata: ["error": .string(String(describing: type(of: error)))])
            return .internalError
        }
    }

    /// An error raised by the framework itself, described by its status alone.
    static func generic(status: HTTPResponse.Status) -> APIError {
        switch status {
        case .contentTooLarge:
            APIError(
                status, code: APIError.Code.payloadTooLarge,
                message: "The request body is too large; send a smaller body.")
        case .notFound: .notFound
        case .badRequest: .invalidRequest("The request is malformed.")
        case .unsupportedMediaType: .unsupportedMediaType
        default:
            status.code >= 500
                ? .internalError
                : APIError(
                    status, code: APIError.Code.invalidRequest,
                    message: "The request could not be processed (\(status.code)).")
        }
    }
}
