import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// MARK: - EVMTestChain

/// The Ethereum test chain that RPC tests talk to: `scripts/evm-test-chain.py` (eth-tester with py-evm behind a small
/// JSON-RPC server on 127.0.0.1; test support, not a node), started once per test process.
///
/// ``shared()`` returns `CHRONOGUARD_EVM_RPC_URL` when the environment sets it (so `scripts/test.sh` can start one
/// chain for every test process), and otherwise starts the script, waits for its `listening http://127.0.0.1:PORT`
/// line and returns that URL. The child's stdin is a pipe this process holds open until it exits, and the child also
/// watches this process's pid, so it ends with the test process however that ends. The chain's prefunded account 0
/// pays for ``fund(_:wei:)``.
public enum EVMTestChain {
    /// The environment variable that points the tests at an already running chain.
    public static let environmentVariable = "CHRONOGUARD_EVM_RPC_URL"

    /// How long to wait for the script to listen (eth-tester's imports take a second or two).
    public static let startupTimeout: TimeInterval = 60

    /// The chain id the script is started with.
    public static let chainId: UInt64 = 1337

    /// The URL of the test chain, starting it on first use.
    /// - Throws: ``ExternalPeer/Failure`` when the script is missing, exits, or does not listen in time (with its
    ///   stderr and, for missing Python packages, the install hint).
    public static func shared() throws -> URL {
        try start()
    }

    /// Test only: sends `wei` from the chain's prefunded account to `address` (0x hex) with the script's
    /// `chronoguard_fund` method (mined at once); returns the transaction hash.
    @discardableResult
    public static func fund(_ address: String, wei: UInt64) async throws -> String {
        let result = try await rpc("chronoguard_fund", [address, "0x" + String(wei, radix: 16)])
        guard let hash = result as? String else {
            throw ExternalPeer.Failure(description: "chronoguard_fund returned \(result) instead of a hash")
        }
        return hash
    }

    /// Sends one JSON-RPC request to the test chain and returns its `result` (JSONSerialization types).
    public static func rpc(_ method: String, _ params: [Any]) async throws -> Any {
        var request = URLRequest(url: try shared())
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

    // MARK: - Starting the script

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

    /// The running chain, held for the life of the process (so its stdin pipe stays open).
    private static let chain = Locked()

    /// The repository root: the nearest ancestor of this file with `scripts/evm-test-chain.py`.
    static func repositoryRoot(from file: String = #filePath) throws -> URL {
        var directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        while directory.path != "/" {
            let script = directory.appendingPathComponent("scripts/evm-test-chain.py")
            if FileManager.default.fileExists(atPath: script.path) { return directory }
            directory = directory.deletingLastPathComponent()
        }
        throw ExternalPeer.Failure(description: "scripts/evm-test-chain.py not found above \(file)")
    }

    private static func start() throws -> URL {
        if let text = ProcessInfo.processInfo.environment[environmentVariable], !text.isEmpty {
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ExternalPeer.Failure(description: "\(environmentVariable)=\(text) is not an http(s) URL")
            }
            return url
        }
        let script = try repositoryRoot().appendingPathComponent("scripts/evm-test-chain.py")
        return try chain.get {
            try ScriptServer.launch(
                script: script, arguments: ["--port", "0", "--chain-id", String(chainId)],
                startupTimeout: startupTimeout)
        }.url
    }
}

// MARK: - ScriptServer

/// A Python HTTP server started for tests: runs `python3 script arguments… --parent-pid <this process>`, waits for its
/// first stdout line `listening http://HOST:PORT`, and keeps the child's stdin pipe open while this object lives (the
/// scripts exit when stdin closes, so the child ends with this process however that ends).
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

    /// Starts `script` and waits up to `startupTimeout` seconds for it to listen.
    /// - Throws: ``ExternalPeer/Failure`` with the script's stderr (and the install hint for a missing module).
    public static func launch(script: URL, arguments: [String], startupTimeout: TimeInterval = 60) throws
        -> ScriptServer
    {
        _ = ExternalPeer.ignoreSIGPIPE
        guard let python = ExternalPeer.which("python3") else {
            throw ExternalPeer.Failure(description: "python3 is not on PATH — \(ExternalPeer.installHint)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
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
