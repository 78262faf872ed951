public import OCOPDomain
import SQLKit

// MARK: - What the store answers

/// One ledger row as written.
public struct LedgerEntry: Sendable, Hashable, Codable {
    public var id: Int
    public var at: String
    public var point: String
    public var sku: String
    public var batch: String
    public var delta: Int
    public var kind: String
    public var reason: String?
    public var reference: String
    public var actor: String
    public var unitCost: Int?
    public var unitPrice: Int?
}

extension LedgerEntry {
    /// A `stock_ledger` row.
    init(row: any SQLRow) throws {
        self.init(
            id: try row.decode(column: "id", as: Int.self), at: try row.decode(column: "at", as: String.self),
            point: try row.decode(column: "point_slug", as: String.self), sku: try row.decode(column: "sku", as: String.self),
            batch: try row.decode(column: "batch", as: String.self), delta: try row.decode(column: "delta", as: Int.self),
            kind: try row.decode(column: "kind", as: String.self), reason: try row.decode(column: "reason", as: String?.self),
            reference: try row.decode(column: "reference", as: String.self),
            actor: try row.decode(column: "actor", as: String.self),
            unitCost: try row.decode(column: "unit_cost", as: Int?.self),
            unitPrice: try row.decode(column: "unit_price", as: Int?.self))
    }
}

/// A completed counter sale.
public struct SaleRecord: Sendable, Hashable, Codable {
    public struct Line: Sendable, Hashable, Codable {
        public var sku: String
        public var product: String
        public var quantity: Int
        public var unitPrice: Int
        public var discount: Int
        public var amount: Int
        public var batches: [BatchQuantity]
    }

    public var id: Int
    public var point: String
    public var receiptNumber: String
    public var paymentMethod: String
    public var at: String
    public var lines: [Line]
    public var total: Int
}

/// A transfer between two points, in transit or received.
public struct TransferRecord: Sendable, Hashable, Codable {
    public struct Line: Sendable, Hashable, Codable {
        public var sku: String
        public var batch: String
        public var bestBefore: CalendarDate?
        public var quantitySent: Int
        public var quantityReceived: Int?
        /// Sent but not received: recorded on receipt, never silently lost.
        public var shortfall: Int? { quantityReceived.map { quantitySent - $0 } }
    }

    public var id: Int
    public var from: String
    public var to: String
    public var status: String
    public var note: String?
    public var createdAt: String
    public var createdBy: String
    public var receivedAt: String?
    public var receivedBy: String?
    public var lines: [TransferRecord.Line]
}

/// Stock of one SKU and batch at a point.
public struct StockLevel: Sendable, Hashable, Codable {
    public var sku: String
    public var product: String
    public var label: String
    public var batch: String
    public var bestBefore: CalendarDate?
    public var quantity: Int
}

/// What a movement changed: the ledger rows, for the answer and for refreshing availability.
public struct MovementResult: Sendable, Hashable, Codable {
    public var point: String
    public var reference: String
    public var entries: [LedgerEntry]
}

