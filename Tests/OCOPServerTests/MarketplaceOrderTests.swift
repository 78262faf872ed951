import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MarketplaceFakes
import OCOPDomain
import OCOPMarketplaces
import OCOPServer
import OCOPStorage
import SQLKit
import Testing
import TestSupport

/// Orders placed on the fake Shopee come back: a signed push queues a fetch over real HTTP, the
/// fetched order moves the point's stock once per state, whatever order pushes arrive in.
@Suite("Marketplace orders")
struct MarketplaceOrderTests {
    @Test("a placed order holds, paying it sells once, a repeated push moves nothing", arguments: TestEngine.all)
    func placedThenPaid(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let shop = try await OrderShop.open(scene, stock: 10)
            scene.fake.placeOrder("SN-PAID", items: [shop.item(2, price: 240_000)])
            try await shop.push("SN-PAID")
            var order = try await shop.waitFor("SN-PAID", "held")
            #expect(try await shop.held() == 2)
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 10)

            scene.fake.setStatus("SN-PAID", "READY_TO_SHIP")
            try await shop.push("SN-PAID")
            try await shop.push("SN-PAID")
            order = try await shop.waitFor("SN-PAID", "sold")
            try await shop.drainJobs()

            #expect(try await shop.held() == 0)
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 8)
            #expect(order["status"] as? String == "READY_TO_SHIP")
            let lines = try #require(order["lines"] as? [[String: Any]])
            #expect(lines.count == 1)
            #expect(lines.first?["sku"] as? String == MarketplaceScene.sku)
            #expect(lines.first?["matched"] as? Bool == true)
            #expect(lines.first?["unit_price"] as? Int == 240_000)
            let ledger = try #require(order["ledger"] as? [[String: Any]])
            #expect(ledger.map { $0["delta"] as? Int } == [-2])
            #expect(ledger.first?["unit_price"] as? Int == 240_000)
            #expect(ledger.first?["reference"] as? String == "marketplace:shopee:\(shop.account):SN-PAID")
            let history = try #require(order["history"] as? [[String: Any]])
            #expect(history.compactMap { $0["stock_state"] as? String } == ["held", "sold"])
            #expect(try await shop.count("SELECT COUNT(*) AS n FROM sales WHERE channel = 'marketplace'") == 1)
            try await scene.stock.expectBalancedLedger()
        }
    }

    @Test("cancelled before shipping gives the units back; an older fetch never undoes a newer one", arguments: TestEngine.all)
    func cancelled(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let shop = try await OrderShop.open(scene, stock: 10)
            scene.fake.placeOrder("SN-BACK", items: [shop.item(3)], status: "READY_TO_SHIP")
            try await shop.push("SN-BACK")
            _ = try await shop.waitFor("SN-BACK", "sold")
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 7)
            scene.fake.setStatus("SN-BACK", "CANCELLED", logistics: "LOGISTICS_REQUEST_CANCELED")
            try await shop.push("SN-BACK")
            let order = try await shop.waitFor("SN-BACK", "restocked")
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 10)
            let ledger = try #require(order["ledger"] as? [[String: Any]])
            #expect(ledger.compactMap { $0["kind"] as? String } == ["sale", "return_in"])
            #expect(ledger.compactMap { $0["delta"] as? Int } == [-3, 3])

            // The platform's answers arrive out of order: CANCELLED (newer) before READY_TO_SHIP (older).
            let store = MarketplaceOrderStore(database: scene.database)
            let account = try #require(try await store.account(shop.account))
            let line = PlatformOrderLine(key: "\(shop.externalID):0", itemID: shop.externalID, sellerSKU: nil, quantity: 2, unitPrice: 250_000)
            let now = scene.clock.now()
            try await store.apply(
                PlatformOrder(externalID: "SN-LATE", status: "CANCELLED", state: .cancelled, updateTime: 2_000, lines: [line]),
                account: account, actor: "test", at: now)
            let late = try await store.apply(
                PlatformOrder(externalID: "SN-LATE", status: "READY_TO_SHIP", state: .sold, updateTime: 1_000, lines: [line]),
                account: account, actor: "test", at: now)
            #expect(late.stockState == "released")
            #expect(late.status == "CANCELLED")
            #expect(late.ledger.isEmpty)
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 10)

            // A return Shopee closes without goods back (TO_RETURN, then COMPLETED) is a sale again:
            // staff can no longer restock it.
            for (status, state, time) in [("SHIPPED", OrderStockState.sold, 10), ("TO_RETURN", .returnExpected, 20), ("COMPLETED", .sold, 30)] {
                try await store.apply(
                    PlatformOrder(externalID: "SN-KEPT", status: status, state: state, updateTime: Int64(time), lines: [line]),
                    account: account, actor: "test", at: now)
            }
            let kept = try await store.apply(
                PlatformOrder(externalID: "SN-KEPT", status: "COMPLETED", state: .sold, updateTime: 30, lines: [line]),
                account: account, actor: "test", at: now)
            #expect(kept.stockState == "sold")
            #expect(kept.history.map(\.stockState) == ["sold", "return_expected", "sold"])
            #expect(kept.ledger.map(\.delta) == [-2])
            let staff = scene.stock.staff(MarketplaceScene.point)
            #expect(try await scene.client.send(.post, "/v1/marketplace-orders/\(kept.id)/received", token: staff).status == .conflict)
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 8)

            // The monthly report leaves out the sale that was cancelled and restocked.
            let month = String(CalendarDate(inVietnamAt: scene.clock.now()).description.prefix(7))
            let report = try await scene.client.send(.get, "/v1/reports/monthly?month=\(month)", token: scene.admin).json
            let channels = try #require(report["sales_by_channel"] as? [[String: Any]])
            #expect(channels.first { $0["key"] as? String == "marketplaces" }?["revenue"] as? Int == 2 * 250_000)
            try await scene.stock.expectBalancedLedger()
        }
    }

    @Test("a push with a wrong or missing signature gets 401 and queues nothing", arguments: TestEngine.all)
    func badSignature(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let shop = try await OrderShop.open(scene, stock: 4)
            scene.fake.placeOrder("SN-FORGED", items: [shop.item(1)])
            let (body, _) = scene.fake.push("SN-FORGED", to: shop.callbackURL)
            let forged = String(repeating: "ab", count: 32)
            for authorization in [forged, nil] {
                var headers: HTTPFields = [.contentType: "application/json"]
                if let authorization { headers[.authorization] = authorization }
                let response = try await scene.client.execute(
                    uri: shop.path, method: .post, headers: headers, body: ByteBuffer(bytes: body)) { $0 }
                #expect(response.status == .unauthorized)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            // Signed for another URL (another account's): refused too.
            let (_, other) = scene.fake.push("SN-FORGED", to: shop.callbackURL + "0")
            let response = try await scene.client.execute(
                uri: shop.path, method: .post, headers: [.authorization: other], body: ByteBuffer(bytes: body)) { $0 }
            #expect(response.status == .unauthorized)
            // Signed, but about another shop of the same partner app: answered, and left to that shop's account.
            let foreign = Array(String(decoding: body, as: UTF8.self).replacingOccurrences(
                of: "\"shop_id\":\(FakeShopee.shopID)", with: "\"shop_id\":700000").utf8)
            let foreignSignature = ShopeeSigner.pushSignature(partnerKey: FakeShopee.partnerKey, callbackURL: shop.callbackURL, body: foreign)
            let answered = try await scene.client.execute(
                uri: shop.path, method: .post, headers: [.authorization: foreignSignature], body: ByteBuffer(bytes: foreign)) { $0 }
            #expect(answered.status == .ok)
            #expect(try await shop.count("SELECT COUNT(*) AS n FROM jobs") == 0)
            #expect(try await scene.client.send(.post, "/v1/marketplace-webhooks/lazada/\(shop.account)", token: nil).status == .notFound)
            #expect(try await scene.client.send(.post, "/v1/marketplace-webhooks/shopee/99999", token: nil).status == .notFound)
            #expect(try await shop.held() == 0)
        }
    }

    @Test("a line for an item no listing has is kept and shown as unmatched", arguments: TestEngine.all)
    func unmatched(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let shop = try await OrderShop.open(scene, stock: 5)
            scene.fake.placeOrder(
                "SN-MIXED", items: [shop.item(1), FakeShopeeOrder.Item(itemID: "123456789", sku: "NOT-OURS", quantity: 4, price: 90_000)])
            try await shop.push("SN-MIXED")
            let order = try await shop.waitFor("SN-MIXED", "held")
            let lines = try #require(order["lines"] as? [[String: Any]])
            #expect(lines.compactMap { $0["matched"] as? Bool } == [true, false])
            #expect(lines.last?["item_id"] as? String == "123456789")
            #expect(lines.last?["seller_sku"] as? String == "NOT-OURS")
            #expect(lines.last?["sku"] == nil)
            #expect(order["total"] as? Int == 250_000 + 4 * 90_000)
            // Only the matched line holds stock.
            #expect(try await shop.held() == 1)
        }
    }

    @Test("3 units, a counter sale of 2 and a Shopee order of 2 at once: one is refused or short, never below zero", arguments: TestEngine.all)
    func oversell(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let shop = try await OrderShop.open(scene, stock: 3)
            let store = MarketplaceOrderStore(database: scene.database)
            let account = try #require(try await store.account(shop.account))
            let line = PlatformOrderLine(key: "\(shop.externalID):0", itemID: shop.externalID, sellerSKU: nil, quantity: 2, unitPrice: 250_000)
            let order = PlatformOrder(externalID: "SN-RACE", status: "READY_TO_SHIP", state: .sold, updateTime: 100, lines: [line])
            let client = scene.client
            let staff = scene.stock.staff(MarketplaceScene.point)
            async let sale = client.send(
                .post, "/v1/points/\(MarketplaceScene.point)/sales", token: staff,
                json: #"{"payment_method":"cash","lines":[{"sku":"\#(MarketplaceScene.sku)","quantity":2}]}"#)
            async let applied = store.apply(order, account: account, actor: "test", at: scene.clock.now())
            let (saleStatus, record) = (try await sale.status, try await applied)
            if saleStatus == .created {
                #expect(record.stockState == "short")
                #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 1)
            } else {
                #expect(saleStatus == .conflict)
                #expect(record.stockState == "sold")
                #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 1)
            }
            // Either way the marketplace is told the one unit left.
            await scene.engine.runCycle()
            #expect(scene.fake.listing(id: shop.externalID)?.stock == 1)
            try await scene.stock.expectBalancedLedger()
        }
    }

    @Test("a return after delivery waits for staff; they restock it at their point only", arguments: TestEngine.all)
    func returned(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let shop = try await OrderShop.open(scene, stock: 6)
            scene.fake.placeOrder("SN-RETURN", items: [shop.item(2)], status: "SHIPPED")
            try await shop.push("SN-RETURN")
            _ = try await shop.waitFor("SN-RETURN", "sold")
            scene.fake.setStatus("SN-RETURN", "TO_RETURN")
            try await shop.push("SN-RETURN")
            let order = try await shop.waitFor("SN-RETURN", "return_expected")
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 4)
            let id = try #require(order["id"] as? Int)

            // Another point's staff do not see it; the programme office and the point's staff do.
            let hanoi = scene.stock.staff(StockScene.hanoi)
            #expect(try await scene.client.send(.get, "/v1/marketplace-orders/\(id)", token: hanoi).status == .notFound)
            #expect(try await scene.client.send(.post, "/v1/marketplace-orders/\(id)/received", token: hanoi).status == .notFound)
            let listed = try await scene.client.send(.get, "/v1/marketplace-orders", token: hanoi).json
            #expect((listed["items"] as? [Any])?.isEmpty == true)

            // The point's staff see it on their console page and press the button when the parcel is back.
            let pagePath = "/console/points/\(MarketplaceScene.point)/marketplace-orders"
            let (cookie, csrf) = try await ConsoleStockTests.signIn(scene.client, "staff-tq", page: pagePath)
            let before = String(buffer: try await scene.client.get(pagePath, headers: [.cookie: cookie]).body)
            #expect(before.contains(#"<tr data-order="SN-RETURN" data-state="return_expected">"#))
            #expect(before.contains("Chờ hàng hoàn về") && before.contains("\(pagePath)/\(id)/received"))
            let pressed = try await ConsoleTests.post(scene.client, "\(pagePath)/\(id)/received", cookie: cookie, "csrf=\(csrf)")
            #expect(pressed.status == .seeOther)
            #expect(pressed.headers[.location] == "\(pagePath)?received=\(id)")
            let after = String(buffer: try await scene.client.get(pagePath + "?received=\(id)", headers: [.cookie: cookie]).body)
            #expect(after.contains(#"data-state="restocked""#) && after.contains("Đã nhập lại kho"))
            #expect(!after.contains("\(pagePath)/\(id)/received"))
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 6)
            // Another point's page does not take this order.
            let otherPage = "/console/points/\(StockScene.hanoi)/marketplace-orders/\(id)/received"
            #expect(try await ConsoleTests.post(scene.client, otherPage, cookie: cookie, "csrf=\(csrf)").status == .forbidden)
            let staff = scene.stock.staff(MarketplaceScene.point)
            #expect(try await scene.client.send(.post, "/v1/marketplace-orders/\(id)/received", token: staff).status == .conflict)
            let filtered = try await scene.client.send(.get, "/v1/marketplace-orders?status=restocked&from=2000-01-01", token: staff).json
            #expect((filtered["items"] as? [[String: Any]])?.compactMap { $0["external_id"] as? String } == ["SN-RETURN"])
            #expect(try await scene.client.send(.get, "/v1/marketplace-orders?from=yesterday", token: staff).status == .badRequest)
            try await scene.stock.expectBalancedLedger()
        }
    }

    @Test("staff record a Facebook order by hand: stock moves and the report counts it with the marketplaces", arguments: TestEngine.all)
    func facebookOrder(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(5)
            let staff = scene.stock.staff(MarketplaceScene.point)
            let path = "/v1/points/\(MarketplaceScene.point)/sales"
            let sale = try await scene.client.send(
                .post, path, token: staff,
                json: #"{"payment_method":"cash_on_delivery","channel":"facebook","lines":[{"sku":"\#(MarketplaceScene.sku)","quantity":2}]}"#)
            #expect(sale.status == .created, "\(String(buffer: sale.body))")
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 3)
            let refused = try await scene.client.send(
                .post, path, token: staff,
                json: #"{"payment_method":"cash","channel":"shopee","lines":[{"sku":"\#(MarketplaceScene.sku)","quantity":1}]}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains(#""field":"channel""#))
            #expect(try await scene.stock.quantity(MarketplaceScene.point, MarketplaceScene.sku) == 3)
            let month = String(CalendarDate(inVietnamAt: scene.clock.now()).description.prefix(7))
            let report = try await scene.client.send(.get, "/v1/reports/monthly?month=\(month)", token: scene.admin).json
            let channels = try #require(report["sales_by_channel"] as? [[String: Any]])
            #expect(channels.first { $0["key"] as? String == "marketplaces" }?["revenue"] as? Int == 2 * 250_000)
            #expect(channels.first { $0["key"] as? String == "counter" }?["sales_count"] as? Int == 0)
        }
    }
}

