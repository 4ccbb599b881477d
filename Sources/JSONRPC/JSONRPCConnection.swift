import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// JSON-RPC 2.0 over HTTP: one POST per call, with a total deadline and a bound on the response size that holds while
// the body arrives (a hostile or broken node cannot make us buffer gigabytes), and a strict check that the answer is a
// JSON-RPC 2.0 response to the request. Shared by EVMKit's `EthereumRPCClient` and ChainKit's `SolanaRPCClient`,
// which map ``JSONRPCFailure`` to their own errors.

// MARK: - JSONRPCReply

/// A JSON-RPC 2.0 response to the request sent: its `result`, or its `error` object (not yet interpreted: what its
/// `code`, `message` and `data` mean is the client's business).
public enum JSONRPCReply: Sendable, Hashable {
    /// The response's `result` (possibly `null`).
    case result(JSONValue)
    /// The response's `error` (any JSON value other than `null`).
    case error(JSONValue)
}

// MARK: - JSONRPCConnection

/// A JSON-RPC 2.0 endpoint over HTTP(S).
///
/// Owns a `URLSession` built from the caller's session configuration with its own delegate, so that bodies arrive in
/// pieces that can be counted; invalidates the session when it goes away. Nothing the node sends can trap: every
/// failure is a ``JSONRPCFailure``.
public final class JSONRPCConnection: Sendable {
    /// The endpoint.
    public let url: URL
    private let session: URLSession
    private let delegate: JSONRPCSessionDelegate

    /// Creates a connection to `url` (http or https; another scheme fails each call with
    /// ``JSONRPCFailure/unsupportedScheme``).
    ///
    /// - Parameters:
    ///   - configuration: the session configuration (proxies, headers, protocol classes) for the connection's session.
    ///   - maxResponseBytes: the largest response body accepted.
    public init(url: URL, configuration: URLSessionConfiguration, maxResponseBytes: Int) {
        self.url = url
        delegate = JSONRPCSessionDelegate(maxResponseBytes: maxResponseBytes)
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// The URL without path, query or credentials (API keys often live there), for messages.
    public var endpointDescription: String {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false), let host = components.host
        else { return "the configured URL" }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(components.scheme ?? "http")://\(host)\(port)"
    }

    /// Sends one request (`{"jsonrpc": "2.0", "id": <random>, "method": …, "params": […]}`) and returns the response's
    /// result or error object, validated as a JSON-RPC 2.0 response to it: `jsonrpc` must be `"2.0"`, the `id` must
    /// match (an error may carry a `null` id, JSON-RPC 2.0 §5), and exactly one of `result` and `error` must be present
    /// (`"error": null` beside a result and `"result": null` beside an error, as some nodes send, count as absent).
    ///
    /// - Parameter timeout: the limit for the whole request, connecting included.
    public func call(_ method: String, params: [JSONValue], timeout: Duration) async -> Result<
        JSONRPCReply, JSONRPCFailure
    > {
        let id = UInt64.random(in: 1...(1 << 31))
        let body: Data
        do {
            body = try JSONEncoder().encode(
                JSONValue.object([
                    "jsonrpc": .string("2.0"), "id": .unsigned(id), "method": .string(method), "params": .array(params),
                ]))
        } catch {
            return .failure(.encodingFailed(method: method))
        }
        let status: Int
        let bytes: [UInt8]
        switch await post(body, method: method, timeout: timeout) {
        case .success(let answer): (status, bytes) = answer
        case .failure(let failure): return .failure(failure)
        }
        let endpoint = endpointDescription
        func notJSONRPC(_ problem: String) -> Result<JSONRPCReply, JSONRPCFailure> {
            .failure(.notJSONRPC(endpoint: endpoint, method: method, status: status, problem: problem))
        }
        guard let response = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) else {
            return notJSONRPC(bytes.isEmpty ? "an empty body" : "a body that is not JSON")
        }
        guard case .object(let fields) = response else { return notJSONRPC("JSON that is not a JSON-RPC response") }
        guard fields["jsonrpc"] == .string("2.0") else { return notJSONRPC("a response without \"jsonrpc\": \"2.0\"") }
        // The id is compared as a number, so that an id echoed as 1234.0 still matches.
        let idMatches = fields["id"]?.number == Double(id)
        let result = fields["result"]
        let error = fields["error"] == .null ? nil : fields["error"]
        if let error {
            guard result == nil || result == .null else { return notJSONRPC("a response with both result and error") }
            guard idMatches || fields["id"] == .null else { return notJSONRPC("an error for another request id") }
            return .success(.error(error))
        }
        guard idMatches else { return notJSONRPC("a response for another request id") }
        guard let result else { return notJSONRPC("a response with neither result nor error") }
        return .success(.result(result))
    }

    /// POSTs `body` and returns the HTTP status and body, or why not.
    private func post(_ body: Data, method: String, timeout: Duration) async -> Result<
        (status: Int, body: [UInt8]), JSONRPCFailure
    > {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return .failure(.unsupportedScheme)
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
        let timedOut = JSONRPCFailure.deadlineExceeded(endpoint: endpoint, method: method, timeout: timeout)
        let cancelled = JSONRPCFailure.cancelled(endpoint: endpoint, method: method)
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

// MARK: - JSONRPCSessionDelegate

/// Collects each task's body up to the bound and resumes its continuation exactly once.
final class JSONRPCSessionDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    typealias Outcome = Result<(status: Int, body: [UInt8]), JSONRPCFailure>

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
            finish(id, .failure(.responseTooLarge(endpoint: endpoint, limit: maxResponseBytes)))
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
            finish(id, .failure(.responseTooLarge(endpoint: overflowEndpoint, limit: maxResponseBytes)))
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let id = task.taskIdentifier
        guard let entry = lock.withLock({ inFlight.removeValue(forKey: id) }) else { return }
        if let error {
            let failure = JSONRPCFailure.connectionFailed(endpoint: entry.endpoint, code: (error as? URLError)?.code)
            entry.continuation.resume(returning: .failure(failure))
        } else {
            entry.continuation.resume(returning: .success((entry.status, entry.body)))
        }
    }
}
