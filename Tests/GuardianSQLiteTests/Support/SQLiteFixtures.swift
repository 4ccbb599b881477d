import Foundation
import Guardian
import GuardianTestSupport

@testable import GuardianSQLite

// MARK: - Fixtures

extension GuardianHarness {
    /// A service over an SQLite store in `directory`, with the default key-file provider there.
    static func sqlite(
        _ directory: DataDirectory, clock: ManualClock = ManualClock(unixSeconds: startTime),
        options: SQLiteGuardianStore.Options = .init(), configure: (inout GuardianConfiguration) -> Void = { _ in }
    ) async throws -> (GuardianHarness, SQLiteGuardianStore) {
        let store = try await SQLiteGuardianStore.open(directory: directory.url, options: options)
        let harness = try await make(
            store: store, keyProvider: FileMasterKeyProvider(directory: directory.url), clock: clock,
            configure: configure)
        return (harness, store)
    }
}

/// Raw SQL on a database file, for inspecting and tampering as an attacker with file access could.
func withRawDatabase<T>(_ path: String, _ body: (SQLiteHandle) throws -> T) throws -> T {
    let handle = try SQLiteHandle(path: path, readOnly: false, busyTimeoutMilliseconds: 5_000)
    defer { handle.close() }
    return try body(handle)
}
