import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

// MARK: - Parse errors as API errors

/// Answers a request the HTTP/1.1 parser rejects with the API's JSON error, then closes the connection.
///
/// Hummingbird answers a parser error (a header over the configured limits, a malformed request line or header)
/// with a bare `400` and an empty body. Every other failure of this API carries `{"error": {"code", "message"}}`, so
/// a client that sent a 20 KiB cookie would get the one answer it cannot act on. This handler sits after the
/// HTTP/1.1 codec, sees the parser's error first and, when no response is being written on the connection, writes
/// the JSON error itself:
///
/// - a header field or the header block over its limit: `431 headers_too_large` (RFC 6585 §5);
/// - anything else the parser refuses: `400 invalid_request`.
///
/// The connection is closed afterwards, as RFC 9112 §9.6 expects once the framing can no longer be trusted (a lingering
/// close: our side first, the rest once the client has stopped sending). When a
/// response is still being written (a pipelined request broke the parser), the error goes on to Hummingbird, whose
/// bare `400` then follows that response instead of interleaving with it.
final class HTTPParseErrorResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Requests whose head has been read and whose response has not yet ended.
    private var requestsInProgress = 0
    /// Set once this handler has answered: the connection is closing, and later errors need no second answer.
    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if answered { return }
        if case .head = unwrapInboundIn(data) { requestsInProgress += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { requestsInProgress -= 1 }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if answered { return }
        guard let parseError = error as? HTTPParserError, requestsInProgress == 0 else {
            context.fireErrorCaught(error)
            return
        }
        answered = true
        let apiError = Self.apiError(for: parseError)
        let body = ByteBuffer(bytes: apiError.jsonBody())
        var fields = HTTPFields()
        for (name, value) in SecurityHeadersMiddleware<GuardianRequestContext>.fixed { fields[name] = value }
        fields[.cacheControl] = "no-store"
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.contentLength] = String(body.readableBytes)
        fields[.connection] = "close"
        requestsInProgress += 1  // the write of `.end` below counts it back down
        context.write(wrapOutboundOut(.head(HTTPResponse(status: apiError.status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        // A lingering close (RFC 9112 §9.6): shut our side down only once the answer is out, and drop what the client
        // still sends. Closing outright with its bytes unread makes the kernel send a reset, which can destroy the
        // answer before the client reads it. The client's own close, or the deadline, ends the connection.
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
            channel.eventLoop.scheduleTask(in: Self.lingerTime) { channel.close(promise: nil) }
        }
    }

    /// How long a closing connection keeps reading (and dropping) what the client still sends.
    static let lingerTime = TimeAmount.seconds(2)

    /// The API error for a parser error.
    static func apiError(for error: HTTPParserError) -> APIError {
        switch error {
        case .headerOverflow:
            return .headersTooLarge
        default:
            return APIError(
                .badRequest, code: APIError.Code.invalidRequest,
                message: "The HTTP request is malformed and could not be parsed; check the request line and headers.")
        }
    }
}
