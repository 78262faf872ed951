import OCOPMarketplaces
import Testing

@Test func marketplaceNamesAreTheAPIValues() {
    #expect(Marketplace.allCases.map(\.rawValue) == ["shopee", "lazada", "tiktok_shop", "tiki", "facebook"])
}
