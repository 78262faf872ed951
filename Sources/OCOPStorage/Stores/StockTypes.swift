public import OCOPDomain

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

