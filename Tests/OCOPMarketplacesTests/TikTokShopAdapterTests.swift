import CurlHTTP
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces
import Testing

/// TikTok Shop 202309 against `FakeTikTokShop`, over libcurl.
@Suite struct TikTokShopAdapterTests {
    private func run(_ body: (AdapterScenarios) async throws -> Void) async throws {
        try await AdapterScenarios.run(.tiktokShop, body)
    }

    @Test func createUploadsImagesAndSendsTheStoryAsParagraphs() async throws {
        try await run { scenario in
            let result = try await scenario.adapter().push(
                .create(SampleListing.content()), account: scenario.fake.account)
            #expect(result.externalURL == "https://shop.tiktok.com/view/product/\(result.externalID)")
            #expect(scenario.fake.listing(id: result.externalID)?.description.hasPrefix("<p>Chè búp tôm nõn") == true)
            #expect(scenario.fake.requestPaths.filter { $0.hasSuffix("/images/upload") }.count == 2)
        }
    }

    @Test func theRefreshedExpiryIsTheAbsoluteTimeTheShopGives() async throws {
        try await run { scenario in
            let renewed = try await scenario.adapter().refreshTokens(account: scenario.fake.account)
            let sevenDays = SystemWallClock().now().adding(seconds: 7 * 86_400)
            let expiresAt = try #require(renewed.accessTokenExpiresAt)
            #expect(abs(expiresAt.unixMilliseconds - sevenDays.unixMilliseconds) < 60_000)
        }
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
        try await run { scenario in
            let externalID = try await scenario.create(SampleListing.content(sku: "TAMPER-1"))
            let tampering = TamperingTransport(inner: CurlTransport()) { request in
                let text = String(decoding: request.body, as: UTF8.self)
                request.body = Array(text.replacingOccurrences(#""quantity":5"#, #""quantity":500"#).utf8)
            }
            let adapter = TikTokShopAdapter(transport: tampering, clock: SystemWallClock())
            let error = await scenario.failure(
                of: .updateStock(externalID: externalID, sku: "TAMPER-1", stock: 5), adapter: adapter)
            #expect(error?.code == "106001")
            #expect(scenario.fake.listing(sku: "TAMPER-1")?.stock == 12)
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

    @Test func theFakeRefusesAnotherShopsCipher() async throws {
        try await run { scenario in
            let shop = await scenario.refused(.updateStock(externalID: "1", sku: "X", stock: 1)) {
                $0.values["shop_cipher"] = "ROW_other"
            }
            #expect(shop?.code == "106013")
            #expect(shop?.kind == .badCredentials)
        }
    }

    @Test func theStoryBecomesEscapedParagraphs() {
        #expect(
            TikTokShopAdapter.html("Chè <ngon>\nOCOP 4 sao & hơn")
                == "<p>Chè &lt;ngon&gt;</p><p>OCOP 4 sao &amp; hơn</p>")
    }
}
