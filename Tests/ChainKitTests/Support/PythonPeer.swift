import Foundation
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
    static let installHint = "Run scripts/install-test-deps.sh (it installs the Python test peers: pip install solders pynacl)."

    static func scriptURL(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: "py", subdirectory: "Resources") else {
            throw Failure(description: "Test resource Resources/\(name).py is missing from the test bundle.")
        }
        return url
    }

    /// Sends `request` to `script` and decodes its answer.
    static func call<Request: Encodable, Response: Decodable>(_ script: String, _ request: Request, as: Response.Type = Response.self) throws -> Response {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", try scriptURL(script).path]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Failure(description: "Could not start python3 (\(error)). \(installHint)")
        }
        let payload = try JSONEncoder().encode(request)
        // Write on another thread so a large request cannot deadlock against a full stdout pipe.
        let writer = Thread {
            input.fileHandleForWriting.write(payload)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderrText = String(decoding: stderr, as: UTF8.self)
        if process.terminationStatus == 3 || stderrText.contains("ModuleNotFoundError") {
            throw Failure(description: "The Python peer \(script).py cannot import its library: \(String(decoding: stdout, as: UTF8.self)) \(stderrText.suffix(300)) \(installHint)")
        }
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(script).py exited with status \(process.terminationStatus): \(stderrText.suffix(2000)) \(process.terminationStatus == 127 ? installHint : "")")
        }
        do {
            return try JSONDecoder().decode(Response.self, from: stdout)
        } catch {
            throw Failure(description: "\(script).py answered with JSON that does not decode as \(Response.self): \(error); output starts \(String(decoding: stdout.prefix(300), as: UTF8.self))")
        }
    }
}

// MARK: - Resources

enum TestResources {
    /// Decodes a JSON file from `Resources/`.
    static func load<Value: Decodable>(_ name: String, as: Value.Type = Value.self) throws -> Value {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Resources") else {
            throw PythonPeer.Failure(description: "Test resource Resources/\(name).json is missing from the test bundle.")
        }
        return try JSONDecoder().decode(Value.self, from: Data(contentsOf: url))
    }
}

// MARK: - Deterministic randomness

/// SplitMix64: a small, seedable generator so failing random cases can be replayed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
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
