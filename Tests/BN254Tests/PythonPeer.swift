import Foundation

// MARK: - Python peer runner

/// Runs a Python peer script from this target's resources, exchanging one JSON document over
/// stdin/stdout. A missing interpreter or package fails the test with an install hint — never a
/// silent skip.
enum PythonPeer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let installHint = "install the test peers with scripts/install-test-deps.sh (it runs `pip install py-ecc`)"

    /// The URL of a script under Tests/BN254Tests/Resources.
    static func script(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: "py", subdirectory: "Resources") else {
            throw Failure(description: "Resources/\(name).py is missing from the test bundle")
        }
        return url
    }

    static func run<Request: Encodable, Response: Decodable>(
        _ scriptName: String, _ request: Request, as: Response.Type = Response.self
    ) throws -> Response {
        let script = try script(scriptName)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        do {
            try process.run()
        } catch {
            throw Failure(description: "could not start python3 (\(error)): \(installHint)")
        }
        let body = try JSONEncoder().encode(request)
        // Write stdin and drain stderr concurrently so large payloads cannot deadlock the pipes.
        let group = DispatchGroup()
        let stderrBox = DataBox()
        DispatchQueue.global().async(group: group) {
            input.fileHandleForWriting.write(body)
            try? input.fileHandleForWriting.close()
        }
        DispatchQueue.global().async(group: group) {
            stderrBox.data = error.fileHandleForReading.readDataToEndOfFile()
        }
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let stderr = String(decoding: stderrBox.data, as: UTF8.self)
            throw Failure(description: "python3 \(scriptName).py exited with \(process.terminationStatus): \(stderr.suffix(2000))"
                          + (process.terminationStatus == 3 || stderr.contains("ModuleNotFoundError") ? " — \(installHint)" : ""))
        }
        return try JSONDecoder().decode(Response.self, from: stdout)
    }
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}
