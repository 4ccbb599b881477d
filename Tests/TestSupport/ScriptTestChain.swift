import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// MARK: - ScriptTestChain

/// A test chain served by a Python script in `scripts/` (``EVMTestChain``, ``SolanaTestChain``): found through an
/// environment variable, or started once per test process through ``ScriptServer``, and called with plain JSON-RPC.
///
/// ``url()`` returns the environment variable's URL when it is set and not empty (so `scripts/test.sh` can start one
/// chain for every test process), and otherwise starts `python3 <script> <arguments>`, waits for its
/// `listening http://127.0.0.1:PORT` line and returns that URL; the server is kept for the life of the process, so its
/// stdin pipe stays open.
public final class ScriptTestChain: Sendable {
    /// The script, relative to the repository root (`scripts/evm-test-chain.py`).
    public let script: String
    /// The environment variable that points the tests at an already running chain.
    public let environmentVariable: String
    /// The script's arguments (`--parent-pid` is added by ``ScriptServer``).
    public let arguments: [String]
    /// How long to wait for the script to listen.
    public let startupTimeout: TimeInterval
    private let server = Locked()

    /// Describes a chain; nothing starts until ``url()``.
    public init(script: String, environmentVariable: String, arguments: [String], startupTimeout: TimeInterval) {
        self.script = script
        self.environmentVariable = environmentVariable
        self.arguments = arguments
        self.startupTimeout = startupTimeout
    }

    /// The URL of the test chain, starting it on first use.
    /// - Throws: ``ExternalPeer/Failure`` when the environment variable is not an http(s) URL, or the script is
    ///   missing, exits, or does not listen in time (with its stderr and, for missing Python packages, the install
    ///   hint).
    public func url() throws -> URL {
        if let text = ProcessInfo.processInfo.environment[environmentVariable], !text.isEmpty {
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ExternalPeer.Failure(description: "\(environmentVariable)=\(text) is not an http(s) URL")
            }
            return url
        }
        let scriptURL = try Self.repositoryRoot(containing: script).appendingPathComponent(script)
        return try server.get {
            try ScriptServer.launch(script: scriptURL, arguments: arguments, startupTimeout: startupTimeout)
        }.url
    }

    /// Sends one JSON-RPC request to the test chain and returns its `result` (JSONSerialization types).
    /// - Throws: ``ExternalPeer/Failure`` for an error object or an answer that is not a JSON object.
    public func rpc(_ method: String, _ params: [Any]) async throws -> Any {
        var request = URLRequest(url: try url())
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: [
            "jsonrpc": "2.0", "id": 1, "method": method, "params": params,
        ])
        let (data, _) = try await URLSession.shared.data(for: request)
        guard let response = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ExternalPeer.Failure(description: "\(method): the test chain's answer is not a JSON object")
        }
        if let error = response["error"] {
            throw ExternalPeer.Failure(description: "\(method) failed on the test chain: \(error)")
        }
        return response["result"] ?? NSNull()
    }

    /// The repository root: the nearest ancestor of `file` that contains `script`.
    public static func repositoryRoot(containing script: String, from file: String = #filePath) throws -> URL {
        var directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(script).path) {
                return directory
            }
            directory = directory.deletingLastPathComponent()
        }
        throw ExternalPeer.Failure(description: "\(script) not found above \(file)")
    }

    /// The started server (or why it did not start), decided once.
    private final class Locked: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<ScriptServer, any Error>?

        func get(_ start: () throws -> ScriptServer) throws -> ScriptServer {
            lock.lock()
            defer { lock.unlock() }
            if let result { return try result.get() }
            let started = Result { try start() }
            result = started
            return try started.get()
        }
    }
}

// MARK: - ScriptServer

/// A server started for tests: runs `python3 script arguments… --parent-pid <this process>` (or another interpreter,
/// `bash` for scripts/postgres-test-cluster.sh), waits for its first stdout line `listening URL`, and keeps the child's
/// stdin pipe open while this object lives (the scripts exit when stdin closes, so the child ends with this process
/// however that ends).
public final class ScriptServer: Sendable {
    /// The URL the server printed.
    public let url: URL
    private let process: Process
    private let stdinPipe: Pipe

    private init(url: URL, process: Process, stdinPipe: Pipe) {
        self.url = url
        self.process = process
        self.stdinPipe = stdinPipe
    }

    deinit {
        try? stdinPipe.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
    }

    /// Starts `script` with `interpreter` and waits up to `startupTimeout` seconds for it to listen.
    /// - Throws: ``ExternalPeer/Failure`` with the script's stderr (and the install hint for a missing module, or a
    ///   script's exit status 3: something to install).
    public static func launch(
        script: URL, arguments: [String], interpreter: String = "python3", startupTimeout: TimeInterval = 60
    ) throws -> ScriptServer {
        _ = ExternalPeer.ignoreSIGPIPE
        guard let executable = ExternalPeer.which(interpreter) else {
            throw ExternalPeer.Failure(description: "\(interpreter) is not on PATH — \(ExternalPeer.installHint)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments =
            [script.path] + arguments + ["--parent-pid", String(ProcessInfo.processInfo.processIdentifier)]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()

        // Drain stderr for the whole run (a full pipe would block the server), keeping the tail for messages.
        let stderrTail = TailBuffer()
        DispatchQueue.global().async {
            while case let chunk = errors.fileHandleForReading.availableData, !chunk.isEmpty {
                stderrTail.append(chunk)
            }
        }
        // Read the first stdout line with a deadline, then keep draining stdout.
        let firstLine = TailBuffer()
        let gotLine = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var signalled = false
            while case let chunk = output.fileHandleForReading.availableData, !chunk.isEmpty {
                if !signalled {
                    firstLine.append(chunk)
                    if firstLine.text.contains("\n") {
                        signalled = true
                        gotLine.signal()
                    }
                }
            }
            if !signalled { gotLine.signal() }
        }
        let waited = gotLine.wait(timeout: .now() + startupTimeout)
        let line = firstLine.text.split(separator: "\n").first.map(String.init) ?? ""
        guard waited == .success, line.hasPrefix("listening "), let url = URL(string: String(line.dropFirst(10))) else {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            let status = process.terminationStatus
            let missing = status == 3 || stderrTail.text.contains("ModuleNotFoundError")
            let name = script.lastPathComponent
            throw ExternalPeer.Failure(
                description: waited == .timedOut
                    ? "\(name) did not listen within \(Int(startupTimeout)) s: \(stderrTail.text)"
                    : "\(name) exited with \(status) before listening: \(stderrTail.text)"
                        + (missing ? " — \(ExternalPeer.installHint)" : ""))
        }
        return ScriptServer(url: url, process: process, stdinPipe: input)
    }
}

/// Bytes appended from one thread and read from another; keeps the last 64 KiB.
private final class TailBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) {
        lock.lock()
        defer { lock.unlock() }
        data.append(chunk)
        if data.count > 65_536 { data = data.suffix(65_536) }
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}
