import Hummingbird
import OCOPDomain
import OCOPStorage

/// A point's stock forms: a delivery received, the count sheet (differences shown before they are
/// confirmed), write-offs with a reason, and goods sent to another point or a fair stall. Each
/// runs the API's store operation once per rendered form and lands on the ledger.
extension ConsoleController {
    /// The forms drawn as a `StockSheet`.
    enum SheetKind: String {
        case receive, count, adjust, transfer

        var titleWord: String { self == .transfer ? "send_transfer" : rawValue }
    }

    func addStockRoutes(to group: RouterGroup<AppRequestContext>) {
        for kind in [SheetKind.receive, .count, .adjust] {
            group.get("points/:slug/\(kind.rawValue)") { request, context in try await sheetForm(request, context, kind) }
        }
        group.post("points/:slug/receive", use: receiveDelivery)
        group.post("points/:slug/count", use: countStock)
        group.post("points/:slug/adjust", use: adjustStock)
    }

    func sheetForm(_ request: Request, _ context: AppRequestContext, _ kind: SheetKind) async throws -> Response {
        try await withPoint(request, context) { point in
            let sheet = kind == .receive
                ? StockSheet(blank: 8)
                : StockSheet(levels: try await stock.levels(point: point.slug, database), prefillExpected: kind == .count)
            return try renderSheet(request, context, kind, point: point, sheet: sheet, key: Self.newKey(), status: .ok)
        }
    }

    @Sendable func receiveDelivery(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withPointForm(request, context) { point, form, identity in
            let sheet = try StockSheet(form, expected: [])
            let key = Self.key(in: form)
            let reference = form["reference"]?.trimmingWhitespace ?? ""
            return try await recording(request, context, .receive, point: point, sheet: sheet, key: key) {
                let lines = try sheet.receiptLines(reference: reference, skus: catalog.snapshot().skus)
                let now = clock.now()
                let operation = stock.receipt(
                    point: point.slug, lines: lines,
                    reference: "receipt:\(point.slug):" + (reference.isEmpty ? String(now.unixMilliseconds) : reference),
                    actor: identity.actor, at: now)
                _ = try await perform(operation, form: form, key: key, request: request, identity: identity)
            }
        }
    }

    /// "check" shows the differences; "confirm" records them; "change" goes back to the sheet.
    @Sendable func countStock(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withPointForm(request, context) { point, form, identity in
            let levels = try await stock.levels(point: point.slug, database)
            let sheet = try StockSheet(form, expected: levels)
            let key = Self.key(in: form)
            switch form["action"] {
            case "confirm":
                let lines: [BatchLine]
                do {
                    lines = try sheet.countLines()
                } catch let error as DomainError {
                    return try renderSheet(
                        request, context, .count, point: point, sheet: sheet, key: Self.newKey(), status: Problem(error).status,
                        error: error.message)
                }
                // The books already match what was counted: nothing to record.
                if lines.isEmpty { return ConsolePage.redirect(page(request, context).link("/console/points/\(point.slug)")) }
                return try await recording(request, context, .count, point: point, sheet: sheet, key: key) {
                    let operation = stock.stockCount(point: point.slug, lines: lines, actor: identity.actor, at: clock.now())
                    _ = try await perform(operation, form: form, key: key, request: request, identity: identity)
                }
            case "change":
                return try renderSheet(request, context, .count, point: point, sheet: sheet, key: key, status: .ok)
            default:
                do {
                    _ = try sheet.countLines()
                } catch let error as DomainError {
                    return try renderSheet(
                        request, context, .count, point: point, sheet: sheet, key: key, status: .unprocessableContent,
                        error: error.message)
                }
                return try renderCountCheck(request, context, point: point, sheet: sheet, key: key)
            }
        }
    }

    @Sendable func adjustStock(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withPointForm(request, context) { point, form, identity in
            let sheet = try StockSheet(form, expected: try await stock.levels(point: point.slug, database))
            let key = Self.key(in: form)
            return try await recording(request, context, .adjust, point: point, sheet: sheet, key: key) {
                let note = form["note"]?.trimmingWhitespace
                let body = AdjustmentRequest(
                    reason: form["reason"] ?? "", note: note?.isEmpty == false ? note : nil,
                    lines: try sheet.batchLines(allowZero: false).map {
                        AdjustmentRequest.Line(sku: $0.sku, batch: $0.batch, quantity: $0.quantity)
                    })
                let (reason, lines) = try body.validated()
                let operation = stock.adjustment(
                    point: point.slug, reason: reason, note: body.note, lines: lines, actor: identity.actor, at: clock.now())
                _ = try await perform(operation, form: form, key: key, request: request, identity: identity)
            }
        }
    }

