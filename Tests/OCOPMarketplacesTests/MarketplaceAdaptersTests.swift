import CurlHTTP
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces
import Testing

/// The factory the sync engine uses, and the fakes' credentials against each adapter's requirements.
@Suite struct MarketplaceAdaptersTests {
    @Test(arguments: Marketplace.allCases)
    func theFactoryBuildsTheAdapterOfEachMarketplace(_ marketplace: Marketplace) {
        let adapter = MarketplaceAdapters.adapter(
            for: marketplace, transport: CurlTransport(), clock: SystemWallClock())
        #expect(adapter.marketplace == marketplace)
        #expect(!adapter.requiredCredentials.isEmpty)
    }

    @Test func everyMarketplaceHasAFake() {
        #expect(FakeMarketplaces.covered == Marketplace.allCases)
    }

    @Test func eachFakesCredentialsCoverWhatItsAdapterRequires() async throws {
        let fakes: [any MarketplaceFake] = [
            try await FakeShopee.start(), try await FakeLazada.start(), try await FakeTikTokShop.start(),
            try await FakeTiki.start(), try await FakeMetaCatalog.start(),
        ]
        for fake in fakes {
            let adapter = MarketplaceAdapters.adapter(
                for: fake.marketplace, transport: CurlTransport(), clock: SystemWallClock())
            let missing = adapter.requiredCredentials.filter { fake.credentials[$0] == nil }
            #expect(missing.isEmpty, "\(fake.marketplace) fake lacks \(missing)")
            await fake.stop()
        }
    }

    @Test func aMissingCredentialIsBadCredentialsBeforeAnyRequest() async throws {
        try await FakeShopee.run { fake in
            var account = fake.account
            account.credentials.values["partner_key"] = nil
            let adapter = MarketplaceAdapters.adapter(
                for: .shopee, transport: CurlTransport(), clock: SystemWallClock())
            do {
                _ = try await adapter.push(.updateStock(externalID: "1", sku: "X", stock: 1), account: account)
                Issue.record("pushed without a partner key")
            } catch let error as MarketplaceError {
                #expect(error.kind == .badCredentials)
                #expect(error.code == "missing_credential")
            }
            #expect(fake.requestCount == 0)
        }
    }
}
