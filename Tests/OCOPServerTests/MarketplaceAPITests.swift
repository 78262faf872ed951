import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MarketplaceFakes
import OCOPMarketplaces
import OCOPDomain
import OCOPServer
import OCOPStorage
import SQLKit
import Testing
import TestSupport

/// The accounts and listings API: secrets, validation, who may do what, paging, delisting.
@Suite("Marketplace API")
struct MarketplaceAPITests {
    @Test("credentials never appear in an answer, a log line, the audit log or the stored column", arguments: TestEngine.all)
    func secretsStaySecret(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let secrets = [FakeShopee.partnerKey, scene.fake.currentAccessToken, scene.fake.credentials.values["refresh_token"]!]
            try await scene.receive(5)
            let created = try await scene.client.send(
                .post, "/v1/marketplace-accounts", token: scene.admin, json: scene.accountJSON(name: "Gian hàng"))
            #expect(created.status == .created)
            #expect(created.json["credential_keys"] as? [String] == scene.fake.credentials.values.keys.sorted())
            #expect(created.json["stock_ratio"] as? Double == 1)
            let account = try #require(created.json["id"] as? Int)
            let listed = try await scene.client.send(.get, "/v1/marketplace-accounts", token: scene.admin)
            #expect(listed.items.count == 1)
            let id = try await scene.createListing(account: account)
            await scene.engine.runCycle()
            scene.fake.expireAccessToken()  // a refresh puts new tokens through the engine too
            try await scene.sell(1)
            await scene.engine.runCycle()
            let newSecrets = [scene.fake.currentAccessToken, scene.fake.credentials.values["refresh_token"]!]
            #expect(newSecrets[0] != secrets[1])

            let answers = [
                String(buffer: created.body), String(buffer: listed.body),
                String(buffer: try await scene.client.send(.get, "/v1/listings/\(id)", token: scene.admin).body),
                String(buffer: try await scene.client.send(.get, "/v1/listings", token: scene.admin).body),
            ]
            let stored = try await scene.database.read { sql in
                let column = try await sql.raw("SELECT credentials FROM marketplace_accounts").all()
                    .map { try $0.decode(column: "credentials", as: String.self) }
                let audit = try await sql.raw("SELECT after_json FROM audit_log WHERE entity = 'marketplace_account'").all()
                    .map { try $0.decode(column: "after_json", as: String?.self) ?? "" }
                return column + audit
            }
            let logs = scene.logs.all
            #expect(!logs.isEmpty)
            #expect(logs.contains { $0.contains("refreshed marketplace tokens") })
            for secret in secrets + newSecrets {
                for text in answers + stored + logs {
                    #expect(!text.contains(secret), "a secret leaked into: \(text.prefix(200))")
                }
            }
        }
    }

    @Test("account input is checked field by field", arguments: TestEngine.all)
    func accountValidation(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            var credentials = scene.fake.credentials.values
            credentials["partner_key"] = nil
            let missing = try await scene.client.send(
                .post, "/v1/marketplace-accounts", token: scene.admin,
                json: scene.accountJSON(name: "a", ratio: "1.5", buffer: -1, credentials: credentials))
            #expect(missing.status == .unprocessableContent)
            #expect(Set(missing.problemFields) == ["credentials.partner_key", "stock_ratio", "stock_buffer"])

            let badPoint = try await scene.client.send(
                .post, "/v1/marketplace-accounts", token: scene.admin,
                json: scene.accountJSON(name: "b").replacingOccurrences(of: MarketplaceScene.point, with: "khong-co"))
            #expect(badPoint.status == .unprocessableContent)
            #expect(badPoint.problemFields == ["point"])

            let badMarketplace = try await scene.client.send(
                .post, "/v1/marketplace-accounts", token: scene.admin,
                json: scene.accountJSON(name: "c").replacingOccurrences(of: #""shopee""#, with: #""amazon""#))
            #expect(badMarketplace.problemFields == ["marketplace"])

            _ = try await scene.createAccount(name: "d")
            let duplicate = try await scene.client.send(
                .post, "/v1/marketplace-accounts", token: scene.admin, json: scene.accountJSON(name: "d"))
            #expect(duplicate.status == .conflict)

            let staff = try await scene.client.send(
                .post, "/v1/marketplace-accounts", token: scene.stock.staff(MarketplaceScene.point),
                json: scene.accountJSON(name: "e"))
            #expect(staff.status == .forbidden)
            let anonymous = try await scene.client.send(.get, "/v1/marketplace-accounts", token: nil)
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test("without a secret key, accounts answer 503 rather than store credentials in clear")
    func noSecretKey() async throws {
        try await ServerHarness.run { harness, client in
            let admin = try await harness.staffToken(username: "admin", role: .admin)
            let response = try await client.send(
                .post, "/v1/marketplace-accounts", token: admin,
                json: #"{"marketplace":"shopee","name":"x","base_url":"https://x.example","credentials":{"a":"b"},"point":"p","stock_ratio":1,"stock_buffer":0}"#)
            #expect(response.status == .serviceUnavailable)
        }
    }

    @Test("only publishable products can be listed; the category comes from the mapping or the body", arguments: TestEngine.all)
    func listingValidation(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let account = try await scene.createAccount()
            for product in ["gao-hai-sao", "ruou-nep-het-han", "na-bo-bi-thu-hoi", "gio-cha-chua-danh-gia", "khong-co"] {
                let response = try await scene.client.send(
                    .post, "/v1/listings", token: scene.admin, json: #"{"account":\#(account),"product":"\#(product)"}"#)
                #expect(response.status == .unprocessableContent, "\(product)")
                #expect(response.problemFields == ["product"], "\(product)")
            }
            // Mật ong is group I.2.b, which the account does not map.
            let unmapped = try await scene.client.send(
                .post, "/v1/listings", token: scene.admin, json: #"{"account":\#(account),"product":"mat-ong-bac-ha"}"#)
            #expect(unmapped.problemFields == ["category_id"])
            let given = try await scene.client.send(
                .post, "/v1/listings", token: scene.admin,
                json: #"{"account":\#(account),"product":"mat-ong-bac-ha","category_id":"100700"}"#)
            #expect(given.status == .created)
            #expect(given.json["category_id"] as? String == "100700")
            let wrongSKU = try await scene.client.send(
                .post, "/v1/listings", token: scene.admin,
                json: #"{"account":\#(account),"product":"cam-sanh-hop-5kg","sku":"MAT-ONG"}"#)
            #expect(wrongSKU.problemFields == ["sku"])
            let noAccount = try await scene.client.send(
                .post, "/v1/listings", token: scene.admin, json: #"{"account":999,"product":"cam-sanh-hop-5kg"}"#)
            #expect(noAccount.problemFields == ["account"])
            _ = try await scene.createListing(account: account)
            let twice = try await scene.client.send(
                .post, "/v1/listings", token: scene.admin, json: #"{"account":\#(account),"product":"cam-sanh-hop-5kg"}"#)
            #expect(twice.status == .conflict)
        }
    }

    @Test("a producer lists its own products on its own accounts, and nothing else", arguments: TestEngine.all)
    func producerScope(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let producer = try await scene.harness.staffToken(username: "dong-xanh", role: .producer, scopes: ["htx-dong-xanh"])
            let adminAccount = try await scene.createAccount(name: "Gian hàng chương trình")
            // Until the point lets the producer sell its stock, the producer cannot bind an account to it.
            let ungranted = try await scene.client.send(
                .post, "/v1/marketplace-accounts", token: producer, json: scene.accountJSON(name: "Gian hàng Đồng Xanh"))
            #expect(ungranted.status == .forbidden)
            #expect(ungranted.problemFields == ["point"])
            let grant = try await scene.client.send(
                .put, "/v1/points/\(MarketplaceScene.point)/sellers/htx-dong-xanh", token: scene.stock.staff(MarketplaceScene.point))
            #expect(grant.status == .ok)
            #expect(grant.json["producers"] as? [String] == ["htx-dong-xanh"])
            let ownAccount = try await scene.createAccount(name: "Gian hàng Đồng Xanh", token: producer)

            let others = try await scene.client.send(
                .post, "/v1/listings", token: producer, json: #"{"account":\#(ownAccount),"product":"gom-men-lam"}"#)
            #expect(others.status == .forbidden)
            let programmes = try await scene.client.send(
                .post, "/v1/listings", token: producer, json: #"{"account":\#(adminAccount),"product":"cam-sanh-hop-5kg"}"#)
            #expect(programmes.status == .forbidden)
            let own = try await scene.createListing(account: ownAccount, token: producer)
            let adminListing = try await scene.createListing(account: adminAccount, product: "gom-men-lam")

            let accounts = try await scene.client.send(.get, "/v1/marketplace-accounts", token: producer)
            #expect(accounts.items.compactMap { $0["id"] as? Int } == [ownAccount])
            #expect(accounts.items.first?["owner"] as? String == "htx-dong-xanh")
            let listings = try await scene.client.send(.get, "/v1/listings", token: producer)
            #expect(listings.items.compactMap { $0["id"] as? Int } == [own])
            let foreign = try await scene.client.send(.get, "/v1/listings/\(adminListing)", token: producer)
            #expect(foreign.status == .forbidden)
            let delist = try await scene.client.send(.delete, "/v1/listings/\(adminListing)", token: producer)
            #expect(delist.status == .forbidden)
            let staff = try await scene.client.send(.get, "/v1/listings", token: scene.stock.staff(MarketplaceScene.point))
            #expect(staff.status == .forbidden)
        }
    }

    @Test("listings filter by product, account and status, and page by cursor", arguments: TestEngine.all)
    func listAndPage(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let account = try await scene.createAccount()
            let other = try await scene.createAccount(name: "Gian hàng thứ hai")
            let first = try await scene.createListing(account: account)
            let second = try await scene.createListing(account: other)
            let third = try await scene.createListing(account: account, product: "tra-shan-tuyet-dac-biet")
            _ = third
            let page1 = try await scene.client.send(.get, "/v1/listings?limit=2", token: scene.admin)
            #expect(page1.items.compactMap { $0["id"] as? Int } == [first, second])
            let cursor = try #require(page1.json["next_cursor"] as? String)
            let page2 = try await scene.client.send(.get, "/v1/listings?limit=2&cursor=\(cursor)", token: scene.admin)
            #expect(page2.items.compactMap { $0["id"] as? Int } == [third])
            #expect(page2.json["next_cursor"] == nil)

            let byProduct = try await scene.client.send(.get, "/v1/listings?product=cam-sanh-hop-5kg", token: scene.admin)
            #expect(byProduct.items.compactMap { $0["id"] as? Int } == [first, second])
            let byAccount = try await scene.client.send(.get, "/v1/listings?account=\(other)", token: scene.admin)
            #expect(byAccount.items.compactMap { $0["id"] as? Int } == [second])
            await scene.engine.runCycle()
            let published = try await scene.client.send(.get, "/v1/listings?status=published", token: scene.admin)
            #expect(published.items.count == 3)
            let pending = try await scene.client.send(.get, "/v1/listings?status=pending", token: scene.admin)
            #expect(pending.items.isEmpty)
            let bad = try await scene.client.send(.get, "/v1/listings?status=sold", token: scene.admin)
            #expect(bad.status == .badRequest)
            #expect(bad.problemFields == ["status"])
            let badCursor = try await scene.client.send(.get, "/v1/listings?cursor=abc", token: scene.admin)
            #expect(badCursor.problemFields == ["cursor"])
        }
    }

    @Test("DELETE delists on the platform; repeating it changes nothing; a delisted listing cannot be synced", arguments: TestEngine.all)
    func delist(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(2)
            let id = try await scene.createListing(account: try await scene.createAccount())
            await scene.engine.runCycle()
            let externalID = try #require(try await scene.listing(id)["external_id"] as? String)
            let first = try await scene.client.send(.delete, "/v1/listings/\(id)", token: scene.admin)
            #expect(first.status == .accepted)
            #expect(first.json["wanted"] as? String == "delisted")
            let page = try await scene.client.get("/v1/products/\(MarketplaceScene.product)").json
            #expect((page["listings"] as? [Any])?.isEmpty == true)
            await scene.engine.runCycle()
            #expect(scene.fake.listing(id: externalID)?.isOnSale == false)
            let again = try await scene.client.send(.delete, "/v1/listings/\(id)", token: scene.admin)
            #expect(again.status == .accepted)
            #expect(again.json["status"] as? String == "delisted")
            #expect(try await scene.outbox(id).isEmpty)
            let sync = try await scene.client.send(.post, "/v1/listings/\(id)/sync", token: scene.admin)
            #expect(sync.status == .conflict)
            // The SKU may be listed again on the account, as a new listing.
            let relisted = try await scene.createListing(account: try #require(first.json["account"] as? Int))
            #expect(relisted != id)
        }
    }

    @Test("a listing delisted before its first push never reaches the platform", arguments: TestEngine.all)
    func delistBeforePublish(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let id = try await scene.createListing(account: try await scene.createAccount())
            let response = try await scene.client.send(.delete, "/v1/listings/\(id)", token: scene.admin)
            #expect(response.status == .accepted)
            #expect(response.json["pending_pushes"] as? [String] == ["delist"])
            await scene.engine.runCycle()
            #expect(scene.fake.requestCount == 0)
            #expect(try await scene.listing(id)["status"] as? String == "delisted")
        }
    }

    @Test("Idempotency-Key replays the first answer instead of listing twice", arguments: TestEngine.all)
    func idempotency(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let account = try await scene.createAccount()
            let body = #"{"account":\#(account),"product":"cam-sanh-hop-5kg"}"#
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "listing-1"]
            let first = try await scene.client.send(.post, "/v1/listings", token: scene.admin, json: body, headers: key)
            let second = try await scene.client.send(.post, "/v1/listings", token: scene.admin, json: body, headers: key)
            #expect(first.status == .created)
            #expect(second.status == .created)
            #expect(second.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(first.json["id"] as? Int == second.json["id"] as? Int)
            await scene.engine.runCycle()
            #expect(scene.fake.listings.count == 1)
        }
    }
}
