import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces
@testable import OCOPServer
import OCOPStorage
import Testing
import TestSupport

/// Orders placed on the fake Tiki come back by the pull (Tiki pushes nothing): accepted ones hold,
/// packed ones sell, a cancel before handover gives the units back, and items in Tiki's own
/// warehouses never touch the point.
@Suite("Tiki orders")
struct TikiOrderTests {
    @Test("pulled orders hold, sell and come back; orders not accepted or kept by Tiki move nothing", arguments: TestEngine.all)
    func pulled(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine, others: [.tiki]) { scene in
            let tiki = try #require(scene.others[.tiki] as? FakeTiki)
            let (account, listing) = try await scene.publishedShop("Gian hàng Tiki", on: tiki)
            let shop = OrderShop(scene: scene, account: account, listing: listing, externalID: "")
            func pull() async throws {
                scene.advance(seconds: 5)
                let answer = try await scene.client.send(.post, "/v1/marketplace-accounts/\(account)/pull", token: scene.admin)
                #expect(answer.status == .accepted, "\(String(buffer: answer.body))")
                try await shop.drainJobs()
            }
            // Tiki pushes nothing: the account shows no webhook URL.
            let accounts = try await scene.client.send(.get, "/v1/marketplace-accounts", token: scene.admin)
            #expect(accounts.items.first { $0["id"] as? Int == account }?["webhook_url"] == nil)

            tiki.placeOrder("510916693", productID: "271234", sellerSKU: MarketplaceScene.sku, quantity: 2, price: 248_000)
            tiki.placeOrder("510916700", productID: "271234", sellerSKU: MarketplaceScene.sku, quantity: 4, price: 248_000, status: "waiting_payment")
            tiki.placeOrder("510916701", productID: "271234", sellerSKU: MarketplaceScene.sku, quantity: 1, price: 248_000, status: "picking", inventoryType: "instock")
            try await pull()
            let held = try await shop.waitFor("510916693", "held")
            #expect((held["lines"] as? [[String: Any]])?.first?["matched"] as? Bool == true)
            #expect(try await shop.held() == 2)
            // The unpaid one and the one Tiki ships from its own warehouse moved nothing.
            #expect(try await shop.count("SELECT COUNT(*) AS n FROM marketplace_orders WHERE stock_state <> 'none'") == 1)
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 10)

            tiki.setStatus("510916693", "packaging")
            try await pull()
            _ = try await shop.waitFor("510916693", "sold")
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 8)
            #expect(try await shop.held() == 0)

            tiki.setStatus("510916693", "canceled")
            try await pull()
            _ = try await shop.waitFor("510916693", "restocked")
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 10)

            // Cancelled after the parcel was handed over (the history says so): it waits for staff.
            tiki.placeOrder("510916800", productID: "271234", sellerSKU: MarketplaceScene.sku, quantity: 1, price: 248_000, status: "picking")
            tiki.setStatus("510916800", "handover_to_partner")
            try await pull()
            _ = try await shop.waitFor("510916800", "sold")
            tiki.setStatus("510916800", "canceled")
            try await pull()
            _ = try await shop.waitFor("510916800", "return_expected")
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 9)
            try await scene.stock.expectBalancedLedger()
        }
    }

    @Test("the event queue brings in what the order list misses, acknowledged only once its orders are applied", arguments: TestEngine.all)
    func queue(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine, others: [.tiki]) { scene in
            let tiki = try #require(scene.others[.tiki] as? FakeTiki)
            let (account, _) = try await scene.publishedShop("Gian hàng Tiki", on: tiki)
            let shop = OrderShop(scene: scene, account: account, listing: 0, externalID: "")
            let importer = shop.importer()
            tiki.hideOrdersFromTheList(true)
            for n in 0..<4 {
                tiki.placeOrder("5109170\(n)", productID: "271234", sellerSKU: MarketplaceScene.sku, quantity: 1, price: 248_000)
            }
            tiki.setStatus("51091700", "packaging")
            #expect(tiki.queuedEvents == 5)
            scene.advance(seconds: 5)

            // Two batches (3 events, then 2), then an empty answer that acknowledges the second.
            #expect(try await importer.pull(account: account) == 4)
            #expect(try await shop.held() == 3)
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 9)
            #expect(tiki.queuedEvents == 0)
            #expect(tiki.requestPaths.filter { $0.hasSuffix("/events/pull") }.count == 3)

            // A batch whose answer is lost is not acknowledged: that pull finds nothing (the list
            // hides the order) and says the queue failed; the next one gets the batch again and
            // applies it once.
            tiki.placeOrder("51091710", productID: "271234", sellerSKU: MarketplaceScene.sku, quantity: 2, price: 248_000)
            tiki.loseAnswer(to: "/integration/v1/queues/\(FakeTiki.queueCode)/events/pull")
            scene.advance(seconds: 5)
            #expect(try await importer.pull(account: account) == 0)
            let schedule = try await MarketplaceOrderPulls(database: scene.database).schedule(account: account, at: scene.clock.now())
            #expect(schedule.lastError?.contains("event queue") == true)
            #expect(try await shop.held() == 3)
            #expect(tiki.queuedEvents == 1)
            scene.advance(seconds: 5)
            #expect(try await importer.pull(account: account) == 1)
            #expect(try await shop.held() == 5)
            #expect(tiki.queuedEvents == 0)
            // Read again: nothing new, nothing moves twice.
            #expect(try await importer.pull(account: account) == 0)
            #expect(try await shop.held() == 5)
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 9)
        }
    }

    @Test("a queue Tiki does not know leaves the order list to do the work, and the pull says so", arguments: TestEngine.all)
    func unknownQueue(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine, others: [.tiki]) { scene in
            let tiki = try #require(scene.others[.tiki] as? FakeTiki)
            try await scene.receive(10)
            var credentials = tiki.credentials.values
            credentials["queue_code"] = "a-queue-since-deleted"
            let account = try await scene.createAccount(name: "Gian hàng Tiki", credentials: credentials, on: tiki)
            // A code that cannot be a Tiki queue code is refused when the account is created.
            credentials["queue_code"] = "../../admin"
            let refused = try await scene.client.send(
                .post, "/v1/marketplace-accounts", token: scene.admin,
                json: scene.accountJSON(name: "Gian hàng Tiki 2", credentials: credentials, on: tiki))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.problemFields == ["credentials.queue_code"])
            _ = try await scene.createListing(account: account)
            await scene.engine.runCycle()
            let shop = OrderShop(scene: scene, account: account, listing: 0, externalID: "")
            tiki.placeOrder("51091800", productID: "271234", sellerSKU: MarketplaceScene.sku, quantity: 2, price: 248_000)
            scene.advance(seconds: 5)
            _ = try await MarketplaceOrderPulls(database: scene.database).start(account: account, at: scene.clock.now())

            #expect(try await shop.importer().pull(account: account) == 1)
            #expect(try await shop.held() == 2)
            let schedule = try await scene.client.send(.get, "/v1/marketplace-accounts/\(account)/pull-schedule", token: scene.admin)
            #expect((schedule.json["last_error"] as? String)?.contains("event queue") == true, "\(String(buffer: schedule.body))")
        }
    }
}
