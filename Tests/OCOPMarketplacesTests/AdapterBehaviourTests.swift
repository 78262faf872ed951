import MarketplaceFakes
import OCOPMarketplaces
import Testing

/// What every adapter does against its platform's fake, over real HTTP through libcurl.
@Suite struct AdapterBehaviourTests {
    /// The status word each platform shows for a delisted listing.
    static let delistedStatus: [Marketplace: String] = [
        .shopee: "UNLIST", .lazada: "inactive", .tiktokShop: "SELLER_DEACTIVATED", .tiki: "inactive",
        .facebook: "staging, out of stock",
    ]

    /// The platform's code for a token it does not know.
    static let unknownTokenCode: [Marketplace: String] = [
        .shopee: "invalid_acceess_token", .lazada: "IllegalAccessToken", .tiktokShop: "105001", .tiki: "HTTP 401",
        .facebook: "190",
    ]

    /// Meta answers the batch limit with minutes to regain access; the others with the seconds asked for.
    static let retryAfter: [Marketplace: Int] = [.shopee: 7, .lazada: 7, .tiktokShop: 7, .tiki: 7, .facebook: 60]

    @Test(arguments: Marketplace.allCases)
    func createUpdatePriceStockAndDelistShowOnThePlatform(_ marketplace: Marketplace) async throws {
        try await AdapterScenarios.run(marketplace) { scenario in
            try await scenario.lifecycle()
            let listing = try #require(scenario.fake.listings.first)
            #expect(listing.status == Self.delistedStatus[marketplace])
            #expect(listing.imageCount == 2)
            #expect(listing.description.contains("OCOP 4 sao"))
            #expect(scenario.fake.listings.count == 1)
        }
    }

    /// Meta has no refresh token (see MetaCatalogAdapterTests for its exchange).
    @Test(arguments: [Marketplace.shopee, .lazada, .tiktokShop, .tiki])
    func anExpiredTokenIsAuthExpiredAndTheRefreshedOneWorks(_ marketplace: Marketplace) async throws {
        try await AdapterScenarios.run(marketplace) { try await $0.expiredTokenIsRefreshed() }
    }

    /// The platforms that can be asked for an item by its seller SKU (Tiki and Meta cannot: see
    /// docs/decisions.md, "A retried create asks the platform for the SKU first").
    @Test(arguments: [Marketplace.shopee, .lazada, .tiktokShop])
    func anItemIsFoundByItsSellerSKUAndAnUnknownSKUIsNot(_ marketplace: Marketplace) async throws {
        try await AdapterScenarios.run(marketplace) { scenario in
            var ids: [String: String] = [:]
            for sku in ["FIND-1", "FIND-2", "FIND-3"] { ids[sku] = try await scenario.create(SampleListing.content(sku: sku)) }
            let adapter = scenario.adapter()
            let found = try await adapter.existingItem(sku: "FIND-2", account: scenario.fake.account)
            #expect(found?.externalID == ids["FIND-2"])
            #expect(try await adapter.existingItem(sku: "FIND-9", account: scenario.fake.account) == nil)
        }
    }

    @Test(arguments: Marketplace.allCases)
    func throttlingIsClassifiedWithTheWaitAskedFor(_ marketplace: Marketplace) async throws {
        try await AdapterScenarios.run(marketplace) {
            try await $0.throttling(expectedRetryAfter: Self.retryAfter[marketplace])
        }
    }

    @Test(arguments: Marketplace.allCases)
    func serverErrorsAreTransient(_ marketplace: Marketplace) async throws {
        try await AdapterScenarios.run(marketplace) { try await $0.serverErrorIsTransient() }
    }

    @Test(arguments: Marketplace.allCases)
    func aHangingPlatformTimesOutAsTransient(_ marketplace: Marketplace) async throws {
        try await AdapterScenarios.run(marketplace) { try await $0.hangTimesOut() }
    }

    @Test(arguments: Marketplace.allCases)
    func theFakeRefusesAnUnknownTokenWithThePlatformsCode(_ marketplace: Marketplace) async throws {
        try await AdapterScenarios.run(marketplace) { scenario in
            let error = await scenario.refused(.updatePrice(externalID: "1", sku: "X", priceVND: 1)) {
                $0.values["access_token"] = "someone-elses-token"
            }
            #expect(error?.code == Self.unknownTokenCode[marketplace])
            #expect(error?.kind == .authExpired)
        }
    }
}
