import Hummingbird
import OCOPDomain
import OCOPStorage

/// Staff reads of a point's stock: levels with what is in transit, the ledger, alerts, sales totals.
struct StockReportsController: Sendable {
    let database: Database
    let clock: any WallClock
    private let stock = StockStore()

    init(database: Database, clock: any WallClock) {
        self.database = database
        self.clock = clock
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("points/:slug/stock", use: levels)
        group.get("points/:slug/ledger", use: ledger)
        group.get("points/:slug/alerts", use: alerts)
        group.get("points/:slug/sales", use: sales)
    }

    struct SKUTotal: Encodable {
        var sku: String
        var product: String
        var quantity: Int
        var inTransitOut: Int
        var inTransitIn: Int
        var minimum: Int?
    }

    struct LevelsAnswer: Encodable {
        var point: String
        var batches: [StockLevel]
        var skus: [SKUTotal]
    }

    @Sendable func levels(_ request: Request, context: AppRequestContext) async throws -> Response {
        let point = try pointInScope(context)
        let batches = try await stock.levels(point: point, database)
        let transit = try await stock.inTransit(point: point, database)
        let minimums = try await stock.minimums(point: point, database)
        var totals: [String: SKUTotal] = [:]
        for batch in batches {
            totals[batch.sku, default: SKUTotal(sku: batch.sku, product: batch.product, quantity: 0, inTransitOut: 0, inTransitIn: 0)]
                .quantity += batch.quantity
        }
        for (sku, moving) in transit {
            var total = totals[sku] ?? SKUTotal(sku: sku, product: "", quantity: 0, inTransitOut: 0, inTransitIn: 0)
            total.inTransitOut = moving.outgoing
            total.inTransitIn = moving.incoming
            totals[sku] = total
        }
        for (sku, minimum) in minimums { totals[sku]?.minimum = minimum }
        let answer = LevelsAnswer(
            point: point, batches: batches.filter { $0.quantity > 0 },
            skus: totals.values.sorted { $0.sku < $1.sku })
        return try ResponseJSON.response(answer)
    }

    struct LedgerAnswer: Encodable {
        var items: [LedgerEntry]
        var nextCursor: String?
    }

    @Sendable func ledger(_ request: Request, context: AppRequestContext) async throws -> Response {
        let point = try pointInScope(context)
        let parameters = try QueryParameters(request, known: ["limit", "cursor"])
        let limit = try parameters.limit(.ledger)
        let items = try await stock.ledger(point: point, beforeID: try parameters.idCursor(of: "ledger"), limit: limit + 1, database)
        let page = Array(items.prefix(limit))
        let next = items.count > limit ? page.last.map { PageCursor(id: $0.id, of: "ledger").encoded } : nil
        return try ResponseJSON.response(LedgerAnswer(items: page, nextCursor: next))
    }

    struct AlertsAnswer: Encodable {
        struct Low: Encodable {
            var sku: String
            var quantity: Int
            var minimum: Int
        }

        struct Expiring: Encodable {
            var sku: String
            var product: String
            var batch: String
            var bestBefore: CalendarDate
            var quantity: Int
            var daysLeft: Int
        }

        var belowMinimum: [Low]
        var expiring: [Expiring]
        var withinDays: Int
    }

    @Sendable func alerts(_ request: Request, context: AppRequestContext) async throws -> Response {
        let point = try pointInScope(context)
        let parameters = try QueryParameters(request, known: ["days"])
        var days = 30
        if let text = parameters["days"] {
            guard let value = Int(text), (0...3650).contains(value) else {
                throw Problem.badParameter("days", "a whole number from 0 to 3650")
            }
            days = value
        }
        let alerts = StockAlerts(
            levels: try await stock.levels(point: point, database), minimums: try await stock.minimums(point: point, database),
            today: clock.todayInVietnam(), withinDays: days)
        let low = alerts.belowMinimum.map { AlertsAnswer.Low(sku: $0.sku, quantity: $0.quantity, minimum: $0.minimum) }
        let expiring = alerts.expiring.map {
            AlertsAnswer.Expiring(
                sku: $0.sku, product: $0.product, batch: $0.batch, bestBefore: $0.bestBefore, quantity: $0.quantity,
                daysLeft: $0.daysLeft)
        }
        return try ResponseJSON.response(AlertsAnswer(belowMinimum: low, expiring: expiring, withinDays: days))
    }

    struct SalesAnswer: Encodable {
        var point: String
        var from: CalendarDate
        var to: CalendarDate
        var summary: SalesSummary
    }

    /// `from` and `to` are days in Vietnam, both included; the default is today.
    @Sendable func sales(_ request: Request, context: AppRequestContext) async throws -> Response {
        let point = try pointInScope(context)
        let parameters = try QueryParameters(request, known: ["from", "to"])
        let today = clock.todayInVietnam()
        func day(_ name: String) throws -> CalendarDate {
            guard let text = parameters[name] else { return today }
            guard let date = CalendarDate(iso: text) else { throw Problem.badParameter(name, "a date YYYY-MM-DD") }
            return date
        }
        let from = try day("from")
        let to = try day("to")
        guard from <= to else { throw Problem.badParameter("to", "must not be before from") }
        let summary = try await stock.salesSummary(
            point: point, from: from.startInVietnam, to: to.adding(days: 1).startInVietnam, database)
        return try ResponseJSON.response(SalesAnswer(point: point, from: from, to: to, summary: summary))
    }

    private func pointInScope(_ context: AppRequestContext) throws -> String {
        let point = try context.pathValue("slug")
        _ = try context.requirePointScope(point)
        return point
    }
}
