import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces
@testable import OCOPServer
import OCOPStorage
import SQLKit
import Testing
import TestSupport

/// The pull that catches what pushes missed: orders changed since the account's watermark, window
/// by window (Shopee answers at most 15 days a call) and page by page, each imported once.
@Suite("Marketplace order pulls")
struct MarketplaceOrderPullTests {
    @Test("60 orders across two pages and a window boundary are each imported once, and again nothing changes", arguments: TestEngine.all)
    func pagesAndWindows(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let shop = try await OrderShop.open(scene, stock: 100)
            // The last pull was 20 days ago: the next one spans two of Shopee's 15-day windows.
            let now = scene.clock.now().unixMilliseconds / 1000
            let watermark = now - 20 * 86_400
            let pulls = MarketplaceOrderPulls(database: scene.database)
            _ = try await pulls.start(account: shop.account, at: scene.clock.now())
            try await shop.execute("UPDATE marketplace_order_pulls SET watermark = \(watermark) WHERE account_id = \(shop.account)")
            let edge = watermark - MarketplaceOrderPulls.overlapSeconds + 15 * 86_400
            for index in 0..<54 {
                scene.fake.placeOrder("SN-OLD-\(index)", items: [shop.item(1)], updateTime: watermark + Int64(index) * 3_600)
            }
            scene.fake.placeOrder("SN-EDGE", items: [shop.item(1)], updateTime: edge)
            for index in 0..<5 { scene.fake.placeOrder("SN-NEW-\(index)", items: [shop.item(1)]) }
            // The fake's update times run a second apart from now: the pull begins after them.
            scene.advance(seconds: 10)

            let response = try await scene.client.send(.post, "/v1/marketplace-accounts/\(shop.account)/pull", token: scene.admin)
            #expect(response.status == .accepted, "\(String(buffer: response.body))")
            try await shop.drainJobs()

            #expect(try await shop.count("SELECT COUNT(*) AS n FROM marketplace_orders WHERE stock_state = 'held'") == 60)
            #expect(try await shop.count("SELECT COUNT(*) AS n FROM marketplace_order_events") == 60)
            #expect(try await shop.held() == 60)
            // Window one took two pages; window two one; the details came 50 at a time.
            #expect(scene.requests(to: "/get_order_list") == 3)
            #expect(scene.requests(to: "/get_order_detail") == 2)
            #expect(try await shop.count("SELECT watermark AS n FROM marketplace_order_pulls WHERE account_id = \(shop.account)") == Int(now) + 10)

            // The next pull overlaps the last ten minutes: it sees the five new orders again and changes nothing.
            #expect(try await shop.importer().pull(account: shop.account) == 5)
            #expect(try await shop.count("SELECT COUNT(*) AS n FROM marketplace_orders") == 60)
            #expect(try await shop.count("SELECT COUNT(*) AS n FROM marketplace_order_events") == 60)
            #expect(try await shop.held() == 60)
            // A producer who does not own the account cannot pull it.
            let other = try await scene.harness.staffToken(username: "other-producer", role: .producer, scopes: ["htx-dong-xanh"])
            #expect(try await scene.client.send(.post, "/v1/marketplace-accounts/\(shop.account)/pull", token: other).status == .notFound)
            #expect(try await scene.client.send(.post, "/v1/marketplace-accounts/\(shop.account)/pull", token: nil).status == .unauthorized)
        }
    }

    @Test("an order the platform answers that cannot be read is set aside, and the others come in", arguments: TestEngine.all)
    func unreadableOrderAlone(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let shop = try await OrderShop.open(scene, stock: 100)
            _ = try await MarketplaceOrderPulls(database: scene.database).start(account: shop.account, at: scene.clock.now())
            for sn in ["SN-GOOD-1", "SN-GOOD-2", "SN-GOOD-3"] { scene.fake.placeOrder(sn, items: [shop.item(1)]) }
            // A line of quantity 0: not an answer Shopee gives, so not one to move stock by.
            scene.fake.placeOrder("SN-ODD", items: [shop.item(0)])
            scene.advance(seconds: 10)

            #expect(try await shop.importer().pull(account: shop.account) == 4)
            #expect(try await shop.count("SELECT COUNT(*) AS n FROM marketplace_orders") == 3)
            #expect(try await shop.held() == 3)
            // The pull is complete (its watermark moved) and the odd order has a job of its own,
            // retried and then dead-lettered on the office's job page.
            let now = scene.clock.now().unixMilliseconds / 1000
            #expect(try await shop.count("SELECT watermark AS n FROM marketplace_order_pulls WHERE account_id = \(shop.account)") == Int(now))
            #expect(
                try await shop.count(
                    "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'marketplace_order' AND payload LIKE '%SN-ODD%' AND payload NOT LIKE '%SN-GOOD%'"
                ) == 1)
        }
    }

    @Test("an account's pull interval is a setting the scheduler follows")
    func pullInterval() async throws {
        try await MarketplaceScene.run(.sqlite) { scene in
            let shop = try await OrderShop.open(scene, stock: 10)
            let path = "/v1/marketplace-accounts/\(shop.account)/pull-schedule"
            let before = try await scene.client.send(.get, path, token: scene.admin)
            #expect(before.json["interval_seconds"] as? Int == 300)
            for bad in ["59", "86401", "-1", "99999999999999999999"] {
                let refused = try await scene.client.send(.put, path, token: scene.admin, json: #"{"interval_seconds":\#(bad)}"#)
                #expect(refused.problemFields == ["interval_seconds"], "\(bad): \(String(buffer: refused.body))")
            }
            let set = try await scene.client.send(.put, path, token: scene.admin, json: #"{"interval_seconds":3600}"#)
            #expect(set.status == .ok, "\(String(buffer: set.body))")
            #expect(set.json["interval_seconds"] as? Int == 3600)
            let pulls = MarketplaceOrderPulls(database: scene.database)
            // Not due for an hour; then due once, and not again until the next hour.
            scene.advance(seconds: 3_599)
            #expect(try await pulls.enqueueDue(marketplaces: ["shopee"], at: scene.clock.now()).isEmpty)
            scene.advance(seconds: 1)
            #expect(try await pulls.enqueueDue(marketplaces: ["shopee"], at: scene.clock.now()) == [shop.account])
            scene.advance(seconds: 1_800)
            #expect(try await pulls.enqueueDue(marketplaces: ["shopee"], at: scene.clock.now()).isEmpty)
            let other = try await scene.harness.staffToken(username: "other-producer", role: .producer, scopes: ["htx-dong-xanh"])
            #expect(try await scene.client.send(.put, path, token: other, json: #"{"interval_seconds":60}"#).status == .notFound)
        }
    }

    @Test("two nodes pulling one account at once import each order once", arguments: TestEngine.all)
    func twoNodes(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let shop = try await OrderShop.open(scene, stock: 30)
            for index in 0..<20 { scene.fake.placeOrder("SN-RACE-\(index)", items: [shop.item(1)], status: "READY_TO_SHIP") }
            scene.advance(seconds: 30)
            let first = shop.importer(node: "node-a")
            let second = shop.importer(node: "node-b")
            async let a = first.pull(account: shop.account)
            async let b = second.pull(account: shop.account)
            #expect(try await (a, b) == (20, 20))
            #expect(try await shop.count("SELECT COUNT(*) AS n FROM marketplace_orders WHERE stock_state = 'sold'") == 20)
            #expect(try await shop.count("SELECT COUNT(*) AS n FROM sales WHERE channel = 'marketplace'") == 20)
            #expect(try await shop.count("SELECT COUNT(*) AS n FROM stock_ledger WHERE kind = 'sale'") == 20)
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 10)
            try await scene.stock.expectBalancedLedger()
            // The monthly report counts them under marketplaces, as the sale rows say.
            let month = String(CalendarDate(inVietnamAt: scene.clock.now()).description.prefix(7))
            let report = try await scene.client.send(.get, "/v1/reports/monthly?month=\(month)", token: scene.admin).json
            let channels = try #require(report["sales_by_channel"] as? [[String: Any]])
            let marketplaces = channels.first { $0["key"] as? String == "marketplaces" }
            #expect(marketplaces?["sales_count"] as? Int == 20)
            #expect(marketplaces?["revenue"] as? Int == 20 * 250_000)
        }
    }
}

extension OrderShop {
    /// The order import as another node's worker runs it, on the same database and fake.
    func importer(node: String = "test-node") -> MarketplaceOrderImport {
        MarketplaceOrderImport(
            database: scene.database, box: scene.dependencies.marketplaceSecrets, transport: scene.dependencies.transport,
            clock: scene.clock, settings: scene.dependencies.marketplaceSync, logger: Logger(label: node))
    }

    func execute(_ statement: String) async throws {
        try await scene.database.transaction { sql in try await sql.raw(SQLQueryString(statement)).run() }
    }
}
