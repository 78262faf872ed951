import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MarketplaceFakes
import OCOPMarketplaces
import OCOPDomain
import OCOPServer
import OCOPStorage
import Testing
import TestSupport

/// The sync engine end to end: API → outbox → engine cycle → the fake Shopee over real HTTP
/// (libcurl), on both engines.
@Suite("Marketplace sync")
struct MarketplaceSyncTests {
    @Test("a new listing is published on the fake with the catalog's title, price, story and stock", arguments: TestEngine.all)
    func publishes(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(20)
            let account = try await scene.createAccount(ratio: "0.8", buffer: 1)
            let id = try await scene.createListing(account: account)
            #expect(try await scene.listing(id)["status"] as? String == "pending")
            #expect(try await scene.outbox(id) == ["publish"])

            await scene.engine.runCycle()

            let listing = try await scene.listing(id)
            #expect(listing["status"] as? String == "published")
            let externalID = try #require(listing["external_id"] as? String)
            #expect(listing["external_url"] as? String == "https://shopee.vn/product/\(FakeShopee.shopID)/\(externalID)")
            #expect(listing["pushed_price"] as? Int == 250_000)
            #expect(listing["pushed_stock"] as? Int == 15)  // floor(20 × 0.8) − 1
            #expect(try await scene.outbox(id).isEmpty)
            let item = try #require(scene.fake.listing(id: externalID))
            #expect(item.title == "Cam sành hộp 5kg")
            #expect(item.priceVND == 250_000)
            #expect(item.stock == 15)
            #expect(item.sku == MarketplaceScene.sku)
            #expect(item.categoryID == "100629")
            #expect(item.imageCount == 1)
            #expect(item.description.hasPrefix(#"Cam "sành" trồng trên đất đồi, vị ngọt\chua đặc biệt của vùng cao."#))
            #expect(item.description.hasSuffix("Sản phẩm OCOP 4 sao, giấy chứng nhận số 02/GCN, hiệu lực đến 17/12/2027."))

            // The product page links to it.
            let page = try await scene.client.get("/v1/products/\(MarketplaceScene.product)").json
            let links = try #require(page["listings"] as? [[String: Any]])
            #expect(links.count == 1)
            #expect(links.first?["marketplace"] as? String == "shopee")
            #expect(links.first?["url"] as? String == listing["external_url"] as? String)

            // Another cycle pushes nothing more.
            let requests = scene.fake.requestCount
            await scene.engine.runCycle()
            #expect(scene.fake.requestCount == requests)
        }
    }

    @Test("a price change applied by a catalog import is pushed", arguments: TestEngine.all)
    func priceChange(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(5)
            let id = try await scene.createListing(account: try await scene.createAccount())
            await scene.engine.runCycle()
            let externalID = try #require(try await scene.listing(id)["external_id"] as? String)

            let file = scene.harness.stack.fixture.catalog.appendingPathComponent("products/cam-sanh-hop-5kg.yaml")
            let yaml = try String(contentsOf: file, encoding: .utf8)
            try yaml.replacingOccurrences(of: "price: 250000", with: "price: 275000").write(
                to: file, atomically: true, encoding: .utf8)
            guard case .imported = try await scene.harness.stack.importCatalog() else {
                Issue.record("the changed catalog did not import")
                return
            }
            #expect(try await scene.outbox(id) == ["publish"])
            // An import that changes nothing queues nothing.
            _ = try await scene.harness.stack.importCatalog()

            await scene.engine.runCycle()
            #expect(scene.fake.listing(id: externalID)?.priceVND == 275_000)
            #expect(try await scene.listing(id)["pushed_price"] as? Int == 275_000)
            #expect(scene.fake.listings.count == 1)
        }
    }

    @Test("a product removed from the catalog files is delisted by the import's own transaction", arguments: TestEngine.all)
    func withdrawal(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let id = try await scene.createListing(account: try await scene.createAccount())
            await scene.engine.runCycle()
            let externalID = try #require(try await scene.listing(id)["external_id"] as? String)
            try FileManager.default.removeItem(
                at: scene.harness.stack.fixture.catalog.appendingPathComponent("products/cam-sanh-hop-5kg.yaml"))
            guard case .imported = try await scene.harness.stack.importCatalog() else {
                Issue.record("the catalog without the product did not import")
                return
            }
            let waiting = try await scene.listing(id)
            #expect(waiting["delist_reason"] as? String == "the product was withdrawn from the catalog")
            #expect(waiting["pending_pushes"] as? [String] == ["delist"])
            await scene.engine.runCycle()
            #expect(scene.fake.listing(id: externalID)?.isOnSale == false)
            #expect(try await scene.listing(id)["status"] as? String == "delisted")
        }
    }

    @Test("ten quick sales become one stock push of the latest figure", arguments: TestEngine.all)
    func salesCoalesce(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(20)
            let id = try await scene.createListing(account: try await scene.createAccount(ratio: "0.8", buffer: 1))
            await scene.engine.runCycle()
            let externalID = try #require(try await scene.listing(id)["external_id"] as? String)
            let before = scene.requests(to: "/update_stock")

            for _ in 0..<10 { try await scene.sell(1) }
            #expect(try await scene.outbox(id) == ["stock"])
            await scene.engine.runCycle()

            #expect(scene.requests(to: "/update_stock") - before == 1)
            #expect(scene.fake.listing(id: externalID)?.stock == 7)  // floor(10 × 0.8) − 1
            #expect(try await scene.listing(id)["pushed_stock"] as? Int == 7)
            #expect(try await scene.outbox(id).isEmpty)
        }
    }

    @Test("a sale committed while its stock push is in flight is pushed again, never lost", arguments: TestEngine.all)
    func changeDuringPush(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(10)
            let id = try await scene.createListing(account: try await scene.createAccount())
            await scene.engine.runCycle()
            let externalID = try #require(try await scene.listing(id)["external_id"] as? String)
            try await scene.sell(1)
            let queue = MarketplaceSyncQueue(database: scene.database)
            let task = try #require(
                try await queue.claim(marketplace: "shopee", worker: "w1", lease: .seconds(60), at: scene.clock.now()))
            try await scene.sell(2)  // coalesces into the claimed row: revision + 1
            #expect(try await queue.finish(task, worker: "w1", outcome: .skipped, at: scene.clock.now()))
            #expect(try await scene.outbox(id) == ["stock"])
            await scene.engine.runCycle()
            #expect(scene.fake.listing(id: externalID)?.stock == 7)
        }
    }

    @Test("the offered stock is floor(available × ratio) − buffer, never below zero, net of nothing else")
    func stockFormula() {
        func offered(_ available: Int, _ basisPoints: Int, _ buffer: Int) -> Int {
            MarketplaceAccount.offeredStock(available: available, ratioBasisPoints: basisPoints, buffer: buffer)
        }
        #expect(offered(12, 10_000, 0) == 12)
        #expect(offered(20, 8_000, 1) == 15)
        #expect(offered(100, 2_900, 0) == 29)  // 0.29 × 100 in doubles is 28.999…
        #expect(offered(7, 5_000, 3) == 0)  // floor(3.5) − 3
        #expect(offered(9, 5_000, 3) == 1)  // floor(4.5) − 3
        #expect(offered(5, 5_000, 3) == 0)  // 2 − 3 → 0
        #expect(offered(50, 0, 0) == 0)
        #expect(offered(-2, 10_000, 0) == 0)
    }

    @Test("ratio and buffer apply to pushed stock after receipts and sales", arguments: TestEngine.all)
    func stockFormulaPushed(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(9)
            let id = try await scene.createListing(account: try await scene.createAccount(ratio: "0.5", buffer: 2))
            await scene.engine.runCycle()
            let externalID = try #require(try await scene.listing(id)["external_id"] as? String)
            #expect(scene.fake.listing(id: externalID)?.stock == 2)  // floor(4.5) − 2
            try await scene.sell(5)
            await scene.engine.runCycle()
            #expect(scene.fake.listing(id: externalID)?.stock == 0)  // floor(2) − 2
            try await scene.sell(3)
            await scene.engine.runCycle()
            #expect(scene.fake.listing(id: externalID)?.stock == 0)  // 0 − 2 → 0, and not pushed again
            try await scene.receive(11)
            await scene.engine.runCycle()
            #expect(scene.fake.listing(id: externalID)?.stock == 4)  // floor(12 × 0.5) − 2
        }
    }

    @Test("units held for unpaid orders are not offered; the sweep pushes the change", arguments: TestEngine.all)
    func holds(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(10)
            let id = try await scene.createListing(account: try await scene.createAccount())
            await scene.engine.runCycle()
            let externalID = try #require(try await scene.listing(id)["external_id"] as? String)
            #expect(scene.fake.listing(id: externalID)?.stock == 10)
            let now = scene.clock.now()
            try await scene.database.transaction { sql in
                try await StockHolds.place(
                    sql, point: MarketplaceScene.point, lines: [(sku: MarketplaceScene.sku, quantity: 4, field: "quantity")],
                    reference: "live-test-1", expiresAt: now.adding(seconds: 900), at: now)
            }
            await scene.engine.runCycle()
            #expect(scene.fake.listing(id: externalID)?.stock == 6)
            scene.advance(seconds: 901)  // the hold runs out unpaid
            await scene.engine.runCycle()
            #expect(scene.fake.listing(id: externalID)?.stock == 10)
        }
    }

    @Test("revoking the certificate delists every listing within one worker cycle", arguments: TestEngine.all)
    func revocation(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(3)
            let id = try await scene.createListing(account: try await scene.createAccount())
            await scene.engine.runCycle()
            let externalID = try #require(try await scene.listing(id)["external_id"] as? String)
            #expect(scene.fake.listing(id: externalID)?.isOnSale == true)

            let revoked = try await scene.client.send(
                .post, "/v1/products/\(MarketplaceScene.product)/certificates/revocations", token: scene.admin,
                json: #"{"number":"02/GCN","reason":"Vi phạm an toàn thực phẩm","decision_number":"QD-99"}"#)
            #expect(revoked.status == .ok, "\(String(buffer: revoked.body))")
            let waiting = try await scene.listing(id)
            #expect(waiting["wanted"] as? String == "delisted")
            #expect(waiting["pending_pushes"] as? [String] == ["delist"])

            await scene.engine.runCycle()
            #expect(scene.fake.listing(id: externalID)?.isOnSale == false)
            #expect(scene.fake.listing(id: externalID)?.status == "UNLIST")
            let listing = try await scene.listing(id)
            #expect(listing["status"] as? String == "delisted")
            #expect(listing["delist_reason"] as? String == "the OCOP certificate was revoked")
            let page = try await scene.client.get("/v1/products/\(MarketplaceScene.product)")
            #expect(page.status == .notFound || (page.json["listings"] as? [Any])?.isEmpty == true)
            // Sales after the delist push nothing.
            try await scene.sell(1)
            #expect(try await scene.outbox(id).isEmpty)
        }
    }

    @Test("a certificate running out by the calendar is delisted by the next cycle", arguments: TestEngine.all)
    func expiry(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            // "sap-het-han" (3★, group I.3.b) is valid today and expires tomorrow.
            let id = try await scene.createListing(account: try await scene.createAccount(), product: "sap-het-han")
            await scene.engine.runCycle()
            let externalID = try #require(try await scene.listing(id)["external_id"] as? String)
            await scene.engine.runCycle()
            #expect(scene.fake.listing(id: externalID)?.isOnSale == true)

            scene.advance(seconds: 24 * 3600)
            await scene.engine.runCycle()
            #expect(scene.fake.listing(id: externalID)?.isOnSale == false)
            let token = try await scene.harness.staffToken(username: "admin", role: .admin)  // a day later
            let listing = try await scene.listing(id, token: token)
            #expect(listing["status"] as? String == "delisted")
            #expect(listing["delist_reason"] as? String == "the OCOP certificate is no longer valid")
        }
    }

    @Test("an expired token is refreshed, stored sealed, and the push goes through", arguments: TestEngine.all)
    func tokenExpired(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(6)
            let account = try await scene.createAccount()
            let id = try await scene.createListing(account: account)
            await scene.engine.runCycle()
            let externalID = try #require(try await scene.listing(id)["external_id"] as? String)
            let oldToken = scene.fake.currentAccessToken

            scene.fake.expireAccessToken()
            try await scene.sell(2)
            await scene.engine.runCycle()

            #expect(scene.fake.listing(id: externalID)?.stock == 4)
            #expect(scene.requests(to: "/api/v2/auth/access_token/get") == 1)
            #expect(scene.fake.currentAccessToken != oldToken)
            let box = try #require(scene.dependencies.marketplaceSecrets)
            let stored = try await MarketplaceAccountStore(database: scene.database, box: box).credentials(account: account)
            #expect(stored.values["access_token"] == scene.fake.currentAccessToken)
            #expect(stored.values["refresh_token"] == scene.fake.credentials.values["refresh_token"])
            #expect(try await scene.listing(id)["status"] as? String == "published")
        }
    }

    @Test("a token about to expire is refreshed before the push", arguments: TestEngine.all)
    func tokenRefreshedAhead(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(6)
            let id = try await scene.createListing(account: try await scene.createAccount())
            await scene.engine.runCycle()
            let externalID = try #require(try await scene.listing(id)["external_id"] as? String)
            scene.advance(seconds: 4 * 3600 - 120)  // Shopee tokens live 4 h; 2 minutes left
            try await scene.sell(1)
            await scene.engine.runCycle()
            let paths = scene.fake.requestPaths
            let refresh = try #require(paths.lastIndex { $0.hasSuffix("/auth/access_token/get") })
            let push = try #require(paths.lastIndex { $0.hasSuffix("/update_stock") })
            #expect(refresh < push)
            #expect(scene.fake.listing(id: externalID)?.stock == 5)
        }
    }

    @Test("a throttled push waits for Retry-After, then goes through", arguments: TestEngine.all)
    func throttled(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(4)
            let account = try await scene.createAccount()
            scene.fake.throttle(times: 1, retryAfterSeconds: 30)
            let id = try await scene.createListing(account: account)
            await scene.engine.runCycle()
            var listing = try await scene.listing(id)
            #expect(listing["status"] as? String == "pending")
            #expect((listing["last_error"] as? String)?.isEmpty == false)
            #expect(scene.fake.listings.isEmpty)

            let requests = scene.fake.requestCount
            scene.advance(seconds: 20)
            await scene.engine.runCycle()
            #expect(scene.fake.requestCount == requests)  // not yet due

            scene.advance(seconds: 11)
            await scene.engine.runCycle()
            listing = try await scene.listing(id)
            #expect(listing["status"] as? String == "published")
            #expect(listing["last_error"] == nil)
            #expect(listing["attempts"] as? Int == 1)  // throttling does not spend attempts
            #expect(scene.fake.listings.count == 1)
        }
    }

    @Test("server errors are retried with backoff and give up after the bounded attempts", arguments: TestEngine.all)
    func givesUp(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let account = try await scene.createAccount()
            scene.fake.failWithServerError(times: 1000)
            let id = try await scene.createListing(account: account)
            let maxAttempts = scene.dependencies.marketplaceSync.maxAttempts
            for attempt in 1...maxAttempts {
                await scene.engine.runCycle()
                let listing = try await scene.listing(id)
                #expect(listing["attempts"] as? Int == attempt)
                #expect(listing["status"] as? String == (attempt < maxAttempts ? "pending" : "failed"))
                scene.advance(seconds: 600)  // past any backoff of these attempts
            }
            let failed = try await scene.listing(id)
            #expect((failed["last_error"] as? String)?.contains("error_inner") == true)
            #expect((failed["last_error"] as? String)?.contains("gave up after \(maxAttempts) attempts") == true)
            #expect(failed["pending_pushes"] as? [String] == [])
            let requests = scene.fake.requestCount
            await scene.engine.runCycle()
            #expect(scene.fake.requestCount == requests)

            // A person fixes it and asks again.
            scene.fake.failWithServerError(times: 0)
            let sync = try await scene.client.send(.post, "/v1/listings/\(id)/sync", token: scene.admin)
            #expect(sync.status == .accepted)
            await scene.engine.runCycle()
            #expect(try await scene.listing(id)["status"] as? String == "published")
        }
    }

    @Test("a create the platform accepted but whose answer was lost is not sent again: the item is found by its SKU", arguments: TestEngine.all)
    func lostCreateAnswer(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(5)
            let id = try await scene.createListing(account: try await scene.createAccount())
            scene.fake.loseAnswer(to: "/api/v2/product/add_item")
            await scene.engine.runCycle()
            #expect(try await scene.listing(id)["status"] as? String == "pending")
            #expect(scene.fake.core.listings.count == 1)  // Shopee has the item; we do not know its id

            scene.advance(seconds: 600)  // past the retry's backoff
            await scene.engine.runCycle()
            let listing = try await scene.listing(id)
            #expect(listing["status"] as? String == "published")
            #expect(scene.fake.core.listings.count == 1)
            #expect(listing["external_id"] as? String == scene.fake.core.listings.first?.id)
            #expect(scene.requests(to: "/add_item") == 1)
            #expect(scene.requests(to: "/get_item_list") == 1)
            #expect(scene.requests(to: "/update_item") == 1)
        }
    }

    @Test("a refused signature fails at once with the platform's error", arguments: TestEngine.all)
    func permanentFailure(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            var credentials = scene.fake.credentials.values
            credentials["partner_key"] = "wrong_partner_key_0000000000000000"
            let account = try await scene.createAccount(credentials: credentials)
            let id = try await scene.createListing(account: account)
            await scene.engine.runCycle()
            let listing = try await scene.listing(id)
            #expect(listing["status"] as? String == "failed")
            #expect(listing["attempts"] as? Int == 1)
            #expect((listing["last_error"] as? String)?.contains("error_sign") == true)
            #expect(scene.fake.listings.isEmpty)
        }
    }

    @Test("a claimed row whose worker died is taken again after the lease", arguments: TestEngine.all)
    func crashBetweenClaimAndPush(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(3)
            let id = try await scene.createListing(account: try await scene.createAccount())
            let queue = MarketplaceSyncQueue(database: scene.database)
            // A node claims the row and dies before pushing or recording anything.
            let stale = try #require(
                try await queue.claim(marketplace: "shopee", worker: "node-dead", lease: .seconds(60), at: scene.clock.now()))
            await scene.engine.runCycle()
            #expect(scene.fake.listings.isEmpty)
            #expect(try await scene.outbox(id) == ["publish"])

            scene.advance(seconds: 61)
            await scene.engine.runCycle()
            #expect(scene.fake.listings.count == 1)
            #expect(try await scene.listing(id)["status"] as? String == "published")
            // The dead node's late report changes nothing.
            let late = try await queue.finish(stale, worker: "node-dead", outcome: .gaveUp(error: "late"), at: scene.clock.now())
            #expect(late == false)
            #expect(try await scene.listing(id)["status"] as? String == "published")
        }
    }

    @Test("an uncommitted change queues nothing", arguments: TestEngine.all)
    func uncommitted(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(3)
            let id = try await scene.createListing(account: try await scene.createAccount())
            await scene.engine.runCycle()
            // The first line moves stock (and queues its push), the second has none: the sale rolls back
            // and the queued push with it.
            let refused = try await scene.client.send(
                .post, "/v1/points/\(MarketplaceScene.point)/sales", token: scene.stock.staff(MarketplaceScene.point),
                json: #"{"payment_method":"cash","lines":[{"sku":"CAM-5KG","quantity":1},{"sku":"MAT-ONG","quantity":1}]}"#)
            #expect(refused.status == .conflict)
            #expect(try await scene.outbox(id).isEmpty)
        }
    }

    @Test("the background worker publishes without anyone running a cycle", arguments: TestEngine.all)
    func background(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine, background: true) { scene in
            let id = try await scene.createListing(account: try await scene.createAccount())
            var status = ""
            for _ in 0..<100 {
                status = try await scene.listing(id)["status"] as? String ?? ""
                if status == "published" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(status == "published")
            #expect(scene.fake.listings.count == 1)
        }
    }
}
