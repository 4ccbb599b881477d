import EVMKit
import Foundation
import GuardianAPI
import GuardianServer
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OTPRegistry
import Prometheus

// MARK: - Request context

/// Per-request state: the address the session gate authenticated (``RegistryRoute/authenticated``).
public struct RegistryRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var address: EthereumAddress?
    public var maxUploadSize: Int { 64 * 1024 }
    /// Bodies decode strictly (the guardian's ``StrictJSONRequestDecoder``: 413, 415, duplicate names, unknown fields).
    public var requestDecoder: StrictJSONRequestDecoder { StrictJSONRequestDecoder() }

    public init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }

    func requireAddress() throws -> EthereumAddress {
        guard let address else { throw RegistryError(.internalError, "The route has no session gate.") }
        return address
    }
}

// MARK: - Routes

/// One endpoint: method, path template, whether it needs a session, handler. The router, the session gate and the
/// OpenAPI test read the same list.
public struct RegistryRoute: Sendable {
    public let method: HTTPRequest.Method
    public let path: String
    public let authenticated: Bool
    let handler: @Sendable (Request, RegistryRequestContext) async throws -> Response
}

/// The issuer's routes.
public struct RegistryController: Sendable {
    let service: RegistryService
    let registry: PrometheusCollectorRegistry

    public init(service: RegistryService, registry: PrometheusCollectorRegistry) {
        self.service = service
        self.registry = registry
    }

    public var routes: [RegistryRoute] {
        [
            RegistryRoute(method: .get, path: "/healthz", authenticated: false) { _, _ in
                try json(["status": "ok"])
            },
            RegistryRoute(method: .get, path: "/metrics", authenticated: false) { _, _ in
                var buffer: [UInt8] = []
                registry.emit(into: &buffer)
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
            },
            RegistryRoute(method: .get, path: "/v1/openapi.json", authenticated: false) { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: RegistryOpenAPI.json)))
            },
            RegistryRoute(method: .post, path: "/v1/auth/challenge", authenticated: false, handler: challenge),
            RegistryRoute(method: .post, path: "/v1/auth/verify", authenticated: false, handler: verify),
            RegistryRoute(method: .post, path: "/v1/enrollment", authenticated: true, handler: enroll),
            RegistryRoute(method: .post, path: "/v1/enrollment/confirm", authenticated: true, handler: confirm),
            RegistryRoute(method: .post, path: "/v1/requests", authenticated: true, handler: issue),
            RegistryRoute(method: .post, path: "/v1/requests/{id}/salt", authenticated: true, handler: salt),
        ]
    }

    @Sendable func challenge(_ request: Request, context: RegistryRequestContext) async throws -> Response {
        let body = try await request.decode(as: RegistryAPI.ChallengeRequest.self, context: context)
        let challenge = try await service.challenge(address: body.address)
        return try json(RegistryAPI.ChallengeResponse(message: challenge.message, expiresAt: challenge.expiresAt))
    }

    @Sendable func verify(_ request: Request, context: RegistryRequestContext) async throws -> Response {
        let body = try await request.decode(as: RegistryAPI.VerifyRequest.self, context: context)
        guard let signature = Hex.decode(body.signature), signature.count == 65 else {
            throw RegistryError(.invalidRequest, "Field `signature` must be 65 bytes (r ‖ s ‖ v) as 0x hex.")
        }
        let session = try await service.signIn(message: body.message, signature: signature)
        return try json(
            RegistryAPI.SessionResponse(
                token: session.token, address: session.address.checksummed, expiresAt: session.expiresAt))
    }

    @Sendable func enroll(_ request: Request, context: RegistryRequestContext) async throws -> Response {
        _ = try await decodeOptionalEmpty(request, context: context)
        let enrollment = try await service.enroll(try context.requireAddress())
        return try json(RegistryAPI.EnrollmentResponse(otpauthUri: enrollment.uri, qrSvg: enrollment.qrSVG))
    }

    @Sendable func confirm(_ request: Request, context: RegistryRequestContext) async throws -> Response {
        let body = try await request.decode(as: RegistryAPI.CodeRequest.self, context: context)
        try await service.confirmEnrollment(try context.requireAddress(), code: body.code)
        return Response(status: .noContent)
    }

    @Sendable func issue(_ request: Request, context: RegistryRequestContext) async throws -> Response {
        let body = try await request.decode(as: RegistryAPI.IssueRequest.self, context: context)
        let issued = try await service.issue(try context.requireAddress(), scope: body.scope)
        return try json(
            RegistryAPI.IssueResponse(
                requestId: Hex.encode(issued.requestID), expiry: issued.expiry, step: issued.step,
                stepEndsAt: issued.stepEndsAt, transactionHash: Hex.encode(issued.transactionHash)),
            status: .created)
    }

    @Sendable func salt(_ request: Request, context: RegistryRequestContext) async throws -> Response {
        let body = try await request.decode(as: RegistryAPI.CodeRequest.self, context: context)
        guard let text = context.parameters.get("id"), let id = Hex.decode(text), id.count == 32 else {
            throw RegistryError(.invalidRequest, "The request id in the path must be 32 bytes as 0x hex.")
        }
        let salt = try await service.releaseSalt(try context.requireAddress(), requestID: id, code: body.code)
        return try json(RegistryAPI.SaltResponse(requestId: Hex.encode(id), salt: Hex.encode(salt)))
    }

    func decodeOptionalEmpty(_ request: Request, context: RegistryRequestContext) async throws -> Bool {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return true }
        _ = try StrictJSON.decode(RegistryAPI.EmptyRequest.self, from: Data(buffer.readableBytesView))
        return true
    }
}

