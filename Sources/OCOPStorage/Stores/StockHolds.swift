public import OCOPDomain
public import SQLKit

/// Units set aside at a point for an order that is not yet paid (a livestream order), per SKU.
///
/// A hold is active while its status is `held` and it has not expired: expiry needs no job, every
/// reader compares `expires_at` with the time. A sweep later marks expired holds `expired` for the
/// reports and tells the read models. Whoever takes stock (a hold, a counter sale) first locks the
/// SKU's level rows at the point (PostgreSQL `FOR UPDATE`; SQLite runs one writer at a time), so a
/// hold and a sale can never both count the same unit.
public enum StockHolds {
    /// Hold statuses.
    public static let held = "held"
    public static let confirmed = "confirmed"
    public static let released = "released"
    public static let expired = "expired"

    /// The SKU's batches at the point (locked for this transaction) and the units held on them now.
    static func lockedAvailability(
        point: String, sku: String, at timestamp: String, _ sql: any SQLDatabase
    ) async throws -> (batches: [BatchQuantity], held: Int) {
        let lock = sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        // One statement: the batches (locked) with the units held on the SKU beside each row.
        let rows = try await sql.raw(
            SQLQueryString(
                """
                SELECT l.batch, l.best_before, l.quantity,
                    (SELECT CAST(COALESCE(SUM(h.quantity), 0) AS BIGINT) FROM stock_holds h
                     WHERE h.point_slug = l.point_slug AND h.sku = l.sku AND h.status = 'held'
                        AND h.expires_at > \(bind: timestamp)) AS held
                FROM stock_levels l
                WHERE l.point_slug = \(bind: point) AND l.sku = \(bind: sku) AND l.quantity > 0\(unsafeRaw: lock)
                """)
        ).all()
        let batches = try rows.map { row in
            BatchQuantity(
                batch: try row.decode(column: "batch", as: String.self),
                bestBefore: try row.decode(column: "best_before", as: String?.self).flatMap(CalendarDate.init(iso:)),
                quantity: try row.decode(column: "quantity", as: Int.self))
        }
        // Without stock nothing is free, whatever is held.
        return (batches, try rows.first?.decode(column: "held", as: Int.self) ?? 0)
    }

    /// Units of the SKU held at the point by active holds.
    static func heldUnits(point: String, sku: String, at timestamp: String, _ sql: any SQLDatabase) async throws -> Int {
        try await sql.raw(
            """
            SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) AS held FROM stock_holds
            WHERE point_slug = \(bind: point) AND sku = \(bind: sku) AND status = 'held'
                AND expires_at > \(bind: timestamp)
            """
        ).first()?.decode(column: "held", as: Int.self) ?? 0
    }

    /// Units free to sell or hold: what the batches hold less what is held.
    static func free(_ stock: (batches: [BatchQuantity], held: Int)) -> Int {
        max(0, stock.batches.reduce(0) { $0 + $1.quantity } - stock.held)
    }

    /// Holds `quantity` units of each line for `reference` until `expiresAt`, or throws a conflict
    /// naming the first line that cannot be held (and holds nothing).
    public static func place(
        _ sql: any SQLDatabase, point: String, lines: [(sku: String, quantity: Int, field: String)], reference: String,
        expiresAt: Moment, at now: Moment
    ) async throws {
        try await requireFree(sql, point: point, lines: lines, at: now)
        try await insert(sql, point: point, lines: lines, reference: reference, expiresAt: expiresAt, at: now)
    }

