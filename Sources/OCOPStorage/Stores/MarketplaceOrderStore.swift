public import OCOPDomain
import SQLKit

/// Marketplace orders and the stock they move at the account's point (MARKETPLACE-ORDERS.md §0).
///
/// The platform's fetched order is the truth; `apply` turns it into at most one stock change per
/// order and state, whatever order the fetches arrive in: an older `update_time` is ignored, and
/// `stock_state` only moves forward (held → sold → restocked/return expected/written off; a final
/// state never moves again). The order row is locked for the whole change, so two nodes fetching
/// the same order move its stock once.
public struct MarketplaceOrderStore: Sendable {
    let database: Database
    let stock = StockStore()

    public init(database: Database) { self.database = database }

    /// How long a placed order holds its units: longer than any platform leaves an order unpaid.
    static let holdDays: Int64 = 30

    /// Applies a fetched order and answers it as stored.
    @discardableResult
    public func apply(_ order: PlatformOrder, account: OrderAccount, actor: String, at now: Moment) async throws
        -> MarketplaceOrderRecord
    {
        do {
            return try await database.transaction { sql in
                try await apply(order, account: account, actor: actor, at: now, shortOfStock: false, sql)
            }
        } catch is ShortOfStock {
            // The sale found too few units and rolled back whole: record the order short instead.
            return try await database.transaction { sql in
                try await apply(order, account: account, actor: actor, at: now, shortOfStock: true, sql)
            }
        }
    }

    /// A sale of the order's lines ran out of stock: its transaction is given up.
    struct ShortOfStock: Error {}

    private func apply(
        _ order: PlatformOrder, account: OrderAccount, actor: String, at now: Moment, shortOfStock: Bool,
        _ sql: any SQLDatabase
    ) async throws -> MarketplaceOrderRecord {
        let id = try await lockOrCreate(order, account: account, at: now, sql)
        try await Self.lockPoint(account.point, sql)
        let stored = try await Self.state(id, sql)
        guard order.updateTime >= stored.updatedAt else {
            // An older fetch (or push) than the one applied: it says nothing new.
            return try await Self.record(id, sql)!
        }
        let storedEffect = OrderStockEffect(rawValue: stored.effect) ?? .none
        var effect = storedEffect
        if effect == .none || effect == .short {
            try await replaceLines(id, order.lines, account: account, sql)
        } else if effect == .held, !(try await Self.recordCancelledUnits(id, order.lines, sql, sold: false)).isEmpty {
            // Nothing was sold yet: units cancelled on their own leave the hold at once, and the
            // sale to come takes only the units still going. None left: the order holds nothing.
            if !(try await holdLiveUnitsOnly(id, account: account, at: now, sql)) { effect = .released }
        }
        let lines = try await Self.matchedLines(id, sql)
        var outcome = try await move(
            from: effect, to: order.state, order: id, lines: lines, account: account, external: order.externalID,
            shortOfStock: shortOfStock, actor: actor, at: now, sql)
        var unitsBack: [(sku: String, units: Int)] = []
        if effect == .sold || effect == .returnExpected {
            // Sold before some of its units were cancelled on their own: those go back on the shelf,
            // unless the whole order just came back with them (the lines still say which went first).
            let restockedWhole = outcome.effect == .restocked
            let newlyCancelled = try await Self.recordCancelledUnits(id, order.lines, sql, sold: !restockedWhole)
            if !restockedWhole { unitsBack = newlyCancelled }
            let reference = Self.saleReference(account, order.externalID)
            for back in unitsBack {
                try await restock(reference, sku: back.sku, units: back.units, actor: actor, at: now, sql)
            }
            if !unitsBack.isEmpty {
                let said = unitsBack.map { "\($0.units) × \($0.sku)" }.joined(separator: ", ")
                outcome.note = [outcome.note, "cancelled before they left, back on the shelf: " + said]
                    .compactMap { $0 }.joined(separator: "; ")
            }
        }
        let changed = outcome.effect != storedEffect || order.status != stored.status || !unitsBack.isEmpty
        try await sql.raw(
            """
            UPDATE marketplace_orders SET status = \(bind: order.status), stock_state = \(bind: outcome.effect.rawValue),
                platform_updated_at = \(bind: order.updateTime), total = \(bind: Self.total(order.lines)),
                sale_id = COALESCE(\(bind: outcome.saleID), sale_id), updated_at = \(bind: ISOTimestamp.string(now))
            WHERE id = \(bind: id)
            """
        ).run()
        if changed {
            try await Self.appendEvent(
                id, status: order.status, effect: outcome.effect, platformUpdatedAt: order.updateTime, note: outcome.note,
                at: now, sql)
        }
        return try await Self.record(id, sql)!
    }

