import Dispatch
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Limits on client connections, against idle and slow clients (issue 17: 20,000 idle connections
/// used up the process's file descriptors and `/healthz` stopped answering; slowloris connections
/// stayed open for ever).
public struct ConnectionLimits: Sendable {
    /// A connection with no request in progress is closed after this long: a keep-alive connection
    /// left idle, and one that dribbles a request head without finishing it.
    public var idleTimeout: Duration
    /// Open connections at most; past it the connection idle the longest is closed to make room, so
    /// that health checks and normal requests still get in.
    public var maxConnections: Int

    public init(idleTimeout: Duration = .seconds(20), maxConnections: Int = ConnectionLimits.defaultMaxConnections) {
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }

    /// The process's file descriptor limit less a reserve for the database, media files and
    /// outbound calls.
    public static var defaultMaxConnections: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 4096 }
        return max(64, Int(min(limit.rlim_cur, 1_000_000)) - 512)
    }
}

/// Every open client connection, and which are idle, shared by all event loops.
final class ConnectionRegistry: Sendable {
    private struct Entry {
        let channel: any Channel
        var idleSince: UInt64?
    }
    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])
    private let sequence = Atomic<UInt64>(0)
    let limits: ConnectionLimits

    init(limits: ConnectionLimits) { self.limits = limits }

    var count: Int { entries.withLock { $0.count } }

    /// Registers a new connection; when that passes the ceiling, closes the connection idle longest
    /// (or, with none idle, refuses the new one by closing it).
    func opened(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        let stamp = sequence.add(1, ordering: .relaxed).newValue
        let evicted: (any Channel)? = entries.withLock { entries in
            entries[key] = Entry(channel: channel, idleSince: stamp)
            guard entries.count > limits.maxConnections else { return nil }
            // One pass, no copy: this runs under the lock every connection takes.
            var victim = key
            var oldest = UInt64.max
            for (candidate, entry) in entries where candidate != key {
                if let idle = entry.idleSince, idle < oldest {
                    oldest = idle
                    victim = candidate
                }
            }
            return entries.removeValue(forKey: victim)?.channel
        }
        // On its own event loop, after what runs there now: never in the middle of a pipeline event.
        if let evicted { evicted.eventLoop.execute { evicted.close(promise: nil) } }
    }

    func closed(_ channel: any Channel) {
        _ = entries.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    func setIdle(_ channel: any Channel, _ idle: Bool) {
        let stamp = idle ? sequence.add(1, ordering: .relaxed).newValue : nil
        entries.withLock { $0[ObjectIdentifier(channel)]?.idleSince = stamp }
    }
}

/// Closes its connection when no request is in progress for `idleTimeout`, and keeps the
/// registry's idle marks. Sits right after the HTTP/1 decoder; every answer, the fast path's too,
/// is written through it.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let registry: ConnectionRegistry
    private var inFlight = 0
    /// When the client's present wait began (idle, or a request still arriving), in uptime
    /// nanoseconds; nil while the server answers: its own time is not the client's idleness.
    private var waitingSince: UInt64?
    /// One timer per connection, re-armed only when it fires: scheduling and cancelling one per
    /// request was 4% of a fast-path answer's CPU.
    private var timer: Scheduled<Void>?
    private var channel: (any Channel)?

    init(registry: ConnectionRegistry) { self.registry = registry }

    func handlerAdded(context: ChannelHandlerContext) {
        channel = context.channel
        if context.channel.isActive { start(context) }
    }

    /// Counted only once active, and only after the rest of the pipeline saw it become active: a
    /// channel closed before Hummingbird's async channel is active makes NIO trap (found by a test).
    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        start(context)
    }

    private var started = false

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        registry.opened(context.channel)
        context.channel.closeFuture.whenComplete { [registry, channel = context.channel] _ in registry.closed(channel) }
        wait(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    /// Whether a request's body is still arriving: a client that sends a head and then stalls its
    /// body is held to the same timeout as one that stalls its head.
    private var receiving = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            inFlight += 1
            receiving = true
            registry.setIdle(context.channel, false)
            wait(context)
        case .body:
            wait(context)  // still coming: the timeout counts from the last part
        case .end:
            receiving = false
            // The server answers now, unless it already has (a 413 before the body ended): then the
            // client's wait has begun and must stay counted.
            if inFlight > 0 { waitingSince = nil }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { responseSent(context) }
        context.write(data, promise: promise)
    }

    /// A request NIO's decoder could not read (a request line or headers past 80 KB, broken
    /// syntax) gets a problem+json answer, then the connection closes: the stream cannot be resynchronised.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        // An answer to an earlier request is still being written: a second one would interleave with it.
        guard inFlight == 0 || (inFlight == 1 && receiving) else {
            context.close(promise: nil)
            return
        }
        let problem =
            parserError == .headerOverflow
            ? Problem(.init(code: 431), "the request line or headers are larger than the server reads (80 KB)")
            : Problem(.badRequest, "the request is not valid HTTP/1.1")
        let body = problem.body
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/problem+json")
        headers.add(name: "content-length", value: String(body.count))
        headers.add(name: "connection", value: "close")
        let head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: problem.status.code), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    /// One answer is complete (written here, or through here by the fast path).
    func responseSent(_ context: ChannelHandlerContext) {
        inFlight = max(0, inFlight - 1)
        if inFlight == 0 {
            registry.setIdle(context.channel, true)
            wait(context)
        }
    }

    /// The client's wait starts (again) now; the timer is armed if it is not.
    private func wait(_ context: ChannelHandlerContext) {
        waitingSince = DispatchTime.now().uptimeNanoseconds
        if timer == nil { schedule(on: context.eventLoop, in: Self.nanoseconds(registry.limits.idleTimeout)) }
    }

    /// When the timer fires: closes the connection if the client has waited the whole timeout,
    /// else sleeps for what is left of it (or, while the server answers, until the next wait).
    private func schedule(on loop: any EventLoop, in nanoseconds: Int64) {
        timer = loop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: .nanoseconds(nanoseconds)) { [weak self] in
            guard let self else { return }
            self.timer = nil
            guard let since = self.waitingSince else { return }
            let timeout = Self.nanoseconds(self.registry.limits.idleTimeout)
            let now = DispatchTime.now().uptimeNanoseconds
            let waited = now > since ? Int64(clamping: now - since) : 0
            if waited >= timeout {
                self.channel?.close(promise: nil)
            } else {
                self.schedule(on: loop, in: timeout - waited)
            }
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}
