import Hummingbird
import OCOPDomain
import OCOPStorage
import SQLKit

/// A session's orders: read from comments, entered by staff, confirmed ("chốt đơn") or cancelled,
/// and the session report. Staff of the session's point or a featured producer only: buyer names,
/// phones and addresses never leave these routes.
struct LiveOrdersController: Sendable {
    let database: Database
    let clock: any WallClock
    let stockReadModel: StockReadModel

    var store: LivestreamStore { LivestreamStore(database: database) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("livestreams/:slug/comments", use: comments)
        group.post("livestreams/:slug/orders", use: createOrder)
        group.get("livestreams/:slug/orders", use: orders)
        group.get("livestreams/:slug/orders/:id", use: order)
        group.post("livestreams/:slug/orders/:id/confirm", use: confirm)
        group.post("livestreams/:slug/orders/:id/cancel", use: cancel)
        group.get("livestreams/:slug/report", use: report)
    }

    @Sendable func comments(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await write(request, context, CommentBatchRequest.self, status: .ok) { slug, body, identity, now in
            let comments = try body.validated()
            return { sql in try await store.readComments(sql, slug, comments: comments, actor: identity.actor, at: now) }
        }
    }

    @Sendable func createOrder(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await write(request, context, LiveOrderRequest.self) { slug, body, identity, now in
            let (phone, lines) = try body.validated()
            return { sql in
                try await store.createOrder(
                    sql, slug, buyerName: body.buyerName, phone: phone, address: body.address, lines: lines,
                    actor: identity.actor, at: now)
            }
        }
    }

    @Sendable func confirm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try orderID(context)
        return try await write(request, context, LiveOrderConfirmRequest.self, status: .ok, allowEmpty: true) {
            slug, body, identity, now in
            let payment = try body.validated()
            return { sql in
                try await store.confirm(
                    sql, slug, order: id, buyerName: body.buyerName, address: body.address, payment: payment,
                    actor: identity.actor, at: now)
            }
        }
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try orderID(context)
        return try await write(request, context, Empty.self, status: .ok, allowEmpty: true) { slug, _, identity, now in
            { sql in try await store.cancel(sql, slug, order: id, actor: identity.actor, at: now) }
        }
    }

    @Sendable func orders(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        try await LivestreamScope.require(context, slug, store)
        let parameters = try HTTPHelpers.parameters(request)
        let statuses = ["held", "confirmed", "cancelled", "expired"]
        if let status = parameters["status"], !statuses.contains(status) {
            throw Problem.badParameter("status", statuses.joined(separator: ", "))
        }
        let orders = try await store.orders(slug, status: parameters["status"], at: clock.now())
        return try ResponseJSON.response(Items(items: orders))
    }

    @Sendable func order(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        try await LivestreamScope.require(context, slug, store)
        guard let order = try await store.order(try orderID(context), at: clock.now()), order.livestream == slug else {
            throw Problem.notFound("no such order in livestream '\(slug)'")
        }
        return try ResponseJSON.response(order)
    }

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        try await LivestreamScope.require(context, slug, store)
        let parameters = try HTTPHelpers.parameters(request)
        let report = try await store.report(slug, at: clock.now())
        guard try CSVTable.wanted(request, format: parameters["format"]) else { return try ResponseJSON.response(report) }
        let table = CSVTable(
            header: ["code", "sku", "product", "live_price", "units_ordered", "units_held", "units_confirmed", "revenue_vnd"],
            rows: report.products.map {
                [$0.code, $0.sku, $0.product] + [$0.livePrice, $0.unitsOrdered, $0.unitsHeld, $0.unitsConfirmed, $0.revenue].map(String.init)
            })
        return table.response(filename: "\(slug)-report.csv")
    }

    struct Items<Item: Encodable & Sendable>: Encodable, Sendable {
        var items: [Item]
    }

    struct Empty: Decodable {}

    private func orderID(_ context: AppRequestContext) throws -> Int {
        guard let id = Int(try context.pathValue("id")), id > 0 else {
            throw Problem.badParameter("id", "an order number")
        }
        return id
    }

    /// Scope, body, validation (before any transaction), the idempotent write, then the stock
    /// views of the session's point, since holds change what is free there.
    private func write<Body: Decodable>(
        _ request: Request, _ context: AppRequestContext, _ type: Body.Type, status: HTTPResponse.Status = .created,
        allowEmpty: Bool = false,
        _ prepare: (String, Body, StaffIdentity, Moment) throws -> (any SQLDatabase) async throws -> any Encodable & Sendable
    ) async throws -> Response {
        let slug = try context.pathValue("slug")
        let identity = try await LivestreamScope.require(context, slug, store)
        let (body, bytes) = try await RequestBody.decode(Body.self, from: request, allowEmpty: allowEmpty)
        let write = try prepare(slug, body, identity, clock.now())
        let response = try await IdempotentWrite(database: database, clock: clock).run(
            request, identity: identity, body: bytes, status: status, write)
        if let point = try await store.record(slug)?.point { try await stockReadModel.refresh(points: [point]) }
        return response
    }
}
