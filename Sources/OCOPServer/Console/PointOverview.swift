import OCOPDomain
import OCOPStorage

/// A point's home in the console: stock per SKU and batch with best-before, what livestream
/// orders hold, what is in transit, the alerts and today's sales, read in one go.
struct PointOverview {
    let point: SalePoint
    let levels: [StockLevel]
    let held: [String: Int]
    let transit: [String: InTransit]
    let alerts: StockAlerts
    let today: SalesSummary

    static func load(
        point: SalePoint, stock: StockStore, database: Database, today: CalendarDate, now: Moment
    ) async throws -> PointOverview {
        let levels = try await stock.levels(point: point.slug, database)
        let minimums = try await stock.minimums(point: point.slug, database)
        return PointOverview(
            point: point, levels: levels,
            held: try await stock.heldBySKU(point: point.slug, at: now, database),
            transit: try await stock.inTransit(point: point.slug, database),
            alerts: StockAlerts(levels: levels, minimums: minimums, today: today, withinDays: 30),
            today: try await stock.salesSummary(
                point: point.slug, from: today.startInVietnam, to: today.adding(days: 1).startInVietnam, byProduct: false,
                database))
    }

    /// Units each SKU may still be sold: on the shelf, less what livestream orders hold.
    static func freeBySKU(point: String, stock: StockStore, database: Database, now: Moment) async throws -> [String: Int] {
        var free: [String: Int] = [:]
        for level in try await stock.levels(point: point, database) { free[level.sku, default: 0] += level.quantity }
        let held = try await stock.heldBySKU(point: point, at: now, database)
        for (sku, units) in held { free[sku] = max(0, (free[sku] ?? 0) - units) }
        return free
    }

    /// A SKU's line in the stock table.
    struct Row {
        let sku: String
        let name: String
        let batches: [StockLevel]
        let onHand: Int
        let held: Int
        let free: Int
        let outgoing: Int
        let incoming: Int
    }

    /// Every SKU on the shelf, held or in transit, in SKU order.
    func rows(_ names: SKUDirectory) -> [Row] {
        var bySKU: [String: [StockLevel]] = [:]
        for level in levels where level.quantity > 0 { bySKU[level.sku, default: []].append(level) }
        let skus = Set(bySKU.keys).union(held.keys).union(transit.keys).sorted()
        return skus.map { sku in
            let batches = bySKU[sku] ?? []
            // Levels are bounded by the store's line maximum, so these sums cannot overflow.
            let onHand = batches.reduce(0) { $0 + $1.quantity }
            let heldUnits = held[sku] ?? 0
            return Row(
                sku: sku, name: names.name(sku), batches: batches, onHand: onHand, held: heldUnits,
                free: max(0, onHand - heldUnits), outgoing: transit[sku]?.outgoing ?? 0,
                incoming: transit[sku]?.incoming ?? 0)
        }
    }

    func context(_ page: ConsolePage, skus names: SKUDirectory) -> [String: Any] {
        let language = page.language
        let rows = rows(names)
        let low = alerts.belowMinimum.map { alert -> String in
            "\(names.name(alert.sku)) (\(alert.sku)): \(alert.quantity) — "
                + ConsoleWords.word("below_minimum", language) + " \(alert.minimum)"
        }
        let expiring = alerts.expiring.map { alert -> String in
            let when = alert.daysLeft < 0
                ? ConsoleWords.word("expired", language)
                : ConsoleWords.word("expires_in", language) + " \(alert.daysLeft) " + ConsoleWords.word("days", language)
            return "\(names.name(alert.sku)), \(ConsoleWords.word("batch", language)) \(alert.batch): "
                + "\(alert.quantity) — \(when) (\(ShowroomFormat.date(alert.bestBefore, language)))"
        }
        return [
            "heading": point.name, "address": point.address,
            "sale_href": page.link("/console/points/\(point.slug)/sale"),
            "stock_rows": ConsoleTables.stock(rows, language: language), "has_rows": !rows.isEmpty,
            "alerts": low + expiring, "has_alerts": !(low.isEmpty && expiring.isEmpty),
            "sales_count": today.salesCount, "revenue": ShowroomFormat.price(today.revenue, language),
        ]
    }
}
