import Foundation
import NIOCore
import NIOPosix
import OTP

// MARK: - Lean HTTP/1.1 driver

/// The load generator's HTTP side: keep-alive HTTP/1.1 connections owned by **one** NIO event loop, which schedules,
/// writes and times every request itself — in the manner of wrk2, and for the same reason.
///
/// The generator shares this 2-core machine with the server. Its first version sent each request through
/// AsyncHTTPClient from a task group: ~400 µs of CPU per request, more than the server spends on a cosign, and
/// several thread hops per request whose wake-ups land in the measured latency. Here a request costs one buffer
/// write on the loop that also reads its answer, and its latency is taken on that loop's monotonic clock.
///
/// All state is confined to ``eventLoop``; the public entry points hop onto it.
final class LoadDriver: @unchecked Sendable {
    struct Sample {
        let latencyNanoseconds: Int64
        /// HTTP status, or -1 when the connection failed before an answer.
        let status: Int
    }

    /// What one request needs; the TOTP code is computed when it is sent (a code is valid for its 30 s step).
    struct Request: Sendable {
        let path: String
        let authorization: String
        let transaction: String
        let totp: TOTP
    }

    let eventLoop: EventLoop
    private let group: MultiThreadedEventLoopGroup
    private let hostHeader: String
    private var connections: [ObjectIdentifier: Connection] = [:]
    private var idle: [Connection] = []
    private(set) var connectionsLost = 0

    // The running phase.
    private var requests: [Request] = []
    private var samples: [Sample] = []
    private var next = 0
    /// Connections with a request written and its answer not yet read.
    private var inFlight = 0
    private var backlog: [(index: Int, due: NIODeadline)] = []
    private var backlogHead = 0
    private var start = NIODeadline.now()
    private var rate: Double?
    private var closedDeadline: NIODeadline?
    private var finished: EventLoopPromise<[Sample]>?

    private init(group: MultiThreadedEventLoopGroup, hostHeader: String) {
        self.group = group
        self.eventLoop = group.next()
        self.hostHeader = hostHeader
    }

