import CurlHTTP
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces
import Testing

/// Lazada against `FakeLazada`, over libcurl.
@Suite struct LazadaAdapterTests {
    private func run(_ body: (AdapterScenarios) async throws -> Void) async throws {
        try await AdapterScenarios.run(.lazada, body)
    }

    @Test func createMigratesEachImageURLThenCreatesTheProduct() async throws {
        try await run { scenario in
            _ = try await scenario.adapter().push(.create(SampleListing.content()), account: scenario.fake.account)
            #expect(
                scenario.fake.requestPaths == [
                    "POST /rest/image/migrate", "POST /rest/image/migrate", "POST /rest/product/create",
                ])
        }
    }

    @Test func theTokenIsRefreshedOnTheAuthGateway() async throws {
        try await run { scenario in
            let renewed = try await scenario.adapter().refreshTokens(account: scenario.fake.account)
            #expect(renewed["access_token"] == scenario.fake.currentAccessToken)
            #expect(scenario.fake.requestPaths == ["POST /rest/auth/token/refresh"])
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
        try await run { scenario in
            let externalID = try await scenario.create(SampleListing.content(sku: "TAMPER-1"))
            let tampering = TamperingTransport(inner: CurlTransport()) { request in
                let form = String(decoding: request.body, as: UTF8.self)
                request.body = Array(form.replacingOccurrences("Quantity%3E5%3C", "Quantity%3E500%3C").utf8)
            }
            let adapter = LazadaAdapter(transport: tampering, clock: SystemWallClock())
            let error = await scenario.failure(
                of: .updateStock(externalID: externalID, sku: "TAMPER-1", stock: 5), adapter: adapter)
            #expect(error?.code == "IncompleteSignature")
            #expect(scenario.fake.listing(sku: "TAMPER-1")?.stock == 12)
        }
    }

    @Test func theFakeRefusesAStaleTimestamp() async throws {
        try await run { scenario in
            let error = await scenario.refused(
                .updateStock(externalID: "1", sku: "X", stock: 1), clock: clockOff(minutes: -121))
            #expect(error?.code == "InvalidTimestamp")
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
