public import OCOPDomain

/// What the point's stock has done for a marketplace order (`marketplace_orders.stock_state`).
public enum OrderStockEffect: String, Sendable, Codable, CaseIterable {
    /// Nothing moved yet (a status that means nothing for stock, or no line matched).
    case none
    /// Its units are held at the point.
    case held
    /// The point had too few free units when the order came: nothing held or sold, the
    /// marketplaces told the point's stock again. Tried again at the order's next change.
    case short
    /// Sold: one sale on the ledger, channel `marketplace`.
    case sold
    /// Cancelled before anything was sold: the hold ended.
    case released
    /// Cancelled after the sale, before the parcel left: the units are back on the shelf.
    case restocked
    /// The parcel is coming back; staff restock it when the goods arrive.
    case returnExpected = "return_expected"
    /// Lost on the way: sold units that never come back.
    case writtenOff = "written_off"

    /// Nothing the platform says moves these again.
    var isFinal: Bool { self == .released || self == .restocked || self == .writtenOff }
}

/// A marketplace order as stored: `GET /v1/marketplace-orders/{id}`.
public struct MarketplaceOrderRecord: Sendable, Hashable, Codable {
    public struct Line: Sendable, Hashable, Codable {
        public var itemID: String
        public var sellerSKU: String?
        /// The catalog SKU the line moved; nil when no listing of the account matched it.
        public var sku: String?
        /// Every unit ordered, cancelled ones included.
        public var quantity: Int
        public var unitPrice: Int
        public var matched: Bool
        /// Units cancelled on their own while the rest of the order went on: they stayed on the
        /// shelf, or went back to it.
        public var cancelled: Int
    }

    public struct Event: Sendable, Hashable, Codable {
        public var at: String
        public var status: String
        public var stockState: String
        public var platformUpdatedAt: Int64
        public var note: String?
    }

    public var id: Int
    public var externalID: String
    public var marketplace: String
    public var account: Int
    public var point: String
    /// The platform's own status word.
    public var status: String
    public var stockState: String
    public var total: Int
    public var saleID: Int?
    public var platformUpdatedAt: Int64
    public var createdAt: String
    public var updatedAt: String
    public var lines: [Line]
    public var history: [Event]
    /// The ledger rows the order caused, oldest first.
    public var ledger: [LedgerEntry]
}

/// The account an order came through, as the order code needs it.
public struct OrderAccount: Sendable, Hashable {
    public var id: Int
    public var marketplace: String
    public var point: String
    public var owner: String

    public init(id: Int, marketplace: String, point: String, owner: String) {
        self.id = id
        self.marketplace = marketplace
        self.point = point
        self.owner = owner
    }
}
