import Hummingbird
import OCOPDomain
import OCOPStorage

/// Listings of catalog products on marketplace accounts: create, read, re-sync, delist. The push
/// itself happens in the sync worker; these routes only commit the change with its outbox row.
struct MarketplaceListingsController: Sendable {
    let pipeline: WritePipeline
    private var database: Database { pipeline.database }
    private var clock: any WallClock { pipeline.clock }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("listings", use: create)
        group.get("listings", use: list)
        group.get("listings/:id", use: detail)
        group.post("listings/:id/sync", use: sync)
        group.delete("listings/:id", use: delist)
    }

    private var store: MarketplaceListingStore { MarketplaceListingStore(database: database) }

    struct CreateRequest: Decodable {
        var account: Int
        var product: String
        var sku: String?
        var categoryId: String?
        var attributes: [String: String]?
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let (body, bytes) = try await RequestBody.decode(CreateRequest.self, from: request)
        if let category = body.categoryId, category.isEmpty || category.count > 100 {
            throw Problem.badParameter("category_id", "1–100 characters")
        }
        let new = NewListing(
            account: body.account, product: body.product, sku: body.sku, categoryID: body.categoryId,
            attributes: body.attributes ?? [:])
        return try await pipeline.perform(
            request, identity: identity, body: bytes, store.creation(new, by: identity, at: clock.now()))
    }

    struct ListAnswer: Encodable {
        var items: [Listing]
        var nextCursor: String?
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard identity.isAdmin || identity.role == .producer else {
            throw Problem(.forbidden, "only the programme office or a producer may see listings")
        }
        let parameters = try QueryParameters(request, known: ["product", "account", "status", "limit", "cursor"])
        var status: ListingStatus?
        if let text = parameters["status"] {
            guard let parsed = ListingStatus(rawValue: text) else {
                throw Problem.badParameter(
                    "status", "one of \(ListingStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            status = parsed
        }
        var account: Int?
        if let text = parameters["account"] {
            guard let id = Int(text) else { throw Problem.badParameter("account", "an account id") }
            account = id
        }
        let afterID = try parameters.idCursor(of: "listings") ?? 0
        let limit = try parameters.limit(.records)
        let items = try await store.list(
            ListingQuery(product: parameters["product"], account: account, status: status, afterID: afterID, limit: limit),
            by: identity)
        let next = items.count == limit ? items.last.map { PageCursor(id: $0.id, of: "listings").encoded } : nil
        return try ResponseJSON.response(ListAnswer(items: items, nextCursor: next))
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        return try ResponseJSON.response(try await store.listing(try listingID(context), by: identity))
    }

    /// Queues a full push again (202: the worker does it).
    @Sendable func sync(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try listingID(context)
        return try await pipeline.perform(
            request, identity: identity, body: [], status: .accepted, store.syncRequest(id, by: identity, at: clock.now()))
    }

    /// Takes the listing off sale (202: the worker tells the platform).
    @Sendable func delist(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try listingID(context)
        return try await pipeline.perform(
            request, identity: identity, body: [], status: .accepted, store.delisting(id, by: identity, at: clock.now()))
    }

    private func listingID(_ context: AppRequestContext) throws -> Int {
        guard let id = Int(try context.pathValue("id")) else { throw Problem.notFound("no such listing") }
        return id
    }
}
