public import CurlHTTP
public import OCOPDomain

/// Builds the adapter for a marketplace; the one place the sync engine gets adapters from.
public enum MarketplaceAdapters {
    /// The adapter speaking `marketplace`'s seller API over `transport`, timestamps from `clock`.
    /// `timeout` bounds each HTTP exchange the adapter makes.
    public static func adapter(
        for marketplace: Marketplace, transport: any HTTPTransport, clock: any WallClock,
        timeout: Duration = .seconds(15)
    ) -> any MarketplaceAdapter {
        switch marketplace {
        case .shopee:
            ShopeeAdapter(transport: transport, clock: clock, timeout: timeout)
        case .lazada:
            LazadaAdapter(transport: transport, clock: clock, timeout: timeout)
        case .tiktokShop:
            TikTokShopAdapter(transport: transport, clock: clock, timeout: timeout)
        case .tiki:
            TikiAdapter(transport: transport, clock: clock, timeout: timeout)
        case .facebook:
            MetaCatalogAdapter(transport: transport, clock: clock, timeout: timeout)
        }
    }
}
