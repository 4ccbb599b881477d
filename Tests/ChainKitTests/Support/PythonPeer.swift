import Foundation
import TestSupport
import Testing

// MARK: - Python peer runner

/// Runs a helper script from `Resources/` with `python3`, sending one JSON request on stdin and
/// decoding one JSON response from stdout. Many cases go in one request, so each test starts the
/// interpreter once or twice.
enum PythonPeer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Installation hint shown whenever a peer cannot run.
    static let installHint =
        "Run scripts/install-test-deps.sh (it installs the Python test peers: pip install solders pynacl)."

    static func scriptURL(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: "py", subdirectory: "Resources") else {
            throw Failure(description: "Test resource Resources/\(name).py is missing from the test bundle.")
        }
        return url
    }

    /// Sends `request` to `script` and decodes its answer (through `TestSupport.ExternalPeer`).
    static func call<Request: Encodable, Response: Decodable>(
        _ script: String, _ request: Request, as: Response.Type = Response.self
    ) throws -> Response {
        do {
            return try ExternalPeer.python(script: scriptURL(script), request: request, as: Response.self)
        } catch let failure as ExternalPeer.Failure {
            throw Failure(description: failure.description + " " + installHint)
        }
    }
}

// MARK: - Resources

enum TestResources {
    /// Decodes a JSON file from `Resources/`.
    static func load<Value: Decodable>(_ name: String, as: Value.Type = Value.self) throws -> Value {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Resources") else {
            throw PythonPeer.Failure(
                description: "Test resource Resources/\(name).json is missing from the test bundle.")
        }
        return try JSONDecoder().decode(Value.self, from: Data(contentsOf: url))
    }
}

// MARK: - Encoding helpers

extension Array where Element == UInt8 {
    init(hex: String) {
        let digits = Array(hex.utf8)
        self = stride(from: 0, to: digits.count - 1, by: 2).map { index in
            UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16)!
        }
    }

    var hex: String { map { String(format: "%02x", $0) }.joined() }
    var base64: String { Data(self).base64EncodedString() }
}

func bytes(base64 text: String) -> [UInt8] { Array(Data(base64Encoded: text)!) }
