import Dispatch
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Metrics
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import OCOPDomain
import Synchronization

/// Answers the public catalog's hottest reads (`GET /v1/products`, `GET /v1/products/{slug}` and
/// the showroom's `GET /san-pham/{slug}`) inside the connection's channel pipeline, before Hummingbird's per-request task machinery.
///
/// The answers come from the same synchronous code the Hummingbird routes call
/// (`ProductsController.listAnswer` / `detailAnswer`), so bytes, ETags and 304s are the same; only
/// the path to them is shorter: no conversion to HTTPTypes and back, no request task, no
/// middleware chain, no async writer (see docs/decisions.md for the measurements). Everything
/// else, and any request this handler is not sure about (a token, a body, HTTP/1.0, an error
/// answer, an earlier request still being answered), goes on to Hummingbird untouched.
final class CatalogFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let routes: CatalogFastRoutes
    /// Requests handed to Hummingbird whose answer has not been written yet: while there are any,
    /// every request goes the same way, so answers leave in the order requests came.
    private var passedOn = 0
    private enum Reading {
        case idle
        case fast(HTTPRequestHead, CatalogFastRoutes.Route)
        case passing
    }
    private var reading = Reading.idle

    init(routes: CatalogFastRoutes) { self.routes = routes }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch (reading, part) {
        case (.idle, .head(let head)):
            if passedOn == 0, let route = routes.route(head) {
                reading = .fast(head, route)
            } else {
                pass(head, context)
            }
        case (.fast(let head, let route), .end):
            reading = .idle
            let started = DispatchTime.now().uptimeNanoseconds
            guard let answer = routes.answer(head, route) else {
                pass(head, context)
                reading = .idle  // the whole request (head, then this end) has gone on
                context.fireChannelRead(data)
                return
            }
            write(answer, to: context, keepAlive: head.isKeepAlive)
            routes.record(answer, route, since: started)
        case (.fast(let head, _), .body):
            // A GET with a body is unusual enough to leave to the general path.
            pass(head, context)
            context.fireChannelRead(data)
        case (.passing, .end):
            reading = .idle
            context.fireChannelRead(data)
        default:
            context.fireChannelRead(data)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { passedOn -= 1 }
        context.write(data, promise: promise)
    }

    private func pass(_ head: HTTPRequestHead, _ context: ChannelHandlerContext) {
        reading = .passing
        passedOn += 1
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    /// Writes the answer through NIO's response encoder, as Hummingbird's answers are. The encoder
    /// pairs each response with the method of the request it answers (to send no body after a
    /// `HEAD`); bytes written past it once left that queue a request behind, so a `GET` answered
    /// here, then a `HEAD` and a `GET` answered by Hummingbird, got the second `GET`'s body dropped.
    /// No answer from Hummingbird is in flight (`passedOn` is 0), so nothing interleaves.
    private func write(_ answer: CachedAnswer, to context: ChannelHandlerContext, keepAlive: Bool) {
        var headers = HTTPHeaders()
        headers.reserveCapacity(9)
        answer.forEachHeader { name, value in headers.add(name: name, value: value) }
        if answer.body == nil { headers.add(name: "content-length", value: "0") }
        headers.add(name: "date", value: routes.dates.now())
        headers.add(name: "server", value: routes.serverName)
        if !keepAlive { headers.add(name: "connection", value: "close") }
        let head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: answer.status.code), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body = answer.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

/// Hummingbird's HTTP/1 channel with `CatalogFastPath` placed right after the HTTP/1 decoder, before
/// the conversion to HTTPTypes that Hummingbird's own handlers need.
struct CatalogHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let http1: HTTP1Channel
    let routes: CatalogFastRoutes
    let connections: ConnectionRegistry

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        http1.setup(channel: channel, logger: logger).map { value in
            if !Self.install(on: channel.pipeline.syncOperations, routes: routes, connections: connections) {
                FastPathFallback.warnOnce(logger)
            }
            return value
        }
    }

    /// Puts the guard and the fast path right before Hummingbird's HTTP/1 → HTTPTypes codec:
    /// decoder → guard (idle and slow clients, the connection ceiling) → fast path → codec → …
    /// Returns false, with the pipeline left as Hummingbird built it, when the codec is not there
    /// (a Hummingbird release that lays its pipeline out differently): every request then takes the
    /// ordinary path, slower but whole, instead of every connection failing.
    static func install(
        on operations: ChannelPipeline.SynchronousOperations, routes: CatalogFastRoutes, connections: ConnectionRegistry
    ) -> Bool {
        guard let codec = try? operations.handler(type: HTTP1ToHTTPServerCodec.self) else { return false }
        do {
            try operations.addHandler(ConnectionGuard(registry: connections), position: .before(codec))
            try operations.addHandler(CatalogFastPath(routes: routes), position: .before(codec))
            return true
        } catch {
            return false
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}

/// Says once per process that the fast path is off, rather than once per connection.
enum FastPathFallback {
    private static let warned = Atomic<Bool>(false)

    static func warnOnce(_ logger: Logger) {
        guard !warned.exchange(true, ordering: .relaxed) else { return }
        logger.warning("the catalog fast path could not be installed; every request takes Hummingbird's ordinary path")
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with the catalog's fast path.
    static func http1(catalog routes: CatalogFastRoutes, limits: ConnectionLimits) -> HTTPServerBuilder {
        // The guard is part of the fast path's install: without the codec, it cannot sit before it.
        let connections = ConnectionRegistry(limits: limits)
        return HTTPServerBuilder { responder in
            CatalogHTTP1Channel(http1: HTTP1Channel(responder: responder), routes: routes, connections: connections)
        }
    }
}

/// Which requests the fast path takes and how it answers them, shared by every connection.
struct CatalogFastRoutes: Sendable {
    let products: ProductsController<AppRequestContext>
    let showroom: ShowroomController
    let serverName: String
    let dates = HTTPDateText()
    /// The router's metric objects, so both paths count a request the same way.
    private let metrics: RequestMetricsCache
    private let listAnswers = ListAnswerCache()

    init(
        products: ProductsController<AppRequestContext>, showroom: ShowroomController, serverName: String,
        metrics: RequestMetricsCache
    ) {
        self.products = products
        self.showroom = showroom
        self.serverName = serverName
        self.metrics = metrics
    }

    private static let listPath = "/v1/products"
    private static let detailPrefix = "/v1/products/"
    /// The detail route as Hummingbird's router names it in metrics.
    private static let detailRoute = "/v1/products/{slug}"
    private static let pagePrefix = "/san-pham/"
    private static let pageRoute = "/san-pham/{slug}"

    /// The page asked for, when the request is an HTTP/1.1 GET of a catalog page without
    /// credentials (public, the same for everyone); nil leaves it to Hummingbird.
    func route(_ head: HTTPRequestHead) -> Route? {
        guard head.method == .GET, head.version == .http1_1, !head.headers.contains(name: "authorization"),
            !head.headers.contains(name: "content-length"), !head.headers.contains(name: "transfer-encoding")
        else { return nil }
        return Self.route(head.uri)
    }

    /// The answer, or nil to leave the request to Hummingbird (errors are rendered there).
    func answer(_ head: HTTPRequestHead, _ route: Route) -> CachedAnswer? {
        let acceptLanguage = head.headers.first(name: "accept-language")
        let ifNoneMatch = head.headers.first(name: "if-none-match")
        let acceptsGzip = Gzip.isAccepted(head.headers.first(name: "accept-encoding"))
        func view() -> RequestView {
            RequestView(uri: URI(head.uri), acceptLanguage: acceptLanguage, ifNoneMatch: ifNoneMatch, acceptsGzip: acceptsGzip)
        }
        switch route {
        case .list:
            // Revalidations (If-None-Match) are answered afresh: they are cheap and rare.
            guard ifNoneMatch == nil else { return try? products.listAnswer(view()) }
            // The versions first: an answer computed after reading them is at least that new.
            let snapshot = products.readModel.snapshot().serial
            let stockVersion = products.stockReadModel.version
            let key = head.uri + "\u{1F}" + (acceptLanguage ?? "") + (acceptsGzip ? "\u{1F}gzip" : "")
            if let cached = listAnswers.answer(key, snapshot: snapshot, stockVersion: stockVersion) { return cached }
            guard let answer = try? products.listAnswer(view()) else { return nil }
            if answer.status == .ok { listAnswers.store(key, answer, snapshot: snapshot, stockVersion: stockVersion) }
            return answer
        case .detail(let slug): return try? products.detailAnswer(slug: slug, view())
        case .page(let slug, let language):
            // An unknown product is left to the router, which renders the 404 page.
            let base = ShowroomBase.address(showroom.publicBaseURL, host: head.headers.first(name: "host"))
            return showroom.productPage(
                slug: slug, language: language, base: base, ifNoneMatch: ifNoneMatch, acceptsGzip: acceptsGzip)
        }
    }

    /// Counts the request as Hummingbird's routes are counted (`RequestMetricsMiddleware`).
    func record(_ answer: CachedAnswer, _ route: Route, since started: UInt64) {
        let name =
            switch route {
            case .list: Self.listPath
            case .detail: Self.detailRoute
            case .page: Self.pageRoute
            }
        let endpoint = metrics.endpoint(name, .get, answer.status)
        endpoint.requests.increment()
        endpoint.duration.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - started)
    }

    enum Route: Equatable {
        case list
        case detail(String)
        case page(String, Language)
    }

    /// Only plain slugs: anything encoded or nested is the router's business. A product page is
    /// taken without a query or with exactly `lang=en`; any other query goes to the router (which
    /// answers the same page). Works on the UTF-8 bytes: this runs for every request.
    private static func route(_ target: String) -> Route? {
        let bytes = target.utf8
        let mark = bytes.firstIndex(of: UInt8(ascii: "?"))
        let path = mark.map { bytes[..<$0] } ?? bytes[...]
        if path.elementsEqual(listPath.utf8) { return .list }
        if path.starts(with: pagePrefix.utf8) {
            let slug = path.dropFirst(pagePrefix.utf8.count)
            guard !slug.isEmpty, slug.allSatisfy(isSlugByte) else { return nil }
            let query = mark.map { bytes[bytes.index(after: $0)...] }
            switch query {
            case nil: return .page(String(Substring(slug)), .vi)
            case let query? where query.elementsEqual("lang=en".utf8): return .page(String(Substring(slug)), .en)
            default: return nil
            }
        }
        guard path.starts(with: detailPrefix.utf8) else { return nil }
        let slug = path.dropFirst(detailPrefix.utf8.count)
        guard !slug.isEmpty, slug.allSatisfy(isSlugByte) else { return nil }
        return .detail(String(Substring(slug)))
    }

    private static func isSlugByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "-")
    }
}
