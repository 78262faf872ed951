import CurlHTTP
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces
import Testing

/// Lazada against `FakeLazada`, over libcurl.
@Suite struct LazadaAdapterTests {
    static let make: AdapterScenarios<FakeLazada>.MakeAdapter = { LazadaAdapter(transport: $0, clock: $1, timeout: $2) }

    private func run(_ body: (AdapterScenarios<FakeLazada>) async throws -> Void) async throws {
        try await FakeLazada.run { try await body(AdapterScenarios(fake: $0, makeAdapter: Self.make)) }
    }

    @Test func createUpdatePriceStockAndDeactivateShowOnTheShop() async throws {
        try await run { scenario in
            try await scenario.lifecycle()
            let item = try #require(scenario.fake.listings.first)
            #expect(item.status == "inactive")
            #expect(item.imageCount == 2)
            #expect(scenario.fake.requestPaths.filter { $0.hasSuffix("/image/migrate") }.count == 4)
        }
    }

    @Test func anExpiredTokenIsRefreshedOnTheAuthGateway() async throws {
        try await run { scenario in
            try await scenario.expiredTokenIsRefreshed()
            #expect(scenario.fake.requestPaths.contains("POST /rest/auth/token/refresh"))
        }
    }

    @Test func aRefusedRefreshIsBadCredentials() async throws {
        try await run { scenario in
            var account = scenario.fake.account
            account.credentials.values["refresh_token"] = "stolen"
            do {
                _ = try await scenario.adapter().refreshTokens(account: account)
                Issue.record("a wrong refresh token worked")
            } catch let error as MarketplaceError {
                #expect(error.kind == .badCredentials)
                #expect(error.code == "IllegalRefreshToken")
            }
        }
    }

    @Test func apiCallLimitIsThrottledForTheBanItNames() async throws {
        try await run { try await $0.throttling(expectedRetryAfter: 7) }
    }

    @Test func gatewayErrorsAreTransient() async throws {
        try await run { try await $0.serverErrorIsTransient() }
    }

    @Test func aHangingPlatformTimesOut() async throws {
        try await run { try await $0.hangTimesOut() }
    }

    @Test func theFakeRefusesABadSignature() async throws {
        try await run { scenario in
            let error = await scenario.refused(.updateStock(externalID: "1", sku: "X", stock: 1)) {
                $0.values["app_secret"] = "not-the-secret"
            }
            #expect(error?.code == "IncompleteSignature")
            #expect(error?.kind == .badCredentials)
        }
    }

    @Test func theFakeRefusesAParameterChangedAfterSigning() async throws {
        try await FakeLazada.run { fake in
            let tampering = TamperingTransport(inner: CurlTransport()) { request in
                request.body = Array(
                    String(decoding: request.body, as: UTF8.self)
                        .replacingOccurrences("Quantity%3E5%3C", "Quantity%3E500%3C").utf8)
            }
            let scenario = AdapterScenarios(fake: fake, makeAdapter: Self.make)
            let externalID = try await scenario.create(SampleListing.content(sku: "TAMPER-1"))
            let adapter = LazadaAdapter(transport: tampering, clock: SystemWallClock())
            let error = await scenario.failure(
                of: .updateStock(externalID: externalID, sku: "TAMPER-1", stock: 5), adapter: adapter)
            #expect(error?.code == "IncompleteSignature")
            #expect(fake.listing(sku: "TAMPER-1")?.stock == 12)
        }
    }

    @Test func theFakeRefusesAStaleTimestamp() async throws {
        try await run { scenario in
            let error = await scenario.refused(
                .updateStock(externalID: "1", sku: "X", stock: 1), clock: clockOff(minutes: -121))
            #expect(error?.code == "InvalidTimestamp")
        }
    }

    @Test func theFakeRefusesAWrongToken() async throws {
        try await run { scenario in
            let error = await scenario.refused(.updateStock(externalID: "1", sku: "X", stock: 1)) {
                $0.values["access_token"] = "someone-elses-token"
            }
            #expect(error?.code == "IllegalAccessToken")
            #expect(error?.kind == .authExpired)
        }
    }

    @Test func anUnknownSellerSkuIsRejectedWithTheDetail() async throws {
        try await run { scenario in
            let externalID = try await scenario.create(SampleListing.content(sku: "REAL-1"))
            let error = await scenario.failure(
                of: .updatePrice(externalID: externalID, sku: "OTHER", priceVND: 5), adapter: scenario.adapter())
            #expect(error?.kind == .rejected)
            #expect(error?.message.contains("SELLER_SKU_NOT_FOUND") == true)
        }
    }

    @Test func banSecondsAreReadFromTheMessage() {
        #expect(LazadaAdapter.banSeconds(in: "exceeded the limit, ban will last 12 seconds") == 12)
        #expect(LazadaAdapter.banSeconds(in: "exceeded the limit") == nil)
    }
}
