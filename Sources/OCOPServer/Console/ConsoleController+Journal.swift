import Foundation
import Hummingbird
import OCOPDomain
import OCOPStorage

/// A point's ledger and sales as pages with filters, each with the same rows as a CSV download.
extension ConsoleController {
    func addJournalRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("points/:slug/ledger", use: ledgerPage)
        group.get("points/:slug/ledger.csv", use: ledgerCSV)
        group.get("points/:slug/sales", use: salesPage)
        group.get("points/:slug/sales.csv", use: salesCSV)
    }

    static let ledgerPageSize = 100
    /// A download holds at most this many rows; a filter narrows a longer one.
    static let maxDownloadRows = 50_000

    @Sendable func ledgerPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withPoint(request, context) { point in
            let page = page(request, context)
            let language = page.language
            let query = JournalQuery(request)
            var values = journalContext(page, point: point, task: "ledger", query: query)
            values["csv_href"] = "/console/points/\(point.slug)/ledger.csv" + query.queryString(keepCursor: false)
            values["kinds"] = StockMovementKind.allCases.map { kind -> [String: Any] in
                ["value": kind.rawValue, "label": ConsoleWords.word("kind_" + kind.rawValue, language),
                 "selected": query.kind == kind]
            }
            values["sku"] = query.sku ?? ""
            values["from"] = query.fromDay?.description ?? ""
            values["to"] = query.toDay?.description ?? ""
            values["recorded"] = request.uri.queryParameters.get("done") != nil
            if let problem = query.problem {
                values["error"] = problem
                return html(request, .badRequest, templates.render("console-ledger", values))
            }
            let found = try await stock.ledger(
                point: point.slug, filter: query.filter, beforeID: query.beforeID, limit: Self.ledgerPageSize + 1, database)
            let rows = Array(found.prefix(Self.ledgerPageSize))
            let names = catalog.snapshot().skus
            values["rows"] = rows.map { entry -> [String: Any] in
                [
                    "at": ShowroomFormat.localTime(entry.at, language), "sku": entry.sku, "name": names.name(entry.sku),
                    "batch": entry.batch, "delta": entry.delta > 0 ? "+\(entry.delta)" : String(entry.delta),
                    "negative": entry.delta < 0, "kind": ConsoleWords.word("kind_" + entry.kind, language),
                    "reason": entry.reason ?? "", "reference": entry.reference, "actor": entry.actor,
                ]
            }
            values["has_rows"] = !rows.isEmpty
            if found.count > Self.ledgerPageSize, let last = rows.last {
                var next = query
                next.beforeID = last.id
                values["older_href"] = page.link("/console/points/\(point.slug)/ledger" + next.queryString(keepCursor: true))
            }
            return html(request, .ok, templates.render("console-ledger", values))
        }
    }

    @Sendable func ledgerCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withPoint(request, context) { point in
            let query = JournalQuery(request)
            if let problem = query.problem { return csvRefusal(problem) }
            let rows = try await stock.ledger(
                point: point.slug, filter: query.filter, beforeID: nil, limit: Self.maxDownloadRows, database)
            let table = CSVTable(
                header: ["id", "at", "sku", "batch", "delta", "kind", "reason", "reference", "actor", "unit_price_vnd",
                         "unit_cost_vnd"],
                rows: rows.map { entry in
                    [String(entry.id), entry.at, entry.sku, entry.batch, String(entry.delta), entry.kind, entry.reason ?? "",
                     entry.reference, entry.actor, entry.unitPrice.map(String.init) ?? "", entry.unitCost.map(String.init) ?? ""]
                })
            return table.response(filename: "ledger-\(point.slug).csv")
        }
    }

    @Sendable func salesPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withPoint(request, context) { point in
            let page = page(request, context)
            let language = page.language
            let query = JournalQuery(request)
            let today = clock.todayInVietnam()
            let from = query.fromDay ?? today, to = query.toDay ?? today
            var values = journalContext(page, point: point, task: "sales", query: query)
            values["from"] = from.description
            values["to"] = to.description
            values["csv_href"] = "/console/points/\(point.slug)/sales.csv?from=\(from)&to=\(to)"
            if let problem = query.problem {
                values["error"] = problem
                return html(request, .badRequest, templates.render("console-sales", values))
            }
            let start = from.startInVietnam, end = JournalQuery.end(of: to)
            let summary = try await stock.salesSummary(point: point.slug, from: start, to: end, database)
            let receipts = try await stock.sales(point: point.slug, from: start, to: end, limit: 200, database)
            let names = catalog.snapshot().skus
            values["sales_count"] = summary.salesCount
            values["revenue"] = ShowroomFormat.price(summary.revenue, language)
            values["by_payment"] = summary.byPaymentMethod.sorted { $0.key < $1.key }.map { method, revenue -> [String: Any] in
                ["label": ConsoleWords.word("pay_" + method, language), "revenue": ShowroomFormat.price(revenue, language)]
            }
            values["has_by_payment"] = !summary.byPaymentMethod.isEmpty
            values["has_by_product"] = !summary.byProduct.isEmpty
            values["by_product"] = summary.byProduct.map { total -> [String: Any] in
                ["name": names.name(total.sku), "sku": total.sku, "quantity": total.quantity,
                 "revenue": ShowroomFormat.price(total.revenue, language)]
            }
            values["receipts"] = receipts.map { sale -> [String: Any] in
                ["number": sale.receiptNumber, "at": ShowroomFormat.localTime(sale.at, language),
                 "payment": ConsoleWords.word("pay_" + sale.paymentMethod, language), "channel": sale.channel,
                 "total": ShowroomFormat.price(sale.total, language),
                 "href": page.link("/console/points/\(point.slug)/sales/\(sale.id)")]
            }
            values["has_sales"] = !receipts.isEmpty
            return html(request, .ok, templates.render("console-sales", values))
        }
    }

    @Sendable func salesCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withPoint(request, context) { point in
            let query = JournalQuery(request)
            if let problem = query.problem { return csvRefusal(problem) }
            let today = clock.todayInVietnam()
            let from = query.fromDay ?? today, to = query.toDay ?? today
            let receipts = try await stock.sales(
                point: point.slug, from: from.startInVietnam, to: JournalQuery.end(of: to), limit: Self.maxDownloadRows,
                database)
            let table = CSVTable(
                header: ["id", "receipt_number", "at", "payment_method", "channel", "total_vnd"],
                rows: receipts.map {
                    [String($0.id), $0.receiptNumber, $0.at, $0.paymentMethod, $0.channel, String($0.total)]
                })
            return table.response(filename: "sales-\(point.slug)-\(from)-\(to).csv")
        }
    }

    /// What the ledger and sales pages share: title, heading, task links and the filter form's target.
    private func journalContext(_ page: ConsolePage, point: SalePoint, task: String, query: JournalQuery) -> [String: Any] {
        let path = "/console/points/\(point.slug)/\(task)"
        var values = page.context(
            title: ConsoleWords.word(task, page.language) + " · " + point.name, path: path + query.queryString(keepCursor: false))
        values["heading"] = ConsoleWords.word(task, page.language)
        values["nav"] = page.pointNav(point.slug, current: "/" + task)
        values["point_name"] = point.name
        values["point_href"] = page.link("/console/points/\(point.slug)")
        values["action"] = path
        return values
    }

    func csvRefusal(_ problem: String) -> Response {
        Response(
            status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: problem + "\n")))
    }
}