extension MarketplaceScene {
    /// Ten units at the point, an account named `name` on `platform` and a listing of them,
    /// published: where the other platforms' order tests start.
    func publishedShop(_ name: String, on platform: any MarketplaceFake) async throws -> (account: Int, listing: Int) {
        try await receive(10)
        let account = try await createAccount(name: name, on: platform)
        let listing = try await createListing(account: account)
        await engine.runCycle()
        return (account, listing)
    }
}

/// A published listing of CAM-5KG on the fake Shopee, and the steps of an order's life.
struct OrderShop {
    let scene: MarketplaceScene
    let account: Int
    let listing: Int
    let externalID: String

    static func open(_ scene: MarketplaceScene, stock: Int) async throws -> OrderShop {
        try await scene.receive(stock)
        let account = try await scene.createAccount()
        let listing = try await scene.createListing(account: account)
        await scene.engine.runCycle()
        let externalID = try #require(try await scene.listing(listing)["external_id"] as? String)
        return OrderShop(scene: scene, account: account, listing: listing, externalID: externalID)
    }

    var path: String { "/v1/marketplace-webhooks/shopee/\(account)" }
    /// What the seller registers with Shopee: the public URL and the path.
    var callbackURL: String { scene.configuration.publicBaseURL + path }

    func item(_ quantity: Int, price: Int = 250_000) -> FakeShopeeOrder.Item {
        FakeShopeeOrder.Item(itemID: externalID, sku: MarketplaceScene.sku, quantity: quantity, price: price)
    }

