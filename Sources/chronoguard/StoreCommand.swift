import ArgumentParser
import Foundation
import Guardian
import GuardianPostgres
import GuardianSQLite
import GuardianServer

// MARK: - chronoguard store

/// `chronoguard store …`: moving a guardian between stores.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Move a guardian's database between stores.",
        subcommands: [Migrate.self]
    )

    /// `chronoguard store migrate --from DATA_DIR --to postgres://…`.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Copy a guardian from its SQLite data directory into an empty PostgreSQL database.",
            discussion: """
                Stop the server first (the command takes the data directory's lock). The audit chain is verified \
                before anything is copied (a chain that does not verify is not moved), every table is copied in one \
                PostgreSQL transaction (all or nothing), then the copy is read back: the same rows, and an audit chain \
                that verifies with the same head. A target that already holds a guardian is refused and left \
                unchanged. Sealed secrets are copied as they are: the master key never enters the database, so start \
                the nodes with the same key (master.key from the data directory via --master-key-file, or \
                CHRONOGUARD_MASTER_KEY). The SQLite database is not changed; keep it until the nodes run.
                """
        )

        @Option(name: .customLong("from"), help: "The SQLite guardian's data directory.")
        var from: String

        @Option(name: .customLong("to"), help: "postgres://USER@HOST[,HOST2…]/DATABASE: an empty database.")
        var to: String

        func run() async throws {
            let status = try await reportingFailures { () async throws -> Int32 in
                guard let target = try StoreOption.postgres(to, option: "--to") else { return 64 }
                let directory = URL(fileURLWithPath: from)
                let path = directory.appendingPathComponent(GuardianServerConfiguration.databaseFileName).path
                guard FileManager.default.fileExists(atPath: path) else {
                    throw CLIFailure("There is no guardian database at \(path); check --from.", status: 66)
                }
                let lock: DataDirectoryLock
                do { lock = try DataDirectoryLock(directory: directory) } catch let error as DataDirectoryLockError {
                    throw CLIFailure("\(error.message) Stop the server before migrating.", status: 75)
                }
                defer { lock.release() }
                return try await Self.migrate(directory: directory, databasePath: path, target: target)
            }
            if status != 0 { throw ExitCode(status) }
        }

        static func migrate(directory: URL, databasePath: String, target: PostgresConnectionConfiguration)
            async throws -> Int32
        {
            // Bring the SQLite database to this build's schema (what the server does at start), then read it.
            let sqlite = try await SQLiteGuardianStore.open(directory: directory)
            sqlite.close()
            let reader = try SQLiteAuditReader(path: databasePath)
            let keyProvider = try GuardianServerDependencies.keyProvider(.automatic, directory: directory)
            guard try await reader.loadKeyring() != nil else {
                throw CLIFailure(
                    "The SQLite database at \(databasePath) holds no guardian yet (no keyring); nothing to migrate.",
                    status: 65)
            }
            let before = try await GuardianService.verifyAuditLog(store: reader, keyProvider: keyProvider)
            guard before.isIntact else {
                for problem in before.problems {
                    printError("audit: \(problem.kind.rawValue) at record \(problem.sequence)")
                }
                throw CLIFailure(
                    "The source's audit chain does NOT verify (\(before.problems.count) problem(s)); nothing was copied. Run `chronoguard audit verify --data-dir \(directory.path)`.",
                    status: 1)
            }
            let tables = try reader.exportTables()

            var options = PostgresGuardianStore.Options()
            options.maximumConnections = 2
            options.openTimeout = .seconds(1_800)
            let store = try await PostgresGuardianStore.open(configuration: target, options: options)
            do {
                do {
                    try await store.importTables(tables)
                } catch let refusal as PostgresImportRefusal {
                    throw CLIFailure(
                        "Refusing to migrate into \(target.description): \(refusal.description). Nothing was copied; migrate into a new, empty database.",
                        status: 73)
                }
                let copied = try await store.exportTables()
                await store.close()
                guard Self.sameRows(tables, copied) else {
                    throw CLIFailure(
                        "The rows read back from \(target.description) differ from the source; do not start nodes on it.",
                        status: 1)
                }
            } catch {
                await store.close()
                throw error
            }

            let after = try await AuditCommand.Verify.verifyPostgres(
                target, keySource: .provider(keyProvider), anchor: before.head)
            guard after.isIntact, after.head == before.head, after.recordCount == before.recordCount else {
                throw CLIFailure(
                    "The audit chain copied to \(target.description) does NOT verify against the source's head; do not start nodes on it.",
                    status: 1)
            }
            let counts = GuardianStoreTransfer.counts(tables)
            let head = before.head.map { "record \($0.sequence)" } ?? "empty log"
            print(
                "Migrated \(counts["wallets"] ?? 0) wallet(s), \(counts["cosigns"] ?? 0) cosign(s) and \(before.recordCount) audit record(s) to \(target.description); audit chain verified before and after (head at \(head))."
            )
            print(
                "Start every node with --store and the same master key (CHRONOGUARD_MASTER_KEY, or --master-key-file \(directory.appendingPathComponent(FileMasterKeyProvider.fileName).path) copied to each node)."
            )
            return 0
        }

        /// Same tables with the same rows (order aside).
        static func sameRows(_ left: [GuardianStoreTransfer.Rows], _ right: [GuardianStoreTransfer.Rows]) -> Bool {
            func canonical(_ tables: [GuardianStoreTransfer.Rows]) -> [String: [String]] {
                Dictionary(
                    tables.map { ($0.table.name, $0.rows.map { String(describing: $0) }.sorted()) },
                    uniquingKeysWith: +)
            }
            return canonical(left) == canonical(right)
        }
    }
}
