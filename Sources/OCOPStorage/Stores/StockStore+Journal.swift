public import OCOPDomain
import SQLKit

/// Which ledger rows a staff page or download asks for; nil fields do not narrow.
public struct LedgerFilter: Sendable, Hashable {
    public var kind: StockMovementKind?
    public var sku: String?
    /// Instants, `from` included and `to` excluded.
    public var from: Moment?
    public var to: Moment?

    public init(kind: StockMovementKind? = nil, sku: String? = nil, from: Moment? = nil, to: Moment? = nil) {
        self.kind = kind
        self.sku = sku
        self.from = from
        self.to = to
    }
}

/// One sale in a point's list: its receipt without the lines.
public struct SaleHeader: Sendable, Hashable, Codable {
    public var id: Int
    public var receiptNumber: String
    public var at: String
    public var paymentMethod: String
    public var channel: String
    public var total: Int
}

// MARK: - A point's journal: the ledger and sales with filters, and its open transfers

extension StockStore {
    /// Ledger rows of a point matching `filter`, newest first, before the row `beforeID` when given.
    public func ledger(
        point: String, filter: LedgerFilter, beforeID: Int?, limit: Int, _ database: Database
    ) async throws -> [LedgerEntry] {
        // Timestamps are stored as ISO-8601 UTC text of one width, so text order is time order.
        let kind: SQLQueryString = filter.kind.map { "AND kind = \(bind: $0.rawValue)" } ?? ""
        let sku: SQLQueryString = filter.sku.map { "AND sku = \(bind: $0)" } ?? ""
        let from: SQLQueryString = filter.from.map { "AND at >= \(bind: ISOTimestamp.string($0))" } ?? ""
        let to: SQLQueryString = filter.to.map { "AND at < \(bind: ISOTimestamp.string($0))" } ?? ""
        return try await database.read { sql in
            try await sql.raw(
                """
                SELECT * FROM stock_ledger WHERE point_slug = \(bind: point) AND id < \(bind: beforeID ?? Int.max)
                \(kind) \(sku) \(from) \(to)
                ORDER BY id DESC LIMIT \(bind: limit)
                """
            ).all().map(LedgerEntry.init(row:))
        }
    }

    /// The sales of a point between two instants (`from` included), newest first.
    public func sales(point: String, from: Moment, to: Moment, limit: Int, _ database: Database) async throws -> [SaleHeader] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT id, receipt_number, at, payment_method, channel, total FROM sales
                WHERE point_slug = \(bind: point) AND at >= \(bind: ISOTimestamp.string(from))
                    AND at < \(bind: ISOTimestamp.string(to))
                ORDER BY id DESC LIMIT \(bind: limit)
                """
            ).all().map { row in
                SaleHeader(
                    id: try row.decode(column: "id", as: Int.self),
                    receiptNumber: try row.decode(column: "receipt_number", as: String.self),
                    at: try row.decode(column: "at", as: String.self),
                    paymentMethod: try row.decode(column: "payment_method", as: String.self),
                    channel: try row.decode(column: "channel", as: String.self),
                    total: try row.decode(column: "total", as: Int.self))
            }
        }
    }

    /// Transfers still in transit from or to a point, oldest first.
    public func openTransfers(point: String, _ database: Database) async throws -> [TransferRecord] {
        try await database.read { sql in
            let ids = try await sql.raw(
                """
                SELECT id FROM transfers
                WHERE status = 'in_transit' AND (from_point = \(bind: point) OR to_point = \(bind: point))
                ORDER BY id LIMIT 500
                """
            ).all().map { try $0.decode(column: "id", as: Int.self) }
            var transfers: [TransferRecord] = []
            for id in ids { if let transfer = try await transfer(id, sql) { transfers.append(transfer) } }
            return transfers
        }
    }
}
