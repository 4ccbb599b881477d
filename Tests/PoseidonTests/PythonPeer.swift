import Foundation
import TestSupport

// MARK: - PythonPeer

/// Runs a committed Python helper from `Resources/` with one JSON request on stdin and decodes its JSON reply, through
/// `TestSupport.ExternalPeer` (one process call checks a whole batch; a missing peer fails with the install hint).
enum PythonPeer {
    static func run<Request: Encodable, Response: Decodable>(
        _ script: String, _ request: Request, as _: Response.Type = Response.self
    ) throws -> Response {
        try ExternalPeer.python(script: TestVectors.url(script, in: .module), request: request, as: Response.self)
    }
}