    /// Staff confirm that the goods of a returning order are back: the sold units go back on the
    /// shelf, each to the batch it left.
    public func confirmReturn(_ id: Int, actor: String, at now: Moment) async throws -> MarketplaceOrderRecord {
        try await database.perform(confirmingReturn(id, actor: actor, at: now))
    }

    /// `confirmReturn` as one operation of the write pipeline.
    public func confirmingReturn(_ id: Int, actor: String, at now: Moment) -> StoreOperation<MarketplaceOrderRecord> {
        StoreOperation { sql in
            let stored = try await Self.state(id, sql, lock: true)
            try await Self.lockPoint(stored.point, sql)
            guard stored.effect == OrderStockEffect.returnExpected.rawValue else {
                throw DomainError(.conflict, "order \(id) is \(stored.effect): only a return expected can be received")
            }
            try await restock(stored.saleReference, actor: actor, at: now, sql)
            try await sql.raw(
                """
                UPDATE marketplace_orders SET stock_state = 'restocked', updated_at = \(bind: ISOTimestamp.string(now))
                WHERE id = \(bind: id)
                """
            ).run()
            try await Self.appendEvent(
                id, status: stored.status, effect: .restocked, platformUpdatedAt: stored.updatedAt,
                note: "received back by \(actor)", at: now, sql)
            return try await Self.record(id, sql)!
        }
    }

    // MARK: - The state machine

    struct Outcome {
        var effect: OrderStockEffect
        var saleID: Int? = nil
        var note: String? = nil
    }

    /// The one stock change that takes `effect` to what `state` asks, or none.
    private func move(
        from effect: OrderStockEffect, to state: OrderStockState?, order id: Int, lines: [SaleLine],
        account: OrderAccount, external: String, shortOfStock: Bool, actor: String, at now: Moment, _ sql: any SQLDatabase
    ) async throws -> Outcome {
        guard let state, !effect.isFinal else { return Outcome(effect: effect) }
        let hold = Self.holdReference(id)
        let timestamp = ISOTimestamp.string(now)
        let nothingMoved = effect == .none || effect == .short
        switch state {
        case .placed:
            guard nothingMoved, !lines.isEmpty else { return Outcome(effect: effect) }
            guard try await isFree(lines, account: account, at: now, sql) else { return short(lines, account) }
            try await StockHolds.insert(
                sql, point: account.point, lines: holdLines(lines), reference: hold,
                expiresAt: now.adding(seconds: Self.holdDays * 86_400), at: now)
            return Outcome(effect: .held)
        case .sold:
            // A return the platform closed without goods back (TO_RETURN, then COMPLETED): sold again.
            if effect == .returnExpected { return Outcome(effect: .sold, note: "the return was closed: no goods came back") }
            guard nothingMoved || effect == .held, !lines.isEmpty else { return Outcome(effect: effect) }
            if shortOfStock {
                if effect == .held {
                    try await StockHolds.end(sql, reference: hold, status: StockHolds.released, point: account.point, at: timestamp)
                }
                for line in lines {
                    try await MarketplaceOutbox.stockMoved(point: account.point, sku: line.sku, in: sql, at: timestamp)
                }
                return short(lines, account)
            }
            if effect == .held {
                try await StockHolds.end(sql, reference: hold, status: StockHolds.confirmed, point: account.point, at: timestamp)
            }
            // `sell` takes the point's receipt number before it locks the levels, as a counter sale
            // does, so the two never wait on each other in a circle. Short of stock, it may have
            // written some lines: the whole transaction is given up (see `apply`).
            do {
                let sale = try await stock.sell(
                    sql, point: account.point, lines: lines, payment: .marketplace, actor: actor, at: now,
                    channel: "marketplace", reference: Self.saleReference(account, external))
                return Outcome(effect: .sold, saleID: sale.id)
            } catch let error as DomainError where error.code == .conflict {
                throw ShortOfStock()
            }
        case .cancelled, .returnExpected, .lost:
            switch effect {
            case .held:
                try await StockHolds.end(sql, reference: hold, status: StockHolds.released, point: account.point, at: timestamp)
                return Outcome(effect: .released)
            case .none, .short:
                return Outcome(effect: .released)
            case .sold where state == .cancelled:
                try await restock(Self.saleReference(account, external), actor: actor, at: now, sql)
                return Outcome(effect: .restocked)
            case .sold where state == .returnExpected:
                return Outcome(effect: .returnExpected)
            case .sold, .returnExpected:
                // Lost on the way (or a return expected that the platform now calls lost).
                return state == .lost ? Outcome(effect: .writtenOff, note: "lost in delivery") : Outcome(effect: effect)
            case .released, .restocked, .writtenOff:
                return Outcome(effect: effect)
            }
        }
    }

