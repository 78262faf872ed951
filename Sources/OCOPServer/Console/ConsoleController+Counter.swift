import Hummingbird
import OCOPDomain
import OCOPStorage

/// Where a counter sells: a display point, or a fair's stall during the fair (its stock lives at
/// a point of its own). Both sell through a store operation with the API's rules and ledger.
struct CounterPlace {
    /// The point whose stock the counter reads and sells from.
    let stockPoint: String
    let name: String
    let address: String
    /// The console path of the place: "/console/points/x" or "/console/fairs/f/stalls/A-04".
    let path: String
    let sell: @Sendable (_ lines: [SaleLine], _ payment: PaymentMethod, _ actor: String, _ at: Moment)
        -> StoreOperation<SaleRecord>

    static func point(_ point: SalePoint, stock: StockStore) -> CounterPlace {
        CounterPlace(
            stockPoint: point.slug, name: point.name, address: point.address, path: "/console/points/\(point.slug)"
        ) { lines, payment, actor, now in
            stock.sale(point: point.slug, lines: lines, payment: payment, actor: actor, at: now)
        }
    }

    /// A stall sells only while it is allocated and its fair is open: the store's rule.
    static func stall(_ stall: FairStall, fair: Fair, language: Language) -> CounterPlace {
        CounterPlace(
            stockPoint: stall.pointSlug, name: ConsoleWords.word("stall", language) + " \(stall.code) · " + fair.name,
            address: fair.venue, path: "/console/fairs/\(fair.slug)/stalls/\(stall.code)"
        ) { lines, payment, actor, now in
            FairStallStock().sale(fair: fair.slug, code: stall.code, lines: lines, payment: payment, actor: actor, at: now)
        }
    }
}

/// The counter: the sale form (`code` takes a scanner's GTIN, a SKU or words of a name), its
/// completion, and the receipt, at a point and at a fair's stall.
extension ConsoleController {
    func addCounterRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("points/:slug/sale", use: saleForm)
        group.post("points/:slug/sale", use: sale)
        group.get("points/:slug/sales/:id", use: receipt)
        group.get("fairs/:slug/stalls/:code/sale", use: stallSaleForm)
        group.post("fairs/:slug/stalls/:code/sale", use: stallSale)
        group.get("fairs/:slug/stalls/:code/sales/:id", use: stallReceipt)
    }

    @Sendable func saleForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withPoint(request, context) { point in
            try await renderSale(
                request, context, place: .point(point, stock: stock), cart: CounterCart(), key: Self.newKey(), status: .ok)
        }
    }

    @Sendable func sale(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withPointForm(request, context) { point, form, identity in
            try await counterPost(request, context, place: .point(point, stock: stock), form: form, identity: identity)
        }
    }

    @Sendable func receipt(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withPoint(request, context) { point in
            try await renderReceipt(request, context, place: .point(point, stock: stock))
        }
    }

    @Sendable func stallSaleForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withStall(request, context) { place in
            try await renderSale(request, context, place: place, cart: CounterCart(), key: Self.newKey(), status: .ok)
        }
    }

    @Sendable func stallSale(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withFairForm(request, context) { _, form, identity in
            try await withStall(request, context) { place in
                try await counterPost(request, context, place: place, form: form, identity: identity)
            }
        }
    }

    @Sendable func stallReceipt(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withStall(request, context) { place in try await renderReceipt(request, context, place: place) }
    }

    /// The stall (`:code`) of the fair (`:slug`) as a counter, for its managers.
    private func withStall(
        _ request: Request, _ context: AppRequestContext, _ body: (CounterPlace) async throws -> Response
    ) async throws -> Response {
        try await withFair(request, context) { fair in
            let stall: FairStall
            do {
                (stall, _) = try await fairs.stallLevels(fair: fair.slug, code: try context.pathValue("code"))
            } catch let error as DomainError where error.code == .notFound {
                return notFound(request, context)
            }
            return try await body(.stall(stall, fair: fair, language: ConsolePage.language(request)))
        }
    }

    /// "Add", "update", "remove" and "complete" all post the whole form; only "complete" writes.
    private func counterPost(
        _ request: Request, _ context: AppRequestContext, place: CounterPlace, form: FormBody, identity: StaffIdentity
    ) async throws -> Response {
        let key = Self.key(in: form)
        var cart: CounterCart
        do {
            cart = try CounterCart(form)
        } catch let problem as Problem {
            return try await renderSale(
                request, context, place: place, cart: CounterCart(), key: key, status: .badRequest, error: problem.detail)
        }
        var choices: [(sku: String, label: String)] = []
        switch form["action"] ?? "add" {
        case "complete":
            guard !cart.lines.isEmpty else {
                return try await renderSale(request, context, place: place, cart: cart, key: key, status: .badRequest)
            }
            let payment = PaymentMethod.recorded(form["payment_method"] ?? "") ?? .cash
            let operation = place.sell(cart.saleLines, payment, identity.actor, clock.now())
            do {
                let answer = try await perform(operation, form: form, key: key, request: request, identity: identity)
                guard let id = Self.id(in: answer) else { throw Problem(.internalServerError, "the sale has no id") }
                return ConsolePage.redirect(page(request, context).link(place.path + "/sales/\(id)"))
            } catch let error as DomainError {
                // Nothing was sold: the transaction rolled back. A new key, since the next try is a new sale.
                return try await renderSale(
                    request, context, place: place, cart: cart, key: Self.newKey(), status: Problem(error).status,
                    error: error.message)
            }
        case let remove where remove.hasPrefix("remove:"):
            if let index = Int(remove.dropFirst("remove:".count)), cart.lines.indices.contains(index) {
                cart.lines.remove(at: index)
            }
        case "update":
            break
        default:
            // A picked choice names its SKU; otherwise what was scanned or typed.
            let code = form["pick"].flatMap { $0.isEmpty ? nil : $0 } ?? form["code"] ?? ""
            choices = cart.add(code: code, skus: catalog.snapshot().skus)
        }
        return try await renderSale(request, context, place: place, cart: cart, key: key, status: .ok, choices: choices)
    }

    private func renderSale(
        _ request: Request, _ context: AppRequestContext, place: CounterPlace, cart: CounterCart, key: String,
        status: HTTPResponse.Status, error: String? = nil, choices: [(sku: String, label: String)] = []
    ) async throws -> Response {
        let page = page(request, context)
        let free = try await PointOverview.freeBySKU(point: place.stockPoint, stock: stock, database: database, now: clock.now())
        var values = page.context(
            title: ConsoleWords.word("new_sale", page.language) + " · " + place.name, path: place.path + "/sale")
        for (key, value) in CounterPage.context(
            cart: cart, place: place, free: free, skus: catalog.snapshot().skus, page: page, choices: choices)
        {
            values[key] = value
        }
        values["idempotency_key"] = key
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-sale", values))
    }

    private func renderReceipt(
        _ request: Request, _ context: AppRequestContext, place: CounterPlace
    ) async throws -> Response {
        guard let id = Int(try context.pathValue("id")), id > 0,
            let sale = try await stock.saleRecord(id: id, point: place.stockPoint, database)
        else { return notFound(request, context) }
        let page = page(request, context)
        var values = page.context(
            title: ConsoleWords.word("receipt", page.language) + " " + sale.receiptNumber, path: place.path + "/sales/\(id)")
        for (key, value) in CounterPage.receipt(sale, place: place, skus: catalog.snapshot().skus, page: page) {
            values[key] = value
        }
        return html(request, .ok, templates.render("console-receipt", values))
    }
}
