public import OCOPDomain
public import OCOPMarketplaces

/// Local HTTP servers that play each marketplace in tests, checking requests as the platform does.
/// One folder per platform sits next to this one; `FakeCore` holds what they share.
public enum FakeMarketplaces {
    /// The marketplaces a fake exists for.
    public static var covered: [Marketplace] { [.shopee, .lazada, .tiktokShop, .tiki, .facebook] }

    /// Starts the fake of `marketplace`; stop it with `stop()`.
    public static func start(_ marketplace: Marketplace, clock: any WallClock = SystemWallClock()) async throws
        -> any MarketplaceFake
    {
        switch marketplace {
        case .shopee: try await FakeShopee.start(clock: clock)
        case .lazada: try await FakeLazada.start(clock: clock)
        case .tiktokShop: try await FakeTikTokShop.start(clock: clock)
        case .tiki: try await FakeTiki.start(clock: clock)
        case .facebook: try await FakeMetaCatalog.start(clock: clock)
        }
    }
}
