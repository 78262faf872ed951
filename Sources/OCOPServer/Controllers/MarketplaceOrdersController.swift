import Hummingbird
import OCOPDomain
import OCOPStorage

/// Orders placed on the marketplaces, as records: what the platform said, the state history, and
/// the ledger rows they caused. The programme office sees all; a producer the orders of its
/// accounts; a point's staff the orders its point ships, and they confirm returned goods.
struct MarketplaceOrdersController: Sendable {
    let database: Database
    let clock: any WallClock

    private var store: MarketplaceOrderStore { MarketplaceOrderStore(database: database) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("marketplace-orders", use: list)
        group.get("marketplace-orders/:id", use: detail)
        group.post("marketplace-orders/:id/received", use: received)
    }

    struct ListAnswer: Encodable {
        var items: [MarketplaceOrderRecord]
        var nextCursor: String?
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let parameters = try QueryParameters(request, known: ["account", "point", "status", "from", "to", "limit", "cursor"])
        var filter = try await scope(identity)
        if let text = parameters["account"] {
            guard let id = Int(text), id > 0 else { throw Problem.badParameter("account", "an account id") }
            filter.account = id
        }
        filter.point = parameters["point"]
        if let status = parameters["status"] {
            guard (1...64).contains(status.utf8.count) else { throw Problem.badParameter("status", "1–64 characters") }
            filter.status = status
        }
        filter.from = try day(parameters["from"], "from").map { ISOTimestamp.string($0.startInVietnam) }
        // `to` is the last day included.
        filter.to = try day(parameters["to"], "to").map { ISOTimestamp.string($0.adding(days: 1).startInVietnam) }
        filter.before = try parameters.idCursor(of: "marketplace-orders")
        filter.limit = try parameters.limit(.records)
        let items = try await store.list(filter)
        let page = Array(items.prefix(filter.limit))
        let next = items.count > filter.limit ? page.last.map { PageCursor(id: $0.id, of: "marketplace-orders").encoded } : nil
        return try ResponseJSON.response(ListAnswer(items: page, nextCursor: next))
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        return try ResponseJSON.response(try await visibleOrder(context, identity))
    }

    /// Staff confirm that a returning parcel's goods are back on the shelf.
    @Sendable func received(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let order = try await visibleOrder(context, identity)
        let owner = try await owner(order.account)
        guard identity.canManagePoint(order.point) || identity.canActForProducer(owner) else {
            throw Problem(.forbidden, "\(identity.username) may not receive goods at \(order.point)")
        }
        return try await WritePipeline(database: database, clock: clock).perform(
            request, identity: identity, body: [], status: .ok,
            store.confirmingReturn(order.id, actor: identity.actor, at: clock.now()))
    }

    /// What the caller may see: everything, its producers' accounts, or its points.
    private func scope(_ identity: StaffIdentity) async throws -> MarketplaceOrderFilter {
        switch identity.role {
        case .admin: return MarketplaceOrderFilter()
        case .producer: return MarketplaceOrderFilter(accounts: try await store.accountIDs(ownedBy: identity.scopes))
        case .pointStaff: return MarketplaceOrderFilter(points: identity.scopes)
        default: throw Problem(.forbidden, "only the programme office, a producer or a point's staff may see marketplace orders")
        }
    }

    private func visibleOrder(_ context: AppRequestContext, _ identity: StaffIdentity) async throws -> MarketplaceOrderRecord {
        guard let id = Int(try context.pathValue("id")), id > 0, let order = try await store.order(id) else {
            throw Problem.notFound("no such marketplace order")
        }
        let filter = try await scope(identity)
        let visible =
            (filter.accounts == nil && filter.points == nil) || filter.accounts?.contains(order.account) == true
            || filter.points?.contains(order.point) == true
        // Someone else's order reads as absent, so ids reveal nothing.
        guard visible else { throw Problem.notFound("no such marketplace order") }
        return order
    }

    private func owner(_ account: Int) async throws -> String {
        try await store.account(account)?.owner ?? "admin"
    }

    /// `from`/`to`: calendar days in Vietnam time.
    private func day(_ text: String?, _ field: String) throws -> CalendarDate? {
        guard let text else { return nil }
        guard let date = CalendarDate(iso: text) else { throw Problem.badParameter(field, "a date as YYYY-MM-DD") }
        return date
    }
}
