public import OCOPDomain
import SQLKit

extension StockStore {
    /// Units of each SKU held for open livestream orders at a point.
    public func heldBySKU(point: String, at now: Moment, _ database: Database) async throws -> [String: Int] {
        try await database.read { sql in try await StockHolds.heldBySKU(point: point, at: now, sql) }
    }

    /// One sale of a point with its lines (without the batches each line took), for a receipt.
    public func saleRecord(id: Int, point: String, _ database: Database) async throws -> SaleRecord? {
        try await database.read { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT id, point_slug, receipt_number, payment_method, total, at FROM sales
                    WHERE id = \(bind: id) AND point_slug = \(bind: point)
                    """
                ).first()
            else { return nil }
            let lines = try await sql.raw(
                """
                SELECT s.sku, v.product_slug, s.quantity, s.unit_price, s.discount, s.amount
                FROM sale_lines s JOIN variants v ON v.sku = s.sku
                WHERE s.sale_id = \(bind: id) ORDER BY s.position
                """
            ).all().map { line in
                SaleRecord.Line(
                    sku: try line.decode(column: "sku", as: String.self),
                    product: try line.decode(column: "product_slug", as: String.self),
                    quantity: try line.decode(column: "quantity", as: Int.self),
                    unitPrice: try line.decode(column: "unit_price", as: Int.self),
                    discount: try line.decode(column: "discount", as: Int.self),
                    amount: try line.decode(column: "amount", as: Int.self), batches: [])
            }
            return SaleRecord(
                id: try row.decode(column: "id", as: Int.self), point: try row.decode(column: "point_slug", as: String.self),
                receiptNumber: try row.decode(column: "receipt_number", as: String.self),
                paymentMethod: try row.decode(column: "payment_method", as: String.self),
                at: try row.decode(column: "at", as: String.self), lines: lines,
                total: try row.decode(column: "total", as: Int.self))
        }
    }
}
