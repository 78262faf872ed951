import Foundation
public import OCOPDomain
public import SQLKit

// MARK: - Orders: placing, confirming, cancelling, expiring

extension LivestreamStore {
    /// The session as an order needs it, locked for this transaction so that the orders of one session
    /// are taken one at a time (quotas and order numbers stay exact on PostgreSQL too).
    struct LockedSession {
        let record: LivestreamRecord
        let status: LivestreamStatus
        let holdMinutes: Int
        func product(code: String) -> LiveProduct? { record.products.first { $0.code == code } }
    }

    static func lockSession(_ slug: String, _ sql: any SQLDatabase) async throws -> LockedSession {
        let lock = sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        guard
            try await sql.raw(SQLQueryString("SELECT slug FROM livestreams WHERE slug = \(bind: slug)\(unsafeRaw: lock)"))
                .first() != nil,
            let record = try await record(slug, sql)
        else { throw DomainError(.notFound, "no livestream '\(slug)'") }
        return LockedSession(
            record: record, status: LivestreamStatus(rawValue: record.status) ?? .scheduled,
            holdMinutes: record.holdMinutes)
    }

    static func holdReference(_ orderID: Int) -> String { "livestream-order:\(orderID)" }

    /// An order entered by staff (phone orders, messages): held at once, like a comment's.
    public func createOrder(
        _ sql: any SQLDatabase, _ slug: String, buyerName: String, phone: VietnameseMobileNumber, address: String?,
        lines: [LiveOrderRequestLine], actor: String, at now: Moment
    ) async throws -> LiveOrderRecord {
        let session = try await Self.lockSession(slug, sql)
        guard session.status.takesOrders else {
            throw DomainError(.conflict, "the livestream is \(session.status.rawValue): it takes no orders")
        }
        let priced = try Self.price(lines, in: session)
        let id = try await placeOrder(
            session, lines: priced, buyerName: buyerName, phone: phone, address: address, source: "staff",
            viewerID: nil, actor: actor, at: now, sql)
        return try await Self.order(id, at: now, sql)!
    }

    /// The session's product for each line, or the field naming an unknown code.
    static func price(_ lines: [LiveOrderRequestLine], in session: LockedSession) throws -> [PricedLine] {
        try lines.map { line in
            guard let product = session.product(code: line.code) else {
                throw DomainError.invalid(
                    field: line.field.replacing(".quantity", with: ".code"),
                    "no live code '\(line.code)' in this livestream")
            }
            return PricedLine(product: product, quantity: line.quantity, field: line.field)
        }
    }

    struct PricedLine {
        let product: LiveProduct
        let quantity: Int
        let field: String
    }

