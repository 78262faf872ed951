/// What an order placed on a marketplace means for the stock of the point that feeds the listing,
/// whatever the platform calls its status (the policy tables of MARKETPLACE-ORDERS.md).
public enum OrderStockState: String, Sendable, Codable, CaseIterable {
    /// Placed, not yet paid: the units are held for it, as a livestream order's are.
    case placed
    /// Paid, packed or on its way: the units are sold.
    case sold
    /// Cancelled before the parcel left the seller: the units come back (or the hold ends).
    case cancelled
    /// Coming back after the parcel left: restocked only when staff confirm the goods arrived,
    /// since OCOP goods are often food.
    case returnExpected = "return_expected"
    /// Lost or destroyed on the way: nothing comes back.
    case lost
}

/// One line of a marketplace order as the platform reports it. Platforms that send one line per
/// unit (Lazada, TikTok Shop) are folded into quantities by their adapter.
public struct PlatformOrderLine: Sendable, Equatable, Codable {
    /// The line's key within the order, stable across fetches (e.g. Shopee `item_id:model_id`).
    public var key: String
    /// The platform's item id: the listing's external id.
    public var itemID: String
    /// The seller SKU the platform echoes, when it does (editable there: a fallback only).
    public var sellerSKU: String?
    /// Every unit ordered on the line, cancelled ones included.
    public var quantity: Int
    /// What the buyer pays per unit, whole VND.
    public var unitPrice: Int
    /// Units of the line cancelled before they left the seller while the rest of the order goes
    /// on (Lazada and TikTok Shop cancel per unit): they stay on the shelf, or go back to it.
    public var cancelled: Int

    public init(key: String, itemID: String, sellerSKU: String?, quantity: Int, unitPrice: Int, cancelled: Int = 0) {
        self.key = key
        self.itemID = itemID
        self.sellerSKU = sellerSKU
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.cancelled = cancelled
    }

    /// The units still going to the buyer.
    public var live: Int { max(0, quantity - cancelled) }
}

/// A marketplace order as fetched from the platform: the truth a push only hints at.
public struct PlatformOrder: Sendable, Equatable, Codable {
    /// The platform's order id (Shopee `order_sn`).
    public var externalID: String
    /// The platform's own status word, kept for people and history.
    public var status: String
    /// What it means for stock; nil when the status changes nothing (Shopee `IN_CANCEL`: the
    /// seller has not answered the buyer's request yet).
    public var state: OrderStockState?
    /// When the platform last changed the order, Unix seconds: an older fetch never undoes a newer one.
    public var updateTime: Int64
    public var lines: [PlatformOrderLine]

    public init(externalID: String, status: String, state: OrderStockState?, updateTime: Int64, lines: [PlatformOrderLine]) {
        self.externalID = externalID
        self.status = status
        self.state = state
        self.updateTime = updateTime
        self.lines = lines
    }

    /// Limits on what a platform may answer before anything is stored or counted.
    public static let maxLines = 200
    public static let maxQuantity = 10_000
    public static let maxUnitPrice = 1_000_000_000
}
