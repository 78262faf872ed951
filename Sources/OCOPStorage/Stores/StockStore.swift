import OCOPDomain
import SQLKit

/// Stock at points: every change is a ledger row, and the level it changes is updated in the same
/// transaction, conditionally, so stock never goes negative however many sales race.
///
/// Movement methods take the caller's transaction (`sql`), so that a write, its idempotency record
/// and anything else the request changes commit together.
public struct StockStore: Sendable {
    public init() {}

    /// A catalog variant as the stock code needs it.
    struct VariantInfo: Sendable {
        let sku: String
        let product: String
        let label: String
        let price: Int
        /// The producer whose product this SKU is.
        let producer: String
    }

    // MARK: - The one primitive every movement uses

    /// Changes one level by `delta` and appends its ledger row. A decrease that would go below zero
    /// throws a conflict naming the SKU and batch.
    @discardableResult
    func move(
        _ sql: any SQLDatabase, point: String, sku: String, batch: String, bestBefore: CalendarDate?, delta: Int,
        kind: StockMovementKind, reason: String?, reference: String, actor: String, at timestamp: String,
        unitCost: Int? = nil, unitPrice: Int? = nil
    ) async throws -> LedgerEntry {
        if delta >= 0 {
            try await sql.raw(
                """
                INSERT INTO stock_levels (point_slug, sku, batch, best_before, quantity)
                VALUES (\(bind: point), \(bind: sku), \(bind: batch), \(bind: bestBefore?.description), \(bind: delta))
                ON CONFLICT (point_slug, sku, batch) DO UPDATE SET quantity = stock_levels.quantity + excluded.quantity,
                    best_before = COALESCE(stock_levels.best_before, excluded.best_before)
                """
            ).run()
        } else {
            // Conditional update: only succeeds while enough remains, whoever else is selling.
            let updated = try await sql.raw(
                """
                UPDATE stock_levels SET quantity = quantity + \(bind: delta)
                WHERE point_slug = \(bind: point) AND sku = \(bind: sku) AND batch = \(bind: batch)
                    AND quantity + \(bind: delta) >= 0
                RETURNING quantity
                """
            ).first()
            guard updated != nil else {
                throw DomainError(
                    .conflict, "not enough stock of \(sku)\(batch.isEmpty ? "" : " batch \(batch)") at \(point)")
            }
        }
        sql.announce(.stockOfSKU(point: point, sku: sku))
        try await MarketplaceOutbox.stockMoved(point: point, sku: sku, in: sql, at: timestamp)
        let row = try await sql.raw(
            """
            INSERT INTO stock_ledger (at, point_slug, sku, batch, delta, kind, reason, reference, actor, unit_cost, unit_price)
            VALUES (\(bind: timestamp), \(bind: point), \(bind: sku), \(bind: batch), \(bind: delta), \(bind: kind.rawValue),
                \(bind: reason), \(bind: reference), \(bind: actor), \(bind: unitCost), \(bind: unitPrice))
            RETURNING id
            """
        ).first()
        return LedgerEntry(
            id: try row?.decode(column: "id", as: Int.self) ?? 0, at: timestamp, point: point, sku: sku, batch: batch,
            delta: delta, kind: kind.rawValue, reason: reason, reference: reference, actor: actor, unitCost: unitCost,
            unitPrice: unitPrice)
    }

    // MARK: - Lookups inside a transaction

    /// The live variants among `skus`, by SKU.
    static func variants(_ skus: [String], _ sql: any SQLDatabase) async throws -> [String: VariantInfo] {
        guard !skus.isEmpty else { return [:] }
        let rows = try await sql.raw(
            """
            SELECT v.sku, v.product_slug, v.label, v.price, p.producer_slug FROM variants v
            JOIN products p ON p.slug = v.product_slug
            WHERE v.withdrawn_at IS NULL AND v.sku IN (\(SQLList(Array(Set(skus)).map { SQLBind($0) })))
            """
        ).all()
        var result: [String: VariantInfo] = [:]
        for row in rows {
            let sku = try row.decode(column: "sku", as: String.self)
            result[sku] = VariantInfo(
                sku: sku, product: try row.decode(column: "product_slug", as: String.self),
                label: try row.decode(column: "label", as: String.self), price: try row.decode(column: "price", as: Int.self),
                producer: try row.decode(column: "producer_slug", as: String.self))
        }
        return result
    }

    /// Checks that every SKU exists, naming `lines[i].sku` for the first that does not.
    static func requireVariants(_ skus: [String], _ sql: any SQLDatabase) async throws -> [String: VariantInfo] {
        let found = try await variants(skus, sql)
        let issues = skus.enumerated().filter { found[$0.element] == nil }.map {
            DomainError.FieldIssue(field: "lines[\($0.offset)].sku", reason: "no SKU '\($0.element)' in the catalog")
        }
        if !issues.isEmpty { throw DomainError(.invalid, "unknown SKU", issues: issues) }
        return found
    }

    static func requirePoint(_ slug: String, _ sql: any SQLDatabase) async throws {
        guard try await PointStore.exists(slug, sql) else { throw DomainError(.notFound, "no point '\(slug)'") }
        try await FairStallRules.checkMovement(point: slug, sql: sql)
    }

    /// The batches of one SKU at a point that hold stock.
    static func batches(point: String, sku: String, _ sql: any SQLDatabase) async throws -> [BatchQuantity] {
        try await sql.raw(
            """
            SELECT batch, best_before, quantity FROM stock_levels
            WHERE point_slug = \(bind: point) AND sku = \(bind: sku) AND quantity > 0
            """
        ).all().map { row in
            BatchQuantity(
                batch: try row.decode(column: "batch", as: String.self),
                bestBefore: try row.decode(column: "best_before", as: String?.self).flatMap(CalendarDate.init(iso:)),
                quantity: try row.decode(column: "quantity", as: Int.self))
        }
    }
}