    /// Throws a conflict naming the first line the point cannot hold now. Checks every line before the
    /// caller writes any, so a refusal leaves nothing behind even when the caller goes on in the same
    /// transaction (a batch of comments). SKUs are locked in one order, whoever asks.
    static func requireFree(
        _ sql: any SQLDatabase, point: String, lines: [(sku: String, quantity: Int, field: String)], at now: Moment
    ) async throws {
        let timestamp = ISOTimestamp.string(now)
        var asked: [String: (quantity: Int, field: String)] = [:]
        for line in lines { asked[line.sku, default: (0, line.field)].quantity += line.quantity }
        for sku in asked.keys.sorted() {
            let free = free(try await lockedAvailability(point: point, sku: sku, at: timestamp, sql))
            guard free >= asked[sku]!.quantity else {
                throw DomainError(
                    .conflict, "not enough stock of \(sku) at \(point): \(free) free, \(asked[sku]!.quantity) asked",
                    issues: [.init(field: asked[sku]!.field, reason: "only \(free) available")])
            }
        }
    }

    /// Writes the holds, once `requireFree` said yes in this transaction.
    static func insert(
        _ sql: any SQLDatabase, point: String, lines: [(sku: String, quantity: Int, field: String)], reference: String,
        expiresAt: Moment, at now: Moment
    ) async throws {
        let timestamp = ISOTimestamp.string(now)
        for line in lines {
            try await sql.raw(
                """
                INSERT INTO stock_holds (point_slug, sku, quantity, status, expires_at, reference, created_at)
                VALUES (\(bind: point), \(bind: line.sku), \(bind: line.quantity), 'held',
                    \(bind: ISOTimestamp.string(expiresAt)), \(bind: reference), \(bind: timestamp))
                """
            ).run()
            // Held units leave the marketplaces' offer at once, like sold ones.
            try await MarketplaceOutbox.stockMoved(point: point, sku: line.sku, in: sql, at: timestamp)
            sql.announce(.stockOfSKU(point: point, sku: line.sku))
        }
    }

    /// Ends the active holds of `reference` with `status` (confirmed, released); returns how many.
    @discardableResult
    public static func end(
        _ sql: any SQLDatabase, reference: String, status: String, point: String, at timestamp: String
    ) async throws -> Int {
        let rows = try await sql.raw(
            """
            UPDATE stock_holds SET status = \(bind: status)
            WHERE reference = \(bind: reference) AND status = 'held'
            RETURNING sku
            """
        ).all()
        let skus = Set(try rows.map { try $0.decode(column: "sku", as: String.self) })
        for sku in skus {
            sql.announce(.stockOfSKU(point: point, sku: sku))
            // Released units are offered again; confirmed ones leave through the sale's own movement.
            if status == released { try await MarketplaceOutbox.stockMoved(point: point, sku: sku, in: sql, at: timestamp) }
        }
        return rows.count
    }

    /// Marks holds past their time `expired`; returns the points whose free stock grew.
    public static func sweepExpired(_ sql: any SQLDatabase, at now: Moment) async throws -> Set<String> {
        let rows = try await sql.raw(
            """
            UPDATE stock_holds SET status = 'expired'
            WHERE status = 'held' AND expires_at <= \(bind: ISOTimestamp.string(now))
            RETURNING point_slug, sku
            """
        ).all()
        var points: Set<String> = []
        for row in rows {
            let point = try row.decode(column: "point_slug", as: String.self)
            sql.announce(.stockOfSKU(point: point, sku: try row.decode(column: "sku", as: String.self)))
            points.insert(point)
        }
        return points
    }

    /// Active held units per SKU at a point (for availability views).
    public static func heldBySKU(point: String, at now: Moment, _ sql: any SQLDatabase) async throws -> [String: Int] {
        let rows = try await sql.raw(
            """
            SELECT sku, CAST(SUM(quantity) AS BIGINT) AS held FROM stock_holds
            WHERE point_slug = \(bind: point) AND status = 'held' AND expires_at > \(bind: ISOTimestamp.string(now))
            GROUP BY sku
            """
        ).all()
        var result: [String: Int] = [:]
        for row in rows { result[try row.decode(column: "sku", as: String.self)] = try row.decode(column: "held", as: Int.self) }
        return result
    }
}
