import CurlHTTP
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces
import Testing

/// TikTok Shop 202309 against `FakeTikTokShop`, over libcurl.
@Suite struct TikTokShopAdapterTests {
    static let make: AdapterScenarios<FakeTikTokShop>.MakeAdapter = {
        TikTokShopAdapter(transport: $0, clock: $1, timeout: $2)
    }

    private func run(_ body: (AdapterScenarios<FakeTikTokShop>) async throws -> Void) async throws {
        try await FakeTikTokShop.run { try await body(AdapterScenarios(fake: $0, makeAdapter: Self.make)) }
    }

    @Test func createEditPriceInventoryAndDeactivateShowOnTheShop() async throws {
        try await run { scenario in
            try await scenario.lifecycle()
            let product = try #require(scenario.fake.listings.first)
            #expect(product.status == "SELLER_DEACTIVATED")
            #expect(product.description.hasPrefix("<p>Chè búp tôm nõn"))
            #expect(scenario.fake.requestPaths.filter { $0.hasSuffix("/images/upload") }.count == 4)
        }
    }

    @Test func createReturnsTheProductIDAndURL() async throws {
        try await run { scenario in
            let result = try await scenario.adapter().push(
                .create(SampleListing.content()), account: scenario.fake.account)
            #expect(result.externalURL == "https://shop.tiktok.com/view/product/\(result.externalID)")
        }
    }

    @Test func anExpiredTokenIsRefreshedAndItsExpiryIsTheAbsoluteTime() async throws {
        try await run { scenario in
            try await scenario.expiredTokenIsRefreshed()
            let renewed = scenario.fake.credentials.accessTokenExpiresAt
            let sevenDays = SystemWallClock().now().adding(seconds: 7 * 86_400)
            #expect(renewed.map { abs($0.unixMilliseconds - sevenDays.unixMilliseconds) < 60_000 } == true)
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
                $0.values["app_secret"] = "not-the-secret"
            }
            #expect(error?.code == "106001")
            #expect(error?.kind == .badCredentials)
        }
    }

    @Test func theFakeRefusesABodyChangedAfterSigning() async throws {
        try await FakeTikTokShop.run { fake in
            let scenario = AdapterScenarios(fake: fake, makeAdapter: Self.make)
            let externalID = try await scenario.create(SampleListing.content(sku: "TAMPER-1"))
            let tampering = TamperingTransport(inner: CurlTransport()) { request in
                let text = String(decoding: request.body, as: UTF8.self)
                request.body = Array(text.replacingOccurrences(#""quantity":5"#, #""quantity":500"#).utf8)
            }
            let adapter = TikTokShopAdapter(transport: tampering, clock: SystemWallClock())
            let error = await scenario.failure(
                of: .updateStock(externalID: externalID, sku: "TAMPER-1", stock: 5), adapter: adapter)
            #expect(error?.code == "106001")
            #expect(fake.listing(sku: "TAMPER-1")?.stock == 12)
        }
    }

    @Test func theFakeRefusesAStaleOrFutureTimestamp() async throws {
        try await run { scenario in
            let stale = await scenario.refused(
                .updateStock(externalID: "1", sku: "X", stock: 1), clock: clockOff(minutes: -6))
            #expect(stale?.code == "36009004")
            #expect(stale?.kind == .rejected)
            let future = await scenario.refused(
                .updateStock(externalID: "1", sku: "X", stock: 1), clock: clockOff(minutes: 1))
            #expect(future?.code == "36009004")
        }
    }

    @Test func theFakeRefusesAWrongTokenOrShop() async throws {
        try await run { scenario in
            let token = await scenario.refused(.updateStock(externalID: "1", sku: "X", stock: 1)) {
                $0.values["access_token"] = "someone-elses-token"
            }
            #expect(token?.code == "105001")
            #expect(token?.kind == .authExpired)
            let shop = await scenario.refused(.updateStock(externalID: "1", sku: "X", stock: 1)) {
                $0.values["shop_cipher"] = "ROW_other"
            }
            #expect(shop?.code == "106013")
        }
    }

    @Test func theStoryBecomesEscapedParagraphs() {
        #expect(
            TikTokShopAdapter.html("Chè <ngon>\nOCOP 4 sao & hơn")
                == "<p>Chè &lt;ngon&gt;</p><p>OCOP 4 sao &amp; hơn</p>")
    }
}
