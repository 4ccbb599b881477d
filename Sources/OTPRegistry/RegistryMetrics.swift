import Foundation

// MARK: - Metrics hooks

/// What the service reports to metrics (Prometheus in the server, ``RegistryMetricsSink``); no-ops by default.
public struct RegistryMetrics: Sendable {
    let sink: (any RegistryMetricsSink)?

    public init(sink: (any RegistryMetricsSink)? = nil) { self.sink = sink }

    func signIn(success: Bool) { sink?.signIn(success: success) }
    func rateLimited() { sink?.rateLimited() }
    func saltReleased() { sink?.saltReleased() }
    func saltRefused() { sink?.saltRefused() }
    func setOtpFinished(success: Bool, elapsed: Duration, gas: UInt64?) {
        sink?.setOtpFinished(success: success, elapsed: elapsed, gas: gas)
    }
}

/// A metrics backend for the issuer service.
public protocol RegistryMetricsSink: Sendable {
    func signIn(success: Bool)
    func rateLimited()
    func saltReleased()
    func saltRefused()
    func setOtpFinished(success: Bool, elapsed: Duration, gas: UInt64?)
}
