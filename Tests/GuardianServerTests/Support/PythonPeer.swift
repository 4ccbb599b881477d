import Foundation
import Testing

// MARK: - Python peers

/// Runs a helper script from `Resources/` with `python3`, sending one JSON request on stdin and reading one JSON reply
/// from stdout — many cases per call. A missing interpreter or module fails the test with the fix to apply.
enum PythonPeer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func scriptURL(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: "py", subdirectory: "Resources") else {
            throw Failure(description: "missing test resource Resources/\(name).py")
        }
        return url
    }

    /// Sends `request` to `Resources/<script>.py` and decodes its answer.
    static func run<Request: Encodable, Reply: Decodable>(_ script: String, _ request: Request, as: Reply.Type) throws -> Reply {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", try scriptURL(script).path]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            throw Failure(description: "cannot start python3 (\(error)); run scripts/install-test-deps.sh")
        }
        nonisolated(unsafe) var stderr = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { stderr = errors.fileHandleForReading.readDataToEndOfFile() }
        input.fileHandleForWriting.write(try JSONEncoder().encode(request))
        try input.fileHandleForWriting.close()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        let message = String(decoding: stderr, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            if message.contains("ModuleNotFoundError") || message.contains("No module named") {
                throw Failure(description: "a Python test peer is missing (\(message.split(separator: "\n").last ?? "")); run scripts/install-test-deps.sh")
            }
            throw Failure(description: "\(script).py exited with \(process.terminationStatus): \(message)")
        }
        return try JSONDecoder().decode(Reply.self, from: stdout)
    }
}
