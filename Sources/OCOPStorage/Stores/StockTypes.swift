public import OCOPDomain

// MARK: - What clients send

/// Goods in from a producer: one SKU, batch and quantity.
public struct ReceiptLine: Sendable, Hashable {
    public var sku: String
    public var batch: String
    public var bestBefore: CalendarDate?
    public var quantity: Int
    /// Whole VND per unit, when the producer invoiced one.
    public var unitCost: Int?

    public init(sku: String, batch: String, bestBefore: CalendarDate?, quantity: Int, unitCost: Int?) {
        self.sku = sku
        self.batch = batch
        self.bestBefore = bestBefore
        self.quantity = quantity
        self.unitCost = unitCost
    }
}

/// One line of a counter sale; batches are chosen first-expiring-first-out.
public struct SaleLine: Sendable, Hashable {
    public var sku: String
    public var quantity: Int
    /// Whole VND off the line's total, 0 for none.
    public var discount: Int
    /// The unit price agreed elsewhere (a livestream's live price); nil for the catalog price.
    public var unitPrice: Int?

    public init(sku: String, quantity: Int, discount: Int, unitPrice: Int? = nil) {
        self.sku = sku
        self.quantity = quantity
        self.discount = discount
        self.unitPrice = unitPrice
    }
}

/// A quantity of one SKU and batch: adjustments and transfers.
public struct BatchLine: Sendable, Hashable {
    public var sku: String
    /// nil lets a transfer choose batches first-expiring-first-out.
    public var batch: String?
    public var quantity: Int

    public init(sku: String, batch: String?, quantity: Int) {
        self.sku = sku
        self.batch = batch
        self.quantity = quantity
    }
}

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

/// The level below which a SKU at a point raises an alert.
public struct StockMinimum: Sendable, Hashable, Codable {
    public var sku: String
    public var minimum: Int

    public init(sku: String, minimum: Int) {
        self.sku = sku
        self.minimum = minimum
    }
}
