import CurlHTTP
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces
import Testing

/// Shopee v2 against `FakeShopee`, over libcurl.
@Suite struct ShopeeAdapterTests {
    static let make: AdapterScenarios<FakeShopee>.MakeAdapter = { ShopeeAdapter(transport: $0, clock: $1, timeout: $2) }

    private func run(_ body: (AdapterScenarios<FakeShopee>) async throws -> Void) async throws {
        try await FakeShopee.run { try await body(AdapterScenarios(fake: $0, makeAdapter: Self.make)) }
    }

    @Test func createUpdatePriceStockAndDelistShowOnTheShop() async throws {
        try await run { scenario in
            try await scenario.lifecycle()
            let item = try #require(scenario.fake.listings.first)
            #expect(item.status == "UNLIST")
            #expect(item.imageCount == 2)
            #expect(item.description.contains("OCOP 4 sao"))
            // Two image uploads, add_item, update_item + price + stock (and its two uploads), price, stock, unlist.
            #expect(scenario.fake.requestPaths.filter { $0.hasSuffix("/media_space/upload_image") }.count == 4)
        }
    }

    @Test func createReturnsTheItemIDAndShopURL() async throws {
        try await run { scenario in
            let result = try await scenario.adapter().push(
                .create(SampleListing.content()), account: scenario.fake.account)
            #expect(Int(result.externalID) != nil)
            #expect(result.externalURL == "https://shopee.vn/product/\(FakeShopee.shopID)/\(result.externalID)")
        }
    }

    @Test func anExpiredTokenIsRefreshedWithASingleUseRefreshToken() async throws {
        try await run { scenario in
            let old = scenario.fake.account
            try await scenario.expiredTokenIsRefreshed()
            // The refresh token was consumed: using it again is refused as bad credentials.
            do {
                _ = try await scenario.adapter().refreshTokens(account: old)
                Issue.record("a used refresh token worked again")
            } catch let error as MarketplaceError {
                #expect(error.kind == .badCredentials)
                #expect(error.code == "error_auth")
            }
        }
    }

    @Test func throttlingCarriesRetryAfter() async throws {
        try await run { try await $0.throttling(expectedRetryAfter: 7) }
    }

    @Test func serverErrorsAreTransient() async throws {
        try await run { try await $0.serverErrorIsTransient() }
    }

    @Test func aHangingPlatformTimesOut() async throws {
        try await run { try await $0.hangTimesOut() }
    }

    @Test func theFakeRefusesABadSignature() async throws {
        try await run { scenario in
            let error = await scenario.refused(.updateStock(externalID: "1", sku: "X", stock: 1)) {
                $0.values["partner_key"] = "not-the-partner-key"
            }
            #expect(error?.code == "error_sign")
            #expect(error?.kind == .badCredentials)
        }
    }

    @Test func theFakeRefusesAStaleTimestamp() async throws {
        try await run { scenario in
            let error = await scenario.refused(
                .updateStock(externalID: "1", sku: "X", stock: 1), clock: clockOff(minutes: -6))
            #expect(error?.code == "error_param")
            #expect(error?.message == "Invalid timestamp.")
        }
    }

    @Test func theFakeRefusesAWrongToken() async throws {
        try await run { scenario in
            let error = await scenario.refused(.updateStock(externalID: "1", sku: "X", stock: 1)) {
                $0.values["access_token"] = "someone-elses-token"
            }
            #expect(error?.code == "invalid_acceess_token")
            #expect(error?.kind == .authExpired)
        }
    }

    @Test func contentTheShopRefusesIsRejected() async throws {
        try await run { scenario in
            var content = SampleListing.content(sku: "NO-WEIGHT")
            content.weightGrams = nil
            let error = await scenario.failure(of: .create(content), adapter: scenario.adapter())
            #expect(error?.code == "product.error_param")
            #expect(error?.kind == .rejected)
            #expect(scenario.fake.listings.isEmpty)
        }
    }

    @Test func stockForAnUnknownItemIsRejectedFromTheFailureList() async throws {
        try await run { scenario in
            let error = await scenario.failure(
                of: .updateStock(externalID: "424242", sku: "X", stock: 1), adapter: scenario.adapter())
            #expect(error?.kind == .rejected)
            #expect(error?.code == "failure_list")
        }
    }
}

/// Fakes are shared by concurrent pushes in the server tests: they must keep every change.
@Suite struct FakeConcurrencyTests {
    @Test func concurrentStockPushesToManyItemsAllLand() async throws {
        try await FakeShopee.run { fake in
            let adapter = ShopeeAdapter(transport: CurlTransport(), clock: SystemWallClock())
            var ids: [String] = []
            for index in 0..<8 {
                ids.append(
                    try await adapter.push(.create(SampleListing.content(sku: "C-\(index)")), account: fake.account)
                        .externalID)
            }
            let account = fake.account
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, id) in ids.enumerated() {
                    group.addTask {
                        _ = try await adapter.push(
                            .updateStock(externalID: id, sku: "C-\(index)", stock: 100 + index), account: account)
                    }
                }
                try await group.waitForAll()
            }
            #expect(fake.listings.map(\.stock) == (0..<8).map { 100 + $0 })
            #expect(Set(fake.listings.map(\.id)).count == 8)
        }
    }
}
