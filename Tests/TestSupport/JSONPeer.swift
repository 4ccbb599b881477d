import Foundation

// MARK: - JSON-tree peers

/// Python peers that exchange untyped JSON trees (`JSONSerialization` types), for requests whose shape is easier to
/// write as dictionaries (proofs, keys). A script is looked up in the calling test target's `Resources/` and then among
/// the peers shared by several targets (`Tests/TestSupport/Peers`, e.g. `groth16_peer.py`).
public enum JSONPeer {
    /// Runs `script` with `request` and returns its parsed reply.
    public static func run(_ script: String, _ request: Any, bundle: Bundle? = nil) throws -> Any {
        try ExternalPeer.pythonJSON(script: url(of: script, in: bundle), request: request)
    }

    /// Parses one of our JSON documents into a JSON tree for a request.
    public static func tree(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    static func url(of script: String, in bundle: Bundle?) throws -> URL {
        let candidates = [
            bundle?.url(forResource: "Resources", withExtension: nil)?.appendingPathComponent(script),
            Bundle.module.url(forResource: "Peers", withExtension: nil)?.appendingPathComponent(script),
        ].compactMap { $0 }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw ExternalPeer.Failure(description: "the peer script \(script) is missing from the test bundles")
        }
        return found
    }
}