    /// Checks quotas and stock for every line, then writes the order, its lines and its holds.
    /// A refusal throws before anything is written.
    func placeOrder(
        _ session: LockedSession, lines: [PricedLine], buyerName: String, phone: VietnameseMobileNumber,
        address: String?, source: String, viewerID: String?, actor: String, at now: Moment, _ sql: any SQLDatabase
    ) async throws -> Int {
        let slug = session.record.slug
        try await Self.checkQuotas(session, lines, at: now, sql)
        let expiresAt = now.adding(seconds: Int64(session.holdMinutes) * 60)
        let timestamp = ISOTimestamp.string(now)
        let holdLines = lines.map { (sku: $0.product.sku, quantity: $0.quantity, field: $0.field) }
        try await StockHolds.requireFree(sql, point: session.record.point, lines: holdLines, at: now)
        let number = try await sql.raw(
            """
            UPDATE livestreams SET order_sequence = order_sequence + 1 WHERE slug = \(bind: slug)
            RETURNING order_sequence
            """
        ).first()?.decode(column: "order_sequence", as: Int.self) ?? 0
        let total = lines.reduce(0) { $0 + $1.product.livePrice * $1.quantity }
        let id = try await sql.raw(
            """
            INSERT INTO livestream_orders (livestream_slug, number, source, viewer_id, buyer_name, phone, address, status,
                total, created_at, expires_at, created_by)
            VALUES (\(bind: slug), \(bind: number), \(bind: source), \(bind: viewerID), \(bind: buyerName),
                \(bind: phone.digits), \(bind: address), 'held', \(bind: total), \(bind: timestamp),
                \(bind: ISOTimestamp.string(expiresAt)), \(bind: actor))
            RETURNING id
            """
        ).first()?.decode(column: "id", as: Int.self) ?? 0
        try await StockHolds.insert(
            sql, point: session.record.point, lines: holdLines, reference: Self.holdReference(id), expiresAt: expiresAt,
            at: now)
        for line in Self.combined(lines) {
            try await sql.raw(
                """
                INSERT INTO livestream_order_lines (order_id, code, sku, quantity, unit_price)
                VALUES (\(bind: id), \(bind: line.product.code), \(bind: line.product.sku), \(bind: line.quantity),
                    \(bind: line.product.livePrice))
                """
            ).run()
        }
        try await AuditLog.append(
            sql, actor: actor, action: "create", entity: "livestream_order", entityID: String(id), before: nil,
            after: try CanonicalJSON.encode(try await Self.order(id, at: now, sql)), at: timestamp)
        return id
    }

    /// Lines naming the same code, added up.
    static func combined(_ lines: [PricedLine]) -> [PricedLine] {
        var result: [PricedLine] = []
        for line in lines {
            if let at = result.firstIndex(where: { $0.product.code == line.product.code }) {
                result[at] = PricedLine(product: line.product, quantity: result[at].quantity + line.quantity, field: result[at].field)
            } else {
                result.append(line)
            }
        }
        return result
    }

    /// Refuses lines that would take a product past its quota (units held now or confirmed).
    static func checkQuotas(
        _ session: LockedSession, _ lines: [PricedLine], at now: Moment, _ sql: any SQLDatabase
    ) async throws {
        for line in combined(lines) {
            guard let quota = line.product.quota else { continue }
            let taken = try await unitsTaken(session.record.slug, code: line.product.code, at: now, sql)
            guard taken + line.quantity <= quota else {
                throw DomainError(
                    .conflict, "\(line.product.code) has \(max(0, quota - taken)) of its quota of \(quota) left",
                    issues: [.init(field: line.field, reason: "only \(max(0, quota - taken)) left in the quota")])
            }
        }
    }

    /// Units of a code held by open orders or sold by confirmed ones.
    static func unitsTaken(_ slug: String, code: String, at now: Moment, _ sql: any SQLDatabase) async throws -> Int {
        try await sql.raw(
            """
            SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) AS taken
            FROM livestream_order_lines l JOIN livestream_orders o ON o.id = l.order_id
            WHERE o.livestream_slug = \(bind: slug) AND l.code = \(bind: code)
                AND (o.status = 'confirmed' OR (o.status = 'held' AND o.expires_at > \(bind: ISOTimestamp.string(now))))
            """
        ).first()?.decode(column: "taken", as: Int.self) ?? 0
    }

