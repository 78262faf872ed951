import Hummingbird
import OCOPDomain
import OCOPStorage

/// Fairs and their stall maps: the programme office creates a fair, its managers add stalls,
/// allocate them and close the fair; anyone lists upcoming and open fairs and sees who is where.
struct FairsController: Sendable {
    let database: Database
    let clock: any WallClock
    let readModel: CatalogReadModel
    let fairReadModel: FairReadModel

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("fairs", use: create)
        group.post("fairs/:slug/close", use: close)
        group.post("fairs/:slug/stalls", use: addStalls)
        group.put("fairs/:slug/stalls/:code/allocation", use: allocate)
        group.delete("fairs/:slug/stalls/:code/allocation", use: release)
        group.get("fairs", use: list)
        group.get("fairs/:slug", use: show)
    }

    private var store: FairStore { FairStore(database: database) }
    private var pipeline: WritePipeline { WritePipeline(database: database, clock: clock) }

    // MARK: - Staff

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = try HTTPHelpers.language(request)
        return try await pipeline.run(
            request, FairRequest.self, encode: detailEncoder(language), authorise: { try context.requireAdmin() }
        ) { body, identity, now in
            store.creating(try body.validated(localities: readModel.snapshot().localities), actor: identity.actor, at: now)
        }
    }

    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        let language = try HTTPHelpers.language(request)
        let identity = try context.requireFairScope(slug)
        return try await pipeline.perform(
            request, identity: identity, body: [], status: .ok, encode: detailEncoder(language),
            store.closing(fair: slug, actor: identity.actor, at: clock.now()))
    }

    /// A write's answer is the fair's detail as `GET /v1/fairs/{slug}` shows it, written from what
    /// the transaction read (the public view follows the commit a moment later).
    private func detailEncoder(_ language: Language) -> @Sendable (FairListing) throws -> [UInt8] {
        { [readModel] listing in FairJSON.detail(listing, snapshot: readModel.snapshot(), language: language) }
    }

    @Sendable func addStalls(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        return try await pipeline.run(
            request, StallsRequest.self, authorise: { try context.requireFairScope(slug) }
        ) { body, identity, now in
            store.addingStalls(fair: slug, try body.validated(), actor: identity.actor, at: now)
                .map { StallsAnswer(fair: slug, stalls: $0) }
        }
    }

    struct StallsAnswer: Encodable, Sendable {
        var fair: String
        var stalls: [FairStall]
    }

    /// Gives the stall to an application's producer; `Idempotency-Key` makes a retry safe. Only
    /// producers with a product publishable today may be given one.
    @Sendable func allocate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        let code = try context.pathValue("code")
        let identity = try context.requireFairScope(slug)
        let (body, bytes) = try await RequestBody.decode(AllocationRequest.self, from: request)
        let snapshot = readModel.snapshot()
        let now = clock.now()
        let allocation = store.allocation(
            fair: slug, stall: code, application: body.applicationId, actor: identity.actor, at: now
        ) { producer in
            snapshot.producer(slug: producer) == nil
                ? "producer '\(producer)' has no publishable product today (a valid certificate of 3★ or more)"
                : nil
        }
        return try await pipeline.perform(request, identity: identity, body: bytes, status: .ok, allocation)
    }

    @Sendable func release(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        let code = try context.pathValue("code")
        let identity = try context.requireFairScope(slug)
        return try await pipeline.perform(
            request, identity: identity, body: [], status: .ok,
            store.releasing(fair: slug, stall: code, actor: identity.actor, at: clock.now()))
    }

    // MARK: - Public

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let snapshot = readModel.snapshot()
        let query = try FairQuery(parameters: HTTPHelpers.parameters(request), localities: snapshot.localities)
        let page = query.page(of: fairReadModel.all, today: snapshot.day)
        var json = JSONWriter(capacity: 512 * page.items.count + 128)
        json.beginObject()
        json.key("items")
        json.beginArray()
        for listing in page.items {
            json.beginObject()
            FairJSON.writeSummaryMembers(listing, &json, today: snapshot.day, localities: snapshot.localities)
            json.endObject()
        }
        json.endArray()
        json.key("next_cursor")
        json.string(page.nextCursor)
        json.key("total")
        json.int(page.total)
        json.endObject()
        let etag = HTTPHelpers.etag(snapshot.version, String(fairReadModel.version), "fairs", request.uri.query ?? "")
        return HTTPHelpers.cachedJSON(json.bytes, etag: etag, request: request)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try detail(try context.pathValue("slug"), request: request)
    }

    private func detail(_ slug: String, request: Request) throws -> Response {
        let language = try HTTPHelpers.language(request)
        guard let listing = fairReadModel.listing(slug) else { throw Problem.notFound("no fair '\(slug)'") }
        let snapshot = readModel.snapshot()
        let bytes = FairJSON.detail(listing, snapshot: snapshot, language: language)
        let etag = HTTPHelpers.etag(snapshot.version, String(fairReadModel.version), language.rawValue, "fair", slug)
        return HTTPHelpers.cachedJSON(bytes, etag: etag, request: request)
    }
}
