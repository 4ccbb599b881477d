import Foundation
import Guardian
import GuardianPostgres
import GuardianSQLite
import Logging
import Prometheus
import QRCode
import ServiceLifecycle

// MARK: - What the server runs on

/// The opened service and everything around it: the store (for readiness), the rate limiter (shared between the
/// domain and the server's own per-IP checks), the Prometheus registry, and what to close at shutdown.
///
/// ``open(configuration:clock:)`` is production: SQLite in the data directory, the master key from the environment
/// or the key file. ``inMemory(configuration:store:keyProvider:clock:)`` is for fast tests and trying things out.
public struct GuardianServerDependencies: Sendable {
    public let service: GuardianService
    public let store: any GuardianStore
    public let rateLimiter: any RateLimiter
    public let registry: PrometheusCollectorRegistry
    public let clock: any GuardianClock
    /// Throws when the database does not answer (`GET /readyz`).
    let readiness: @Sendable () async throws -> Void
    /// Runs after the HTTP server has stopped (close the database, drop the directory lock).
    let shutdown: @Sendable () async -> Void

    /// Closes the database and releases the data directory (what a server does after its last request).
    public func close() async { await shutdown() }

    /// Opens the production stack on the configured data directory: takes the directory lock, opens (creating and
    /// migrating) the SQLite database, loads or creates the master key, and starts the service.
    ///
    /// - Parameters:
    ///   - lockingDirectory: take ``DataDirectoryLock`` (false only for read-only tools such as `audit verify`).
    ///   - requiringExistingDatabase: refuse to create a database (tools that must not start from nothing, so a
    ///     mistyped path is an error instead of a fresh empty guardian with a new master key).
    public static func open(
        configuration: GuardianServerConfiguration, clock: any GuardianClock = SystemClock(),
        lockingDirectory: Bool = true, requiringExistingDatabase: Bool = false
    ) async throws -> GuardianServerDependencies {
        if case .postgres(let database) = configuration.storage {
            return try await openPostgres(
                database, configuration: configuration, clock: clock,
                requiringExistingDatabase: requiringExistingDatabase)
        }
        if requiringExistingDatabase, !FileManager.default.fileExists(atPath: configuration.databaseURL.path) {
            throw ServerSetupError(
                code: "database_missing",
                message: "There is no guardian database at \(configuration.databaseURL.path); check --data-dir.")
        }
        let lock = lockingDirectory ? try DataDirectoryLock(directory: configuration.dataDirectory) : nil
        let store: SQLiteGuardianStore
        do {
            store = try await SQLiteGuardianStore.open(directory: configuration.dataDirectory)
        } catch {
            lock?.release()
            throw error
        }
        do {
            let keyProvider = try Self.keyProvider(configuration.masterKey, directory: configuration.dataDirectory)
            return try await make(
                configuration: configuration, store: store, keyProvider: keyProvider, clock: clock,
                readiness: { _ = try await store.loadKeyring() },
                shutdown: {
                    store.close()
                    lock?.release()
                })
        } catch {
            store.close()
            lock?.release()
            throw error
        }
    }

    /// The PostgreSQL store (several nodes share it): no directory lock, and a master key that is never created
    /// here — from `CHRONOGUARD_MASTER_KEY` or a key file every node is given.
    static func openPostgres(
        _ database: PostgresConnectionConfiguration, configuration: GuardianServerConfiguration,
        clock: any GuardianClock, requiringExistingDatabase: Bool
    ) async throws -> GuardianServerDependencies {
        let keyProvider = try Self.sharedKeyProvider(configuration.masterKey)
        let store = try await PostgresGuardianStore.open(configuration: database)
        do {
            if requiringExistingDatabase, try await store.loadKeyring() == nil {
                throw ServerSetupError(
                    code: "database_missing",
                    message:
                        "The PostgreSQL database \(database.description) holds no guardian (no keyring); check --store."
                )
            }
            return try await make(
                configuration: configuration, store: store, keyProvider: keyProvider, clock: clock,
                readiness: { _ = try await store.loadKeyring() },
                shutdown: { await store.close() })
        } catch {
            await store.close()
            throw error
        }
    }

