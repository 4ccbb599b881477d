import HTTPTypes
import NIOCore
import NIOHTTPTypes

// MARK: - Slow clients

/// Closes a connection whose client is too slow to send a request: the idle timeout alone does not, since every
/// trickled byte resets it (a "slowloris" keeps a connection and its parser buffer busy with one byte every few
/// seconds for as long as it likes).
///
/// Two deadlines, both ``timeout`` long:
/// - **the head**: from the moment the connection opens, or a response ends with no other request begun, the next
///   request's complete head must arrive in time (so an idle keep-alive connection also ends then);
/// - **the body**: from a request's head to its end.
///
/// While the server works on a request (all of it read, the response not yet written) no deadline runs: that time is
/// ours, not the client's. A missed deadline closes the connection; there is no well-formed request to answer.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    /// Requests whose head has arrived and whose response has not ended.
    private var openRequests = 0

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            openRequests += 1
            arm(context)  // the body's deadline
        case .body:
            break
        case .end:
            // The server's turn — unless it has already answered (an early error: 401, 404, 413…, before it read
            // the body), in which case the client's next head is due from now.
            if openRequests == 0 { arm(context) } else { disarm() }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            openRequests = max(0, openRequests - 1)
            if openRequests == 0 { arm(context) }  // waiting for the next request's head
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        disarm()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
