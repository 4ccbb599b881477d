import Foundation
import Guardian
import GuardianTestSupport
import PostgresNIO

@testable import GuardianPostgres

// MARK: - Fixtures

extension GuardianHarness {
    /// A service over a new store (pool) on `database` — another "node" on the same database — with the key-file
    /// provider in `keys` (every node of a test is given the same master key, as in production).
    static func postgres(
        _ database: PostgresTestDatabase, keys: DataDirectory, clock: ManualClock = ManualClock(unixSeconds: startTime),
        options: PostgresGuardianStore.Options? = nil,
        configure: (inout GuardianConfiguration) -> Void = { _ in }
    ) async throws -> (GuardianHarness, PostgresGuardianStore) {
        let store = try await database.openStore(options: options)
        do {
            let harness = try await make(
                store: store, keyProvider: FileMasterKeyProvider(directory: keys.url), clock: clock,
                configure: configure)
            return (harness, store)
        } catch {
            await store.close()
            throw error
        }
    }
}

/// Runs `body` with a fresh schema (or, with `ownDatabase`, a database of its own) and a fresh key directory, and drops
/// the schema or database afterwards, whatever happens.
func withDatabase<T>(ownDatabase: Bool = false, _ body: (PostgresTestDatabase, DataDirectory) async throws -> T)
    async throws -> T
{
    let database = try await ownDatabase ? PostgresTestDatabase.createDatabase() : PostgresTestDatabase.create()
    let keys = try DataDirectory()
    try FileManager.default.createDirectory(
        at: keys.url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    do {
        let value = try await body(database, keys)
        try await database.drop()
        return value
    } catch {
        try? await database.drop()
        throw error
    }
}

/// Closes every store of `stores` (each test's "nodes").
func closeAll(_ stores: [PostgresGuardianStore]) async {
    for store in stores { await store.close() }
}
