import ArgumentParser
import Foundation
import Guardian
import GuardianPostgres
import GuardianServer

// MARK: - chronoguard keys

/// `chronoguard keys …`: master key administration.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the guardian's master key.",
        subcommands: [Rotate.self]
    )

    /// `chronoguard keys rotate --data-dir DIR`.
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Rewrap every wallet key and the audit key under a new master key, in one transaction.",
            discussion: """
                Stop the server first (the command refuses while it runs). With the key file, a new random key is \
                staged as master.key.next, the database is rewrapped, then the file replaces master.key; a crash at \
                any point leaves a key that opens the database. With CHRONOGUARD_MASTER_KEY, set it to the new key and \
                CHRONOGUARD_MASTER_KEY_PREVIOUS to the current one, then run this. Back up the new key afterwards. \
                On PostgreSQL (--store) the rewrap is one transaction and nothing locks the nodes out: stop every \
                node first, rotate, copy the new key to every node, then start them again.
                """
        )

        @Option(name: .customLong("data-dir"), help: "The server's data directory.")
        var dataDir = "./chronoguard-data"

        @Option(
            name: .customLong("store"),
            help:
                "postgres://USER@HOST[,HOST2…]/DATABASE: rotate the key of a guardian on PostgreSQL instead of SQLite.")
        var store: String?

        @Option(
            name: .customLong("master-key-file"),
            help:
                "With --store: the master key file (the new key is staged as FILE.next, then replaces it); otherwise CHRONOGUARD_MASTER_KEY and CHRONOGUARD_MASTER_KEY_PREVIOUS."
        )
        var masterKeyFile: String?

        func run() async throws {
            try await reportingFailures {
                var configuration = GuardianServerConfiguration()
                configuration.dataDirectory = URL(fileURLWithPath: dataDir)
                let postgres = try StoreOption.postgres(store)
                if let postgres { configuration.storage = .postgres(postgres) }
                configuration.masterKey = try StoreOption.masterKey(file: masterKeyFile, postgres: postgres)
                let dependencies = try await GuardianServerDependencies.open(
                    configuration: configuration, requiringExistingDatabase: true)
                do {
                    let report = try await dependencies.service.rotateMasterKey()
                    await dependencies.close()
                    print(
                        "Rotated the master key \(report.fromKeyID) → \(report.toKeyID); \(report.walletsRewrapped) wallet key(s) rewrapped."
                    )
                } catch {
                    await dependencies.close()
                    throw error
                }
            }
        }
    }
}