    /// Replaces the order's hold by one of its live units, ending when the first did; false when
    /// no matched unit is left to hold.
    private func holdLiveUnitsOnly(_ id: Int, account: OrderAccount, at now: Moment, _ sql: any SQLDatabase) async throws
        -> Bool
    {
        let reference = Self.holdReference(id)
        let ends = try await sql.raw(
            "SELECT MIN(expires_at) AS ends FROM stock_holds WHERE reference = \(bind: reference) AND status = 'held'"
        ).first()?.decode(column: "ends", as: String?.self).flatMap(ISOTimestamp.moment)
        try await StockHolds.end(
            sql, reference: reference, status: StockHolds.released, point: account.point, at: ISOTimestamp.string(now))
        let live = try await Self.matchedLines(id, sql)
        // A hold that already ended (swept at its time) is not made again.
        guard let ends, !live.isEmpty else { return !live.isEmpty }
        try await StockHolds.insert(sql, point: account.point, lines: holdLines(live), reference: reference, expiresAt: ends, at: now)
        return true
    }

    /// Too few units free: nothing moves, and the marketplaces are told the point's real stock.
    private func short(_ lines: [SaleLine], _ account: OrderAccount) -> Outcome {
        Outcome(effect: .short, note: "too few units free at \(account.point) for " + lines.map(\.sku).joined(separator: ", "))
    }

    private func isFree(_ lines: [SaleLine], account: OrderAccount, at now: Moment, _ sql: any SQLDatabase) async throws
        -> Bool
    {
        do {
            try await StockHolds.requireFree(sql, point: account.point, lines: holdLines(lines), at: now)
            return true
        } catch let error as DomainError where error.code == .conflict {
            let timestamp = ISOTimestamp.string(now)
            for line in lines { try await MarketplaceOutbox.stockMoved(point: account.point, sku: line.sku, in: sql, at: timestamp) }
            return false
        }
    }

    private func holdLines(_ lines: [SaleLine]) -> [(sku: String, quantity: Int, field: String)] {
        lines.enumerated().map { (sku: $0.element.sku, quantity: $0.element.quantity, field: "lines[\($0.offset)].quantity") }
    }

    /// Puts the units a sale took, and has not given back yet, on the batches they left, as
    /// `return_in` rows: all of them, or at most `units` of `sku`.
    private func restock(
        _ saleReference: String, sku only: String? = nil, units: Int = .max, actor: String, at now: Moment,
        _ sql: any SQLDatabase
    ) async throws {
        let timestamp = ISOTimestamp.string(now)
        var left = units
        for batch in try await Self.unitsOut(saleReference, sql) where left > 0 && (only == nil || batch.sku == only) {
            let back = min(batch.units, left)
            left -= back
            try await stock.move(
                sql, point: batch.point, sku: batch.sku, batch: batch.batch, bestBefore: nil, delta: back, kind: .returnIn,
                reason: "marketplace order back", reference: saleReference + ":return", actor: actor, at: timestamp)
        }
    }

    /// What a sale took from each batch less what came back since, in the order it was taken
    /// (PostgreSQL sums BIGINT as NUMERIC: the cast keeps it an integer).
    static func unitsOut(_ saleReference: String, _ sql: any SQLDatabase) async throws
        -> [(point: String, sku: String, batch: String, units: Int)]
    {
        try await sql.raw(
            """
            SELECT point_slug, sku, batch, MIN(id) AS first, CAST(SUM(-delta) AS BIGINT) AS units
            FROM stock_ledger
            WHERE reference IN (\(bind: saleReference), \(bind: saleReference + ":return")) AND kind IN ('sale', 'return_in')
            GROUP BY point_slug, sku, batch ORDER BY first
            """
        ).all().compactMap { row in
            let units = try row.decode(column: "units", as: Int.self)
            guard units > 0 else { return nil }
            return (
                point: try row.decode(column: "point_slug", as: String.self), sku: try row.decode(column: "sku", as: String.self),
                batch: try row.decode(column: "batch", as: String.self), units: units
            )
        }
    }

