import Hummingbird
import OCOPDomain
import OCOPStorage

/// One stall at the fair desk: its stock by batch, its sales over the fair's days, goods the
/// producer brings, and the closing count (every batch counted; differences on the ledger, the
/// rest sent back where it came from). The rules are the API's `FairStallStock` operations.
extension ConsoleController {
    func addStallRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("fairs/:slug/stalls/:code", use: stallPage)
        group.post("fairs/:slug/stalls/:code/receive", use: stallReceive)
        group.post("fairs/:slug/stalls/:code/close", use: stallClose)
    }

    @Sendable func stallPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withFair(request, context) { fair in
            try await renderStall(request, context, fair: fair, code: try context.pathValue("code"), status: .ok)
        }
    }

    @Sendable func stallReceive(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withFairForm(request, context) { fair, form, identity in
            let code = try context.pathValue("code")
            let sheet = try StockSheet(form, expected: [])
            do {
                let reference = form["reference"]?.trimmingWhitespace ?? ""
                let lines = try sheet.receiptLines(reference: reference, skus: catalog.snapshot().skus)
                let operation = FairStallStock().receipt(
                    fair: fair.slug, code: code, lines: lines, reference: reference.isEmpty ? nil : reference,
                    actor: identity.actor, at: clock.now())
                _ = try await perform(operation, form: form, key: Self.key(in: form), request: request, identity: identity)
                return ConsolePage.redirect(page(request, context).link("/console/fairs/\(fair.slug)/stalls/\(code)?done=1"))
            } catch let error as DomainError {
                return try await renderStall(
                    request, context, fair: fair, code: code, status: Problem(error).status, error: error.message)
            }
        }
    }

    @Sendable func stallClose(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withFairForm(request, context) { fair, form, identity in
            let code = try context.pathValue("code")
            let (_, levels) = try await fairs.stallLevels(fair: fair.slug, code: code)
            let sheet = try StockSheet(form, expected: levels)
            do {
                let counted = try StallCloseRequest(
                    lines: try sheet.batchLines(allowZero: true).map {
                        StallCloseRequest.Line(sku: $0.sku, batch: $0.batch, counted: $0.quantity)
                    }
                ).validated()
                let operation = FairStallStock().closing(
                    fair: fair.slug, code: code, counted: counted, actor: identity.actor, at: clock.now())
                _ = try await perform(operation, form: form, key: Self.key(in: form), request: request, identity: identity)
                return ConsolePage.redirect(page(request, context).link("/console/fairs/\(fair.slug)/stalls/\(code)?done=1"))
            } catch let error as DomainError {
                return try await renderStall(
                    request, context, fair: fair, code: code, status: Problem(error).status, error: error.message)
            }
        }
    }

    private func renderStall(
        _ request: Request, _ context: AppRequestContext, fair: Fair, code: String, status: HTTPResponse.Status,
        error: String? = nil
    ) async throws -> Response {
        let stall: FairStall, levels: [StockLevel]
        do {
            (stall, levels) = try await fairs.stallLevels(fair: fair.slug, code: code)
        } catch let error as DomainError where error.code == .notFound {
            return notFound(request, context)
        }
        let page = page(request, context)
        let language = page.language
        let snapshot = catalog.snapshot()
        let names = snapshot.skus
        let sales = try await stock.salesSummary(
            point: stall.pointSlug, from: fair.opensOn.startInVietnam, to: fair.closesOn.adding(days: 1).startInVietnam,
            database)
        let path = "/console/fairs/\(fair.slug)/stalls/\(code)"
        var values = page.context(title: ConsoleWords.word("stall", language) + " \(code) · " + fair.name, path: path)
        values["heading"] = ConsoleWords.word("stall", language) + " \(code)"
        values["fair_name"] = fair.name
        values["fair_href"] = page.link("/console/fairs/\(fair.slug)")
        values["state_label"] = ConsoleWords.word("stall_" + stall.status, language)
        if let producer = stall.producer { values["producer"] = snapshot.producer(slug: producer)?.producer.name ?? producer }
        values["is_open"] = stall.status == "allocated"
        values["recorded"] = request.uri.queryParameters.get("done") != nil
        values["sales_count"] = sales.salesCount
        values["revenue"] = ShowroomFormat.price(sales.revenue, language)
        values["levels"] = StockSheet(levels: levels, prefillExpected: false).context(names: names, language: language)
        values["has_levels"] = !levels.isEmpty
        values["receive_rows"] = StockSheet(blank: 4).context(names: names, language: language)
        values["close_rows"] = StockSheet(levels: levels, prefillExpected: true).context(names: names, language: language)
        values["sale_href"] = page.link(path + "/sale")
        values["receive_action"] = page.link(path + "/receive")
        values["close_action"] = page.link(path + "/close")
        values["receive_key"] = Self.newKey()
        values["close_key"] = Self.newKey()
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-stall", values))
    }
}
