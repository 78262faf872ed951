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

/// Orders placed on the fake TikTok Shop come back over real, signed HTTP: a webhook (type 1)
/// or a pull fetches the order, its line items (one per unit) fold into lines, and the point's
/// stock follows it once per state.
@Suite("TikTok Shop orders")
struct TikTokShopOrderTests {
    @Test("a webhook's order holds then sells; a pulled one cancelled before collection gives its units back", arguments: TestEngine.all)
    func webhookAndPull(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine, others: [.tiktokShop]) { scene in
            let tiktok = try #require(scene.others[.tiktokShop] as? FakeTikTokShop)
            let (account, listing) = try await scene.publishedShop("Gian hàng TikTok", on: tiktok)
            let productID = try #require(try await scene.listing(listing)["external_id"] as? String)
            let shop = OrderShop(scene: scene, account: account, listing: listing, externalID: productID)
            let path = "/v1/marketplace-webhooks/tiktok_shop/\(account)"

            func push(_ id: String, authorization: String? = nil) async throws -> TestResponse {
                let (body, signed) = tiktok.push(id)
                return try await scene.client.execute(
                    uri: path, method: .post, headers: [.authorization: authorization ?? signed, .contentType: "application/json"],
                    body: ByteBuffer(bytes: body)) { $0 }
            }
            tiktok.placeOrder("576461413038785752", productID: productID, sellerSKU: MarketplaceScene.sku, quantity: 2, price: 239_000)
            let answered = try await push("576461413038785752")
            #expect(answered.status == .ok)
            #expect(answered.body.readableBytes == 0)
            _ = try await shop.waitFor("576461413038785752", "held")
            #expect(try await shop.held() == 2)
            tiktok.setStatus("576461413038785752", "AWAITING_SHIPMENT")
            #expect(try await push("576461413038785752").status == .ok)
            let sold = try await shop.waitFor("576461413038785752", "sold")
            try await shop.drainJobs()
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 8)
            let lines = try #require(sold["lines"] as? [[String: Any]])
            #expect(lines.map { $0["quantity"] as? Int } == [2])
            #expect(lines.first?["unit_price"] as? Int == 239_000)
            #expect(try await push("576461413038785752", authorization: "0" + String(repeating: "f", count: 63)).status == .unauthorized)

            // Missed webhook: the pull finds it; cancelled before collection, the units come back.
            tiktok.placeOrder("576461413038785999", productID: productID, sellerSKU: MarketplaceScene.sku, quantity: 3, price: 239_000, status: "AWAITING_SHIPMENT")
            scene.advance(seconds: 5)
            #expect(try await scene.client.send(.post, "/v1/marketplace-accounts/\(account)/pull", token: scene.admin).status == .accepted)
            _ = try await shop.waitFor("576461413038785999", "sold")
            try await shop.drainJobs()
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 5)
            tiktok.setStatus("576461413038785999", "CANCELLED")
            #expect(try await push("576461413038785999").status == .ok)
            _ = try await shop.waitFor("576461413038785999", "restocked")
            try await shop.drainJobs()
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 8)

            // One line item of a sold order cancelled on its own: that unit alone comes back.
            tiktok.cancelUnits("576461413038785752", 1)
            #expect(try await push("576461413038785752").status == .ok)
            try await shop.drainJobs()
            let partly = try await shop.waitFor("576461413038785752", "sold")
            #expect((partly["lines"] as? [[String: Any]])?.first?["cancelled"] as? Int == 1)
            #expect((partly["ledger"] as? [[String: Any]])?.map { $0["delta"] as? Int } == [-2, 1])
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 9)
            try await scene.stock.expectBalancedLedger()
        }
    }
}
