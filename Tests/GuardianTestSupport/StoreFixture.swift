import Foundation
import Guardian
import GuardianPostgres
import GuardianSQLite

// MARK: - A store that outlives its services

extension StoreKind {
    /// The kinds whose data outlives the store's handle: closing and reopening (a restart, a crash) finds it again.
    public static let persistent: [StoreKind] = [.sqlite, .postgres]

    /// Runs `body` with a fresh store of this kind (``StoreFixture``), and closes every handle opened on it and removes
    /// it afterwards (the SQLite directory, the PostgreSQL schema), whatever happens.
    public func withStore<T>(_ body: (StoreFixture) async throws -> T) async throws -> T {
        let fixture = try await StoreFixture(kind: self)
        do {
            let value = try await body(fixture)
            try await fixture.remove()
            return value
        } catch {
            try? await fixture.remove()
            throw error
        }
    }
}

/// One store of a ``StoreKind`` on which a test opens handles — services ("nodes", "processes") sharing it, or one
/// after another across restarts — with the same master key for every one (the key-file provider in ``directory``, as
/// in production). An in-memory store has one instance: every "open" hands it out again, and closing it does nothing.
///
/// Made by ``StoreKind/withStore(_:)``, which cleans up.
public final class StoreFixture: @unchecked Sendable {
    public let kind: StoreKind
    /// The data directory (mode 0700): the master key files, and the SQLite database.
    public let directory: DataDirectory
    /// The PostgreSQL schema; nil for the other kinds.
    public let postgres: PostgresTestDatabase?
    private let memory: InMemoryGuardianStore?
    private let lock = NSLock()
    private var handles: [ObjectIdentifier: any GuardianStore] = [:]

    init(kind: StoreKind) async throws {
        self.kind = kind
        directory = try DataDirectory()
        try FileManager.default.createDirectory(
            at: directory.url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        memory = kind == .inMemory ? InMemoryGuardianStore() : nil
        if kind == .postgres { postgres = try await PostgresTestDatabase.create() } else { postgres = nil }
    }

    /// The key-file provider every service of this fixture uses.
    public var keyProvider: FileMasterKeyProvider { FileMasterKeyProvider(directory: directory.url) }

    /// The SQLite database file (for a SQLite fixture).
    public var sqlitePath: String { directory.url.appendingPathComponent(SQLiteGuardianStore.databaseFileName).path }

    /// A new handle on the store (a new SQLite connection set, a new PostgreSQL pool; the in-memory instance itself),
    /// closed by ``close(_:)-(any GuardianStore)`` or at the end of the test.
    public func openStore(sqliteOptions: SQLiteGuardianStore.Options = .init()) async throws -> any GuardianStore {
        let store: any GuardianStore
        switch kind {
        case .inMemory: return memory!
        case .sqlite: store = try await SQLiteGuardianStore.open(directory: directory.url, options: sqliteOptions)
        case .postgres: store = try await postgres!.openStore()
        }
        lock.withLock { handles[ObjectIdentifier(store as AnyObject)] = store }
        return store
    }

    /// A service over a new handle (another node on the store; after ``close(_:)-(GuardianHarness)``, the same node
    /// restarted), with ``keyProvider``; the rest is ``GuardianHarness/make(store:keyProvider:clock:metrics:qrRenderer:configure:)``'s.
    public func harness(
        clock: ManualClock = ManualClock(unixSeconds: GuardianHarness.startTime),
        sqliteOptions: SQLiteGuardianStore.Options = .init(),
        configure: (inout GuardianConfiguration) -> Void = { _ in }
    ) async throws -> GuardianHarness {
        let store = try await openStore(sqliteOptions: sqliteOptions)
        do {
            return try await GuardianHarness.make(
                store: store, keyProvider: keyProvider, clock: clock, configure: configure)
        } catch {
            await close(store)
            throw error
        }
    }

    /// Closes a handle from ``openStore(sqliteOptions:)`` (nothing for an in-memory store).
    public func close(_ store: any GuardianStore) async {
        let handle = lock.withLock { handles.removeValue(forKey: ObjectIdentifier(store as AnyObject)) }
        switch handle {
        case let sqlite as SQLiteGuardianStore: sqlite.close()
        case let postgres as PostgresGuardianStore: await postgres.close()
        default: break
        }
    }

    /// Closes the harness's store handle (what stopping its process does).
    public func close(_ harness: GuardianHarness) async { await close(harness.store) }

    /// Closes what is still open and drops the PostgreSQL schema (the directory goes with the fixture).
    func remove() async throws {
        let open = lock.withLock { Array(handles.values) }
        for store in open { await close(store) }
        try await postgres?.drop()
    }
}
