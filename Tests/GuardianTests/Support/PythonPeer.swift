import Foundation
import TestSupport

// MARK: - Python peer

/// Runs `Resources/guardian_peer.py` (solders, PyNaCl, pyotp, cryptography) with one JSON request and decodes its
/// JSON answer, through `TestSupport.ExternalPeer`. A missing peer fails the test with the install hint — an interop
/// test that skips is a test that cannot fail.
enum PythonPeer {
    static func call<Request: Encodable, Response: Decodable>(_ request: Request, as: Response.Type = Response.self)
        throws -> Response
    {
        try ExternalPeer.python(
            script: TestVectors.url("guardian_peer.py", in: .module), request: request, as: Response.self)
    }
}
