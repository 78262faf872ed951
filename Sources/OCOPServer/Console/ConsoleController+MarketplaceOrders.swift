import Hummingbird
import OCOPDomain
import OCOPStorage

/// A point's marketplace orders for its staff: what each order did to the shelf, and the button
/// that restocks a returned parcel once its goods are back (`POST /v1/marketplace-orders/{id}/received`).
extension ConsoleController {
    static let ordersPerPage = 100

    func addMarketplaceOrderRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("points/:slug/marketplace-orders", use: marketplaceOrdersPage)
        group.post("points/:slug/marketplace-orders/:id/received", use: marketplaceOrderReceived)
    }

    @Sendable func marketplaceOrdersPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withPoint(request, context) { point in
            try await renderMarketplaceOrders(request, context, point, status: .ok)
        }
    }

    @Sendable func marketplaceOrderReceived(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withPointForm(request, context) { point, _, identity in
            let store = MarketplaceOrderStore(database: database)
            guard let id = Int(try context.pathValue("id")), let order = try await store.order(id), order.point == point.slug
            else { return notFound(request, context) }
            do {
                _ = try await store.confirmReturn(order.id, actor: identity.actor, at: clock.now())
                return ConsolePage.redirect(
                    page(request, context).link("/console/points/\(point.slug)/marketplace-orders?received=\(order.id)"))
            } catch let error as DomainError {
                return try await renderMarketplaceOrders(
                    request, context, point, status: Problem(error).status, error: error.explanation)
            }
        }
    }

    private func renderMarketplaceOrders(
        _ request: Request, _ context: AppRequestContext, _ point: SalePoint, status: HTTPResponse.Status,
        error: String? = nil
    ) async throws -> Response {
        let page = page(request, context)
        let language = page.language
        let path = "/console/points/\(point.slug)/marketplace-orders"
        let orders = try await MarketplaceOrderStore(database: database).list(
            MarketplaceOrderFilter(points: [point.slug], limit: Self.ordersPerPage))
        let names = catalog.snapshot().skus
        var values = page.context(title: ConsoleWords.word("marketplace_orders", language) + " · " + point.name, path: path)
        values["heading"] = ConsoleWords.word("marketplace_orders", language)
        values["nav"] = page.pointNav(point.slug, current: "/marketplace-orders")
        values["point_name"] = point.name
        values["orders"] = orders.prefix(Self.ordersPerPage).map { order -> [String: Any] in
            var row: [String: Any] = [
                "id": order.id, "external_id": order.externalID, "marketplace": order.marketplace, "status": order.status,
                "state": ConsoleWords.word("order_state_" + order.stockState, language), "stock_state": order.stockState,
                "total": ShowroomFormat.price(order.total, language),
                "at": ShowroomFormat.localTime(order.updatedAt, language),
                "lines": order.lines.map { line -> [String: Any] in
                    var shown: [String: Any] = [
                        "name": line.sku.map { names.name($0) } ?? line.sellerSKU ?? line.itemID,
                        "quantity": line.quantity, "matched": line.matched,
                    ]
                    if line.cancelled > 0 {
                        shown["cancelled"] = ConsoleWords.phrase("line_units_cancelled", language, ["n": String(line.cancelled)])
                    }
                    return shown
                },
            ]
            if order.stockState == OrderStockEffect.returnExpected.rawValue {
                row["received_action"] = page.link("\(path)/\(order.id)/received")
            }
            return row
        }
        values["has_orders"] = !orders.isEmpty
        if let received = request.uri.queryParameters.get("received").flatMap({ Int(String($0)) }),
            let order = orders.first(where: { $0.id == received })
        {
            values["done"] = ConsoleWords.phrase("order_goods_back", language, ["id": order.externalID])
        }
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-marketplace-orders", values))
    }
}