    /// Records the units the platform now says were cancelled on their own, and answers the
    /// matched ones newly cancelled since the last fetch, by SKU. A cancel is never undone. After
    /// the sale (`sold`), they are also counted as given back (`restocked`), which the programme's
    /// report takes off the sale's revenue.
    static func recordCancelledUnits(_ id: Int, _ lines: [PlatformOrderLine], _ sql: any SQLDatabase, sold: Bool)
        async throws -> [(sku: String, units: Int)]
    {
        var newly: [(sku: String, units: Int)] = []
        for line in lines where line.cancelled > 0 {
            guard
                let row = try await sql.raw(
                    """
                    SELECT position, sku, quantity, cancelled FROM marketplace_order_lines
                    WHERE order_id = \(bind: id) AND line_key = \(bind: line.key)
                    """
                ).first()
            else { continue }
            let recorded = try row.decode(column: "cancelled", as: Int.self)
            let cancelled = min(line.cancelled, try row.decode(column: "quantity", as: Int.self))
            guard cancelled > recorded else { continue }
            let sku = try row.decode(column: "sku", as: String?.self)
            let givenBack = sold && sku != nil ? cancelled - recorded : 0
            try await sql.raw(
                """
                UPDATE marketplace_order_lines SET cancelled = \(bind: cancelled), restocked = restocked + \(bind: givenBack)
                WHERE order_id = \(bind: id) AND position = \(bind: try row.decode(column: "position", as: Int.self))
                """
            ).run()
            if let sku { newly.append((sku: sku, units: cancelled - recorded)) }
        }
        return newly
    }

    // MARK: - Rows

    static func holdReference(_ id: Int) -> String { "marketplace-order:\(id)" }

    static func saleReference(_ account: OrderAccount, _ external: String) -> String {
        "marketplace:\(account.marketplace):\(account.id):\(external)"
    }

    static func total(_ lines: [PlatformOrderLine]) -> Int {
        // Bounded by the adapters' limits: 200 lines × 10 000 units × 10⁹ VND fits in 64 bits.
        lines.reduce(0) { $0 + $1.quantity * $1.unitPrice }
    }

    /// The order's id, its row locked for this transaction (created on first sight).
    private func lockOrCreate(_ order: PlatformOrder, account: OrderAccount, at now: Moment, _ sql: any SQLDatabase)
        async throws -> Int
    {
        let timestamp = ISOTimestamp.string(now)
        try await sql.raw(
            """
            INSERT INTO marketplace_orders (account_id, marketplace, external_id, point_slug, status, stock_state,
                platform_updated_at, total, created_at, updated_at)
            VALUES (\(bind: account.id), \(bind: account.marketplace), \(bind: order.externalID), \(bind: account.point),
                \(bind: order.status), 'none', 0, 0, \(bind: timestamp), \(bind: timestamp))
            ON CONFLICT (account_id, external_id) DO NOTHING
            """
        ).run()
        let lock = sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        guard
            let row = try await sql.raw(
                """
                SELECT id FROM marketplace_orders
                WHERE account_id = \(bind: account.id) AND external_id = \(bind: order.externalID)\(unsafeRaw: lock)
                """
            ).first()
        else { throw DomainError(.conflict, "order \(order.externalID) could not be stored") }
        return try row.decode(column: "id", as: Int.self)
    }

    /// Takes the point's row first, as a counter sale does (its receipt number), so an order's
    /// holds, sales and restocks never wait in a circle with one on PostgreSQL.
    static func lockPoint(_ point: String, _ sql: any SQLDatabase) async throws {
        guard sql.dialect.name == "postgresql" else { return }
        try await sql.raw("SELECT slug FROM points WHERE slug = \(bind: point) FOR UPDATE").run()
    }

    struct StoredState {
        var point: String
        var status: String
        var effect: String
        var updatedAt: Int64
        var saleReference: String
    }

