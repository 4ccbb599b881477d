import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Why a JSON-RPC call got no usable response, as facts rather than sentences: each client maps it to its own typed
/// error with its own wording (EVMKit to `EVMError`, ChainKit to `SolanaRPCError`).
///
/// `endpoint` is always ``JSONRPCConnection/endpointDescription`` (scheme, host and port only: no path, query or
/// credentials).
public enum JSONRPCFailure: Error, Sendable {
    /// The request could not be encoded as JSON.
    case encodingFailed(method: String)
    /// The URL's scheme is neither `http` nor `https`.
    case unsupportedScheme
    /// No complete answer within the call's deadline.
    case deadlineExceeded(endpoint: String, method: String, timeout: Duration)
    /// The calling task was cancelled.
    case cancelled(endpoint: String, method: String)
    /// The response body is (or declared itself) larger than `limit` bytes.
    case responseTooLarge(endpoint: String, limit: Int)
    /// The connection failed; `code` is the `URLError` code when the failure was a `URLError`.
    case connectionFailed(endpoint: String, code: URLError.Code?)
    /// The node answered, but not with a JSON-RPC 2.0 response to this request: `problem` completes the sentence
    /// "answered `method` with HTTP `status` and …" (e.g. "an empty body", "a response for another request id").
    case notJSONRPC(endpoint: String, method: String, status: Int, problem: String)
}
