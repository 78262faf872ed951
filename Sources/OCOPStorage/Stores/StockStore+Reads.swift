public import OCOPDomain
import SQLKit

/// What a point holds in transit, per SKU.
public struct InTransit: Sendable, Hashable, Codable {
    public var outgoing = 0
    public var incoming = 0
}

/// Sales totals for a period.
public struct SalesSummary: Sendable, Hashable, Codable {
    public struct ProductTotal: Sendable, Hashable, Codable {
        public var sku: String
        public var product: String
        public var quantity: Int
        public var revenue: Int
    }

    public var salesCount: Int
    public var revenue: Int
    public var byProduct: [ProductTotal]
    public var byPaymentMethod: [String: Int]
}

/// Units of a product in stock at a point: what shoppers see as availability.
public struct ProductAvailability: Sendable, Hashable {
    public var point: String
    public var product: String
    public var units: Int
}

// MARK: - Reads

extension StockStore {
    /// Every SKU and batch a point holds, including empty batches that still have history.
    public func levels(point: String, _ database: Database) async throws -> [StockLevel] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT l.sku, v.product_slug, v.label, l.batch, l.best_before, l.quantity
                FROM stock_levels l JOIN variants v ON v.sku = l.sku
                WHERE l.point_slug = \(bind: point)
                ORDER BY l.sku, l.best_before, l.batch
                """
            ).all().map { row in
                StockLevel(
                    sku: try row.decode(column: "sku", as: String.self),
                    product: try row.decode(column: "product_slug", as: String.self),
                    label: try row.decode(column: "label", as: String.self),
                    batch: try row.decode(column: "batch", as: String.self),
                    bestBefore: try row.decode(column: "best_before", as: String?.self).flatMap(CalendarDate.init(iso:)),
                    quantity: try row.decode(column: "quantity", as: Int.self))
            }
        }
    }

    /// Quantities in transit out of and into a point, per SKU.
    public func inTransit(point: String, _ database: Database) async throws -> [String: InTransit] {
        try await database.read { sql in
            var result: [String: InTransit] = [:]
            for row in try await sql.raw(
                """
                SELECT t.from_point, t.to_point, l.sku, CAST(SUM(l.quantity_sent) AS BIGINT) AS quantity
                FROM transfers t JOIN transfer_lines l ON l.transfer_id = t.id
                WHERE t.status = 'in_transit' AND (t.from_point = \(bind: point) OR t.to_point = \(bind: point))
                GROUP BY t.from_point, t.to_point, l.sku
                """
            ).all() {
                let sku = try row.decode(column: "sku", as: String.self)
                let quantity = try row.decode(column: "quantity", as: Int.self)
                if try row.decode(column: "from_point", as: String.self) == point {
                    result[sku, default: InTransit()].outgoing += quantity
                } else {
                    result[sku, default: InTransit()].incoming += quantity
                }
            }
            return result
        }
    }

    /// The per-SKU minimums set for a point.
    public func minimums(point: String, _ database: Database) async throws -> [String: Int] {
        try await database.read { sql in
            var result: [String: Int] = [:]
            for row in try await sql.raw("SELECT sku, minimum FROM point_minimums WHERE point_slug = \(bind: point)").all() {
                result[try row.decode(column: "sku", as: String.self)] = try row.decode(column: "minimum", as: Int.self)
            }
            return result
        }
    }

    /// Ledger rows of a point, newest first, before the row `beforeID` when given.
    public func ledger(point: String, beforeID: Int?, limit: Int, _ database: Database) async throws -> [LedgerEntry] {
        try await ledger(point: point, filter: LedgerFilter(), beforeID: beforeID, limit: limit, database)
    }

    /// Sales of a point in [from, to): count and revenue by payment method, and (unless
    /// `byProduct` is false, as a page that shows only the totals asks) by product.
    public func salesSummary(
        point: String, from: Moment, to: Moment, byProduct: Bool = true, _ database: Database
    ) async throws -> SalesSummary {
        let start = ISOTimestamp.string(from)
        let end = ISOTimestamp.string(to)
        return try await database.read { sql in
            let totals = try await sql.raw(
                """
                SELECT payment_method, COUNT(*) AS n, CAST(SUM(total) AS BIGINT) AS revenue FROM sales
                WHERE point_slug = \(bind: point) AND at >= \(bind: start) AND at < \(bind: end)
                GROUP BY payment_method
                """
            ).all()
            var byMethod: [String: Int] = [:]
            var count = 0
            for row in totals {
                byMethod[try row.decode(column: "payment_method", as: String.self)] =
                    try row.decode(column: "revenue", as: Int.self)
                count += try row.decode(column: "n", as: Int.self)
            }
            let products = !byProduct ? [] : try await sql.raw(
                """
                SELECT l.sku, v.product_slug, CAST(SUM(l.quantity) AS BIGINT) AS quantity, CAST(SUM(l.amount) AS BIGINT) AS revenue
                FROM sales s JOIN sale_lines l ON l.sale_id = s.id JOIN variants v ON v.sku = l.sku
                WHERE s.point_slug = \(bind: point) AND s.at >= \(bind: start) AND s.at < \(bind: end)
                GROUP BY l.sku, v.product_slug ORDER BY 4 DESC, l.sku
                """
            ).all().map { row in
                SalesSummary.ProductTotal(
                    sku: try row.decode(column: "sku", as: String.self),
                    product: try row.decode(column: "product_slug", as: String.self),
                    quantity: try row.decode(column: "quantity", as: Int.self),
                    revenue: try row.decode(column: "revenue", as: Int.self))
            }
            return SalesSummary(
                salesCount: count, revenue: byMethod.values.reduce(0, +), byProduct: products, byPaymentMethod: byMethod)
        }
    }

    /// Units free to sell per product and point, for one point or for all: what is in stock less
    /// what is held for open livestream orders (a hold past its time counts until the sweep marks it).
    public func availability(point: String?, _ database: Database) async throws -> [ProductAvailability] {
        try await database.read { sql in
            // Two statements rather than `(? OR point_slug = ?)`, which keeps PostgreSQL off the index.
            let pointFilter: SQLQueryString = point.map { "AND l.point_slug = \(bind: $0)" } ?? ""
            let stocked = try await sql.raw(
                """
                SELECT l.point_slug, v.product_slug, CAST(SUM(l.quantity) AS BIGINT) AS units
                FROM stock_levels l JOIN variants v ON v.sku = l.sku
                WHERE l.quantity > 0 \(pointFilter)
                GROUP BY l.point_slug, v.product_slug
                """
            ).all()
            let held = try await sql.raw(
                """
                SELECT l.point_slug, v.product_slug, CAST(SUM(l.quantity) AS BIGINT) AS units
                FROM stock_holds l JOIN variants v ON v.sku = l.sku
                WHERE l.status = 'held' \(pointFilter)
                GROUP BY l.point_slug, v.product_slug
                """
            ).all()
            var heldUnits: [String: Int] = [:]
            for row in held {
                let key = try row.decode(column: "point_slug", as: String.self) + "\u{1F}"
                    + (try row.decode(column: "product_slug", as: String.self))
                heldUnits[key] = try row.decode(column: "units", as: Int.self)
            }
            return try stocked.compactMap { row in
                let point = try row.decode(column: "point_slug", as: String.self)
                let product = try row.decode(column: "product_slug", as: String.self)
                let units = try row.decode(column: "units", as: Int.self) - heldUnits[point + "\u{1F}" + product, default: 0]
                return units > 0 ? ProductAvailability(point: point, product: product, units: units) : nil
            }
        }
    }

    /// Units free to sell at one point of each product that has a variant among `skus`, 0 included
    /// (what `availability` counts, for the products one movement touched).
    public func availability(
        point: String, ofProductsWithSKUs skus: [String], _ database: Database
    ) async throws -> [String: Int] {
        guard !skus.isEmpty else { return [:] }
        return try await database.read { sql in
            let rows = try await sql.raw(
                """
                SELECT p.product_slug,
                    (SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM variants v
                     JOIN stock_levels l ON l.sku = v.sku AND l.point_slug = \(bind: point) AND l.quantity > 0
                     WHERE v.product_slug = p.product_slug) AS stocked,
                    (SELECT CAST(COALESCE(SUM(h.quantity), 0) AS BIGINT) FROM variants v
                     JOIN stock_holds h ON h.sku = v.sku AND h.point_slug = \(bind: point) AND h.status = 'held'
                     WHERE v.product_slug = p.product_slug) AS held
                FROM (SELECT DISTINCT product_slug FROM variants
                      WHERE sku IN (\(SQLList(Array(Set(skus)).map { SQLBind($0) })))) p
                """
            ).all()
            var units: [String: Int] = [:]
            for row in rows {
                units[try row.decode(column: "product_slug", as: String.self)] = max(
                    0, try row.decode(column: "stocked", as: Int.self) - row.decode(column: "held", as: Int.self))
            }
            return units
        }
    }

    /// Levels that disagree with the sum of their ledger rows; empty when the books balance.
    public func ledgerMismatches(_ database: Database) async throws -> [String] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT k.point_slug, k.sku, k.batch, COALESCE(l.quantity, 0) AS level, COALESCE(g.total, 0) AS ledger
                FROM (SELECT point_slug, sku, batch FROM stock_levels
                      UNION SELECT point_slug, sku, batch FROM stock_ledger) k
                LEFT JOIN stock_levels l ON l.point_slug = k.point_slug AND l.sku = k.sku AND l.batch = k.batch
                LEFT JOIN (SELECT point_slug, sku, batch, CAST(SUM(delta) AS BIGINT) AS total FROM stock_ledger
                           GROUP BY point_slug, sku, batch) g
                    ON g.point_slug = k.point_slug AND g.sku = k.sku AND g.batch = k.batch
                WHERE COALESCE(l.quantity, 0) <> COALESCE(g.total, 0)
                """
            ).all().map { row in
                "\(try row.decode(column: "point_slug", as: String.self)) \(try row.decode(column: "sku", as: String.self))"
                    + " \(try row.decode(column: "batch", as: String.self)): level "
                    + "\(try row.decode(column: "level", as: Int.self)) ledger \(try row.decode(column: "ledger", as: Int.self))"
            }
        }
    }
}
