import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// MARK: - SolanaTestChain

/// The Solana test chain that RPC tests talk to: `scripts/solana-test-chain.py` (LiteSVM — the real SVM with the
/// real SPL Token, Token-2022 and Associated Token Account programs — behind a small JSON-RPC server on 127.0.0.1;
/// test scaffolding, not a validator), started once per test process.
///
/// ``shared()`` returns `CHRONOGUARD_SOLANA_RPC_URL` when the environment sets it (so `scripts/test.sh` can start one
/// chain for every test process), and otherwise starts the script through ``ScriptServer`` (as ``EVMTestChain``
/// does), waits for its `listening http://127.0.0.1:PORT` line and returns that URL. Accounts are funded with the
/// standard `requestAirdrop` method; ``produceBlocks(_:)`` calls the script's test-only `chronoguard_produceBlocks`.
public enum SolanaTestChain {
    /// The environment variable that points the tests at an already running chain.
    public static let environmentVariable = "CHRONOGUARD_SOLANA_RPC_URL"

    /// How long to wait for the script to listen.
    public static let startupTimeout: TimeInterval = 60

    /// The URL of the test chain, starting it on first use.
    /// - Throws: ``ExternalPeer/Failure`` when the script is missing, exits, or does not listen in time (with its
    ///   stderr and, for missing Python packages, the install hint).
    public static func shared() throws -> URL {
        if let text = ProcessInfo.processInfo.environment[environmentVariable], !text.isEmpty {
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ExternalPeer.Failure(description: "\(environmentVariable)=\(text) is not an http(s) URL")
            }
            return url
        }
        let script = try repositoryRoot().appendingPathComponent("scripts/solana-test-chain.py")
        return try chain.get {
            try ScriptServer.launch(script: script, arguments: ["--port", "0"], startupTimeout: startupTimeout)
        }.url
    }

    /// Test only: closes `count` empty blocks (ages blockhashes, finalizes transactions); returns the block height.
    @discardableResult
    public static func produceBlocks(_ count: Int) async throws -> UInt64 {
        let result = try await rpc("chronoguard_produceBlocks", [count])
        guard let height = (result as? NSNumber)?.uint64Value else {
            throw ExternalPeer.Failure(description: "chronoguard_produceBlocks returned \(result), not a height")
        }
        return height
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

    /// The repository root: the nearest ancestor of this file with `scripts/solana-test-chain.py`.
    static func repositoryRoot(from file: String = #filePath) throws -> URL {
        var directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        while directory.path != "/" {
            let script = directory.appendingPathComponent("scripts/solana-test-chain.py")
            if FileManager.default.fileExists(atPath: script.path) { return directory }
            directory = directory.deletingLastPathComponent()
        }
        throw ExternalPeer.Failure(description: "scripts/solana-test-chain.py not found above \(file)")
    }
}