    /// Opens `count` connections, round-robin over `targets`, on a loop of its own.
    static func connect(targets: [(host: String, port: Int)], count: Int) async throws -> LoadDriver {
        let first = targets[0]
        let driver = LoadDriver(
            group: MultiThreadedEventLoopGroup(numberOfThreads: 1), hostHeader: "\(first.host):\(first.port)")
        let bootstrap = ClientBootstrap(group: driver.eventLoop)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ResponseReader(driver: driver))
                }
            }
        for index in 0..<count {
            let (host, port) = targets[index % targets.count]
            let channel = try await bootstrap.connect(host: host, port: port).get()
            try await driver.eventLoop.submit {
                let connection = Connection(channel: channel)
                driver.connections[ObjectIdentifier(channel)] = connection
                driver.idle.append(connection)
            }.get()
        }
        return driver
    }

    func shutdown() async throws {
        try await eventLoop.submit {
            for connection in self.connections.values { connection.channel.close(promise: nil) }
            self.connections.removeAll()
            self.idle.removeAll()
        }.get()
        try await group.shutdownGracefully()
    }

    // MARK: Phases

    /// Open loop: request *i* is due at `start + i / rate` whatever happened to the others, and its latency runs from
    /// that due time — a request waiting for a free connection is waiting on the server (no coordinated omission).
    func openLoop(_ requests: [Request], rate: Double) async throws -> [Sample] {
        try await eventLoop.flatSubmit {
            self.begin(requests, rate: rate, closedDeadline: nil)
            self.pump()
            return self.finished!.futureResult
        }.get()
    }

    /// Closed loop: each connection sends its next request as soon as its previous answer is in, until `seconds`.
    func closedLoop(_ requests: [Request], seconds: Double) async throws -> [Sample] {
        try await eventLoop.flatSubmit {
            self.begin(requests, rate: nil, closedDeadline: .now() + .nanoseconds(Int64(seconds * 1e9)))
            for connection in self.idle.reversed() where self.next < self.requests.count {
                _ = self.idle.popLast()
                self.send(on: connection, index: self.next, due: .now())
                self.next += 1
            }
            self.finishIfDone()
            return self.finished!.futureResult
        }.get()
    }

    private func begin(_ requests: [Request], rate: Double?, closedDeadline: NIODeadline?) {
        eventLoop.preconditionInEventLoop()
        precondition(finished == nil, "one phase at a time")
        self.requests = requests
        samples = []
        samples.reserveCapacity(requests.count)
        next = 0
        backlog = []
        backlogHead = 0
        start = .now() + .milliseconds(5)
        self.rate = rate
        self.closedDeadline = closedDeadline
        finished = eventLoop.makePromise()
    }

    private func due(_ index: Int) -> NIODeadline {
        start + .nanoseconds(Int64((Double(index) / rate!) * 1e9))
    }

    /// Sends everything due by now, then sleeps on the loop's timer until the next one is due.
    private func pump() {
        let now = NIODeadline.now()
        while next < requests.count, due(next) <= now {
            let due = due(next)
            if let connection = idle.popLast() {
                send(on: connection, index: next, due: due)
            } else if connections.isEmpty {
                samples.append(Sample(latencyNanoseconds: 0, status: -1))
            } else {
                backlog.append((next, due))
            }
            next += 1
        }
        if next < requests.count {
            eventLoop.scheduleTask(deadline: due(next)) { self.pump() }
        }
        finishIfDone()
    }

    private func send(on connection: Connection, index: Int, due: NIODeadline) {
        let request = requests[index]
        let code = (try? request.totp.code(at: Int64(Date().timeIntervalSince1970))) ?? "000000"
        let body = #"{"transaction":""# + request.transaction + #"","code":""# + code + #""}"#
        var buffer = connection.channel.allocator.buffer(capacity: body.utf8.count + request.path.utf8.count + request.authorization.utf8.count + 160)
        buffer.writeString("POST \(request.path) HTTP/1.1\r\nHost: \(hostHeader)\r\nAuthorization: \(request.authorization)\r\n")
        buffer.writeString("Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
        buffer.writeString(body)
        connection.inFlight = due
        inFlight += 1
        connection.channel.writeAndFlush(buffer, promise: nil)
    }

    // MARK: Answers (called by ResponseReader on the loop)

    fileprivate func answered(_ channel: Channel, status: Int, keepAlive: Bool) {
        guard let connection = connections[ObjectIdentifier(channel)], let due = connection.inFlight else { return }
        connection.inFlight = nil
        inFlight -= 1
        record(due: due, status: status)
        if !keepAlive {
            drop(connection)
            return
        }
        reuse(connection)
    }

    fileprivate func failed(_ channel: Channel) {
        guard let connection = connections[ObjectIdentifier(channel)] else { return }
        if let due = connection.inFlight {
            connection.inFlight = nil
            inFlight -= 1
            record(due: due, status: -1)
        }
        drop(connection)
    }

    private func record(due: NIODeadline, status: Int) {
        samples.append(Sample(latencyNanoseconds: Int64((NIODeadline.now() - due).nanoseconds), status: status))
    }

    private func reuse(_ connection: Connection) {
        if backlogHead < backlog.count {
            let waiting = backlog[backlogHead]
            backlogHead += 1
            send(on: connection, index: waiting.index, due: waiting.due)
        } else if let deadline = closedDeadline, next < requests.count, NIODeadline.now() < deadline {
            send(on: connection, index: next, due: .now())
            next += 1
        } else {
            idle.append(connection)
        }
        finishIfDone()
    }

    private func drop(_ connection: Connection) {
        connections[ObjectIdentifier(connection.channel)] = nil
        idle.removeAll { $0 === connection }
        connectionsLost += 1
        connection.channel.close(promise: nil)
        // Nothing left to send on: whatever is still waiting can never be answered.
        if connections.isEmpty, finished != nil {
            let unanswered = (backlog.count - backlogHead) + (rate != nil ? requests.count - next : 0)
            for _ in 0..<unanswered { samples.append(Sample(latencyNanoseconds: 0, status: -1)) }
            backlogHead = backlog.count
            if rate != nil { next = requests.count } else { closedDeadline = .now() }
        }
        finishIfDone()
    }

    private func finishIfDone() {
        guard let promise = finished else { return }
        let nothingLeft = rate != nil ? next == requests.count : (next == requests.count || closedDeadline.map { NIODeadline.now() >= $0 } ?? true)
        guard nothingLeft, backlogHead == backlog.count, inFlight == 0 else { return }
        finished = nil
        promise.succeed(samples)
    }

    private final class Connection {
        let channel: Channel
        var inFlight: NIODeadline?
        init(channel: Channel) { self.channel = channel }
    }
}

