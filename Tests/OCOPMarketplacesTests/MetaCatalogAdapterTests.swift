import CurlHTTP
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces
import Testing

/// Meta catalog `items_batch` against `FakeMetaCatalog`, over libcurl.
@Suite struct MetaCatalogAdapterTests {
    private func run(_ body: (AdapterScenarios) async throws -> Void) async throws {
        try await AdapterScenarios.run(.facebook, body)
    }

    @Test func stockOfZeroIsOutOfStock() async throws {
        try await run { scenario in
            let id = try await scenario.create(SampleListing.content(sku: "ZERO"))
            _ = try await scenario.adapter().push(
                .updateStock(externalID: id, sku: "ZERO", stock: 0), account: scenario.fake.account)
            #expect(scenario.fake.listing(id: "ZERO")?.status == "published, out of stock")
            #expect(scenario.fake.listing(id: "ZERO")?.isOnSale == false)
        }
    }

    @Test func aValidTokenIsExchangedForALongLivedOne() async throws {
        try await run { scenario in
            let id = try await scenario.create(SampleListing.content(sku: "TOKEN-1"))
            let adapter = scenario.adapter()
            var account = scenario.fake.account
            let renewed = try await adapter.refreshTokens(account: account)
            #expect(renewed["access_token"] != account.credentials["access_token"])
            let expiresAt = try #require(renewed.accessTokenExpiresAt)
            #expect(expiresAt > SystemWallClock().now().adding(seconds: 59 * 86_400))
            let stale = await scenario.failure(
                of: .updateStock(externalID: id, sku: "TOKEN-1", stock: 4), adapter: adapter, account: account)
            #expect(stale?.kind == .authExpired)
            account.credentials = renewed
            _ = try await adapter.push(.updateStock(externalID: id, sku: "TOKEN-1", stock: 4), account: account)
            #expect(scenario.fake.listing(id: "TOKEN-1")?.stock == 4)
        }
    }

    /// Meta has no refresh token: an expired token cannot be exchanged, a person must log in again.
    @Test func anExpiredTokenIsAuthExpiredAndItsExchangeIsBadCredentials() async throws {
        try await run { scenario in
            let id = try await scenario.create(SampleListing.content(sku: "TOKEN-2"))
            scenario.fake.expireAccessToken()
            let failure = await scenario.failure(
                of: .updateStock(externalID: id, sku: "TOKEN-2", stock: 4), adapter: scenario.adapter())
            #expect(failure?.kind == .authExpired)
            #expect(failure?.code == "190/463")
            do {
                _ = try await scenario.adapter().refreshTokens(account: scenario.fake.account)
                Issue.record("an expired token was exchanged")
            } catch let error as MarketplaceError {
                #expect(error.kind == .badCredentials)
                #expect(error.code == "190/463")
            }
        }
    }

    @Test func theFakeRefusesABadAppSecretProof() async throws {
        try await run { scenario in
            let error = await scenario.refused(.updateStock(externalID: "X", sku: "X", stock: 1)) {
                $0.values["app_secret"] = "not-the-secret"
            }
            #expect(error?.code == "100")
            #expect(error?.message == "Invalid appsecret_proof provided in the API argument")
            #expect(error?.kind == .badCredentials)
        }
    }

    @Test func anItemMissingRequiredFieldsIsRejectedWithTheValidationMessages() async throws {
        try await run { scenario in
            var content = SampleListing.content(sku: "NO-IMAGE")
            content.images = []
            let error = await scenario.failure(of: .create(content), adapter: scenario.adapter())
            #expect(error?.kind == .rejected)
            #expect(error?.code == "validation")
            #expect(error?.message == "image_link is required")
            #expect(scenario.fake.listings.isEmpty)
        }
    }

    @Test func regainAccessMinutesBecomeSeconds() {
        #expect(
            MetaCatalogAdapter.regainAccessSeconds(
                #"{"1":[{"type":"catalog_batch","estimated_time_to_regain_access":3}]}"#) == 180)
        #expect(MetaCatalogAdapter.regainAccessSeconds(#"{"1":[{"estimated_time_to_regain_access":0}]}"#) == nil)
        #expect(MetaCatalogAdapter.regainAccessSeconds(nil) == nil)
    }
}