    /// The master key for a store shared by several nodes: the environment variable or an explicit key file, never
    /// a key created on the spot (each node would create its own).
    public static func sharedKeyProvider(
        _ source: GuardianServerConfiguration.MasterKeySource,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> any MasterKeyProvider {
        let variable = GuardianServerConfiguration.masterKeyEnvironmentVariable
        switch source {
        case .keyFileAt(let file): return FileMasterKeyProvider(keyFile: file)
        case .provider(let provider): return provider
        case .automatic, .environment, .keyFile:
            guard let value = environment[variable], !value.isEmpty else {
                throw ServerSetupError(
                    code: "master_key_missing",
                    message:
                        "A guardian on PostgreSQL needs its master key from \(variable) (Base64 of 32 bytes) or --master-key-file; every node must be given the same key, and it never enters the database."
                )
            }
            return EnvironmentMasterKeyProvider(environment: environment)
        }
    }

    /// An in-memory store with a random master key: for tests and demos. Nothing survives the process.
    public static func inMemory(
        configuration: GuardianServerConfiguration, store: InMemoryGuardianStore = InMemoryGuardianStore(),
        keyProvider: (any MasterKeyProvider)? = nil, clock: any GuardianClock = SystemClock()
    ) async throws -> GuardianServerDependencies {
        try await make(
            configuration: configuration, store: store,
            keyProvider: keyProvider ?? StaticMasterKeyProvider([MasterKey.generate()]), clock: clock,
            readiness: { _ = await store.loadKeyring() }, shutdown: {})
    }

    /// Any store and key provider.
    public static func make(
        configuration: GuardianServerConfiguration, store: any GuardianStore, keyProvider: any MasterKeyProvider,
        clock: any GuardianClock = SystemClock(), readiness: @escaping @Sendable () async throws -> Void,
        shutdown: @escaping @Sendable () async -> Void
    ) async throws -> GuardianServerDependencies {
        let registry = PrometheusCollectorRegistry()
        let rateLimiter = InMemoryRateLimiter()
        let service = try await GuardianService.start(
            store: store, keyProvider: keyProvider, configuration: configuration.resolvedGuardianConfiguration,
            clock: clock,
            metrics: PrometheusGuardianMetrics(registry: registry), qrRenderer: Self.qrRenderer,
            rateLimiter: rateLimiter)
        return GuardianServerDependencies(
            service: service, store: store, rateLimiter: rateLimiter, registry: registry, clock: clock,
            readiness: readiness, shutdown: shutdown)
    }

    /// The master key provider for a source.
    public static func keyProvider(
        _ source: GuardianServerConfiguration.MasterKeySource, directory: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> any MasterKeyProvider {
        switch source {
        case .automatic:
            if let value = environment[GuardianServerConfiguration.masterKeyEnvironmentVariable], !value.isEmpty {
                return EnvironmentMasterKeyProvider(environment: environment)
            }
            return FileMasterKeyProvider(directory: directory)
        case .keyFile:
            return FileMasterKeyProvider(directory: directory)
        case .environment:
            return EnvironmentMasterKeyProvider(environment: environment)
        case .keyFileAt(let file):
            return FileMasterKeyProvider(keyFile: file)
        case .provider(let provider):
            return provider
        }
    }

    /// Chronoguard's own QR encoder (ISO/IEC 18004), medium error correction (15 % recovery: QR codes shown on a screen
    /// suffer little damage, and M keeps an otpauth URI at a version phones scan easily).
    static let qrRenderer = QRRendererFunction { text in try QRCode.encode(text, ecLevel: .medium).svg() }
}

// MARK: - Lifecycle

/// Runs until graceful shutdown, then closes the database: registered before the HTTP server so ServiceGroup stops it
/// after the server has drained its requests.
struct StorageLifecycleService: Service {
    let shutdown: @Sendable () async -> Void

    func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }
}

/// Deletes expired challenges and sessions every `interval` until shutdown.
struct MaintenanceService: Service {
    let service: GuardianService
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            do {
                let purged = try await service.purgeExpired()
                if purged > 0 {
                    logger.debug(
                        "purged expired challenges and sessions", metadata: ["rows": .stringConvertible(purged)])
                }
            } catch {
                logger.warning("purging expired rows failed", metadata: ["code": .string(error.code.rawValue)])
            }
        }
    }
}
