import Foundation
import GuardianPostgres
import GuardianServer

// MARK: - --store and --master-key-file

/// What `--store` and `--master-key-file` mean, shared by `serve`, `keys rotate` and `audit verify`.
enum StoreOption {
    /// The URL schemes `--store` accepts.
    static let schemes = ["postgres://", "postgresql://"]

    /// `--store URL` parsed: nil keeps embedded SQLite. Errors name the part of the URL at fault and never quote the
    /// password.
    static func postgres(_ text: String?, option: String = "--store") throws -> PostgresConnectionConfiguration? {
        guard let text else { return nil }
        guard schemes.contains(where: { text.lowercased().hasPrefix($0) }) else {
            throw CLIFailure(
                "\(option) must be a PostgreSQL URL such as postgres://USER@HOST[,HOST2…]/DATABASE (leave it out for embedded SQLite in --data-dir).",
                status: 64)
        }
        do {
            return try PostgresConnectionConfiguration(parsing: text)
        } catch {
            throw CLIFailure("\(option): \(error.description)", status: 64)
        }
    }

    /// The master key source for a command: `--master-key-file` only with `--store` (with SQLite the key lives in
    /// the data directory, or in CHRONOGUARD_MASTER_KEY, as before).
    static func masterKey(file: String?, postgres: PostgresConnectionConfiguration?)
        throws -> GuardianServerConfiguration.MasterKeySource
    {
        guard let file else { return .automatic }
        guard postgres != nil else {
            throw CLIFailure(
                "--master-key-file goes with --store postgres://…; with SQLite the key is master.key in --data-dir or CHRONOGUARD_MASTER_KEY.",
                status: 64)
        }
        guard !file.isEmpty else { throw CLIFailure("--master-key-file needs a path.", status: 64) }
        return .keyFileAt(URL(fileURLWithPath: file))
    }
}
