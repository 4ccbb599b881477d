import Foundation
import Guardian
import GuardianPostgres
import GuardianSQLite

// MARK: - Every store

/// The stores the domain suites run on: the same scenarios, the same expectations, on each (`GuardianStore`'s contract
/// is what the domain relies on, so it is tested through the domain).
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case inMemory = "in-memory"
    case sqlite = "SQLite"
    /// A fresh schema on the test cluster (``PostgresTestCluster``) per harness, dropped with it.
    case postgres = "PostgreSQL"

    public var description: String { rawValue }

    /// A harness on a fresh store of this kind (a SQLite database in a temporary directory, durable commits, removed
    /// with the harness; a PostgreSQL schema created for it and dropped with it); the parameters are ``GuardianHarness/make(store:keyProvider:clock:metrics:qrRenderer:configure:)``'s.
    public func harness(
        keyProvider: any MasterKeyProvider = StaticMasterKeyProvider([.generate()]),
        clock: ManualClock = ManualClock(unixSeconds: GuardianHarness.startTime),
        metrics: any GuardianMetrics = NoGuardianMetrics(),
        qrRenderer: (any QRRenderer)? = nil,
        configure: (inout GuardianConfiguration) -> Void = { _ in }
    ) async throws -> GuardianHarness {
        switch self {
        case .inMemory:
            return try await GuardianHarness.make(
                keyProvider: keyProvider, clock: clock, metrics: metrics, qrRenderer: qrRenderer, configure: configure)
        case .sqlite:
            let directory = try DataDirectory()
            let store = try await SQLiteGuardianStore.open(directory: directory.url)
            var harness = try await GuardianHarness.make(
                store: store, keyProvider: keyProvider, clock: clock, metrics: metrics, qrRenderer: qrRenderer,
                configure: configure)
            harness.retained = OpenStore(store: store, directory: directory)
            return harness
        case .postgres:
            let database = try await PostgresTestDatabase.create()
            let store: PostgresGuardianStore
            do { store = try await database.openStore() } catch {
                try? await database.drop()
                throw error
            }
            let retained = OpenPostgresStore(store: store, database: database)
            var harness = try await GuardianHarness.make(
                store: store, keyProvider: keyProvider, clock: clock, metrics: metrics, qrRenderer: qrRenderer,
                configure: configure)
            harness.retained = retained
            return harness
        }
    }
}

/// A SQLite store and its directory, closed and then deleted when the last harness holding them goes.
final class OpenStore: @unchecked Sendable {
    let store: SQLiteGuardianStore
    let directory: DataDirectory

    init(store: SQLiteGuardianStore, directory: DataDirectory) {
        self.store = store
        self.directory = directory
    }

    deinit { store.close() }
}

// MARK: - Temporary data directories

/// A throwaway data directory, removed when the fixture is dropped.
public final class DataDirectory: @unchecked Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("guardian-sqlite-\(UUID().uuidString)")
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public var path: String { url.path }

    /// Every file SQLite and the key provider keep in the directory (database, WAL, shared memory, key files).
    public func files() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
    }

    /// Copies the directory's files as they are on disk right now — the state a crash would leave behind.
    public func crashCopy() throws -> DataDirectory {
        let copy = try DataDirectory()
        try FileManager.default.createDirectory(
            at: copy.url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for file in try files() {
            try FileManager.default.copyItem(at: file, to: copy.url.appendingPathComponent(file.lastPathComponent))
        }
        return copy
    }
}