// MARK: - Response reader

/// Reads HTTP/1.1 responses framed by `Content-Length` (what the guardian sends) off one connection.
private final class ResponseReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let driver: LoadDriver
    private var buffer: ByteBuffer?
    /// Once the head is parsed: its length, the body's length, the status and whether the server keeps the connection.
    private var head: (length: Int, bodyLength: Int, status: Int, keepAlive: Bool)?

    init(driver: LoadDriver) { self.driver = driver }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if buffer == nil { buffer = incoming } else { buffer!.writeBuffer(&incoming) }
        while let parsed = parse() {
            driver.answered(context.channel, status: parsed.status, keepAlive: parsed.keepAlive)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        driver.failed(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        driver.failed(context.channel)
        context.close(promise: nil)
    }

    /// One complete response off the front of the buffer, if there is one. Byte scanning only: the generator's CPU is
    /// taken from the server's two cores.
    private func parse() -> (status: Int, keepAlive: Bool)? {
        guard var bytes = buffer else { return nil }
        if head == nil {
            guard let parsed = bytes.withUnsafeReadableBytes(Self.parseHead) else { return nil }
            head = parsed
        }
        guard let parsed = head, bytes.readableBytes >= parsed.length + parsed.bodyLength else { return nil }
        bytes.moveReaderIndex(forwardBy: parsed.length + parsed.bodyLength)
        buffer = bytes.readableBytes == 0 ? nil : bytes
        head = nil
        return (parsed.status, parsed.keepAlive)
    }

    /// The head's length (through CRLF CRLF), `Content-Length`, the status and `Connection: close`, or nil while the
    /// head is incomplete.
    private static func parseHead(_ raw: UnsafeRawBufferPointer) -> (length: Int, bodyLength: Int, status: Int, keepAlive: Bool)? {
        let count = raw.count
        var end = -1
        var index = 3
        while index < count {
            if raw[index] == 10, raw[index - 1] == 13, raw[index - 2] == 10, raw[index - 3] == 13 { end = index + 1; break }
            index += 1
        }
        guard end > 0 else { return nil }
        // "HTTP/1.1 200 ..."
        var status = -1
        if end > 12, raw[8] == 32 {
            status = (Int(raw[9]) - 48) * 100 + (Int(raw[10]) - 48) * 10 + (Int(raw[11]) - 48)
        }
        var bodyLength = 0
        var keepAlive = true
        var lineStart = 0
        while lineStart < end {
            var lineEnd = lineStart
            while lineEnd < end, raw[lineEnd] != 13 { lineEnd += 1 }
            if matches(raw, lineStart, lineEnd, "content-length:") {
                var position = lineStart + 15
                var value = 0
                while position < lineEnd {
                    let byte = raw[position]
                    if byte >= 48, byte <= 57 { value = value * 10 + Int(byte - 48) }
                    position += 1
                }
                bodyLength = value
            } else if matches(raw, lineStart, lineEnd, "connection:") {
                keepAlive = !contains(raw, lineStart + 11, lineEnd, "close")
            }
            lineStart = lineEnd + 2
        }
        return (end, bodyLength, status, keepAlive)
    }

    /// Whether the line starts with `prefix` (lowercase ASCII), ignoring case.
    private static func matches(_ raw: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ prefix: StaticString) -> Bool {
        let length = prefix.utf8CodeUnitCount
        guard end - start >= length else { return false }
        let pattern = prefix.utf8Start
        for offset in 0..<length where raw[start + offset] | 0x20 != pattern[offset] { return false }
        return true
    }

    /// Whether `needle` (lowercase ASCII) occurs in the range, ignoring case.
    private static func contains(_ raw: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ needle: StaticString) -> Bool {
        var position = start
        while position + needle.utf8CodeUnitCount <= end {
            if matches(raw, position, end, needle) { return true }
            position += 1
        }
        return false
    }
}