    /// Confirms a held order: its hold becomes a sale on the ledger at the live prices ("chốt đơn").
    public func confirm(
        _ sql: any SQLDatabase, _ slug: String, order id: Int, buyerName: String?, address: String?, payment: PaymentMethod, actor: String,
        at now: Moment
    ) async throws -> LiveOrderRecord {
        let session = try await Self.lockSession(slug, sql)
        let order = try await Self.openOrder(slug, id, at: now, sql)
        let deliverTo = (address ?? order.address ?? "").trimmingCharacters(in: .whitespaces)
        guard !deliverTo.isEmpty else { throw DomainError.invalid(field: "address", "where to deliver the order") }
        try await StockHolds.end(
            sql, reference: Self.holdReference(id), status: StockHolds.confirmed, point: session.record.point,
            at: ISOTimestamp.string(now))
        let sale = try await stock.sell(
            sql, point: session.record.point,
            lines: order.lines.map { SaleLine(sku: $0.sku, quantity: $0.quantity, discount: 0, unitPrice: $0.unitPrice) },
            payment: payment, actor: actor, at: now, channel: "livestream")
        try await sql.raw(
            """
            UPDATE livestream_orders SET status = 'confirmed', closed_at = \(bind: ISOTimestamp.string(now)),
                closed_by = \(bind: actor), sale_id = \(bind: sale.id), address = \(bind: deliverTo),
                buyer_name = \(bind: buyerName ?? order.buyerName)
            WHERE id = \(bind: id)
            """
        ).run()
        let after = try await Self.order(id, at: now, sql)!
        try await AuditLog.append(
            sql, actor: actor, action: "confirm", entity: "livestream_order", entityID: String(id),
            before: try CanonicalJSON.encode(order), after: try CanonicalJSON.encode(after),
            at: ISOTimestamp.string(now))
        return after
    }

    /// Cancels a held order and releases its hold.
    public func cancel(
        _ sql: any SQLDatabase, _ slug: String, order id: Int, actor: String, at now: Moment
    ) async throws -> LiveOrderRecord {
        let session = try await Self.lockSession(slug, sql)
        let order = try await Self.openOrder(slug, id, at: now, sql)
        let timestamp = ISOTimestamp.string(now)
        try await StockHolds.end(
            sql, reference: Self.holdReference(id), status: StockHolds.released, point: session.record.point,
            at: timestamp)
        try await sql.raw(
            """
            UPDATE livestream_orders SET status = 'cancelled', closed_at = \(bind: timestamp), closed_by = \(bind: actor)
            WHERE id = \(bind: id)
            """
        ).run()
        let after = try await Self.order(id, at: now, sql)!
        try await AuditLog.append(
            sql, actor: actor, action: "cancel", entity: "livestream_order", entityID: String(id),
            before: try CanonicalJSON.encode(order), after: try CanonicalJSON.encode(after), at: timestamp)
        return after
    }

    /// The order if it is still held; otherwise 404 or a 409 saying what became of it.
    static func openOrder(_ slug: String, _ id: Int, at now: Moment, _ sql: any SQLDatabase) async throws -> LiveOrderRecord {
        guard let order = try await order(id, at: now, sql), order.livestream == slug else {
            throw DomainError(.notFound, "no order \(id) in livestream '\(slug)'")
        }
        guard order.status == "held" else {
            let when = order.status == "expired" ? " (its hold ended at \(order.expiresAt))" : ""
            throw DomainError(.conflict, "order \(id) is \(order.status)\(when)")
        }
        return order
    }

    /// Marks held orders past their time `expired` (their holds too); returns the points whose
    /// free stock grew. Readers never need this (they compare times), the reports and views do.
    public func sweepExpired(at now: Moment) async throws -> Set<String> {
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE livestream_orders SET status = 'expired', closed_at = expires_at
                WHERE status = 'held' AND expires_at <= \(bind: ISOTimestamp.string(now))
                """
            ).run()
            return try await StockHolds.sweepExpired(sql, at: now)
        }
    }

    /// Cancels every held order of a cancelled session.
    func releaseOpenOrders(_ slug: String, point: String, actor: String, at timestamp: String, _ sql: any SQLDatabase)
        async throws
    {
        let ids = try await sql.raw(
            """
            UPDATE livestream_orders SET status = 'cancelled', closed_at = \(bind: timestamp), closed_by = \(bind: actor)
            WHERE livestream_slug = \(bind: slug) AND status = 'held'
            RETURNING id
            """
        ).all().map { try $0.decode(column: "id", as: Int.self) }
        for id in ids {
            try await StockHolds.end(
                sql, reference: Self.holdReference(id), status: StockHolds.released, point: point, at: timestamp)
        }
    }
}
