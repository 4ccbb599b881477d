import Foundation
import TestSupport

// MARK: - Running external peers

/// A failure of an external peer, with a message saying what to do.
struct PeerFailure: Error, CustomStringConvertible {
    let description: String
}

/// Runs command-line peers (python3, zbarimg) found on `PATH`, through `TestSupport.ExternalPeer`.
enum ExternalTool {
    typealias Output = ExternalPeer.Output

    static let commandNotFound = ExternalPeer.commandNotFound

    /// Runs `arguments[0]` with the remaining arguments and `input` on standard input.
    static func run(_ arguments: [String], input: Data = Data()) throws -> Output {
        try ExternalPeer.execute(arguments[0], Array(arguments.dropFirst()), stdin: input)
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
