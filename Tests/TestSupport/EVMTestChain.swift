import Foundation

// MARK: - EVMTestChain

/// The Ethereum test chain that RPC tests talk to: `scripts/evm-test-chain.py` (eth-tester with py-evm behind a small
/// JSON-RPC server on 127.0.0.1; test support, not a node), started once per test process.
///
/// ``shared()`` returns `CHRONOGUARD_EVM_RPC_URL` when the environment sets it (so `scripts/test.sh` can start one
/// chain for every test process), and otherwise starts the script (through ``ScriptTestChain``), waits for its
/// `listening http://127.0.0.1:PORT` line and returns that URL. The child's stdin is a pipe this process holds open until it exits, and the child also
/// watches this process's pid, so it ends with the test process however that ends. The chain's prefunded account 0
/// pays for ``fund(_:wei:)``.
public enum EVMTestChain {
    /// The environment variable that points the tests at an already running chain.
    public static let environmentVariable = "CHRONOGUARD_EVM_RPC_URL"

    /// How long to wait for the script to listen (eth-tester's imports take a second or two).
    public static let startupTimeout: TimeInterval = 60

    /// The chain id the script is started with.
    public static let chainId: UInt64 = 1337

    /// The chain's launcher: the script, the environment variable and the arguments.
    public static let chain = ScriptTestChain(
        script: "scripts/evm-test-chain.py", environmentVariable: environmentVariable,
        arguments: ["--port", "0", "--chain-id", String(chainId)], startupTimeout: startupTimeout)

    /// The URL of the test chain, starting it on first use.
    /// - Throws: ``ExternalPeer/Failure`` when the script is missing, exits, or does not listen in time (with its
    ///   stderr and, for missing Python packages, the install hint).
    public static func shared() throws -> URL {
        try chain.url()
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
        try await chain.rpc(method, params)
    }
}
