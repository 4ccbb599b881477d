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

    /// How long `/readyz` waits for the database: 3 s. A probe must answer within a probe's timeout (Kubernetes waits
    /// 1 s by default, load balancers a few) even when the database is cut off and the store's own calls run into
    /// their 10 s deadline; a database slower than this is not ready either.
    static let readinessDeadline: Duration = .seconds(3)

    @Sendable func ready(_ request: Request, context: GuardianRequestContext) async throws -> Response {
        let outcome = await Self.within(Self.readinessDeadline, readiness)
        if let failure = outcome {
            context.logger.warning("readiness check failed", metadata: ["error": .string(failure)])
            throw APIError(
                .serviceUnavailable, code: GuardianError.Code.storageUnavailable.rawValue,
                message: "The database is not reachable; the server is not ready.", retryAfterSeconds: 5)
        }
        return try HTTPBody.json(GuardianAPI.HealthResponse(status: "ready"))
    }

    /// Runs `check` for at most `limit`: nil when it succeeded in time, else why not. A check past its limit is
    /// cancelled and left to finish in the background (a store call ends at its own deadline).
    static func within(_ limit: Duration, _ check: @escaping @Sendable () async throws -> Void) async -> String? {
        let pending = PendingAnswer()
        return await withCheckedContinuation { continuation in
            pending.set(continuation)
            let work = Task {
                do {
                    try await check()
                    pending.resume(nil)
                } catch {
                    pending.resume(String(describing: error))
                }
            }
            Task {
                try? await Task.sleep(for: limit)
                if pending.resume("no answer within \(limit)") { work.cancel() }
            }
        }
    }

    /// The one continuation of ``within(_:_:)``, resumed by whichever finishes first.
    private final class PendingAnswer: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<String?, Never>?

        func set(_ continuation: CheckedContinuation<String?, Never>) {
            lock.withLock { self.continuation = continuation }
        }

        /// Resumes the continuation if nobody has; returns whether this call did.
        @discardableResult func resume(_ value: String?) -> Bool {
            let continuation = lock.withLock {
                defer { self.continuation = nil }
                return self.continuation
            }
            continuation?.resume(returning: value)
            return continuation != nil
        }
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
