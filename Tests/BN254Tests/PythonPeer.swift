import Foundation
import TestSupport

// MARK: - Python peer runner

/// Runs `Resources/<script>.py` through `TestSupport.ExternalPeer`, exchanging one JSON document over stdin/stdout
/// (a missing interpreter or package fails the test with the install hint — never a silent skip).
enum PythonPeer {
    static func run<Request: Encodable, Response: Decodable>(
        _ scriptName: String, _ request: Request, as: Response.Type = Response.self
    ) throws -> Response {
        try ExternalPeer.python(
            script: TestVectors.url(scriptName + ".py", in: .module), request: request, as: Response.self)
    }
}
