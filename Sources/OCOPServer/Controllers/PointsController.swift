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
    private var pipeline: WritePipeline { WritePipeline(database: database, clock: clock) }

    // MARK: - Admin

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pipeline.run(
            request, PointRequest.self, encode: encodePoint, authorise: { try context.requireAdmin() }
        ) { body, identity, now in
            store.creating(try body.validated(slug: nil, localities: readModel.snapshot().localities), actor: identity.actor, at: now)
        }
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        return try await pipeline.run(
            request, PointRequest.self, status: .ok, encode: encodePoint, authorise: { try context.requireAdmin() }
        ) { body, identity, now in
            store.updating(try body.validated(slug: slug, localities: readModel.snapshot().localities), actor: identity.actor, at: now)
        }
    }

    /// Staff of the point (or an admin) set the level below which a SKU raises an alert.
    @Sendable func setMinimum(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        let sku = try context.pathValue("sku")
        return try await pipeline.run(
            request, MinimumRequest.self, status: .ok, authorise: { try context.requirePointScope(slug) }
        ) { body, identity, now in
            guard (0...StockRules.maxLineQuantity).contains(body.minimum) else {
                throw Problem.badParameter("minimum", "a whole number from 0 to \(StockRules.maxLineQuantity)")
            }
            return store.settingMinimum(point: slug, sku: sku, minimum: body.minimum, actor: identity.actor, at: now)
        }
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
        try await changeSeller(request, context) { store, point, producer, actor, now in
            store.granting(point: point, producer: producer, actor: actor, at: now)
        }
    }

    @Sendable func revokeSeller(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await changeSeller(request, context) { store, point, producer, actor, now in
            store.revoking(point: point, producer: producer, actor: actor, at: now)
        }
    }

    /// Grants or withdraws as the point's staff (or the office), answering the point's sellers.
    /// These requests have no body: the path says it all.
    private func changeSeller(
        _ request: Request, _ context: AppRequestContext,
        _ change: (PointSellerStore, _ point: String, _ producer: String, _ actor: String, Moment) -> StoreOperation<[String]>
    ) async throws -> Response {
        let slug = try context.pathValue("slug")
        let producer = try context.pathValue("producer")
        let identity = try context.requirePointScope(slug)
        let operation = change(PointSellerStore(database: database), slug, producer, identity.actor, clock.now())
            .map { SellersAnswer(point: slug, producers: $0) }
        return try await pipeline.perform(request, identity: identity, body: [], status: .ok, operation)
    }

    /// A point as the read side writes it (`PointJSON`), so a write answers what a read shows.
    private var encodePoint: @Sendable (SalePoint) throws -> [UInt8] {
        { [readModel] point in
            var json = JSONWriter()
            PointJSON.write(point, &json, snapshot: readModel.snapshot(), distance: nil)
            return json.bytes
        }
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