func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    let data = try JSONCoding.makeEncoder().encode(value)
    return Response(
        status: status, headers: [.contentType: "application/json; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

// MARK: - Errors and the session gate

/// Every error below it becomes `{"error": {"code", "message", "retryAfterSeconds"?}}` with the code's status
/// (`Retry-After` on 429); unexpected errors are logged by type only and answered as `internal_error`.
struct RegistryErrorMiddleware: RouterMiddleware {
    typealias Context = RegistryRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let mapped = Self.map(error)
            if mapped.code == .internalError || mapped.code == .storage || mapped.code == .chainUnavailable {
                context.logger.error(
                    "request failed",
                    metadata: [
                        "code": .string(mapped.code.rawValue), "detail": .string(mapped.internalDetail ?? "-"),
                    ])
            }
            return Self.response(mapped)
        }
    }

    static func map(_ error: any Error) -> RegistryError {
        switch error {
        case let error as RegistryError: return error
        case let error as StrictJSONError: return RegistryError(.invalidRequest, error.message)
        case let error as APIError:
            return RegistryError(
                error.status.code >= 500 ? .internalError : .invalidRequest, error.message,
                internalDetail: error.code)
        case is NIOTooManyBytesError:
            return RegistryError(.invalidRequest, "The request body is too large.")
        case let error as HTTPError where error.status == .notFound:
            return RegistryError(.invalidRequest, "No such route.", internalDetail: "not_found")
        default:
            return RegistryError(
                .internalError, "The service could not complete the request.",
                internalDetail: String(describing: type(of: error)))
        }
    }

    static func response(_ error: RegistryError) -> Response {
        var status = HTTPResponse.Status(code: error.code.httpStatus)
        if error.internalDetail == "not_found" { status = .notFound }
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retry = error.retryAfterSeconds { headers[.retryAfter] = String(retry) }
        let body = RegistryAPI.ErrorBody(
            error: .init(code: error.code.rawValue, message: error.message, retryAfterSeconds: error.retryAfterSeconds))
        let data =
            (try? JSONCoding.makeEncoder().encode(body))
            ?? Data(
                #"{"error":{"code":"internal_error","message":"The service could not complete the request."}}"#.utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Authenticates `Authorization: Bearer <token>` (RFC 6750 §2.1) before an authenticated route's handler runs.
func gated(_ route: RegistryRoute, service: RegistryService)
    -> @Sendable (Request, RegistryRequestContext) async throws -> Response
{
    guard route.authenticated else { return route.handler }
    return { request, context in
        var context = context
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        let token = header.hasPrefix(prefix) ? String(header.dropFirst(prefix.count)) : ""
        context.address = try await service.authenticate(token: token)
        return try await route.handler(request, context)
    }
}

// MARK: - The router

/// The router: metrics outermost, security headers, JSON errors, then each route behind its session gate.
public func buildRegistryRouter(service: RegistryService, registry: PrometheusCollectorRegistry) -> Router<
    RegistryRequestContext
> {
    let router = Router(context: RegistryRequestContext.self)
    router.add(middleware: HTTPMetricsMiddleware(registry: registry))
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: RegistryErrorMiddleware())
    for route in RegistryController(service: service, registry: registry).routes {
        router.on(RouterPath(route.path), method: route.method, use: gated(route, service: service))
    }
    return router
}

/// The issuer's application on `host:port`.
public func buildRegistryApplication(
    service: RegistryService, registry: PrometheusCollectorRegistry, host: String, port: Int, logger: Logger
) -> some ApplicationProtocol {
    Application(
        router: buildRegistryRouter(service: service, registry: registry),
        configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
        onServerRunning: { channel in
            logger.notice(
                "chronoguard registry issuer listening",
                metadata: [
                    "address": .string(channel.localAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?")
                ])
        },
        logger: logger)
}

// MARK: - Metrics

/// The service's Prometheus metrics: sign-ins, rate limits, salts released/refused, setOtp outcomes, latency and gas.
public struct PrometheusRegistryMetrics: RegistryMetricsSink {
    let signInOK: Counter
    let signInFailed: Counter
    let limited: Counter
    let released: Counter
    let refused: Counter
    let setOK: Counter
    let setFailed: Counter
    let latency: DurationHistogram
    let gas: Counter

    public init(registry: PrometheusCollectorRegistry) {
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "chronoguard", metricName: metric, unitName: unit, helpText: help)
        }
        let signIns = name("registry_sign_ins", "total", "SIWE sign-ins by outcome.")
        let salts = name("registry_salts", "total", "Salt requests: released, or refused for a wrong code.")
        let sets = name("registry_set_otp", "total", "setOtp transactions by outcome.")
        signInOK = registry.makeCounter(descriptor: signIns, labels: [("outcome", "ok")])
        signInFailed = registry.makeCounter(descriptor: signIns, labels: [("outcome", "failed")])
        limited = registry.makeCounter(
            descriptor: name("registry_rate_limited", "total", "Issuances refused by the token bucket."))
        released = registry.makeCounter(descriptor: salts, labels: [("outcome", "released")])
        refused = registry.makeCounter(descriptor: salts, labels: [("outcome", "wrong_code")])
        setOK = registry.makeCounter(descriptor: sets, labels: [("outcome", "ok")])
        setFailed = registry.makeCounter(descriptor: sets, labels: [("outcome", "failed")])
        latency = registry.makeDurationHistogram(
            descriptor: name("registry_set_otp_duration", "seconds", "setOtp latency: submit to receipt."),
            buckets: [
                .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                .seconds(2), .seconds(5), .seconds(15), .seconds(60),
            ])
        gas = registry.makeCounter(descriptor: name("registry_set_otp_gas", "total", "Gas used by setOtp."))
    }

    public func signIn(success: Bool) { (success ? signInOK : signInFailed).increment() }
    public func rateLimited() { limited.increment() }
    public func saltReleased() { released.increment() }
    public func saltRefused() { refused.increment() }
    public func setOtpFinished(success: Bool, elapsed: Duration, gas used: UInt64?) {
        (success ? setOK : setFailed).increment()
        latency.record(elapsed)
        if let used { gas.increment(by: Int64(used)) }
    }
}
