import Foundation
import Guardian
import GuardianPostgres
import Logging
import PostgresNIO
import TestSupport

// MARK: - The test cluster

/// The PostgreSQL server the store tests use: `CHRONOGUARD_POSTGRES_URL` when the environment sets it (so
/// `scripts/test.sh` starts one cluster for every test process, as it starts the test chains), and otherwise a private
/// cluster started once per test process through `scripts/postgres-test-cluster.sh serve` (initdb into a temporary
/// directory as an unprivileged user, 127.0.0.1, a free port), stopped when the process ends.
///
/// PostgreSQL is never optional: without it the PostgreSQL cases fail and say how to install it.
public enum PostgresTestCluster {
    /// The environment variable that points the tests at a running server (a superuser's URL: tests create databases).
    public static let environmentVariable = "CHRONOGUARD_POSTGRES_URL"

    /// The script, relative to the repository root.
    public static let script = "scripts/postgres-test-cluster.sh"
    /// How long to wait for initdb and the server's start.
    public static let startupTimeout: TimeInterval = 120
    private static let started = StartedCluster()

    /// The cluster's connection string (its `chronoguard_test` database), starting the cluster on first use.
    /// - Throws: ``ExternalPeer/Failure`` when the variable is malformed or the script fails (with its stderr and the
    ///   install hint when PostgreSQL is missing).
    public static func url() throws -> String {
        if let text = ProcessInfo.processInfo.environment[environmentVariable], !text.isEmpty { return text }
        return try started.url {
            let root = try ScriptTestChain.repositoryRoot(containing: script)
            return try ScriptServer.launch(
                script: root.appendingPathComponent(script), arguments: ["serve"], interpreter: "bash",
                startupTimeout: startupTimeout)
        }
    }

    /// The cluster's configuration.
    public static func configuration() throws -> PostgresConnectionConfiguration {
        let text = try url()
        do { return try PostgresConnectionConfiguration(parsing: text) } catch {
            throw ExternalPeer.Failure(
                description: "\(environmentVariable) is not a usable connection string: \(error)")
        }
    }

    /// The started script server (or why it did not start), decided once per process.
    private final class StartedCluster: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<ScriptServer, any Error>?

        func url(_ start: () throws -> ScriptServer) throws -> String {
            lock.lock()
            defer { lock.unlock() }
            if result == nil { result = Result { try start() } }
            return try result!.get().url.absoluteString
        }
    }
}

// MARK: - A database per test

/// A fresh place on the test cluster for one test, dropped by ``drop()`` — or, for the harnesses that hold one, when
/// they are released. Tests are independent: no test sees another's rows.
///
/// ``create()`` gives a schema of its own (`CREATE SCHEMA` with a random name, the store's ``PostgresGuardianStore/
/// Options/schema``) in the cluster's database: cheap. ``createDatabase()`` gives a database of its own (`CREATE
/// DATABASE`), for the few tests that change database-wide settings; it is not the default because `DROP DATABASE`
/// forces a checkpoint — about 2 s on the test machines' disk each, which with a hundred tests at once starved the
/// others into their 10-second deadlines.
public struct PostgresTestDatabase: Sendable {
    /// The schema's or database's name (`chronoguard_t_` and 24 hex digits).
    public let name: String
    /// The connection string's configuration (naming this database, or the cluster's database holding the schema).
    public let configuration: PostgresConnectionConfiguration
    /// The schema, nil for a database of its own.
    public let schema: String?

    /// Store options for tests: a small pool (many stores run at once), this test's schema, and deadlines with room
    /// for a 2-core machine running every suite at once (where a test process can be starved for seconds); the tests
    /// of the deadlines themselves set short ones.
    public var storeOptions: PostgresGuardianStore.Options {
        var options = PostgresGuardianStore.Options()
        options.maximumConnections = 4
        options.minimumConnections = 0
        options.schema = schema
        options.operationTimeout = .seconds(120)
        // A connection (TLS and SCRAM included) on a 2-core machine running every suite at once: a clean-clone run saw
        // ten tests' connections take more than the default 5 s at the same moment, while Python peers started.
        options.connectTimeout = .seconds(60)
        options.openTimeout = .seconds(180)
        options.lockTimeout = .seconds(60)
        options.statementTimeout = .seconds(90)
        options.idleInTransactionTimeout = .seconds(60)
        return options
    }

