import Foundation
import Guardian
import GuardianAPI
import Hummingbird
import Prometheus

// MARK: - Operations

/// `GET /healthz` (the process answers), `GET /readyz` (the database answers), `GET /metrics` (Prometheus text
/// exposition format 0.0.4) and `GET /v1/openapi.json` (the API description).
///
/// Health, readiness and the API description are public. `/metrics` follows the configured
/// ``GuardianServerConfiguration/MetricsExposure``: it tells an observer how many cosigns, failures and lockouts the
/// guardian sees, so with API keys configured it needs one unless the operator makes it public.
package struct OperationsController: Sendable {
    let registry: PrometheusCollectorRegistry
    let readiness: @Sendable () async throws -> Void
    let metricsExposure: GuardianServerConfiguration.MetricsExposure

    init(
        registry: PrometheusCollectorRegistry, readiness: @escaping @Sendable () async throws -> Void,
        metrics: GuardianServerConfiguration.MetricsExposure
    ) {
        self.registry = registry
        self.readiness = readiness
        self.metricsExposure = metrics
    }

    package var routes: [GuardianRoute] {
        var routes = [
            GuardianRoute(.get, "/healthz", access: .public, admitsByClientIP: false, health),
            GuardianRoute(.get, "/readyz", access: .public, admitsByClientIP: false, ready),
        ]
        switch metricsExposure {
        case .public: routes.append(GuardianRoute(.get, "/metrics", access: .public, admitsByClientIP: false, metrics))
        case .apiKey: routes.append(GuardianRoute(.get, "/metrics", access: .apiKey, admitsByClientIP: false, metrics))
        case .off: break
        }
        routes.append(GuardianRoute(.get, "/v1/openapi.json", access: .public, openAPI))
        return routes
    }

    @Sendable func health(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        try HTTPBody.json(GuardianAPI.HealthResponse(status: "ok"))
    }

    @Sendable func ready(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        do {
            try await readiness()
        } catch {
            context.logger.warning("readiness check failed", metadata: ["error": .string(String(describing: error))])
            throw APIError(
                .serviceUnavailable, code: GuardianError.Code.storageUnavailable.rawValue,
                message: "The database is not reachable; the server is not ready.", retryAfterSeconds: 5)
        }
        return try HTTPBody.json(GuardianAPI.HealthResponse(status: "ready"))
    }

    @Sendable func metrics(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        registry.emit(into: &buffer)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }

    @Sendable func openAPI(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        // Public and identical for every client: caches may keep it, but must revalidate (the server may be upgraded).
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
    }
}
