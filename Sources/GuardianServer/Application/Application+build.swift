import Foundation
import Guardian
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle

// MARK: - Building the application

/// Builds the guardian's HTTP application on the configured data directory (SQLite, master key from the environment
/// or the key file), in the style of Hummingbird's examples: `try await buildApplication(configuration:).runService()`.
public func buildApplication(configuration: GuardianServerConfiguration) async throws -> some ApplicationProtocol {
    let logger = makeLogger(configuration)
    let dependencies = try await GuardianServerDependencies.open(configuration: configuration)
    do {
        return try buildApplication(configuration: configuration, dependencies: dependencies, logger: logger)
    } catch {
        await dependencies.shutdown()
        throw error
    }
}

/// Builds the application on already opened dependencies (tests pass an in-memory store here).
public func buildApplication(
    configuration: GuardianServerConfiguration, dependencies: GuardianServerDependencies, logger: Logger? = nil
) throws -> some ApplicationProtocol {
    let logger = logger ?? makeLogger(configuration)
    let router = buildRouter(
        configuration: configuration, dependencies: dependencies,
        pages: try AppPages(keysDirectory: configuration.zkKeysDirectory))
    let signInDomain = dependencies.service.configuration.signIn.domain
    let tls = configuration.tls != nil
    return Application(
        router: router,
        server: try serverBuilder(configuration),
        // No Server header: it would only tell an attacker what to look up.
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        services: [
            StorageLifecycleService(shutdown: dependencies.shutdown),
            MaintenanceService(service: dependencies.service, interval: configuration.purgeInterval, logger: logger),
        ],
        onServerRunning: { channel in
            logger.notice(
                "chronoguard guardian listening",
                metadata: [
                    "address": .string(channel.localAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"),
                    "tls": .stringConvertible(tls),
                    "sign_in_domain": .string(signInDomain),
                ])
        },
        logger: logger)
}

/// The routes the server serves, in registration order. `/metrics` is among them unless ``GuardianServerConfiguration/metrics``
/// is ``GuardianServerConfiguration/MetricsExposure/off``.
public func guardianRoutes(configuration: GuardianServerConfiguration, dependencies: GuardianServerDependencies)
    -> [GuardianRoute]
{
    OperationsController(
        registry: dependencies.registry, readiness: dependencies.readiness,
        metrics: configuration.resolvedMetricsExposure
    ).routes
        + AuthController(service: dependencies.service).routes
        + WalletController(service: dependencies.service).routes
        + GovernanceController(service: dependencies.service).routes
        + PolicyController(service: dependencies.service).routes
}

/// The router with its middleware stack, outermost first:
///
/// 1. ``HTTPMetricsMiddleware`` — counts and times what the client finally gets;
/// 2. ``SecurityHeadersMiddleware`` — hardening headers on every response, errors included;
/// 3. ``CORSAllowListMiddleware`` — preflights and CORS headers for allowed origins only;
/// 4. ``ErrorMiddleware`` — every error below becomes the JSON error body;
/// 5. ``CanonicalPathMiddleware`` — a path in any but its one canonical spelling is a 400;
/// 6. ``RequestLimitsMiddleware`` — body size (413) and JSON media type (415);
///
/// and then, per route, the ``RouteGate``: the API key when the route needs one and keys are configured, and the
/// per-client-IP admission — both decided on the matched route, before the handler reads the body. The browser pages
/// under `/app/` (``AppPages``, public static files) come last, without a gate.
public func buildRouter(
    configuration: GuardianServerConfiguration, dependencies: GuardianServerDependencies, pages: AppPages = AppPages()
) -> Router<GuardianRequestContext> {
    let routes = guardianRoutes(configuration: configuration, dependencies: dependencies)
    let table = RouteTable(routes: routes)
    let router = Router(context: GuardianRequestContext.self)
    router.add(middleware: HTTPMetricsMiddleware(registry: dependencies.registry))
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: CORSAllowListMiddleware(allowedOrigins: configuration.allowedOrigins, routes: table))
    router.add(middleware: ErrorMiddleware(routes: table))
    router.add(middleware: CanonicalPathMiddleware())
    router.add(middleware: RequestLimitsMiddleware(maxBodyBytes: configuration.maxBodyBytes))
    let gate = RouteGate(keys: APIKeys(configuration.apiKeys), service: dependencies.service)
    for route in routes {
        router.on(RouterPath(route.path), method: route.method, use: gate.guarding(route))
    }
    pages.register(on: router)
    return router
}

/// The HTTP/1.1 parser's header bounds: fields of at most 8 KiB, 16 KiB of headers, 100 fields. A legitimate request
/// has ~10 small ones; the bounds keep a client from making the parser buffer 80 KiB per connection, Hummingbird's
/// default. A request over them gets `431 headers_too_large` (``HTTPParseErrorResponder``).
enum HTTPHeaderLimits {
    static let fieldBytes = 8 * 1024
    static let totalBytes = 16 * 1024
    static let fieldCount = 100
}

/// HTTP/1.1 with bounded headers (``HTTPHeaderLimits``), parser errors answered as JSON API errors, requests that
/// arrive slower than the configured request timeout cut off (``RequestDeadlineHandler``), and connections idle for
/// 30 s closed.
func http1Configuration(_ configuration: GuardianServerConfiguration) -> HTTP1Channel.Configuration {
    let requestTimeout = TimeAmount(configuration.requestTimeout)
    return HTTP1Channel.Configuration(
        additionalChannelHandlers: [HTTPParseErrorResponder(), RequestDeadlineHandler(timeout: requestTimeout)],
        idleTimeout: .seconds(30),
        httpDecoderConfiguration: .init(
            maxHeaderFieldSize: HTTPHeaderLimits.fieldBytes, maxHeaderListSize: HTTPHeaderLimits.totalBytes,
            maxHeaderFieldCount: HTTPHeaderLimits.fieldCount))
}

/// Plain HTTP/1.1, or HTTPS with the configured PEM certificate chain and key.
func serverBuilder(_ configuration: GuardianServerConfiguration) throws -> HTTPServerBuilder {
    guard let tls = configuration.tls else { return .http1(configuration: http1Configuration(configuration)) }
    let certificates: [NIOSSLCertificate]
    let key: NIOSSLPrivateKey
    do {
        certificates = try NIOSSLCertificate.fromPEMFile(tls.certificateChainPath)
        key = try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)
    } catch {
        throw ServerSetupError(
            code: "tls_files_unusable",
            message:
                "Cannot read the TLS certificate chain \(tls.certificateChainPath) or key \(tls.privateKeyPath) as PEM; check the paths and formats."
        )
    }
    guard !certificates.isEmpty else {
        throw ServerSetupError(
            code: "tls_files_unusable",
            message: "The TLS certificate file \(tls.certificateChainPath) holds no certificate.")
    }
    var tlsConfiguration = TLSConfiguration.makeServerConfiguration(
        certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key))
    // TLS 1.2 is the oldest version without known protocol weaknesses (RFC 8996 deprecates 1.0 and 1.1).
    tlsConfiguration.minimumTLSVersion = .tlsv12
    return try .tls(.http1(configuration: http1Configuration(configuration)), tlsConfiguration: tlsConfiguration)
}

func makeLogger(_ configuration: GuardianServerConfiguration) -> Logger {
    var logger = Logger(label: "chronoguard.guardian")
    logger.logLevel = configuration.logLevel
    return logger
}

/// A setup failure with a stable code and a sentence (TLS files, data directory).
public struct ServerSetupError: Error, Sendable, Hashable, CustomStringConvertible {
    public let code: String
    public let message: String
    public var description: String { message }
}