    static func state(_ id: Int, _ sql: any SQLDatabase, lock: Bool = false) async throws -> StoredState {
        let forUpdate = lock && sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        guard
            let row = try await sql.raw(
                """
                SELECT account_id, marketplace, external_id, point_slug, status, stock_state, platform_updated_at
                FROM marketplace_orders WHERE id = \(bind: id)\(unsafeRaw: forUpdate)
                """
            ).first()
        else { throw DomainError(.notFound, "no marketplace order \(id)") }
        let account = OrderAccount(
            id: try row.decode(column: "account_id", as: Int.self),
            marketplace: try row.decode(column: "marketplace", as: String.self), point: "", owner: "")
        return StoredState(
            point: try row.decode(column: "point_slug", as: String.self), status: try row.decode(column: "status", as: String.self),
            effect: try row.decode(column: "stock_state", as: String.self),
            updatedAt: try row.decode(column: "platform_updated_at", as: Int64.self),
            saleReference: saleReference(account, try row.decode(column: "external_id", as: String.self)))
    }

    /// Stores the platform's lines, each matched to the catalog SKU of the account's listing with
    /// that platform item id (the seller SKU only when no listing has the id).
    private func replaceLines(_ id: Int, _ lines: [PlatformOrderLine], account: OrderAccount, _ sql: any SQLDatabase)
        async throws
    {
        try await sql.raw("DELETE FROM marketplace_order_lines WHERE order_id = \(bind: id)").run()
        for (position, line) in lines.enumerated() {
            let sku = try await Self.listedSKU(itemID: line.itemID, sellerSKU: line.sellerSKU, account: account.id, sql)
            try await sql.raw(
                """
                INSERT INTO marketplace_order_lines (order_id, position, line_key, item_id, seller_sku, sku, quantity, unit_price,
                    cancelled)
                VALUES (\(bind: id), \(bind: position), \(bind: line.key), \(bind: line.itemID), \(bind: line.sellerSKU),
                    \(bind: sku), \(bind: line.quantity), \(bind: line.unitPrice), \(bind: min(line.cancelled, line.quantity)))
                """
            ).run()
        }
    }

    static func listedSKU(itemID: String, sellerSKU: String?, account: Int, _ sql: any SQLDatabase) async throws -> String? {
        let byID = try await sql.raw(
            """
            SELECT l.sku FROM listings l JOIN variants v ON v.sku = l.sku AND v.withdrawn_at IS NULL
            WHERE l.account_id = \(bind: account) AND l.external_id = \(bind: itemID)
            ORDER BY l.id DESC LIMIT 1
            """
        ).first()
        if let byID { return try byID.decode(column: "sku", as: String.self) }
        guard let sellerSKU else { return nil }
        return try await sql.raw(
            """
            SELECT l.sku FROM listings l JOIN variants v ON v.sku = l.sku AND v.withdrawn_at IS NULL
            WHERE l.account_id = \(bind: account) AND l.sku = \(bind: sellerSKU)
            ORDER BY l.id DESC LIMIT 1
            """
        ).first()?.decode(column: "sku", as: String.self)
    }

    /// The matched lines as a sale would take them, at the price the buyer paid: the units still
    /// going to the buyer.
    static func matchedLines(_ id: Int, _ sql: any SQLDatabase) async throws -> [SaleLine] {
        try await sql.raw(
            """
            SELECT sku, quantity - cancelled AS quantity, unit_price FROM marketplace_order_lines
            WHERE order_id = \(bind: id) AND sku IS NOT NULL AND quantity > cancelled ORDER BY position
            """
        ).all().map { row in
            SaleLine(
                sku: try row.decode(column: "sku", as: String.self), quantity: try row.decode(column: "quantity", as: Int.self),
                discount: 0, unitPrice: try row.decode(column: "unit_price", as: Int.self))
        }
    }

    static func appendEvent(
        _ id: Int, status: String, effect: OrderStockEffect, platformUpdatedAt: Int64, note: String?, at now: Moment,
        _ sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO marketplace_order_events (order_id, at, status, stock_state, platform_updated_at, note)
            VALUES (\(bind: id), \(bind: ISOTimestamp.string(now)), \(bind: status), \(bind: effect.rawValue),
                \(bind: platformUpdatedAt), \(bind: note))
            """
        ).run()
    }
}
