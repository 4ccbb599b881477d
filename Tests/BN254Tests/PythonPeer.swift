import Foundation
import TestSupport

// MARK: - Python peer runner

/// Runs a Python peer script from this target's resources through `TestSupport.ExternalPeer`, exchanging one JSON
/// document over stdin/stdout. A missing interpreter or package fails the test with an install hint — never a
/// silent skip.
enum PythonPeer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let installHint = "install the test peers with scripts/install-test-deps.sh (it runs `pip install py-ecc`)"

    /// The URL of a script under Tests/BN254Tests/Resources.
    static func script(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: "py", subdirectory: "Resources") else {
            throw Failure(description: "Resources/\(name).py is missing from the test bundle")
        }
        return url
    }

    static func run<Request: Encodable, Response: Decodable>(
        _ scriptName: String, _ request: Request, as: Response.Type = Response.self
    ) throws -> Response {
        try ExternalPeer.python(script: script(scriptName), request: request, as: Response.self)
    }
}
