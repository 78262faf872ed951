import Foundation
public import OCOPDomain
import SQLKit

/// Which orders `GET /v1/marketplace-orders` asks for; nil filters match everything.
public struct MarketplaceOrderFilter: Sendable {
    /// Accounts the caller may see (a producer's own); nil for all.
    public var accounts: Set<Int>?
    /// Points the caller may see (a point's staff); nil for all.
    public var points: Set<String>?
    public var account: Int?
    public var point: String?
    /// The platform's status word, or one of our stock states.
    public var status: String?
    /// Created from/before these instants (ISO timestamps compare as text).
    public var from: String?
    public var to: String?
    /// Orders with an id below this one (the previous page's cursor).
    public var before: Int?
    public var limit: Int

    public init(
        accounts: Set<Int>? = nil, points: Set<String>? = nil, account: Int? = nil, point: String? = nil,
        status: String? = nil, from: String? = nil, to: String? = nil, before: Int? = nil, limit: Int = 50
    ) {
        self.accounts = accounts
        self.points = points
        self.account = account
        self.point = point
        self.status = status
        self.from = from
        self.to = to
        self.before = before
        self.limit = limit
    }
}

extension MarketplaceOrderStore {
    /// One order with its lines, history and ledger rows, or nil.
    public func order(_ id: Int) async throws -> MarketplaceOrderRecord? {
        try await database.read { sql in try await Self.record(id, sql) }
    }

    /// Newest first; `limit` + 1 are read so the caller knows whether a next page exists.
    public func list(_ filter: MarketplaceOrderFilter) async throws -> [MarketplaceOrderRecord] {
        if let accounts = filter.accounts, accounts.isEmpty, filter.points == nil { return [] }
        if let points = filter.points, points.isEmpty, filter.accounts == nil { return [] }
        return try await database.read { sql in
            var conditions: [SQLQueryString] = ["1 = 1"]
            // The caller's scope: its accounts or its points (a producer who also staffs a point sees both).
            switch (filter.accounts, filter.points) {
            case (nil, nil): break
            case (let accounts?, nil): conditions.append("account_id IN (\(Self.sqlList(accounts.sorted())))")
            case (nil, let points?): conditions.append("point_slug IN (\(Self.sqlList(points.sorted())))")
            case (let accounts?, let points?):
                conditions.append(
                    "(account_id IN (\(Self.sqlList(accounts.sorted()))) OR point_slug IN (\(Self.sqlList(points.sorted()))))")
            }
            if let account = filter.account { conditions.append("account_id = \(bind: account)") }
            if let point = filter.point { conditions.append("point_slug = \(bind: point)") }
            if let status = filter.status { conditions.append("(status = \(bind: status) OR stock_state = \(bind: status))") }
            if let from = filter.from { conditions.append("created_at >= \(bind: from)") }
            if let to = filter.to { conditions.append("created_at < \(bind: to)") }
            if let before = filter.before { conditions.append("id < \(bind: before)") }
            let ids = try await sql.raw(
                """
                SELECT id FROM marketplace_orders WHERE \(conditions.joined(separator: " AND "))
                ORDER BY id DESC LIMIT \(bind: filter.limit + 1)
                """
            ).all().map { try $0.decode(column: "id", as: Int.self) }
            var records: [MarketplaceOrderRecord] = []
            for id in ids { if let record = try await Self.record(id, sql) { records.append(record) } }
            return records
        }
    }

    private static func sqlList<T: Encodable & Sendable>(_ values: [T]) -> SQLQueryString {
        "\(SQLList(values.map { SQLBind($0) }))"
    }

