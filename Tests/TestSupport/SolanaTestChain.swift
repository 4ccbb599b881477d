import Foundation

// MARK: - SolanaTestChain

/// The Solana test chain that RPC tests talk to: `scripts/solana-test-chain.py` (LiteSVM — the real SVM with the
/// real SPL Token, Token-2022 and Associated Token Account programs — behind a small JSON-RPC server on 127.0.0.1;
/// test scaffolding, not a validator), started once per test process.
///
/// ``shared()`` returns `CHRONOGUARD_SOLANA_RPC_URL` when the environment sets it (so `scripts/test.sh` can start one
/// chain for every test process), and otherwise starts the script through ``ScriptTestChain`` (as ``EVMTestChain``
/// does), waits for its `listening http://127.0.0.1:PORT` line and returns that URL. Accounts are funded with the
/// standard `requestAirdrop` method; ``produceBlocks(_:)`` calls the script's test-only `chronoguard_produceBlocks`.
public enum SolanaTestChain {
    /// The environment variable that points the tests at an already running chain.
    public static let environmentVariable = "CHRONOGUARD_SOLANA_RPC_URL"

    /// How long to wait for the script to listen.
    public static let startupTimeout: TimeInterval = 60

    /// The chain's launcher: the script, the environment variable and the arguments.
    public static let chain = ScriptTestChain(
        script: "scripts/solana-test-chain.py", environmentVariable: environmentVariable, arguments: ["--port", "0"],
        startupTimeout: startupTimeout)

    /// The URL of the test chain, starting it on first use.
    /// - Throws: ``ExternalPeer/Failure`` when the script is missing, exits, or does not listen in time (with its
    ///   stderr and, for missing Python packages, the install hint).
    public static func shared() throws -> URL {
        try chain.url()
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
        try await chain.rpc(method, params)
    }
}
