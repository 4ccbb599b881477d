import Foundation
import TestSupport

@testable import UR

// MARK: - Python peer

/// The Python helper `Resources/ur_peer.py`: cbor2, hashlib, zlib and Foundation Devices' Python port of bc-ur
/// (`bitcoin_qr_tools.ur`). One process call handles a whole batch.
enum URPeer {
    private struct Envelope<Request: Encodable>: Encodable { let requests: [Request] }
    private struct Results<Response: Decodable>: Decodable { let results: [Response] }

    /// Sends `requests` (each carrying its `op`) and decodes one response per request.
    static func call<Request: Encodable, Response: Decodable>(
        _ requests: [Request], as _: Response.Type = Response.self
    ) throws -> [Response] {
        let script = try TestVectors.url("ur_peer.py", in: Bundle.module)
        let input = try JSONEncoder().encode(Envelope(requests: requests))
        let output = try ExternalPeer.run("python3", [script.path], stdin: input)
        let results = try JSONDecoder().decode(Results<Response>.self, from: output).results
        guard results.count == requests.count else {
            throw ExternalPeer.Failure(
                description: "ur_peer.py answered \(results.count) of \(requests.count) requests")
        }
        return results
    }
}

// MARK: - Vectors

/// Loads `Resources/<name>.json`.
func loadVectors<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
    try TestVectors.load(T.self, resource: name, in: Bundle.module)
}

// MARK: - Helpers

/// The reference tests' `makeMessage(len)`: `len` bytes from Xoshiro256 seeded with "Wolf".
func makeMessage(_ length: Int, seed: String = "Wolf") -> [UInt8] {
    var rng = Xoshiro256(string: seed)
    return rng.nextData(count: length)
}

/// The reference tests' `makeMessageUR(len)`: the message as a CBOR byte string in a `bytes` UR.
func makeMessageUR(_ length: Int, seed: String = "Wolf") throws -> UR {
    try UR(type: "bytes", item: .bytes(makeMessage(length, seed: seed)))
}

/// Bytes from hex, failing the test on bad input.
func hexBytes(_ hex: String) throws -> [UInt8] {
    guard let bytes = Hex.decode(hex) else { throw ExternalPeer.Failure(description: "bad hex \(hex.prefix(40))") }
    return bytes
}

/// The seed for random cases: `UR_TEST_SEED` or a fixed default, mixed with a per-test salt, so a failure replays.
func seededGenerator(salt: UInt64) -> SplitMix64 {
    let base = ProcessInfo.processInfo.environment["UR_TEST_SEED"].flatMap { UInt64($0) } ?? 0x5552_2D42_4352_2D35
    return SplitMix64(seed: base ^ (salt &* 0x9E37_79B9_7F4A_7C15))
}

/// Runs `body` and returns the URError code it throws, or nil when it does not throw.
func errorCode<T>(_ body: () throws(URError) -> T) -> URError.Code? {
    do {
        _ = try body()
        return nil
    } catch {
        return error.code
    }
}
