import Guardian
import Hummingbird
import NIOCore

// MARK: - Request context

/// Per-request state: the client's address (for the per-IP rate limit), the API key the request authenticated with
/// (for the per-key bucket), and the body limit the server enforces.
public struct GuardianRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address as text; nil when there is no socket (router-level tests).
    public let clientAddress: String?
    /// A non-secret id of the API key the request carried (set by the route gate, ``RouteGate``), nil without API keys.
    public var apiKeyID: String?
    /// Largest request body accepted, set by ``RequestLimitsMiddleware`` from the configuration.
    public var bodyLimit: Int = GuardianServerConfiguration.defaultMaxBodyBytes

    /// The wallet session of a ``RouteAuthentication/session`` route, set by the route gate (``RouteGate``) from the
    /// bearer token before the handler runs.
    public var session: Session?

    public var maxUploadSize: Int { bodyLimit }

    /// Request bodies decode strictly (``StrictJSONRequestDecoder``).
    public var requestDecoder: StrictJSONRequestDecoder { StrictJSONRequestDecoder() }

    /// The session the route gate authenticated. A route that calls this without declaring
    /// ``RouteAuthentication/session`` is a programming error: answered as an internal error, never a trap.
    public func requireSession() throws -> Session {
        guard let session else {
            throw APIError.internalError  // the route reads a session but does not declare authentication: .session
        }
        return session
    }

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