    /// Shopee pushes the order's change, signed, and is answered 200 with an empty body.
    func push(_ sn: String) async throws {
        let (body, authorization) = scene.fake.push(sn, to: callbackURL)
        let response = try await scene.client.execute(
            uri: path, method: .post, headers: [.authorization: authorization, .contentType: "application/json"],
            body: ByteBuffer(bytes: body)) { $0 }
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        #expect(response.body.readableBytes == 0)
    }

    /// The order as the API shows it once the worker has brought it to `state`.
    func waitFor(_ sn: String, _ state: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(60)
        var last: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            let page = try await scene.client.send(.get, "/v1/marketplace-orders?account=\(account)", token: scene.admin).json
            if let found = (page["items"] as? [[String: Any]])?.first(where: { $0["external_id"] as? String == sn }) {
                last = found
                if found["stock_state"] as? String == state {
                    let id = try #require(found["id"] as? Int)
                    return try await scene.client.send(.get, "/v1/marketplace-orders/\(id)", token: scene.admin).json
                }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("order \(sn) never reached \(state): \(last)", sourceLocation: sourceLocation)
        return last
    }

    /// Waits until no order fetch is left queued or running.
    func drainJobs() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if try await count("SELECT COUNT(*) AS n FROM jobs WHERE status IN ('pending', 'running')") == 0 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        let left = try await scene.database.read { sql in
            try await sql.raw("SELECT kind, status, attempts, run_after, last_error FROM jobs WHERE status IN ('pending', 'running')")
                .all().map { row in
                    [
                        try row.decode(column: "kind", as: String.self), try row.decode(column: "status", as: String.self),
                        String(try row.decode(column: "attempts", as: Int.self)),
                        try row.decode(column: "run_after", as: String.self),
                        try row.decode(column: "last_error", as: String?.self) ?? "",
                    ].joined(separator: " ")
                }
        }
        Issue.record("jobs still queued at \(ISOTimestamp.string(scene.clock.now())): \(left)")
    }

    /// Units of CAM-5KG held at the point now.
    func held() async throws -> Int {
        let now = scene.clock.now()
        return try await scene.database.read { sql in
            try await StockHolds.heldBySKU(point: MarketplaceScene.point, at: now, sql)[MarketplaceScene.sku] ?? 0
        }
    }

    func count(_ query: String) async throws -> Int {
        try await scene.database.read { sql in
            try await sql.raw(SQLQueryString(query)).first()?.decode(column: "n", as: Int.self) ?? -1
        }
    }
}
