import SQLKit

/// The units a listing may sell: stock at the account's point, all batches, less the units held
/// for unpaid (livestream) orders.
enum MarketplaceStock {
    static func available(point: String, sku: String, at timestamp: String, _ sql: any SQLDatabase) async throws -> Int {
        let units =
            try await sql.raw(
                """
                SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) AS units FROM stock_levels
                WHERE point_slug = \(bind: point) AND sku = \(bind: sku) AND quantity > 0
                """
            ).first()?.decode(column: "units", as: Int.self) ?? 0
        let held = try await StockHolds.heldUnits(point: point, sku: sku, at: timestamp, sql)
        return max(0, units - held)
    }
}