    /// Runs `write`; on success to the ledger, on a refusal back to the sheet as typed, with the
    /// reason and a new key (nothing was written: the transaction rolled back).
    func recording(
        _ request: Request, _ context: AppRequestContext, _ kind: SheetKind, point: SalePoint, sheet: StockSheet,
        key: String, _ write: () async throws -> Void
    ) async throws -> Response {
        do {
            try await write()
            return ConsolePage.redirect(page(request, context).link("/console/points/\(point.slug)/ledger?done=1"))
        } catch let error as DomainError {
            return try renderSheet(
                request, context, kind, point: point, sheet: sheet, key: Self.newKey(), status: Problem(error).status,
                error: error.message)
        }
    }

    func renderSheet(
        _ request: Request, _ context: AppRequestContext, _ kind: SheetKind, point: SalePoint, sheet: StockSheet,
        key: String, status: HTTPResponse.Status, error: String? = nil, extra: [String: Any] = [:]
    ) throws -> Response {
        let page = page(request, context)
        let language = page.language
        let path = kind == .transfer ? "/console/points/\(point.slug)/transfers" : "/console/points/\(point.slug)/\(kind.rawValue)"
        var values = page.context(title: ConsoleWords.word(kind.titleWord, language) + " · " + point.name, path: path)
        values["heading"] = ConsoleWords.word(kind.titleWord, language)
        values["intro"] = ConsoleWords.word(kind == .transfer ? "transfer_text" : kind.rawValue + "_text", language)
        values["point_name"] = point.name
        values["point_href"] = page.link("/console/points/\(point.slug)")
        values["action"] = page.link(path)
        values["idempotency_key"] = key
        values["sheet_rows"] = ConsoleTables.sheetRows(
            sheet, isDelivery: kind == .receive, isCount: kind == .count, names: catalog.snapshot().skus, language: language)
        values["has_rows"] = !sheet.rows.isEmpty
        values["is_" + kind.rawValue] = true
        values["nav"] = page.pointNav(point.slug, current: kind == .transfer ? "/transfers" : "/" + kind.rawValue)
        values["submit"] = ConsoleWords.word(
            kind == .count ? "check_count" : kind == .transfer ? "send" : "record", language)
        if kind == .adjust {
            values["reasons"] = AdjustmentReason.allCases.map { reason -> [String: Any] in
                ["value": reason.rawValue, "label": ConsoleWords.word("reason_" + reason.rawValue, language)]
            }
        }
        if kind == .transfer {
            values["destinations"] = stockModel.allPoints.filter { $0.slug != point.slug }.sorted { $0.name < $1.name }
                .map { ["value": $0.slug, "label": $0.name] }
        }
        if let error { values["error"] = error }
        for (key, value) in extra { values[key] = value }
        return html(request, status, templates.render("console-sheet", values))
    }

    private func renderCountCheck(
        _ request: Request, _ context: AppRequestContext, point: SalePoint, sheet: StockSheet, key: String
    ) throws -> Response {
        let page = page(request, context)
        let language = page.language
        let rows = sheet.context(names: catalog.snapshot().skus, language: language, showDifference: true)
        var values = page.context(
            title: ConsoleWords.word("count_check", language) + " · " + point.name, path: "/console/points/\(point.slug)/count")
        values["heading"] = ConsoleWords.word("count_check", language)
        values["point_name"] = point.name
        values["point_href"] = page.link("/console/points/\(point.slug)")
        values["action"] = page.link("/console/points/\(point.slug)/count")
        values["idempotency_key"] = key
        values["count_rows"] = ConsoleTables.countRows(sheet)
        values["differing"] = rows.filter { $0["differs"] as? Bool == true }
        values["has_differences"] = rows.contains { $0["differs"] as? Bool == true }
        return html(request, .ok, templates.render("console-count-check", values))
    }
}
