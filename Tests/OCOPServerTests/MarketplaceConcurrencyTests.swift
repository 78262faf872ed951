import Foundation
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces
import OCOPServer
import OCOPStorage
import Testing
import TestSupport

/// Several workers on one database: leases keep every change to one push, and a single-use
/// refresh token is spent once.
@Suite("Marketplace workers racing")
struct MarketplaceConcurrencyTests {
    /// Publishable products whose groups the test account maps.
    static let products = [
        "cam-sanh-hop-5kg", "tra-shan-tuyet-dac-biet", "gom-men-lam", "sap-het-han", "san-pham-thu-6",
        "san-pham-thu-12", "san-pham-thu-18", "san-pham-thu-24",
    ]

    @Test("two workers draining together push each listing exactly once", arguments: TestEngine.all)
    func noDoublePush(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let account = try await scene.createAccount()
            var ids: [Int] = []
            for product in Self.products { ids.append(try await scene.createListing(account: account, product: product)) }
            let a = try scene.otherNode("node-a")
            let b = try scene.otherNode("node-b")
            async let first: Void = a.runCycle()
            async let second: Void = b.runCycle()
            _ = await (first, second)

            #expect(scene.requests(to: "/api/v2/product/add_item") == Self.products.count)
            #expect(scene.fake.listings.count == Self.products.count)
            #expect(Set(scene.fake.listings.map(\.id)).count == Self.products.count)
            for id in ids { #expect(try await scene.listing(id)["status"] as? String == "published") }
        }
    }

    @Test("two workers meeting an expired token refresh it once", arguments: TestEngine.all)
    func singleRefresh(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(5)
            try await scene.receive(5, sku: "TRA-DB")
            let account = try await scene.createAccount()
            let cam = try await scene.createListing(account: account)
            let tea = try await scene.createListing(account: account, product: "tra-shan-tuyet-dac-biet")
            await scene.engine.runCycle()
            scene.fake.expireAccessToken()
            try await scene.sell(1)
            try await scene.sell(2, sku: "TRA-DB")
            let a = try scene.otherNode("node-a")
            let b = try scene.otherNode("node-b")
            async let first: Void = a.runCycle()
            async let second: Void = b.runCycle()
            _ = await (first, second)

            #expect(scene.requests(to: "/api/v2/auth/access_token/get") == 1)
            let camID = try #require(try await scene.listing(cam)["external_id"] as? String)
            let teaID = try #require(try await scene.listing(tea)["external_id"] as? String)
            #expect(scene.fake.listing(id: camID)?.stock == 4)
            #expect(scene.fake.listing(id: teaID)?.stock == 3)
            #expect(try await scene.listing(cam)["status"] as? String == "published")
            #expect(try await scene.listing(tea)["status"] as? String == "published")
        }
    }
}
