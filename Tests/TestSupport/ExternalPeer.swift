import Foundation

// MARK: - External peers for interop tests

/// Runs independent implementations (Python packages from PyPI, Debian command-line tools) for interop tests.
///
/// Peers are never optional: when one is missing the test fails and says how to install it, because a skipped
/// interop test is a test that cannot fail.
public enum ExternalPeer {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) { self.description = description }
    }

    /// The hint every missing-peer failure carries.
    public static let installHint =
        "install the test peers with scripts/install-test-deps.sh (the README's test command runs it)"

    /// What a finished process produced.
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: Data
        public let stderr: String
    }

    /// Writes to a pipe or socket whose reader has gone must fail with EPIPE, not kill the test process with SIGPIPE.
    public static let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Exit status reported when the command is not on PATH (as POSIX `env` reports it).
    public static let commandNotFound: Int32 = 127

    /// Runs `executable` (looked up on PATH) with `arguments`, feeding `stdin`, and returns whatever it produced,
    /// whatever its exit status.
    public static func execute(_ executable: String, _ arguments: [String], stdin: Data = Data()) throws -> Output {
        guard let path = which(executable) else {
            return Output(status: commandNotFound, stdout: Data(), stderr: "\(executable): command not found")
        }
        // A peer that exits before reading all its input (a missing module, say) must fail the test with its message,
        // not kill the test process with SIGPIPE when the write hits the closed pipe.
        _ = ignoreSIGPIPE
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let input = Pipe()
        let output = Pipe()
        let error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Write stdin and drain stderr concurrently so a large request or response cannot deadlock on full pipes.
        let group = DispatchGroup()
        let errorBox = DataBox()
        DispatchQueue.global().async(group: group) {
            input.fileHandleForWriting.write(stdin)
            try? input.fileHandleForWriting.close()
        }
        DispatchQueue.global().async(group: group) {
            errorBox.data = error.fileHandleForReading.readDataToEndOfFile()
        }
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: stdout, stderr: String(decoding: errorBox.data, as: UTF8.self))
    }

    /// Runs a command and returns its stdout.
    /// - Throws: ``Failure`` naming the command, its exit status and stderr when it does not exit 0; a missing command
    ///   or Python module (exit 3 from our peer scripts, or `ModuleNotFoundError`) adds the install hint.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], stdin: Data = Data()) throws -> Data {
        let output = try execute(executable, arguments, stdin: stdin)
        guard output.status == 0 else {
            let missing =
                output.status == commandNotFound || output.status == 3 || output.stderr.contains("ModuleNotFoundError")
            throw Failure(
                description:
                    "\(executable) \(arguments.prefix(2).joined(separator: " ")) exited with \(output.status): \(output.stderr.suffix(2000))"
                    + (missing ? " — \(installHint)" : ""))
        }
        return output.stdout
    }

    /// Sends one JSON request to a Python peer script and decodes its JSON response.
    public static func python<Request: Encodable, Response: Decodable>(
        script: URL, request: Request, as: Response.Type = Response.self
    ) throws -> Response {
        let body = try JSONEncoder().encode(request)
        let data = try run("python3", [script.path], stdin: body)
        do {
            return try JSONDecoder().decode(Response.self, from: data)
        } catch {
            throw Failure(
                description:
                    "\(script.lastPathComponent) answered with JSON that does not decode as \(Response.self): \(error); output starts \(String(decoding: data.prefix(300), as: UTF8.self))"
            )
        }
    }

    /// Sends a JSON tree (`JSONSerialization` types) to a Python peer script and returns its parsed JSON reply.
    public static func pythonJSON(script: URL, request: Any) throws -> Any {
        let body = try JSONSerialization.data(withJSONObject: request)
        return try JSONSerialization.jsonObject(with: run("python3", [script.path], stdin: body))
    }

    /// The full path of an executable on PATH, or nil.
    public static func which(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}

// MARK: - Test vectors as data files

/// Loads a JSON test-vector file from a test bundle, in the manner of swift-crypto's Wycheproof loader.
public enum TestVectors {
    public static func load<T: Decodable>(_ type: T.Type, resource: String, in bundle: Bundle) throws -> T {
        let candidates = [
            bundle.url(forResource: resource, withExtension: "json", subdirectory: "Resources"),
            bundle.url(forResource: resource, withExtension: "json"),
        ]
        guard let url = candidates.compactMap({ $0 }).first else {
            throw ExternalPeer.Failure(description: "test vector file \(resource).json is missing from the test bundle")
        }
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    /// The URL of a non-JSON resource (a peer script) in a test bundle's Resources folder.
    public static func url(_ file: String, in bundle: Bundle) throws -> URL {
        let name = (file as NSString).deletingPathExtension
        let ext = (file as NSString).pathExtension
        if let url = bundle.url(forResource: name, withExtension: ext, subdirectory: "Resources")
            ?? bundle.url(forResource: name, withExtension: ext)
        {
            return url
        }
        throw ExternalPeer.Failure(description: "resource \(file) is missing from the test bundle")
    }
}
