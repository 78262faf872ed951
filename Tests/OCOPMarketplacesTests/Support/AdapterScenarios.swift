import CurlHTTP
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces
import Testing

/// The behaviours every adapter must show against its fake, over real HTTP through libcurl. Adapters
/// come from `MarketplaceAdapters`, as the sync engine gets them.
struct AdapterScenarios {
    let fake: any MarketplaceFake
    let transport = CurlTransport()

    /// Runs `body` against a started fake of `marketplace`, stopped afterwards.
    static func run(_ marketplace: Marketplace, _ body: (AdapterScenarios) async throws -> Void) async throws {
        let fake = try await FakeMarketplaces.start(marketplace)
        do {
            try await body(AdapterScenarios(fake: fake))
            await fake.stop()
        } catch {
            await fake.stop()
            throw error
        }
    }

    /// Tiki reviews a new listing and starts it inactive; the others put it on sale at once.
    var onSaleAfterCreate: Bool { fake.marketplace != .tiki }

    func adapter(clock: any WallClock = SystemWallClock(), timeout: Duration = .seconds(10)) -> any MarketplaceAdapter {
        MarketplaceAdapters.adapter(for: fake.marketplace, transport: transport, clock: clock, timeout: timeout)
    }

    /// Creates a listing and returns its external id, checking the platform shows it.
    @discardableResult
    func create(_ content: ListingContent) async throws -> String {
        let result = try await adapter().push(.create(content), account: fake.account)
        #expect(!result.externalID.isEmpty)
        let shown = try #require(fake.listing(sku: content.sku))
        #expect(shown.title == content.title)
        #expect(shown.priceVND == content.priceVND)
        #expect(shown.stock == content.stock)
        #expect(shown.isOnSale == onSaleAfterCreate)
        return result.externalID
    }

    /// Create, update (full), update price, update stock, delist: each visible on the platform.
    func lifecycle(sku: String = "LIFE-1") async throws {
        let content = SampleListing.content(sku: sku)
        let externalID = try await create(content)
        let adapter = adapter()

        var changed = content
        changed.title = "Chè Thái Nguyên đặc biệt 100 g"
        changed.priceVND = 199_000
        changed.stock = 9
        let updated = try await adapter.push(.update(externalID: externalID, changed), account: fake.account)
        #expect(updated.externalID == externalID)
        var shown = try #require(fake.listing(sku: sku))
        #expect(shown.title == changed.title)
        #expect(shown.priceVND == 199_000)
        #expect(shown.stock == 9)
        #expect(shown.isOnSale)

        _ = try await adapter.push(
            .updatePrice(externalID: externalID, sku: sku, priceVND: 175_000), account: fake.account)
        _ = try await adapter.push(.updateStock(externalID: externalID, sku: sku, stock: 3), account: fake.account)
        shown = try #require(fake.listing(sku: sku))
        #expect(shown.priceVND == 175_000)
        #expect(shown.stock == 3)
        #expect(shown.isOnSale)

        _ = try await adapter.push(.delist(externalID: externalID, sku: sku), account: fake.account)
        shown = try #require(fake.listing(sku: sku))
        #expect(!shown.isOnSale)
    }

    /// An expired token is `authExpired`; the refreshed credentials work and carry the new expiry.
    func expiredTokenIsRefreshed(sku: String = "TOKEN-1") async throws {
        let externalID = try await create(SampleListing.content(sku: sku))
        let adapter = adapter()
        let before = fake.account
        fake.expireAccessToken()
        let failure = await failure(of: .updateStock(externalID: externalID, sku: sku, stock: 5), adapter: adapter)
        #expect(failure?.kind == .authExpired)
        #expect(fake.listing(sku: sku)?.stock == 12)

        let renewed = try await adapter.refreshTokens(account: before)
        #expect(renewed["access_token"] != before.credentials["access_token"])
        #expect(renewed["access_token"] == fake.currentAccessToken)
        let expiresAt = try #require(renewed.accessTokenExpiresAt)
        #expect(expiresAt > SystemWallClock().now())
        var account = before
        account.credentials = renewed
        _ = try await adapter.push(.updateStock(externalID: externalID, sku: sku, stock: 5), account: account)
        #expect(fake.listing(sku: sku)?.stock == 5)
    }

    /// A throttled answer is `throttled` with the wait the platform asked for.
    func throttling(expectedRetryAfter: Int?, retryAfterSeconds: Int? = 7, sku: String = "SLOW-1") async throws {
        let externalID = try await create(SampleListing.content(sku: sku))
        fake.throttle(times: 1, retryAfterSeconds: retryAfterSeconds)
        let failure = await failure(
            of: .updatePrice(externalID: externalID, sku: sku, priceVND: 1_000), adapter: adapter())
        #expect(failure?.kind == .throttled(retryAfterSeconds: expectedRetryAfter))
        #expect(fake.listing(sku: sku)?.priceVND == 185_000)
        _ = try await adapter().push(
            .updatePrice(externalID: externalID, sku: sku, priceVND: 1_000), account: fake.account)
        #expect(fake.listing(sku: sku)?.priceVND == 1_000)
    }

    /// A 5xx answer is `transient`.
    func serverErrorIsTransient(sku: String = "FAIL-1") async throws {
        let externalID = try await create(SampleListing.content(sku: sku))
        fake.failWithServerError(times: 1)
        let failure = await failure(of: .updateStock(externalID: externalID, sku: sku, stock: 1), adapter: adapter())
        #expect(failure?.kind == .transient)
    }

    /// A platform that does not answer fails `transient` within the request timeout.
    func hangTimesOut() async throws {
        fake.hang(times: 1, for: .seconds(20))
        let started = ContinuousClock.now
        let failure = await failure(
            of: .updateStock(externalID: "1", sku: "HANG-1", stock: 1), adapter: adapter(timeout: .milliseconds(800)))
        let elapsed = ContinuousClock.now - started
        #expect(failure?.kind == .transient)
        #expect(failure?.code == "timeout")
        // Well under the 20 s hang. The margin covers waiting for a transport thread while the
        // whole suite runs in parallel on two cores (up to 9.4 s measured; alone it takes 0.8 s).
        #expect(elapsed < .seconds(15), "took \(elapsed)")
    }

    /// A request the fake must refuse: the error carries the platform's code.
    func refused(
        _ operation: ListingOperation, clock: any WallClock = SystemWallClock(),
        credentials change: (inout MarketplaceCredentials) -> Void = { _ in }
    ) async -> MarketplaceError? {
        var account = fake.account
        change(&account.credentials)
        let count = fake.requestCount
        let error = await failure(of: operation, adapter: adapter(clock: clock), account: account)
        #expect(fake.requestCount > count, "the request never reached the fake")
        return error
    }

    func failure(
        of operation: ListingOperation, adapter: any MarketplaceAdapter, account: MarketplaceAccountContext? = nil
    ) async -> MarketplaceError? {
        do {
            _ = try await adapter.push(operation, account: account ?? fake.account)
            Issue.record("\(operation) succeeded")
            return nil
        } catch {
            return error
        }
    }
}

/// A clock `minutes` behind (or ahead of) the machine's: requests it stamps are stale to the fake.
func clockOff(minutes: Int64) -> ManualWallClock {
    ManualWallClock(SystemWallClock().now().adding(seconds: minutes * 60))
}
