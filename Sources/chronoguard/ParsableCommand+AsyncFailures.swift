import ArgumentParser
import Foundation

// MARK: - Failing with a sentence, async

extension ParsableCommand {
    /// ``reportingFailures(_:)`` for async bodies (the server and the HTTP client commands): library errors become one
    /// sentence on stderr and exit status 2, never a stack trace.
    func reportingFailures<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
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
}
