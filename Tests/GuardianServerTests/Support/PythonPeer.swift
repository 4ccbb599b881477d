import Foundation
import TestSupport

// MARK: - Python peers

/// Runs a helper script from `Resources/` with one JSON request on stdin and one JSON reply on stdout — many cases per
/// call — through `TestSupport.ExternalPeer`; a missing interpreter or module fails the test with the fix to apply.
enum PythonPeer {
    /// Sends `request` to `Resources/<script>.py` and decodes its answer.
    static func run<Request: Encodable, Reply: Decodable>(_ script: String, _ request: Request, as: Reply.Type) throws
        -> Reply
    {
        try ExternalPeer.python(script: TestVectors.url(script + ".py", in: .module), request: request, as: Reply.self)
    }
}
