import CurlHTTP
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces
import Testing

/// Tiki Open API against `FakeTiki`, over libcurl.
@Suite struct TikiAdapterTests {
    private func run(_ body: (AdapterScenarios) async throws -> Void) async throws {
        try await AdapterScenarios.run(.tiki, body)
    }

    @Test func createReturnsTheTrackIDOfTheReviewedRequest() async throws {
        try await run { scenario in
            let result = try await scenario.adapter().push(
                .create(SampleListing.content()), account: scenario.fake.account)
            let tiki = try #require(scenario.fake as? FakeTiki)
            let productID = try #require(tiki.productID(forTrackID: result.externalID))
            #expect(scenario.fake.listing(id: productID)?.status == "inactive")
            #expect(scenario.fake.listing(id: result.externalID)?.id == productID)
        }
    }

    @Test func anAppWithoutRefreshTokenReRequestsAClientCredentialsToken() async throws {
        try await run { scenario in
            var account = scenario.fake.account
            account.credentials.values["refresh_token"] = nil
            scenario.fake.expireAccessToken()
            let renewed = try await scenario.adapter().refreshTokens(account: account)
            #expect(renewed["access_token"] == scenario.fake.currentAccessToken)
            #expect(renewed["refresh_token"] == nil)
            #expect(renewed.accessTokenExpiresAt != nil)
        }
    }

    @Test func aWrongClientSecretIsBadCredentials() async throws {
        try await run { scenario in
            var account = scenario.fake.account
            account.credentials.values["client_secret"] = "wrong"
            do {
                _ = try await scenario.adapter().refreshTokens(account: account)
                Issue.record("a wrong client secret got a token")
            } catch let error as MarketplaceError {
                #expect(error.kind == .badCredentials)
                #expect(error.code == "invalid_client")
            }
        }
    }

    @Test func theFakeSaysWhatIsWrongWithAToken() async throws {
        try await run { scenario in
            let error = await scenario.refused(.updatePrice(externalID: "t", sku: "X", priceVND: 1)) {
                $0.values["access_token"] = "someone-elses-token"
            }
            #expect(error?.code == "HTTP 401")
            #expect(error?.kind == .authExpired)
            #expect(error?.message == "Access token is invalid or not linked to a seller")
        }
    }

    @Test func anIncompleteRequestIsRejectedWithTikisMessages() async throws {
        try await run { scenario in
            var content = SampleListing.content(sku: "NO-IMAGE")
            content.images = []
            content.priceVND = 0
            let error = await scenario.failure(of: .create(content), adapter: scenario.adapter())
            #expect(error?.kind == .rejected)
            #expect(error?.code == "HTTP 400")
            #expect(error?.message == "image must be a URL; variants[0].price must be positive")
        }
    }

    @Test func stockNeedsTheAccountsWarehouse() async throws {
        try await run { scenario in
            var account = scenario.fake.account
            account.credentials.values["warehouse_id"] = nil
            let count = scenario.fake.requestCount
            let error = await scenario.failure(
                of: .updateStock(externalID: "t", sku: "X", stock: 1), adapter: scenario.adapter(), account: account)
            #expect(error?.kind == .badCredentials)
            #expect(scenario.fake.requestCount == count)
        }
    }
}
