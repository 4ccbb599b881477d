import ArgumentParser
import Foundation

// MARK: - Root command

@main
struct Chronoguard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chronoguard",
        abstract: "TOTP as a real second factor for blockchain transactions.",
        discussion: """
            Exit status: 0 on success, 1 when a verification fails (a wrong code), 2 when the input is unusable \
            (a malformed secret, URI or option), 64 for a command-line usage error.
            """,
        version: "0.1.0",
        subcommands: [
            OTPCommand.self, QRCommand.self, ZKCommand.self, ServeCommand.self, GuardianCommand.self, KeysCommand.self,
            AuditCommand.self, StoreCommand.self, EVMCommand.self, VaultCommand.self, RegistryCommand.self,
            AuthenticatorCommand.self, WalletCommand.self,
            URCommand.self,
        ]
    )
}

// MARK: - Failing with a sentence

/// A user-facing failure: the sentence goes to stderr and the process exits with `status`.
struct CLIFailure: Error {
    let message: String
    let status: Int32

    init(_ message: String, status: Int32 = 2) {
        self.message = message
        self.status = status
    }
}

extension ParsableCommand {
    /// Runs `body`, turning library errors into one sentence on stderr and a non-zero exit (never a stack trace).
    func reportingFailures<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw Self.exitError(for: error)
        }
    }

    /// Runs an async `body` (the server and the HTTP client commands) with the same error reporting.
    func reportingFailures<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw Self.exitError(for: error)
        }
    }

    /// Prints the sentence for `error` and returns what ends the process: `CLIFailure`'s status, exit 2 for any other
    /// library error; ArgumentParser's own exits pass through.
    static func exitError(for error: any Error) -> any Error {
        switch error {
        case let failure as CLIFailure:
            printError(failure.message)
            return ExitCode(failure.status)
        case is ExitCode, is CleanExit:
            return error
        default:
            printError("\(error)")
            return ExitCode(2)
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
    }

    static func printNote(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}

/// Current Unix time in whole seconds.
func currentUnixTime() -> Int64 { Int64(Date().timeIntervalSince1970.rounded(.down)) }
