public import OCOPDomain
import SQLKit

// MARK: - Orders and the session report, for staff in scope

extension LivestreamStore {
    /// One order with its lines and receipt, or nil.
    public func order(_ id: Int, at now: Moment) async throws -> LiveOrderRecord? {
        try await database.read { sql in try await Self.order(id, at: now, sql) }
    }

    /// A session's orders, newest first, optionally only those with one status.
    public func orders(_ slug: String, status: String?, at now: Moment) async throws -> [LiveOrderRecord] {
        try await database.read { sql in
            let ids = try await sql.raw(
                "SELECT id FROM livestream_orders WHERE livestream_slug = \(bind: slug) ORDER BY id DESC"
            ).all().map { try $0.decode(column: "id", as: Int.self) }
            var orders: [LiveOrderRecord] = []
            for id in ids {
                if let order = try await Self.order(id, at: now, sql), status == nil || order.status == status {
                    orders.append(order)
                }
            }
            return orders
        }
    }

    /// Units of each SKU a point can still sell now: on hand less what unpaid orders hold.
    public func freeUnits(point: String, skus: [String], at now: Moment) async throws -> [String: Int] {
        let timestamp = ISOTimestamp.string(now)
        return try await database.read { sql in
            var units: [String: Int] = [:]
            for sku in skus { units[sku] = try await MarketplaceStock.available(point: point, sku: sku, at: timestamp, sql) }
            return units
        }
    }

    static func order(_ id: Int, at now: Moment, _ sql: any SQLDatabase) async throws -> LiveOrderRecord? {
        guard
            let row = try await sql.raw(
                """
                SELECT o.id, o.number, o.livestream_slug, o.source, o.viewer_id, o.buyer_name, o.phone, o.address,
                    o.status, o.total, o.created_at, o.expires_at, o.closed_at, o.closed_by, s.receipt_number
                FROM livestream_orders o LEFT JOIN sales s ON s.id = o.sale_id
                WHERE o.id = \(bind: id)
                """
            ).first()
        else { return nil }
        let lines = try await sql.raw(
            """
            SELECT code, sku, quantity, unit_price FROM livestream_order_lines WHERE order_id = \(bind: id) ORDER BY code
            """
        ).all().map { line in
            LiveOrderRecord.Line(
                code: try line.decode(column: "code", as: String.self), sku: try line.decode(column: "sku", as: String.self),
                quantity: try line.decode(column: "quantity", as: Int.self),
                unitPrice: try line.decode(column: "unit_price", as: Int.self))
        }
        let expiresAt = try row.decode(column: "expires_at", as: String.self)
        var status = try row.decode(column: "status", as: String.self)
        if status == "held" && expiresAt <= ISOTimestamp.string(now) { status = "expired" }
        return LiveOrderRecord(
            id: id, number: try row.decode(column: "number", as: Int.self),
            livestream: try row.decode(column: "livestream_slug", as: String.self),
            source: try row.decode(column: "source", as: String.self),
            viewerId: try row.decode(column: "viewer_id", as: String?.self),
            buyerName: try row.decode(column: "buyer_name", as: String.self),
            phone: try row.decode(column: "phone", as: String.self),
            address: try row.decode(column: "address", as: String?.self), status: status,
            total: try row.decode(column: "total", as: Int.self),
            createdAt: try row.decode(column: "created_at", as: String.self), expiresAt: expiresAt,
            closedAt: try row.decode(column: "closed_at", as: String?.self),
            closedBy: try row.decode(column: "closed_by", as: String?.self),
            receiptNumber: try row.decode(column: "receipt_number", as: String?.self), lines: lines)
    }

    /// Comments read, orders by what became of them, and units and revenue per product.
    /// Revenue counts confirmed orders only: those are the sales on the ledger.
    public func report(_ slug: String, at now: Moment) async throws -> LivestreamReport {
        guard let session = try await record(slug) else { throw DomainError(.notFound, "no livestream '\(slug)'") }
        let orders = try await orders(slug, status: nil, at: now)
        let comments = try await database.read { sql in
            try await sql.raw(
                """
                SELECT outcome, CAST(COUNT(*) AS BIGINT) AS n FROM livestream_comments
                WHERE livestream_slug = \(bind: slug) GROUP BY outcome
                """
            ).all().map { (try $0.decode(column: "outcome", as: String.self), try $0.decode(column: "n", as: Int.self)) }
        }
        let read = comments.reduce(0) { $0 + $1.1 }
        let notOrders = comments.first { $0.0 == LiveCommentOutcome.notOrder.rawValue }?.1 ?? 0
        func count(_ status: String) -> Int { orders.count { $0.status == status } }
        var products = session.products.map {
            LivestreamReport.ProductLine(
                code: $0.code, sku: $0.sku, product: $0.product, livePrice: $0.livePrice, unitsOrdered: 0, unitsConfirmed: 0,
                unitsHeld: 0, revenue: 0)
        }
        for order in orders {
            for line in order.lines {
                guard let at = products.firstIndex(where: { $0.code == line.code }) else { continue }
                products[at].unitsOrdered += line.quantity
                if order.status == "confirmed" {
                    products[at].unitsConfirmed += line.quantity
                    products[at].revenue += line.quantity * line.unitPrice
                } else if order.status == "held" {
                    products[at].unitsHeld += line.quantity
                }
            }
        }
        return LivestreamReport(
            livestream: slug, title: session.title, status: session.status, commentsRead: read,
            orderComments: read - notOrders, ordersCreated: orders.count, ordersConfirmed: count("confirmed"),
            ordersCancelled: count("cancelled"), ordersExpired: count("expired"), ordersOpen: count("held"),
            unitsConfirmed: products.reduce(0) { $0 + $1.unitsConfirmed }, revenue: products.reduce(0) { $0 + $1.revenue },
            products: products)
    }
}
