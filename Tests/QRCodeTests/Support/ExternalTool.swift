import Foundation

// MARK: - Running external peers

/// A failure of an external peer, with a message saying what to do.
struct PeerFailure: Error, CustomStringConvertible {
    let description: String
}

/// Runs command-line peers (python3, zbarimg) found on `PATH`.
enum ExternalTool {
    /// What a finished process produced.
    struct Output {
        let status: Int32
        let stdout: Data
        let stderr: String
    }

    /// Exit status of `env` when the command is not on `PATH` (POSIX `env`).
    static let commandNotFound: Int32 = 127

    /// Runs `arguments` through `/usr/bin/env` with `input` on standard input.
    ///
    /// Standard input and error go through temporary files so that neither pipe can fill up and
    /// stall the child while this process waits on standard output.
    static func run(_ arguments: [String], input: Data = Data()) throws -> Output {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("qrcode-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputURL = directory.appendingPathComponent("stdin")
        let errorURL = directory.appendingPathComponent("stderr")
        try input.write(to: inputURL)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let stdinHandle = try FileHandle(forReadingFrom: inputURL)
        let stderrHandle = try FileHandle(forWritingTo: errorURL)
        defer {
            try? stdinHandle.close()
            try? stderrHandle.close()
        }
        let stdout = Pipe()
        process.standardInput = stdinHandle
        process.standardOutput = stdout
        process.standardError = stderrHandle
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
        return Output(status: process.terminationStatus, stdout: output, stderr: errors)
    }
}

// MARK: - Python peer

/// The Python helper `Resources/qr_peer.py`: Nayuki's `qrcodegen` reference encoder and
/// standard-library PNG, zlib and XML parsers. One process call handles a whole batch.
enum PythonPeer {
    static let installHint = "run scripts/install-test-deps.sh (needs python3 and pip package qrcodegen==1.8.0)"

    private struct Envelope<Request: Encodable>: Encodable { let requests: [Request] }
    private struct Results<Response: Decodable>: Decodable { let results: [Response] }

    /// Sends `requests` (each carrying its `op`) and decodes one response per request.
    static func call<Request: Encodable, Response: Decodable>(
        _ requests: [Request],
        as _: Response.Type = Response.self
    ) throws -> [Response] {
        let script = try TestResources.url("qr_peer.py")
        let input = try JSONEncoder().encode(Envelope(requests: requests))
        let output = try ExternalTool.run(["python3", script.path], input: input)
        switch output.status {
        case 0: break
        case ExternalTool.commandNotFound:
            throw PeerFailure(description: "python3 was not found on PATH; \(installHint).")
        case 3:
            throw PeerFailure(description: "\(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines)).")
        default:
            throw PeerFailure(description: "qr_peer.py exited with status \(output.status): \(output.stderr)")
        }
        let results = try JSONDecoder().decode(Results<Response>.self, from: output.stdout).results
        guard results.count == requests.count else {
            throw PeerFailure(description: "qr_peer.py answered \(results.count) of \(requests.count) requests")
        }
        return results
    }
}

// MARK: - Resources

enum TestResources {
    /// A file under `Tests/QRCodeTests/Resources`.
    static func url(_ name: String) throws -> URL {
        let base = (name as NSString).deletingPathExtension
        let ext = (name as NSString).pathExtension
        guard let url = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Resources") else {
            throw PeerFailure(description: "test resource \(name) is missing from the bundle")
        }
        return url
    }

    /// Decodes a JSON test-vector file.
    static func load<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: url(name)))
    }
}

/// The `{"source": …, "entries": […]}` shape shared by the vector files.
struct VectorFile<Entry: Decodable>: Decodable {
    let source: String
    let entries: [Entry]
}
