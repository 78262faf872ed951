import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces
import OCOPServer
import OCOPStorage
import Testing
import TestSupport

/// The same engine against each platform's fake, and platforms kept apart from one another.
@Suite("Marketplace platforms")
struct MarketplacePlatformsTests {
    /// The platforms whose fakes these tests start.
    static let platforms: [Marketplace] = FakeMarketplaces.covered

    @Test("create, price, stock, token refresh and delist on each platform", arguments: TestEngine.all, platforms)
    func lifecycle(engine: TestEngine, marketplace: Marketplace) async throws {
        try await MarketplaceScene.run(engine, others: marketplace == .shopee ? [] : [marketplace]) { scene in
            let platform: any MarketplaceFake = scene.others[marketplace] ?? scene.fake
            try await scene.receive(12)
            let account = try await scene.createAccount(ratio: "0.5", buffer: 1, on: platform)
            let id = try await scene.createListing(account: account)
            await scene.engine.runCycle()
            let listing = try await scene.listing(id)
            #expect(listing["status"] as? String == "published", "\(listing)")
            let externalID = try #require(listing["external_id"] as? String)
            var item = try #require(platform.listing(id: externalID))
            #expect(item.title == "Cam sành hộp 5kg")
            #expect(item.priceVND == 250_000)
            #expect(item.stock == 5)  // floor(12 × 0.5) − 1
            #expect(item.description.contains("giấy chứng nhận số 02/GCN"))

            // Price through a catalog import.
            let file = scene.harness.stack.fixture.catalog.appendingPathComponent("products/cam-sanh-hop-5kg.yaml")
            try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "price: 250000", with: "price: 262000")
                .write(to: file, atomically: true, encoding: .utf8)
            _ = try await scene.harness.stack.importCatalog()
            await scene.engine.runCycle()
            #expect(platform.listing(id: externalID)?.priceVND == 262_000)

            // Stock after sales, with a token to renew on the way.
            var admin = scene.admin
            var staff = scene.stock.staff(MarketplaceScene.point)
            if marketplace == .facebook {
                // A Meta token cannot be exchanged once expired (a person must sign in again), so the
                // engine exchanges it ahead of expiry: move to two minutes before the 60 days run out.
                scene.advance(seconds: 60 * 86_400 - 120)
                admin = try await scene.harness.staffToken(username: "admin", role: .admin)
                staff = try await scene.harness.staffToken(username: "staff-tq", role: .pointStaff)
            } else {
                platform.expireAccessToken()
            }
            let oldToken = platform.currentAccessToken
            for _ in 0..<4 { try await scene.sell(1, token: staff) }
            await scene.engine.runCycle()
            item = try #require(platform.listing(id: externalID))
            #expect(item.stock == 3)  // floor(8 × 0.5) − 1
            #expect(platform.currentAccessToken != oldToken)
            #expect(try await scene.listing(id, token: admin)["status"] as? String == "published")

            // Delist.
            let delisted = try await scene.client.send(.delete, "/v1/listings/\(id)", token: admin)
            #expect(delisted.status == .accepted)
            await scene.engine.runCycle()
            #expect(platform.listing(id: externalID)?.isOnSale == false)
            #expect(try await scene.listing(id, token: admin)["status"] as? String == "delisted")
            #expect(platform.listings.count == 1)
        }
    }

    @Test("a platform that hangs stalls neither the other platforms nor the API", arguments: TestEngine.all)
    func hangingPlatform(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine, background: true, requestTimeout: .seconds(15), others: [.lazada]) {
            scene in
            let lazada = try #require(scene.others[.lazada])
            let shopeeAccount = try await scene.createAccount(name: "Shopee")
            let lazadaAccount = try await scene.createAccount(name: "Lazada", on: lazada)
            scene.fake.hang(times: 1, for: .seconds(30))
            let start = ContinuousClock.now
            let stuck = try await scene.createListing(account: shopeeAccount)
            let moving = try await scene.createListing(account: lazadaAccount)
            // Lazada must publish while Shopee's request is still hanging (it times out after 15 s):
            // the property is the order of the two, not a wall-clock figure on a busy machine.
            var published = false
            while ContinuousClock.now - start < .seconds(14) {
                let asked = ContinuousClock.now
                let status = try await scene.listing(moving)["status"] as? String
                #expect(ContinuousClock.now - asked < .seconds(5), "the API waited on the hang")
                if status == "published" {
                    published = true
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(published)
            // Shopee's lane is still waiting on its first answer.
            let waiting = try await scene.listing(stuck)
            #expect(waiting["status"] as? String == "pending")
            #expect(waiting["last_error"] == nil)
            #expect(lazada.listings.count == 1)
        }
    }

    /// Each platform's create call and the search that finds an item by its seller SKU (Meta asks
    /// nothing: the item's id is the SKU, and its create and update are both an items batch).
    static let createAndSearch: [Marketplace: (create: String, search: String?)] = [
        .lazada: ("/rest/product/create", "/rest/products/get"),
        .tiktokShop: ("/product/202309/products", "/product/202312/products/search"),
        .facebook: ("/v25.0/\(FakeMetaCatalog.catalogID)/items_batch", nil),
    ]

    @Test(
        "a create the platform accepted but whose answer was lost is found by its SKU, not sent again",
        arguments: TestEngine.all, [Marketplace.lazada, .tiktokShop, .facebook])
    func lostCreateAnswer(engine: TestEngine, marketplace: Marketplace) async throws {
        try await MarketplaceScene.run(engine, others: [marketplace]) { scene in
            let platform = try #require(scene.others[marketplace])
            let (create, search) = try #require(Self.createAndSearch[marketplace])
            func requests(_ path: String) -> Int { platform.requestPaths.filter { $0.hasSuffix(" " + path) }.count }
            try await scene.receive(5)
            let id = try await scene.createListing(account: try await scene.createAccount(on: platform))
            platform.loseAnswer(to: create)
            await scene.engine.runCycle()
            #expect(try await scene.listing(id)["status"] as? String == "pending")
            #expect(platform.listings.count == 1)  // the platform has the item; we do not know its id

            scene.advance(seconds: 600)  // past the retry's backoff
            await scene.engine.runCycle()
            let listing = try await scene.listing(id)
            #expect(listing["status"] as? String == "published", "\(listing)")
            #expect(platform.listings.count == 1)
            #expect(listing["external_id"] as? String == platform.listings.first?.id)
            if let search {
                #expect(requests(create) == 1)
                #expect(requests(search) == 1)
            } else {
                #expect(requests(create) == 2)  // the lost create, then the update
            }
            #expect(platform.listings.first?.updates == 1)
        }
    }

    @Test("on Meta a retried create whose first never landed makes the item", arguments: TestEngine.all)
    func metaRetryOfACreateThatNeverLanded(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine, others: [.facebook]) { scene in
            let meta = try #require(scene.others[.facebook])
            try await scene.receive(5)
            let id = try await scene.createListing(account: try await scene.createAccount(on: meta))
            meta.failWithServerError(times: 1)
            await scene.engine.runCycle()
            #expect(meta.listings.isEmpty)

            scene.advance(seconds: 600)
            await scene.engine.runCycle()
            let listing = try await scene.listing(id)
            #expect(listing["status"] as? String == "published", "\(listing)")
            #expect(meta.listings.count == 1)
            #expect(meta.listings.first?.title == "Cam sành hộp 5kg")
            #expect(listing["external_id"] as? String == MarketplaceScene.sku)
        }
    }
}
