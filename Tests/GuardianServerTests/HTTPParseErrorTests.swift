import Foundation
import GuardianServer
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the HTTP/1.1 parser refuses is answered with the API's JSON error (not Hummingbird's bare 400), over a real
/// socket: these requests cannot be built with a well-behaved client.
@Suite struct HTTPParseErrorTests {
    @Test func anOversizedHeaderFieldGetsA431WithTheJSONErrorAndTheConnectionCloses() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run(.live) { client in
            let port = try #require(client.port)
            let cookie = String(repeating: "a", count: 9 * 1024)
            let answer = try await RawHTTP.exchange(
                port: port, "GET /healthz HTTP/1.1\r\nHost: x\r\nCookie: \(cookie)\r\n\r\n")
            // `exchange` reads until the server closes: reaching here means it did.
            let response = try #require(answer.responses.first)
            #expect(answer.responses.count == 1)
            #expect(response.status == 431)
            #expect(response.body.contains(#""code":"headers_too_large""#), "\(response.body)")
            #expect(response.body.contains("8 KiB per field"))
            #expect(response.header("connection") == "close")
            #expect(response.header("content-type") == "application/json; charset=utf-8")
            #expect(response.header("x-content-type-options") == "nosniff")
            #expect(response.header("cache-control") == "no-store")
        }
    }

    @Test func tooManyHeaderFieldsGetA431() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run(.live) { client in
            let port = try #require(client.port)
            let fields = (0..<120).map { "X-Filler-\($0): 1\r\n" }.joined()
            let answer = try await RawHTTP.exchange(port: port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\(fields)\r\n")
            let response = try #require(answer.responses.first)
            #expect(response.status == 431)
            #expect(response.body.contains(#""code":"headers_too_large""#), "\(response.body)")
        }
    }

    @Test func aMalformedRequestGetsA400InvalidRequest() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run(.live) { client in
            let port = try #require(client.port)
            for request in [
                "GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\n\r\n", "NOT HTTP AT ALL\r\n\r\n",
                "GET /healthz HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
            ] {
                let answer = try await RawHTTP.exchange(port: port, request)
                let response = try #require(answer.responses.first, "\(request.debugDescription)")
                #expect(response.status == 400, "\(request.debugDescription)")
                #expect(
                    response.body.contains(#""code":"invalid_request""#),
                    "\(request.debugDescription): \(response.body)")
                #expect(response.body.contains("malformed"))
            }
            // The server is none the worse for it.
            let healthy = try await RawHTTP.exchange(
                port: port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(healthy.responses.first?.status == 200)
        }
    }

    @Test func onAKeptAliveConnectionTheEarlierResponseIsWholeAndTheBadRequestGetsItsOwn() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run(.live) { client in
            let port = try #require(client.port)
            let cookie = String(repeating: "b", count: 9 * 1024)
            // Sent one after the other on one connection: a good request, then one the parser refuses.
            let answer = try await RawHTTP.exchange(
                port: port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                then: "GET /healthz HTTP/1.1\r\nHost: x\r\nCookie: \(cookie)\r\n\r\n")
            #expect(answer.responses.map(\.status) == [200, 431], "\(answer.responses.map(\.body))")
            #expect(answer.responses.last?.body.contains("headers_too_large") == true)
        }
    }
}

extension HTTPParseErrorTests {
    @Test func aPipelinedBadRequestDoesNotCutIntoTheResponseBeforeIt() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run(.live) { client in
            let port = try #require(client.port)
            let cookie = String(repeating: "c", count: 9 * 1024)
            // Both in one write: the parser fails while the first response is still owed, so the handler leaves the
            // error to Hummingbird, whose (bare) 400 follows the whole first response.
            let answer = try await RawHTTP.exchange(
                port: port,
                "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nCookie: \(cookie)\r\n\r\n")
            #expect(answer.responses.map(\.status) == [200, 400], "\(answer.raw)")
            #expect(answer.responses.first?.body == #"{"status":"ok"}"#)
        }
    }
}

// MARK: - A raw HTTP/1.1 exchange

/// Writes bytes to a loopback port and reads until the server closes the connection (5 s at most), splitting what
/// came back into `Content-Length`-framed responses.
enum RawHTTP {
    struct Response {
        let status: Int
        let headers: [(String, String)]
        let body: String
        func header(_ name: String) -> String? { headers.first { $0.0 == name }?.1 }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// On a thread of its own: blocking reads on the cooperative pool could starve the server under test.
    static func exchange(port: Int, _ first: String, then second: String? = nil) async throws -> (
        responses: [Response], raw: String
    ) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try blockingExchange(port: port, first, then: second) })
            }
        }
    }

    private static func blockingExchange(port: Int, _ first: String, then second: String?) throws -> (
        responses: [Response], raw: String
    ) {
        let connection = try RawConnection(port: port)
        // The connection closes its socket when released: keep it alive for the whole exchange.
        return try withExtendedLifetime(connection) {
            let fd = connection.fd
            var received: [UInt8] = []
            try send(fd, first)
            if let second {
                // Wait for the first answer, so the second request arrives on an idle kept-alive connection.
                while parse(received).count < 1 { try receive(fd, into: &received, untilClose: false) }
                try send(fd, second)
            }
            try receive(fd, into: &received, untilClose: true)
            return (parse(received), String(decoding: received, as: UTF8.self))
        }
    }

    private static func send(_ fd: Int32, _ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            // The server may close after answering the head, before it has read everything.
            if written <= 0 { return }
            offset += written
        }
    }

    private static func receive(_ fd: Int32, into received: inout [UInt8], untilClose: Bool) throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        repeat {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return }
            if count < 0 {
                if errno == ECONNRESET { return }
                throw Failure(
                    description:
                        "read: errno \(errno) after \(received.count) bytes: \(String(decoding: received, as: UTF8.self))"
                )
            }
            received += chunk[..<count]
        } while untilClose
    }

    private static func parse(_ bytes: [UInt8]) -> [Response] {
        var responses: [Response] = []
        var rest = bytes[...]
        while let end = rest.firstRange(of: Array("\r\n\r\n".utf8)) {
            let head = String(decoding: rest[rest.startIndex..<end.lowerBound], as: UTF8.self)
            let lines = head.components(separatedBy: "\r\n")
            let parts = lines[0].split(separator: " ")
            let status = parts.count > 1 ? Int(parts[1]) ?? -1 : -1
            let headers = lines.dropFirst().compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (
                    line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                )
            }
            let length = Int(headers.first { $0.0 == "content-length" }?.1 ?? "0") ?? 0
            guard rest.endIndex - end.upperBound >= length else { break }
            let body = String(decoding: rest[end.upperBound..<(end.upperBound + length)], as: UTF8.self)
            responses.append(Response(status: status, headers: headers, body: body))
            rest = rest[(end.upperBound + length)...]
        }
        return responses
    }
}
