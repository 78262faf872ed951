public import OCOPMarketplaces

/// Local HTTP servers that play each marketplace in tests, checking requests as the platform does.
/// One folder per platform sits next to this one; `FakeCore` holds what they share.
public enum FakeMarketplaces {
    /// The marketplaces a fake exists for.
    public static var covered: [Marketplace] { [.shopee, .lazada, .tiktokShop, .tiki, .facebook] }
}