    static func record(_ id: Int, _ sql: any SQLDatabase) async throws -> MarketplaceOrderRecord? {
        guard let row = try await sql.raw("SELECT * FROM marketplace_orders WHERE id = \(bind: id)").first() else {
            return nil
        }
        let account = try row.decode(column: "account_id", as: Int.self)
        let marketplace = try row.decode(column: "marketplace", as: String.self)
        let external = try row.decode(column: "external_id", as: String.self)
        let lines = try await sql.raw(
            "SELECT * FROM marketplace_order_lines WHERE order_id = \(bind: id) ORDER BY position"
        ).all().map { line in
            let sku = try line.decode(column: "sku", as: String?.self)
            return MarketplaceOrderRecord.Line(
                itemID: try line.decode(column: "item_id", as: String.self),
                sellerSKU: try line.decode(column: "seller_sku", as: String?.self), sku: sku,
                quantity: try line.decode(column: "quantity", as: Int.self),
                unitPrice: try line.decode(column: "unit_price", as: Int.self), matched: sku != nil,
                cancelled: try line.decode(column: "cancelled", as: Int.self))
        }
        let history = try await sql.raw(
            "SELECT * FROM marketplace_order_events WHERE order_id = \(bind: id) ORDER BY id"
        ).all().map { event in
            MarketplaceOrderRecord.Event(
                at: try event.decode(column: "at", as: String.self), status: try event.decode(column: "status", as: String.self),
                stockState: try event.decode(column: "stock_state", as: String.self),
                platformUpdatedAt: try event.decode(column: "platform_updated_at", as: Int64.self),
                note: try event.decode(column: "note", as: String?.self))
        }
        let sale = saleReference(OrderAccount(id: account, marketplace: marketplace, point: "", owner: ""), external)
        let ledger = try await sql.raw(
            """
            SELECT * FROM stock_ledger WHERE reference IN (\(bind: sale), \(bind: sale + ":return")) ORDER BY id
            """
        ).all().map(LedgerEntry.init(row:))
        return MarketplaceOrderRecord(
            id: id, externalID: external, marketplace: marketplace, account: account,
            point: try row.decode(column: "point_slug", as: String.self), status: try row.decode(column: "status", as: String.self),
            stockState: try row.decode(column: "stock_state", as: String.self), total: try row.decode(column: "total", as: Int.self),
            saleID: try row.decode(column: "sale_id", as: Int?.self),
            platformUpdatedAt: try row.decode(column: "platform_updated_at", as: Int64.self),
            createdAt: try row.decode(column: "created_at", as: String.self),
            updatedAt: try row.decode(column: "updated_at", as: String.self), lines: lines, history: history, ledger: ledger)
    }

    /// The ids of the accounts these producers own.
    public func accountIDs(ownedBy owners: Set<String>) async throws -> Set<Int> {
        guard !owners.isEmpty else { return [] }
        return try await database.read { sql in
            Set(
                try await sql.raw(
                    "SELECT id FROM marketplace_accounts WHERE owner IN (\(Self.sqlList(owners.sorted())))"
                ).all().map { try $0.decode(column: "id", as: Int.self) })
        }
    }

    /// The account an order arrives through, as `apply` needs it; nil when there is none.
    public func account(_ id: Int) async throws -> OrderAccount? {
        try await database.read { sql in
            try await sql.raw("SELECT id, marketplace, point_slug, owner FROM marketplace_accounts WHERE id = \(bind: id)")
                .first().map { row in
                    OrderAccount(
                        id: try row.decode(column: "id", as: Int.self),
                        marketplace: try row.decode(column: "marketplace", as: String.self),
                        point: try row.decode(column: "point_slug", as: String.self),
                        owner: try row.decode(column: "owner", as: String.self))
                }
        }
    }
}

/// A fetch of marketplace orders a push named: the `marketplace_order` job's payload.
public struct MarketplaceOrderFetch: Codable, Sendable {
    public static let jobKind = "marketplace_order"

    public var account: Int
    public var orders: [String]

    public init(account: Int, orders: [String]) {
        self.account = account
        self.orders = orders
    }

    /// Queues the fetch on the job outbox (any node's worker runs it).
    public func enqueue(_ database: Database, at now: Moment) async throws {
        let payload = String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
        try await database.transaction { sql in
            try await JobQueue.enqueue(kind: Self.jobKind, payload: payload, in: sql, at: now)
        }
    }
}
