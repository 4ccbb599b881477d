import Foundation

// MARK: - PythonPeer

/// Runs a committed Python helper from `Resources/` with one JSON request on stdin and decodes its JSON reply from
/// stdout, so one process call checks a whole batch of cases.
enum PythonPeer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run<Request: Encodable, Response: Decodable>(
        _ script: String, _ request: Request, as _: Response.Type = Response.self
    ) throws -> Response {
        guard let resources = Bundle.module.url(forResource: "Resources", withExtension: nil) else {
            throw Failure(description: "test resources are missing from the bundle (expected Resources/)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", resources.appendingPathComponent(script).path]
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw Failure(description: "could not start python3 (\(error)); run scripts/install-test-deps.sh")
        }
        // A peer that exits before reading its input must surface as a test failure, not a SIGPIPE crash.
        signal(SIGPIPE, SIG_IGN)
        let payload = try JSONEncoder().encode(request)
        let writer = stdin.fileHandleForWriting
        let writing = Thread {
            try? writer.write(contentsOf: payload)
            try? writer.close()
        }
        writing.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors, as: UTF8.self)
            throw Failure(description: "python3 \(script) exited with \(process.terminationStatus): \(message)"
                + (process.terminationStatus == 127 ? " — python3 is missing; run scripts/install-test-deps.sh" : ""))
        }
        do {
            return try JSONDecoder().decode(Response.self, from: output)
        } catch {
            throw Failure(description: "python3 \(script) answered something that is not the expected JSON: \(error)")
        }
    }
}