/// The filters of the ledger and sales pages, read from the query string; a value that does not
/// parse becomes `problem` (shown on the page) rather than a silently ignored filter.
struct JournalQuery {
    var kind: StockMovementKind?
    var sku: String?
    var fromDay: CalendarDate?
    var toDay: CalendarDate?
    var beforeID: Int?
    var problem: String?

    init(_ request: Request) {
        let query = request.uri.queryParameters
        func text(_ name: String) -> String? {
            guard let value = query.get(name)?.trimmingWhitespace, !value.isEmpty else { return nil }
            return value
        }
        if let value = text("kind") {
            kind = StockMovementKind(rawValue: value)
            if kind == nil { problem = "kind: one of " + StockMovementKind.allCases.map(\.rawValue).joined(separator: ", ") }
        }
        if let value = text("sku") {
            if value.utf8.count <= 64 { sku = value } else { problem = "sku: at most 64 characters" }
        }
        (fromDay, toDay) = Self.days(text, problem: &problem)
        if let value = text("before") {
            if let id = Int(value), id > 0 { beforeID = id } else { problem = "before: a ledger row number" }
        }
    }

    /// The `from` and `to` days of a filter form (Vietnam days, both inclusive); a value that does
    /// not parse, or a `to` before `from`, sets `problem`.
    static func days(_ text: (String) -> String?, problem: inout String?) -> (from: CalendarDate?, to: CalendarDate?) {
        var days: [String: CalendarDate] = [:]
        for name in ["from", "to"] {
            guard let value = text(name) else { continue }
            guard let day = CalendarDate(iso: value) else {
                problem = "\(name): a date YYYY-MM-DD"
                continue
            }
            days[name] = day
        }
        if let from = days["from"], let to = days["to"], to < from { problem = "to: must not be before from" }
        return (days["from"], days["to"])
    }

    var filter: LedgerFilter {
        LedgerFilter(kind: kind, sku: sku, from: fromDay?.startInVietnam, to: toDay.map(Self.end(of:)))
    }

    /// The instant a day ends (the next day's start); the last day a date can name ends at its start,
    /// since the day after it has no date.
    static func end(of day: CalendarDate) -> Moment {
        day < CalendarDate.latest ? day.adding(days: 1).startInVietnam : day.startInVietnam
    }

    /// The filters as a query string ("" when none), for links that keep them.
    func queryString(keepCursor: Bool) -> String {
        var parts: [String] = []
        if let kind { parts.append("kind=" + kind.rawValue) }
        if let sku { parts.append("sku=" + (sku.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
        if let fromDay { parts.append("from=\(fromDay)") }
        if let toDay { parts.append("to=\(toDay)") }
        if keepCursor, let beforeID { parts.append("before=\(beforeID)") }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }
}
