import CurlHTTP
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces
import Testing

/// Shopee v2 against `FakeShopee`, over libcurl.
@Suite struct ShopeeAdapterTests {
    private func run(_ body: (AdapterScenarios) async throws -> Void) async throws {
        try await AdapterScenarios.run(.shopee, body)
    }

    @Test func createUploadsEachImageAndReturnsTheItemIDAndShopURL() async throws {
        try await run { scenario in
            let result = try await scenario.adapter().push(
                .create(SampleListing.content()), account: scenario.fake.account)
            #expect(Int(result.externalID) != nil)
            #expect(result.externalURL == "https://shopee.vn/product/\(FakeShopee.shopID)/\(result.externalID)")
            #expect(
                scenario.fake.requestPaths == [
                    "POST /api/v2/media_space/upload_image", "POST /api/v2/media_space/upload_image",
                    "POST /api/v2/product/add_item",
                ])
        }
    }

    @Test func theRefreshTokenIsSingleUse() async throws {
        try await run { scenario in
            let old = scenario.fake.account
            _ = try await scenario.adapter().refreshTokens(account: old)
            do {
                _ = try await scenario.adapter().refreshTokens(account: old)
                Issue.record("a used refresh token worked again")
            } catch let error as MarketplaceError {
                #expect(error.kind == .badCredentials)
                #expect(error.code == "error_auth")
            }
        }
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
                let content = SampleListing.content(sku: "C-\(index)")
                ids.append(try await adapter.push(.create(content), account: fake.account).externalID)
            }
            let account = fake.account
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, id) in ids.enumerated() {
                    group.addTask {
                        let operation = ListingOperation.updateStock(
                            externalID: id, sku: "C-\(index)", stock: 100 + index)
                        _ = try await adapter.push(operation, account: account)
                    }
                }
                try await group.waitForAll()
            }
            #expect(fake.listings.map(\.stock) == (0..<8).map { 100 + $0 })
            #expect(Set(fake.listings.map(\.id)).count == 8)
        }
    }
}