    static func randomName() -> String {
        "chronoguard_t_" + (0..<12).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    /// Creates a schema of its own for a test.
    public static func create() async throws -> PostgresTestDatabase {
        let cluster = try PostgresTestCluster.configuration()
        let name = randomName()
        try await admin(cluster, schema: nil) { connection, logger in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(name)"), logger: logger)
                .collect()
        }
        var configuration = cluster
        configuration.applicationName = name  // the test's sessions, told apart in pg_stat_activity
        return PostgresTestDatabase(name: name, configuration: configuration, schema: name)
    }

    /// Creates a database of its own for a test.
    public static func createDatabase() async throws -> PostgresTestDatabase {
        let cluster = try PostgresTestCluster.configuration()
        let name = randomName()
        try await admin(cluster, schema: nil) { connection, logger in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
                .collect()
        }
        var configuration = cluster
        configuration.database = name
        return PostgresTestDatabase(name: name, configuration: configuration, schema: nil)
    }

    /// Opens a store here (a new pool: another "node").
    public func openStore(options: PostgresGuardianStore.Options? = nil) async throws -> PostgresGuardianStore {
        var options = options ?? storeOptions
        options.schema = schema
        return try await PostgresGuardianStore.open(configuration: configuration, options: options)
    }

    /// Drops the schema (with everything in it) or the database (disconnecting whoever is still connected).
    public func drop() async throws {
        let cluster = try PostgresTestCluster.configuration()
        let statement =
            schema == nil ? "DROP DATABASE IF EXISTS \(name) WITH (FORCE)" : "DROP SCHEMA IF EXISTS \(name) CASCADE"
        try await Self.admin(cluster, schema: nil) { connection, logger in
            _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
        }
    }

    /// Runs `body` on a plain connection to this database (as its superuser): raw SQL for inspecting and tampering,
    /// as someone with database access could.
    public func withConnection<T: Sendable>(
        _ body: @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        try await Self.admin(configuration, schema: schema, body)
    }

    /// Polls (every 20 ms, at most 10 s) until one of this test's own sessions (`application_name` = ``name``) waits
    /// on a lock — e.g. a store batch blocked behind a row `connection` holds. Returns whether one did.
    public func waitUntilASessionWaitsOnALock(_ connection: PostgresConnection, _ logger: Logger) async throws -> Bool {
        for _ in 0..<500 {
            let rows = try await connection.query(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = \(name) AND wait_event_type = 'Lock'",
                logger: logger
            ).collect()
            if try rows.first?.decode(Int64.self) ?? 0 > 0 { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Runs `query` on this database and returns its rows.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await withConnection { connection, logger in try await connection.query(query, logger: logger).collect() }
    }

    /// The first column of the first row of `query`, decoded as `T`.
    public func scalar<T: PostgresDecodable>(_ query: PostgresQuery, as _: T.Type = T.self) async throws -> T? {
        try await self.query(query).first?.decode(T.self)
    }

    /// `SELECT count(*) FROM …`.
    public func count(_ table: String, where condition: String = "true") async throws -> Int64 {
        try await scalar(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table) WHERE \(condition)"), as: Int64.self)
            ?? -1
    }

    /// Runs `sql` on the cluster's own database (statements about a test database, such as ALTER DATABASE).
    public static func cluster(_ sql: String) async throws {
        try await admin(try PostgresTestCluster.configuration(), schema: nil) { connection, logger in
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect()
        }
    }

    /// Ends every other session on this database (what a server restart does to a pool's connections); for a test's
    /// own database (``createDatabase()``).
    public func terminateOtherSessions() async throws {
        try await Self.cluster(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(configuration.database)' AND pid <> pg_backend_pid()"
        )
    }

    static let logger = Logger(label: "chronoguard.tests.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    private static func admin<T: Sendable>(
        _ configuration: PostgresConnectionConfiguration, schema: String?,
        _ body: @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        guard let host = configuration.hosts.first else {
            throw ExternalPeer.Failure(description: "the test cluster's URL names no host")
        }
        var settings = PostgresConnection.Configuration(
            host: host.name, port: host.port, username: configuration.user, password: configuration.password,
            database: configuration.database, tls: .disable)
        if let schema { settings.options.additionalStartupParameters = [("search_path", schema)] }
        let connection = try await PostgresConnection.connect(configuration: settings, id: 1, logger: logger)
        do {
            let value = try await body(connection, logger)
            try? await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

// MARK: - Harness storage

/// A PostgreSQL store and its database: closed, then dropped, when the last harness holding them goes.
final class OpenPostgresStore: @unchecked Sendable {
    let store: PostgresGuardianStore
    let database: PostgresTestDatabase

    init(store: PostgresGuardianStore, database: PostgresTestDatabase) {
        self.store = store
        self.database = database
    }

    deinit {
        let (store, database) = (store, database)
        Task.detached {
            await store.close()
            try? await database.drop()
        }
    }
}
