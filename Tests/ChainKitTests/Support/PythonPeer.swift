import Foundation
import TestSupport
import Testing

// MARK: - Python peers and vectors

/// Runs `Resources/<script>.py` with one JSON request on stdin and decodes its JSON reply, through
/// `TestSupport.ExternalPeer` (many cases per call; a missing peer fails with the install hint).
enum PythonPeer {
    static func call<Request: Encodable, Response: Decodable>(
        _ script: String, _ request: Request, as: Response.Type = Response.self
    ) throws -> Response {
        try ExternalPeer.python(
            script: TestVectors.url(script + ".py", in: .module), request: request, as: Response.self)
    }
}

/// JSON vector files from `Resources/`, through `TestSupport.TestVectors`.
enum TestResources {
    static func load<Value: Decodable>(_ name: String, as: Value.Type = Value.self) throws -> Value {
        try TestVectors.load(Value.self, resource: name, in: .module)
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
