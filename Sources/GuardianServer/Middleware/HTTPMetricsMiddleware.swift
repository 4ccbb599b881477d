import Foundation
import Hummingbird
import Prometheus

// MARK: - Per-route HTTP metrics

/// Counts every request and times it, by route template (never the raw path, so wallet addresses do not become
/// label values and the series count stays bounded):
///
/// - `chronoguard_http_requests_total{method, route, status}` (counter)
/// - `chronoguard_http_request_duration_seconds{method, route}` (histogram)
///
/// It sits outermost, so the status is the one the client gets (errors already turned into responses).
package struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let handles: HTTPMetricsRecorder

    package init(registry: PrometheusCollectorRegistry) { self.handles = HTTPMetricsRecorder(registry: registry) }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            handles.record(
                method: request.method.rawValue, route: context.endpointPath, status: response.status.code,
                elapsed: ContinuousClock.now - start)
            return response
        } catch {
            handles.record(
                method: request.method.rawValue, route: context.endpointPath, status: 500,
                elapsed: ContinuousClock.now - start)
            throw error
        }
    }
}

/// Metric handles, created on first use per label set and cached (the registry's own lookup allocates).
final class HTTPMetricsRecorder: @unchecked Sendable {
    struct Key: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    struct RouteKey: Hashable {
        let method: String
        let route: String
    }

    /// Request latency buckets: 250 µs to 2.5 s (the p99 target is 10 ms; wider buckets catch pathologies).
    static let buckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2_500), .milliseconds(5),
        .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .milliseconds(2_500),
    ]
    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "chronoguard", subsystem: "http", metricName: "requests", unitName: "total",
            helpText: "HTTP requests by route and status.")
    }
    static var duration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "chronoguard", subsystem: "http", metricName: "request_duration", unitName: "seconds",
            helpText: "HTTP request latency by route.")
    }

    private let registry: PrometheusCollectorRegistry
    private let lock = NSLock()
    private var counters: [Key: Counter] = [:]
    private var histograms: [RouteKey: DurationHistogram] = [:]

    init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    func record(method: String, route: String?, status: Int, elapsed: Duration) {
        // Unmatched paths share one label value; a method outside the standard set too (bounded cardinality).
        let route = route.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
        let method = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].contains(method) ? method : "OTHER"
        let key = Key(method: method, route: route, status: status)
        let routeKey = RouteKey(method: method, route: route)
        let (counter, histogram) = lock.withLock { () -> (Counter, DurationHistogram) in
            let counter =
                counters[key]
                ?? {
                    let made = registry.makeCounter(
                        descriptor: Self.requests,
                        labels: [("method", method), ("route", route), ("status", String(status))])
                    counters[key] = made
                    return made
                }()
            let histogram =
                histograms[routeKey]
                ?? {
                    let made = registry.makeDurationHistogram(
                        descriptor: Self.duration, labels: [("method", method), ("route", route)], buckets: Self.buckets
                    )
                    histograms[routeKey] = made
                    return made
                }()
            return (counter, histogram)
        }
        counter.increment()
        histogram.record(elapsed)
    }
}
