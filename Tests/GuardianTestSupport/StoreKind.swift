import Foundation
import Guardian
import GuardianSQLite

// MARK: - Every store

/// The stores the domain suites run on: the same scenarios, the same expectations, on each (`GuardianStore`'s contract
/// is what the domain relies on, so it is tested through the domain). PostgreSQL joins the list with its store.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case inMemory = "in-memory"
    case sqlite = "SQLite"

    public var description: String { rawValue }

    /// A harness on a fresh store of this kind (a SQLite database in a temporary directory, durable commits, removed
    /// with the harness); the parameters are ``GuardianHarness/make(store:keyProvider:clock:metrics:qrRenderer:configure:)``'s.
    public func harness(
        keyProvider: any MasterKeyProvider = StaticMasterKeyProvider([.generate()]),
        clock: ManualClock = ManualClock(unixSeconds: GuardianHarness.startTime),
        metrics: any GuardianMetrics = NoGuardianMetrics(),
        qrRenderer: (any QRRenderer)? = nil,
        configure: (inout GuardianConfiguration) -> Void = { _ in }
    ) async throws -> GuardianHarness {
        switch self {
        case .inMemory:
            return try await GuardianHarness.make(keyProvider: keyProvider, clock: clock, metrics: metrics, qrRenderer: qrRenderer, configure: configure)
        case .sqlite:
            let directory = TemporaryStoreDirectory()
            let store = try await SQLiteGuardianStore.open(directory: directory.url)
            directory.store = store
            var harness = try await GuardianHarness.make(store: store, keyProvider: keyProvider, clock: clock, metrics: metrics, qrRenderer: qrRenderer, configure: configure)
            harness.retained = directory
            return harness
        }
    }
}

/// A temporary directory for one SQLite store, closed and deleted when the last harness holding it goes.
final class TemporaryStoreDirectory: @unchecked Sendable {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("chronoguard-store-\(UUID().uuidString)")
    var store: SQLiteGuardianStore?

    deinit {
        store?.close()
        try? FileManager.default.removeItem(at: url)
    }
}
