import Hummingbird
import OCOPDomain
import OCOPStorage

/// A session's orders: read from comments, entered by staff, confirmed ("chốt đơn") or cancelled,
/// and the session report. Staff of the session's point or a featured producer only: buyer names,
/// phones and addresses never leave these routes.
struct LiveOrdersController: Sendable {
    let pipeline: WritePipeline

    var store: LivestreamStore { LivestreamStore(database: pipeline.database) }
    private var clock: any WallClock { pipeline.clock }

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
            store.commentBatch(slug, comments: try body.validated(), actor: identity.actor, at: now)
        }
    }

    @Sendable func createOrder(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await write(request, context, LiveOrderRequest.self) { slug, body, identity, now in
            let (phone, lines) = try body.validated()
            return store.newOrder(
                slug, buyerName: body.buyerName, phone: phone, address: body.address, lines: lines, actor: identity.actor,
                at: now)
        }
    }

    @Sendable func confirm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try orderID(context)
        return try await write(request, context, LiveOrderConfirmRequest.self, status: .ok, allowEmpty: true) {
            slug, body, identity, now in
            store.confirmation(
                slug, order: id, buyerName: body.buyerName, address: body.address, payment: try body.validated(),
                actor: identity.actor, at: now)
        }
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try orderID(context)
        return try await write(request, context, Empty.self, status: .ok, allowEmpty: true) { slug, _, identity, now in
            store.cancellation(slug, order: id, actor: identity.actor, at: now)
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

    /// The session's staff or featured producers, then the pipeline.
    private func write<Body: Decodable, Answer: Encodable & Sendable>(
        _ request: Request, _ context: AppRequestContext, _ type: Body.Type, status: HTTPResponse.Status = .created,
        allowEmpty: Bool = false, _ prepare: (String, Body, StaffIdentity, Moment) throws -> StoreOperation<Answer>
    ) async throws -> Response {
        let slug = try context.pathValue("slug")
        return try await pipeline.run(
            request, Body.self, allowEmpty: allowEmpty, status: status,
            authorise: { try await LivestreamScope.require(context, slug, store) }
        ) { body, identity, now in try prepare(slug, body, identity, now) }
    }
}
