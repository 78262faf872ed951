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

/// Orders placed on the fake Lazada come back over real, signed HTTP: Lazada's one item per unit
/// is folded into lines, a push (checked with the app secret) or a pull fetches the order, and the
/// point's stock follows it once per state.
@Suite("Lazada orders")
struct LazadaOrderTests {
    /// The fake Lazada, and a shop on it whose listing is published.
    static func openShop(_ scene: MarketplaceScene) async throws -> (FakeLazada, OrderShop) {
        let lazada = try #require(scene.others[.lazada] as? FakeLazada)
        let (account, listing) = try await scene.publishedShop("Gian hàng Lazada", on: lazada)
        let itemID = try #require(try await scene.listing(listing)["external_id"] as? String)
        return (lazada, OrderShop(scene: scene, account: account, listing: listing, externalID: itemID))
    }

    static func webhookPath(_ shop: OrderShop) -> String { "/v1/marketplace-webhooks/lazada/\(shop.account)" }

    @Test("a pushed order holds, pays and sells once; a pulled one is cancelled and gives its units back", arguments: TestEngine.all)
    func pushedAndPulled(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine, others: [.lazada]) { scene in
            let (lazada, shop) = try await Self.openShop(scene)
            let (account, itemID, path) = (shop.account, shop.externalID, Self.webhookPath(shop))
            let accountAnswer = try await scene.client.send(.get, "/v1/marketplace-accounts", token: scene.admin)
            let shown = accountAnswer.items.first { $0["id"] as? Int == account }
            #expect(shown?["webhook_url"] as? String == "https://ocop.example" + path)

            func push(_ id: String) async throws -> HTTPResponse.Status {
                let (body, authorization) = lazada.push(id)
                return try await scene.client.execute(
                    uri: path, method: .post, headers: [.authorization: authorization, .contentType: "application/json"],
                    body: ByteBuffer(bytes: body)) { $0 }.status
            }
            let line = FakeLazada.Line(itemID: itemID, sellerSKU: MarketplaceScene.sku, quantity: 3, price: 245_000)
            lazada.placeOrder("300100", lines: [line])
            #expect(try await push("300100") == .ok)
            _ = try await shop.waitFor("300100", "held")
            #expect(try await shop.held() == 3)

            lazada.setStatus("300100", "pending")
            #expect(try await push("300100") == .ok)
            #expect(try await push("300100") == .ok)
            let sold = try await shop.waitFor("300100", "sold")
            try await shop.drainJobs()
            #expect(try await shop.held() == 0)
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 7)
            // Three units, one line.
            let lines = try #require(sold["lines"] as? [[String: Any]])
            #expect(lines.count == 1)
            #expect(lines.first?["quantity"] as? Int == 3)
            #expect(lines.first?["matched"] as? Bool == true)
            #expect(lines.first?["unit_price"] as? Int == 245_000)
            let ledger = try #require(sold["ledger"] as? [[String: Any]])
            #expect(ledger.map { $0["delta"] as? Int } == [-3])
            #expect(ledger.first?["reference"] as? String == "marketplace:lazada:\(account):300100")

            // A push signed with another secret is refused and queues nothing.
            let (body, _) = lazada.push("300100")
            let forged = LazadaSigner.pushSignature(appSecret: "not-the-secret", appKey: FakeLazada.appKey, body: body)
            let refused = try await scene.client.execute(
                uri: path, method: .post, headers: [.authorization: forged, .contentType: "application/json"],
                body: ByteBuffer(bytes: body)) { $0 }
            #expect(refused.status == .unauthorized)
            #expect(try await shop.count("SELECT COUNT(*) AS n FROM jobs WHERE status = 'pending'") == 0)

