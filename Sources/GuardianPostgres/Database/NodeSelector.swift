import Foundation
import Guardian
import Logging
import NIOCore
import PostgresNIO

// MARK: - Node selection

/// Finds the server to use and owns its connection pool.
///
/// With one host, the pool is made once and reconnects by itself. With several (a primary and its standbys), each is
/// probed in order — connect, then `SELECT pg_is_in_recovery(), current_setting('transaction_read_only')` — and the
/// first that accepts writes gets the pool (libpq's `target_session_attrs=read-write`). When a call then fails at the
/// connection level, or the server has turned read-only (a demoted primary), ``invalidate(generation:)`` drops the
/// pool and the next call probes again: after a failover the store follows the new primary by itself. Probes are
/// coalesced (one at a time) and, after a failed round, not repeated for
/// ``PostgresGuardianStore/Options/reselectInterval``, so an outage costs each call a quick error, not a connect.
actor NodeSelector {
    /// A selected server and its pool.
    struct Node: Sendable {
        let client: PostgresClient
        let host: PostgresConnectionConfiguration.Host
        /// Increases with every pool made, so a stale failure cannot drop a newer pool.
        let generation: Int
    }

    private let configuration: PostgresConnectionConfiguration
    private let options: PostgresGuardianStore.Options
    private let tls: TLSSettings
    private let startupParameters: [(String, String)]
    private var current: Node?
    private var runs: [Int: Task<Void, Never>] = [:]
    private var selecting: Task<PostgresConnectionConfiguration.Host, any Error>?
    private var lastFailure: (at: ContinuousClock.Instant, error: any Error)?
    private var generation = 0
    /// The generation being checked by ``check(_:)``, if any.
    private var checking: Int?
    private var closed = false

    init(
        configuration: PostgresConnectionConfiguration, options: PostgresGuardianStore.Options, tls: TLSSettings,
        startupParameters: [(String, String)]
    ) {
        self.configuration = configuration
        self.options = options
        self.tls = tls
        self.startupParameters = startupParameters
    }

    var currentHost: PostgresConnectionConfiguration.Host? { current?.host }

    /// The current node, selecting one first when there is none.
    func node() async throws -> Node {
        if let current { return current }
        guard !closed else { throw GuardianStoreError(.closed, "the store is closed") }
        if let lastFailure, lastFailure.at.duration(to: .now) < options.reselectInterval { throw lastFailure.error }
        let task: Task<PostgresConnectionConfiguration.Host, any Error>
        if let selecting {
            task = selecting
        } else {
            let (configuration, options, tls, parameters) = (configuration, options, tls, startupParameters)
            task = Task {
                try await Self.select(
                    configuration: configuration, options: options, tls: tls, startupParameters: parameters)
            }
            selecting = task
        }
        let host: PostgresConnectionConfiguration.Host
        do {
            host = try await task.value
        } catch {
            if selecting == task {
                selecting = nil
                lastFailure = (.now, error)
            }
            throw error
        }
        if selecting == task { selecting = nil }
        // Another caller may have made the pool while this one waited, or the store may have closed.
        if let current { return current }
        guard !closed else { throw GuardianStoreError(.closed, "the store is closed") }
        lastFailure = nil
        generation += 1
        let client = PostgresClient(
            configuration: clientConfiguration(host), backgroundLogger: options.logger)
        runs[generation] = Task.detached { await client.run() }
        let node = Node(client: client, host: host, generation: generation)
        current = node
        return node
    }

    /// Drops the pool of `generation` if it is still the current one (its connections close; calls on it fail).
    func invalidate(generation: Int) {
        guard let current, current.generation == generation else { return }
        self.current = nil
        runs.removeValue(forKey: generation)?.cancel()
    }

    /// Probes `node`'s server (connect and the read-write check, within the connect timeout) and drops the node if it
    /// fails — a lease that waits long on a pool whose server is gone. One check at a time per node.
    func check(_ node: Node) async {
        guard let current, current.generation == node.generation, checking != node.generation else { return }
        checking = node.generation
        defer { if checking == node.generation { checking = nil } }
        let (configuration, options, tls, parameters) = (configuration, options, tls, startupParameters)
        let limit = configuration.connectTimeout ?? options.connectTimeout
        do {
            try await withDeadline(limit, "no answer to the connection and the read-write check") {
                try await Self.probe(
                    node.host, configuration: configuration, options: options, tls: tls, startupParameters: parameters)
            }
        } catch {
            invalidate(generation: node.generation)
        }
    }

    /// Stops every pool and waits until they have closed their connections.
    func close() async {
        closed = true
        current = nil
        selecting?.cancel()
        let stopping = runs.values
        runs = [:]
        for run in stopping { run.cancel() }
        for run in stopping { await run.value }
    }

    // MARK: Probing

    private func clientConfiguration(_ host: PostgresConnectionConfiguration.Host) -> PostgresClient.Configuration {
        var client = PostgresClient.Configuration(
            host: host.name, port: host.port, username: configuration.user, password: configuration.password,
            database: configuration.database, tls: tls.client)
        client.options.connectTimeout = configuration.connectTimeout ?? options.connectTimeout
        client.options.maximumConnections = max(1, options.maximumConnections)
        client.options.minimumConnections = min(max(0, options.minimumConnections), max(1, options.maximumConnections))
        client.options.additionalStartupParameters = startupParameters
        return client
    }

    /// The first host of `configuration` that is acceptable, probing each in order.
    /// - Throws: ``GuardianStoreError`` `.unavailable` listing every host and why it was passed over.
    private static func select(
        configuration: PostgresConnectionConfiguration, options: PostgresGuardianStore.Options, tls: TLSSettings,
        startupParameters: [(String, String)]
    ) async throws -> PostgresConnectionConfiguration.Host {
        var reasons: [String] = []
        let limit = configuration.connectTimeout ?? options.connectTimeout
        for host in configuration.hosts {
            do {
                // The connect timeout bounds TCP only; a server that accepts and then never answers is bounded here.
                try await withDeadline(limit, "no answer to the connection and the read-write check") {
                    try await probe(
                        host, configuration: configuration, options: options, tls: tls,
                        startupParameters: startupParameters)
                }
                return host
            } catch let error as CancellationError {
                throw error
            } catch let error as GuardianStoreError {
                reasons.append("\(host): \(error.detail)")
            } catch {
                reasons.append("\(host): \(error)")
            }
        }
        let wanted = configuration.targetSessionAttributes == .readWrite ? "accepts writes" : "answers"
        throw GuardianStoreError(
            .unavailable,
            "no PostgreSQL server of \(configuration) \(wanted): " + reasons.joined(separator: "; "))
    }

    private static func probe(
        _ host: PostgresConnectionConfiguration.Host, configuration: PostgresConnectionConfiguration,
        options: PostgresGuardianStore.Options, tls: TLSSettings, startupParameters: [(String, String)]
    ) async throws {
        var settings = PostgresConnection.Configuration(
            host: host.name, port: host.port, username: configuration.user, password: configuration.password,
            database: configuration.database, tls: try tls.connection())
        let timeout = configuration.connectTimeout ?? options.connectTimeout
        settings.options.connectTimeout = .nanoseconds(
            timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        settings.options.additionalStartupParameters = startupParameters
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: settings, id: 0, logger: options.logger)
        } catch {
            throw PostgresErrorMapping.map(error, host: host)
        }
        do {
            if configuration.targetSessionAttributes == .readWrite {
                let rows = try await connection.query(
                    "SELECT pg_is_in_recovery(), current_setting('transaction_read_only')", logger: options.logger
                ).collect()
                guard let (inRecovery, readOnly) = try rows.first?.decode((Bool, String).self) else {
                    throw GuardianStoreError(.unavailable, "the read-write check returned no row")
                }
                guard !inRecovery else { throw GuardianStoreError(.unavailable, "a standby (in recovery)") }
                guard readOnly == "off" else { throw GuardianStoreError(.unavailable, "read-only") }
            } else {
                _ = try await connection.query("SELECT 1", logger: options.logger).collect()
            }
        } catch {
            try? await connection.close()
            throw error is GuardianStoreError ? error : PostgresErrorMapping.map(error, host: host)
        }
        try? await connection.close()
    }
}
