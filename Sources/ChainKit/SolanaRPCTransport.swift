import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// The HTTP side of the Solana JSON-RPC client: one POST per call, a total deadline, and a bound on the response size
// that holds while the body arrives (a hostile or broken node cannot make us buffer gigabytes); and a JSON tree that
// keeps integers exact (lamports and slots are u64 JSON numbers, which a `Double` would round above 2⁵³). The same
// design as EVMKit's `JSONRPCTransport.swift`, with ChainKit's error type.

// MARK: - SolanaJSON

/// A JSON document as a tree (RFC 8259) whose integers are exact: a number that is an integer in 0…2⁶⁴−1 is
/// `unsigned`, a negative one in the `Int64` range `signed`, anything else `double`.
enum SolanaJSON: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case unsigned(UInt64)
    case signed(Int64)
    case double(Double)
    case string(String)
    case array([SolanaJSON])
    case object([String: SolanaJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(UInt64.self) {
            self = .unsigned(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .signed(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([SolanaJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: SolanaJSON].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .unsigned(let value): try container.encode(value)
        case .signed(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// A short name of the JSON type, for messages.
    var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .unsigned, .signed, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Compact JSON text with sorted keys (for messages and ``SolanaTransactionError/json``).
    var compactText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return kind }
        return String(decoding: data, as: UTF8.self)
    }
}

// MARK: - Transport

/// Owns a `URLSession` built from the caller's session configuration with our delegate, so that bodies arrive in
/// pieces we can count. Invalidates the session when the last client copy goes away.
final class SolanaRPCConnection: Sendable {
    let url: URL
    let session: URLSession
    let delegate: SolanaRPCSessionDelegate

    init(url: URL, configuration: URLSessionConfiguration, maxResponseBytes: Int) {
        self.url = url
        delegate = SolanaRPCSessionDelegate(maxResponseBytes: maxResponseBytes)
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// The URL without path, query or credentials (API keys often live there), for messages.
    var endpointDescription: String {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false), let host = components.host
        else { return "the configured URL" }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(components.scheme ?? "http")://\(host)\(port)"
    }

    /// POSTs `body` and returns the HTTP status and body, or why not.
    func post(_ body: Data, method: String, timeout: Duration) async -> Result<
        (status: Int, body: [UInt8]), SolanaRPCError
    > {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return .failure(.transport("the Solana JSON-RPC URL must be http:// or https://"))
        }
        let seconds = max(Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18, 0.001)
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.httpBody = body
        request.timeoutInterval = seconds
        let task = session.dataTask(with: request)
        let id = task.taskIdentifier
        let delegate = delegate
        let endpoint = endpointDescription
        let timedOut = SolanaRPCError(
            .timeout,
            "the Solana node at \(endpoint) did not answer \(method) within \(timeout); check that it is up and not "
                + "overloaded, or allow a longer timeout")
        let cancelled = SolanaRPCError.transport("the \(method) request to \(endpoint) was cancelled")
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                delegate.register(id, endpoint: endpoint, continuation: continuation)
                if Task.isCancelled {  // cancelled before the handler could see the registration
                    if delegate.finish(id, .failure(cancelled)) { task.cancel() }
                    return
                }
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
                    if delegate.finish(id, .failure(timedOut)) { task.cancel() }
                }
                task.resume()
            }
        } onCancel: {
            if delegate.finish(id, .failure(cancelled)) { task.cancel() }
        }
    }
}

/// Collects each task's body up to the bound and resumes its continuation exactly once.
final class SolanaRPCSessionDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    typealias Outcome = Result<(status: Int, body: [UInt8]), SolanaRPCError>

    private struct InFlight {
        let continuation: CheckedContinuation<Outcome, Never>
        let endpoint: String
        var status = 0
        var body: [UInt8] = []
    }

    private let lock = NSLock()
    private var inFlight: [Int: InFlight] = [:]  // guarded by lock
    let maxResponseBytes: Int

    init(maxResponseBytes: Int) {
        self.maxResponseBytes = maxResponseBytes
    }

    func register(_ id: Int, endpoint: String, continuation: CheckedContinuation<Outcome, Never>) {
        lock.withLock { inFlight[id] = InFlight(continuation: continuation, endpoint: endpoint) }
    }

    /// Resumes the task's continuation with `outcome` unless it already was; `true` if this call did it.
    @discardableResult
    func finish(_ id: Int, _ outcome: Outcome) -> Bool {
        guard let entry = lock.withLock({ inFlight.removeValue(forKey: id) }) else { return false }
        entry.continuation.resume(returning: outcome)
        return true
    }

    private func tooLarge(_ endpoint: String) -> SolanaRPCError {
        .transport(
            "the Solana node at \(endpoint) sent a response larger than \(maxResponseBytes >> 20) MiB; refusing it "
                + "(ask for less, or raise maxResponseBytes)")
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        let id = dataTask.taskIdentifier
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let declared = response.expectedContentLength
        let endpoint: String? = lock.withLock {
            inFlight[id]?.status = status
            return inFlight[id]?.endpoint
        }
        if let endpoint, declared > Int64(maxResponseBytes) {
            finish(id, .failure(tooLarge(endpoint)))
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let id = dataTask.taskIdentifier
        let overflowEndpoint: String? = lock.withLock {
            guard var entry = inFlight[id] else { return nil }
            guard entry.body.count + data.count <= maxResponseBytes else { return entry.endpoint }
            inFlight[id] = nil  // avoid copying the body on append
            entry.body.append(contentsOf: data)
            inFlight[id] = entry
            return nil
        }
        if let overflowEndpoint {
            finish(id, .failure(tooLarge(overflowEndpoint)))
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let id = task.taskIdentifier
        guard let entry = lock.withLock({ inFlight.removeValue(forKey: id) }) else { return }
        if let error {
            let urlError = error as? URLError
            let reason = urlError.map { "URL error \($0.code.rawValue)" } ?? "the connection failed"
            let failure =
                urlError?.code == .timedOut
                ? SolanaRPCError(.timeout, "the request to the Solana node at \(entry.endpoint) timed out")
                : SolanaRPCError.transport(
                    "could not reach the Solana node at \(entry.endpoint): \(reason); check the URL and that the node "
                        + "is running and reachable")
            entry.continuation.resume(returning: .failure(failure))
        } else {
            entry.continuation.resume(returning: .success((entry.status, entry.body)))
        }
    }
}
