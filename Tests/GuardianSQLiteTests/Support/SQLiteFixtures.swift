import Foundation
import Guardian
@testable import GuardianSQLite
import GuardianTestSupport

// MARK: - Fixtures

/// A throwaway data directory, removed when the fixture is dropped.
final class DataDirectory: @unchecked Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("guardian-sqlite-\(UUID().uuidString)")
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    var path: String { url.path }

    /// Every file SQLite and the key provider keep in the directory (database, WAL, shared memory, key files).
    func files() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
    }

    /// Copies the directory's files as they are on disk right now — the state a crash would leave behind.
    func crashCopy() throws -> DataDirectory {
        let copy = try DataDirectory()
        try FileManager.default.createDirectory(at: copy.url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for file in try files() {
            try FileManager.default.copyItem(at: file, to: copy.url.appendingPathComponent(file.lastPathComponent))
        }
        return copy
    }
}

extension GuardianHarness {
    /// A service over an SQLite store in `directory`, with the default key-file provider there.
    static func sqlite(_ directory: DataDirectory, clock: ManualClock = ManualClock(unixSeconds: startTime), options: SQLiteGuardianStore.Options = .init(), configure: (inout GuardianConfiguration) -> Void = { _ in }) async throws -> (GuardianHarness, SQLiteGuardianStore) {
        let store = try await SQLiteGuardianStore.open(directory: directory.url, options: options)
        let harness = try await make(store: store, keyProvider: FileMasterKeyProvider(directory: directory.url), clock: clock, configure: configure)
        return (harness, store)
    }
}

/// Raw SQL on a database file, for inspecting and tampering as an attacker with file access could.
func withRawDatabase<T>(_ path: String, _ body: (SQLiteHandle) throws -> T) throws -> T {
    let handle = try SQLiteHandle(path: path, readOnly: false, busyTimeoutMilliseconds: 5_000)
    defer { handle.close() }
    return try body(handle)
}