            // No push for the next one: the pull finds it, and again when every unit is cancelled.
            lazada.placeOrder("300200", lines: [FakeLazada.Line(itemID: itemID, sellerSKU: MarketplaceScene.sku, quantity: 2, price: 245_000)], status: "pending")
            scene.advance(seconds: 5)
            #expect(try await scene.client.send(.post, "/v1/marketplace-accounts/\(account)/pull", token: scene.admin).status == .accepted)
            _ = try await shop.waitFor("300200", "sold")
            try await shop.drainJobs()
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 5)
            lazada.setStatus("300200", "canceled")
            scene.advance(seconds: 5)
            #expect(try await scene.client.send(.post, "/v1/marketplace-accounts/\(account)/pull", token: scene.admin).status == .accepted)
            _ = try await shop.waitFor("300200", "restocked")
            try await shop.drainJobs()
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 7)
            try await scene.stock.expectBalancedLedger()
        }
    }

    @Test("units cancelled on their own stay on the shelf, or go back to it once; the rest of the order stays sold", arguments: TestEngine.all)
    func unitsCancelledOnTheirOwn(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine, others: [.lazada]) { scene in
            let (lazada, shop) = try await Self.openShop(scene)
            let (itemID, path) = (shop.externalID, Self.webhookPath(shop))
            func pushed(_ id: String) async throws {
                let (body, authorization) = lazada.push(id)
                let status = try await scene.client.execute(
                    uri: path, method: .post, headers: [.authorization: authorization, .contentType: "application/json"],
                    body: ByteBuffer(bytes: body)) { $0 }.status
                #expect(status == .ok)
                try await shop.drainJobs()
            }
            func shelf() async throws -> Int { try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) }
            let line = FakeLazada.Line(itemID: itemID, sellerSKU: MarketplaceScene.sku, quantity: 3, price: 245_000)

            // Paid: three units sold. Then the seller cancels one before it is packed.
            lazada.placeOrder("300300", lines: [line], status: "pending")
            try await pushed("300300")
            _ = try await shop.waitFor("300300", "sold")
            #expect(try await shelf() == 7)
            lazada.setStatus("300300", "canceled", units: 1)
            try await pushed("300300")
            try await pushed("300300")  // the same push again moves nothing
            var order = try await shop.waitFor("300300", "sold")
            #expect(try await shelf() == 8)
            #expect((order["lines"] as? [[String: Any]])?.first?["cancelled"] as? Int == 1)
            #expect((order["ledger"] as? [[String: Any]])?.map { $0["delta"] as? Int } == [-3, 1])
            #expect((order["history"] as? [[String: Any]])?.last?["note"] as? String
                == "cancelled before they left, back on the shelf: 1 × \(MarketplaceScene.sku)")
            // The point's staff see it on their console page.
            let pagePath = "/console/points/\(MarketplaceScene.point)/marketplace-orders"
            let (cookie, _) = try await ConsoleStockTests.signIn(scene.client, "staff-tq", page: pagePath)
            let page = String(buffer: try await scene.client.get(pagePath, headers: [.cookie: cookie]).body)
            #expect(page.contains("<li>3 × ") && page.contains("(1 đã huỷ, còn trên kệ)"))
            // The monthly report counts what the buyer kept: two of the three.
            func marketplaceRevenue() async throws -> Int? {
                let month = String(CalendarDate(inVietnamAt: scene.clock.now()).description.prefix(7))
                let report = try await scene.client.send(.get, "/v1/reports/monthly?month=\(month)", token: scene.admin).json
                let channels = try #require(report["sales_by_channel"] as? [[String: Any]])
                return channels.first { $0["key"] as? String == "marketplaces" }?["revenue"] as? Int
            }
            #expect(try await marketplaceRevenue() == 2 * 245_000)

            // The rest cancelled too: only the two still out come back.
            lazada.setStatus("300300", "canceled")
            try await pushed("300300")
            order = try await shop.waitFor("300300", "restocked")
            #expect(try await shelf() == 10)
            #expect((order["ledger"] as? [[String: Any]])?.map { $0["delta"] as? Int } == [-3, 1, 2])
            #expect((order["lines"] as? [[String: Any]])?.first?["cancelled"] as? Int == 3)
            #expect(try await marketplaceRevenue() == 0)

            // Cancelled while unpaid: the sale takes only the units still ordered.
            lazada.placeOrder("300400", lines: [line])
            try await pushed("300400")
            _ = try await shop.waitFor("300400", "held")
            lazada.setStatus("300400", "canceled", units: 2)
            try await pushed("300400")
            #expect(try await shop.held() == 1)  // the two cancelled units are free again at once
            lazada.setStatus("300400", "pending", first: 2)
            try await pushed("300400")
            order = try await shop.waitFor("300400", "sold")
            #expect(try await shop.held() == 0)
            #expect(try await shelf() == 9)
            #expect((order["ledger"] as? [[String: Any]])?.map { $0["delta"] as? Int } == [-1])
            #expect(try await marketplaceRevenue() == 245_000)

            // Every matched unit cancelled while unpaid, an unmatched one paid: the order holds and
            // sells nothing of the point's.
            let stranger = FakeLazada.Line(itemID: "2999999999", sellerSKU: "NOT-OURS", quantity: 1, price: 99_000)
            lazada.placeOrder("300500", lines: [FakeLazada.Line(itemID: itemID, sellerSKU: MarketplaceScene.sku, quantity: 2, price: 245_000), stranger])
            try await pushed("300500")
            _ = try await shop.waitFor("300500", "held")
            #expect(try await shop.held() == 2)
            lazada.setStatus("300500", "canceled", units: 2)
            try await pushed("300500")
            lazada.setStatus("300500", "pending", first: 2)
            try await pushed("300500")
            order = try await shop.waitFor("300500", "released")
            #expect(order["status"] as? String == "canceled+pending")
            #expect(try await shop.held() == 0)
            #expect(try await shelf() == 9)
            try await scene.stock.expectBalancedLedger()
        }
    }
}
