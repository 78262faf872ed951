import Dispatch
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Metrics
import NIOCore
import NIOHTTPTypes

/// Answers the public catalog's hottest reads (`GET /v1/products` and `GET /v1/products/{slug}`)
/// inside the connection's channel pipeline, before Hummingbird's per-request task machinery.
///
/// The answers come from the same synchronous code the Hummingbird routes call
/// (`ProductsController.listAnswer` / `detailAnswer`), so bytes, ETags and 304s are the same; only
/// the path to them is shorter: no request task, no middleware chain, no async writer (see
/// docs/decisions.md for the measurements). Everything else, and any request this handler is not
/// sure about (a token, a body, an error answer, an earlier request still being answered), goes on
/// to Hummingbird untouched.
final class CatalogFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let routes: CatalogFastRoutes
    /// Requests handed to Hummingbird whose answer has not been written yet: while there are any,
    /// every request goes the same way, so answers leave in the order requests came.
    private var passedOn = 0
    private enum Reading {
        case idle
        case fast(HTTPRequest)
        case passing
    }
    private var reading = Reading.idle

    init(routes: CatalogFastRoutes) { self.routes = routes }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch (reading, part) {
        case (.idle, .head(let head)):
            if passedOn == 0, routes.mayAnswer(head) {
                reading = .fast(head)
            } else {
                pass(head, context)
            }
        case (.fast(let head), .end):
            reading = .idle
            let started = DispatchTime.now().uptimeNanoseconds
            guard let answer = routes.answer(head) else {
                pass(head, context)
                reading = .idle  // the whole request (head, then this end) has gone on
                context.fireChannelRead(data)
                return
            }
            write(answer, to: context, closing: head.headerFields[.connection]?.lowercased() == "close")
            routes.record(answer, head, since: started)
        case (.fast(let head), .body):
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

    private func pass(_ head: HTTPRequest, _ context: ChannelHandlerContext) {
        reading = .passing
        passedOn += 1
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    private func write(_ answer: CachedAnswer, to context: ChannelHandlerContext, closing: Bool) {
        var fields = answer.headers
        fields[.date] = routes.dates.now()
        fields[.server] = routes.serverName
        if answer.body == nil { fields[.contentLength] = "0" }
        if closing { fields[.connection] = "close" }
        context.write(wrapOutboundOut(.head(HTTPResponse(status: answer.status, headerFields: fields))), promise: nil)
        if let body = answer.body { context.write(wrapOutboundOut(.body(body)), promise: nil) }
        if closing {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}

/// Which requests the fast path takes and how it answers them, shared by every connection.
struct CatalogFastRoutes: Sendable {
    let products: ProductsController<AppRequestContext>
    let serverName: String
    let dates = HTTPDateText()
    private let metrics = RequestMetricsCache.shared

    init(products: ProductsController<AppRequestContext>, serverName: String) {
        self.products = products
        self.serverName = serverName
    }

    private static let listPath = "/v1/products"
    private static let detailPrefix = "/v1/products/"

    /// A GET of a catalog page without credentials: public, the same for everyone.
    func mayAnswer(_ head: HTTPRequest) -> Bool {
        guard head.method == .get, head.headerFields[.authorization] == nil,
            head.headerFields[.contentLength] == nil, head.headerFields[.transferEncoding] == nil,
            let path = head.path
        else { return false }
        return Self.route(path) != nil
    }

    /// The answer, or nil to leave the request to Hummingbird (errors are rendered there).
    func answer(_ head: HTTPRequest) -> CachedAnswer? {
        guard let path = head.path, let route = Self.route(path) else { return nil }
        let request = RequestView(uri: URI(path), headers: head.headerFields)
        switch route {
        case .list: return try? products.listAnswer(request)
        case .detail(let slug): return try? products.detailAnswer(slug: slug, request)
        }
    }

    /// Counts the request as Hummingbird's routes are counted (`RequestMetricsMiddleware`).
    func record(_ answer: CachedAnswer, _ head: HTTPRequest, since started: UInt64) {
        guard let path = head.path, let route = Self.route(path) else { return }
        let name = route == .list ? Self.listPath : Self.detailPrefix + "{slug}"
        let endpoint = metrics.endpoint(name, .get, answer.status)
        endpoint.requests.increment()
        endpoint.duration.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - started)
    }

    private enum Route: Equatable {
        case list
        case detail(String)
    }

    /// Only plain slugs: anything encoded or nested is the router's business.
    private static func route(_ target: String) -> Route? {
        let path = target.firstIndex(of: "?").map { target[..<$0] } ?? target[...]
        if path == listPath { return .list }
        guard path.hasPrefix(detailPrefix) else { return nil }
        let slug = path.dropFirst(detailPrefix.count)
        guard !slug.isEmpty, slug.utf8.allSatisfy({ CatalogFastRoutes.slugBytes.contains($0) }) else { return nil }
        return .detail(String(slug))
    }

    private static let slugBytes = Set(Array("abcdefghijklmnopqrstuvwxyz0123456789-".utf8))
}
