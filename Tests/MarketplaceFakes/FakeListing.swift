/// A listing as the fake platform now shows it.
public struct FakeListing: Sendable, Equatable {
    /// The platform's id (item id, product id, retailer id, …).
    public var id: String
    public var sku: String
    public var title: String
    public var description: String
    public var priceVND: Int
    public var stock: Int
    /// The platform's own status word (`NORMAL`/`UNLIST`, `active`/`inactive`, …).
    public var status: String
    /// False once delisted (unlisted, deactivated, out of stock or hidden).
    public var isOnSale: Bool
    public var categoryID: String
    public var imageCount: Int
    /// Updates applied after creation.
    public var updates: Int

    public init(
        id: String, sku: String, title: String, description: String, priceVND: Int, stock: Int, status: String,
        isOnSale: Bool, categoryID: String, imageCount: Int
    ) {
        self.id = id
        self.sku = sku
        self.title = title
        self.description = description
        self.priceVND = priceVND
        self.stock = stock
        self.status = status
        self.isOnSale = isOnSale
        self.categoryID = categoryID
        self.imageCount = imageCount
        self.updates = 0
    }
}
