import ArgumentParser
import Foundation
import Guardian
import GuardianPostgres
import GuardianSQLite
import GuardianServer

// MARK: - chronoguard audit

/// `chronoguard audit …`: the tamper-evident audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the guardian's audit log.",
        subcommands: [Verify.self]
    )

    /// `chronoguard audit verify --data-dir DIR [--anchor FILE] [--write-anchor FILE]`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Verify every record's MAC and the chain that links them.",
            discussion: """
                Reports edited, missing, reordered and truncated records. An anchor exported earlier (--write-anchor) \
                also catches removal of the newest records by someone who rewrote the stored head. Exit status: 0 when \
                the log is intact, 1 when it is not, 2 when it cannot be checked. Safe while the server runs: the \
                database is opened read-only, and nothing is ever created or written — a database without a keyring \
                is reported, not initialised.

                """
        )

        @Option(name: .customLong("data-dir"), help: "The server's data directory.")
        var dataDir = "./chronoguard-data"

        @Option(
            name: .customLong("store"),
            help:
                "postgres://USER@HOST[,HOST2…]/DATABASE: check the audit chain of a guardian on PostgreSQL (read-only) instead of SQLite."
        )
        var store: String?

        @Option(
            name: .customLong("master-key-file"),
            help: "With --store: the master key file; otherwise CHRONOGUARD_MASTER_KEY.")
        var masterKeyFile: String?

        @Option(help: "An anchor file written by an earlier --write-anchor; the log must still contain that record.")
        var anchor: String?

        @Option(name: .customLong("write-anchor"), help: "Write the current head as an anchor file for the next check.")
        var writeAnchor: String?

        func run() async throws {
            let intact = try await reportingFailures { () async throws -> Bool in
                let expected = try anchor.map(Self.readAnchor)
                let postgres = try StoreOption.postgres(store)
                let keySource = try StoreOption.masterKey(file: masterKeyFile, postgres: postgres)
                let report: AuditVerificationReport
                if let postgres {
                    report = try await Self.verifyPostgres(postgres, keySource: keySource, anchor: expected)
                } else {
                    let directory = URL(fileURLWithPath: dataDir)
                    let path = directory.appendingPathComponent(GuardianServerConfiguration.databaseFileName).path
                    guard FileManager.default.fileExists(atPath: path) else {
                        throw CLIFailure("There is no guardian database at \(path); check --data-dir.")
                    }
                    let reader = try SQLiteAuditReader(path: path)
                    let keyProvider = try GuardianServerDependencies.keyProvider(.automatic, directory: directory)
                    report = try await GuardianService.verifyAuditLog(
                        store: reader, keyProvider: keyProvider, anchor: expected)
                }
                if let writeAnchor, let head = report.head, report.isIntact {
                    try Self.write(head, to: writeAnchor)
                }
                let headText = report.head.map { "record \($0.sequence)" } ?? "empty log"
                if report.isIntact {
                    print("Audit log intact: \(report.recordCount) record(s), head at \(headText).")
                } else {
                    for problem in report.problems {
                        Self.printError("audit: \(problem.kind.rawValue) at record \(problem.sequence)")
                    }
                    print(
                        "Audit log NOT intact: \(report.problems.count) problem(s) in \(report.recordCount) record(s).")
                }
                return report.isIntact
            }
            if !intact { throw ExitCode(1) }
        }

        /// The chain on PostgreSQL, through ``PostgresAuditReader`` (reads only; creates nothing).
        static func verifyPostgres(
            _ configuration: PostgresConnectionConfiguration,
            keySource: GuardianServerConfiguration.MasterKeySource, anchor: AuditAnchor?
        ) async throws -> AuditVerificationReport {
            let keyProvider = try GuardianServerDependencies.sharedKeyProvider(keySource)
            let reader = try await PostgresAuditReader.open(configuration: configuration)
            do {
                let report = try await GuardianService.verifyAuditLog(
                    store: reader, keyProvider: keyProvider, anchor: anchor)
                await reader.close()
                return report
            } catch {
                await reader.close()
                throw error
            }
        }

        static func readAnchor(_ path: String) throws -> AuditAnchor {
            guard let data = FileManager.default.contents(atPath: path),
                let anchor = try? JSONDecoder().decode(AuditAnchor.self, from: data)
            else {
                throw CLIFailure("Cannot read the anchor file \(path); it must be a file written by --write-anchor.")
            }
            return anchor
        }

        static func write(_ anchor: AuditAnchor, to path: String) throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            guard (try? encoder.encode(anchor).write(to: URL(fileURLWithPath: path), options: .atomic)) != nil else {
                throw CLIFailure("Cannot write the anchor file \(path).")
            }
        }
    }
}
