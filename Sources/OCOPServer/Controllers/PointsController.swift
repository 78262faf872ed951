import Hummingbird
import OCOPDomain
import OCOPStorage

/// Points: admins create and edit them; anyone lists them and sees what each has in stock.
struct PointsController: Sendable {
    let database: Database
    let clock: any WallClock
    let readModel: CatalogReadModel
    let stockReadModel: StockReadModel

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("points", use: create)
        group.put("points/:slug", use: update)
        group.put("points/:slug/minimums/:sku", use: setMinimum)
        group.get("points/:slug/sellers", use: sellers)
        group.put("points/:slug/sellers/:producer", use: grantSeller)
        group.delete("points/:slug/sellers/:producer", use: revokeSeller)
        group.get("points", use: list)
        group.get("points/:slug", use: show)
    }

    private var store: PointStore { PointStore(database: database) }

    // MARK: - Admin

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireAdmin()
        let (body, _) = try await RequestBody.decode(PointRequest.self, from: request)
        let point = try body.validated(slug: nil, localities: readModel.snapshot().localities)
        try await store.create(point, actor: identity.actor, at: clock.now())
        return try answer(for: point, status: .created)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireAdmin()
        let slug = try context.pathValue("slug")
        let (body, _) = try await RequestBody.decode(PointRequest.self, from: request)
        let point = try body.validated(slug: slug, localities: readModel.snapshot().localities)
        try await store.update(point, actor: identity.actor, at: clock.now())
        return try answer(for: point, status: .ok)
    }

    /// Staff of the point (or an admin) set the level below which a SKU raises an alert.
    @Sendable func setMinimum(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        let sku = try context.pathValue("sku")
        let identity = try context.requirePointScope(slug)
        let (body, _) = try await RequestBody.decode(MinimumRequest.self, from: request)
        guard (0...StockRules.maxLineQuantity).contains(body.minimum) else {
            throw Problem.badParameter("minimum", "a whole number from 0 to \(StockRules.maxLineQuantity)")
        }
        try await store.setMinimum(point: slug, sku: sku, minimum: body.minimum, actor: identity.actor, at: clock.now())
        return try ResponseJSON.response(StockMinimum(sku: sku, minimum: body.minimum))
    }

    // MARK: - Producers selling from a point

    struct SellersAnswer: Encodable {
        var point: String
        var producers: [String]
    }

    /// The producers who may sell this point's stock on their own marketplace accounts and livestreams.
    @Sendable func sellers(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        _ = try context.requirePointScope(slug)
        let producers = try await PointSellerStore(database: database).producers(at: slug)
        return try ResponseJSON.response(SellersAnswer(point: slug, producers: producers))
    }

    @Sendable func grantSeller(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await changeSeller(context) { store, point, producer, actor in
            try await store.grant(point: point, producer: producer, actor: actor, at: clock.now())
        }
    }

    @Sendable func revokeSeller(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await changeSeller(context) { store, point, producer, actor in
            try await store.revoke(point: point, producer: producer, actor: actor, at: clock.now())
        }
    }

    /// Grants or withdraws as the point's staff (or the office), then answers the point's sellers.
    private func changeSeller(
        _ context: AppRequestContext,
        _ change: (PointSellerStore, _ point: String, _ producer: String, _ actor: String) async throws -> Void
    ) async throws -> Response {
        let slug = try context.pathValue("slug")
        let producer = try context.pathValue("producer")
        let identity = try context.requirePointScope(slug)
        let store = PointSellerStore(database: database)
        try await change(store, slug, producer, identity.actor)
        return try ResponseJSON.response(SellersAnswer(point: slug, producers: try await store.producers(at: slug)))
    }

    private func answer(for point: SalePoint, status: HTTPResponse.Status) throws -> Response {
        var json = JSONWriter()
        PointJSON.write(point, &json, snapshot: readModel.snapshot(), distance: nil)
        return ResponseJSON.response(json.bytes, status: status)
    }

    // MARK: - Public

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let parameters = try HTTPHelpers.parameters(request)
        let snapshot = readModel.snapshot()
        let query = try PointQuery(parameters: parameters, localities: snapshot.localities)
        let page = query.page(of: stockReadModel.allPoints)
        var json = JSONWriter(capacity: 1024 * page.items.count + 128)
        json.beginObject()
        json.key("items")
        json.beginArray()
        for (point, distance) in page.items { PointJSON.write(point, &json, snapshot: snapshot, distance: distance) }
        json.endArray()
        json.key("next_cursor")
        json.string(page.nextCursor)
        json.key("total")
        json.int(page.total)
        json.endObject()
        let etag = HTTPHelpers.etag(
            snapshot.version, String(stockReadModel.version), "points", request.uri.query ?? "")
        return HTTPHelpers.cachedJSON(json.bytes, etag: etag, request: request)
    }

    /// A point with the publishable products it has in stock; products that lost their
    /// certificate are not shown, so the OCOP mark never appears beside them.
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        let language = try HTTPHelpers.language(request)
        guard let point = stockReadModel.point(slug) else { throw Problem.notFound("no point '\(slug)'") }
        let snapshot = readModel.snapshot()
        let inStock = stockReadModel.products(atPoint: slug)
        var json = JSONWriter(capacity: 4096)
        json.beginObject()
        PointJSON.writeMembers(point, &json, snapshot: snapshot, distance: nil)
        json.key("products")
        json.beginArray()
        let products = inStock.compactMap { product, units in snapshot.product(slug: product).map { ($0, units) } }
            .sorted { $0.0.foldedName < $1.0.foldedName }
        for (entry, units) in products {
            json.beginObject()
            json.key("in_stock")
            json.int(units)
            json.key("product")
            json.raw(entry.summaryJSON[language]!)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        let etag = HTTPHelpers.etag(snapshot.version, String(stockReadModel.version), language.rawValue, "point", slug)
        return HTTPHelpers.cachedJSON(json.bytes, etag: etag, request: request)
    }
}
