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
        subcommands: [OTPCommand.self, QRCommand.self, ZKCommand.self, ServeCommand.self, GuardianCommand.self, KeysCommand.self, AuditCommand.self]
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
        } catch let failure as CLIFailure {
            Self.printError(failure.message)
            throw ExitCode(failure.status)
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            Self.printError("\(error)")
            throw ExitCode(2)
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
