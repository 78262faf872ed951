import CurlHTTP
import Foundation
import HTTPTypes
import HummingbirdTesting
import MarketplaceFakes
import NIOCore
import OCOPMarketplaces
import OCOPServer
import OCOPDomain
import OCOPStorage
import Testing
import TestSupport

/// The defects an outside probe found (issue 17): each case failed before its fix.
@Suite struct HardeningTests {
    // MARK: - Numbers from clients and remotes

    @Test("an access token expiry of ±Int64.max is a 422 naming the field, and the server goes on", arguments: TestEngine.all)
    func tokenExpiryOutOfRange(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            for expiry in ["9223372036854775807", "-9223372036854775808", "253402300800"] {
                let json = scene.accountJSON(name: "Gian hàng \(expiry.prefix(4))")
                    .replacingOccurrences(
                        of: #""access_token_expires_at":\d+"#, with: #""access_token_expires_at":\#(expiry)"#,
                        options: .regularExpression)
                let response = try await scene.client.send(.post, "/v1/marketplace-accounts", token: scene.admin, json: json)
                #expect(response.status == .unprocessableContent, "\(expiry)")
                #expect(response.problemFields == ["access_token_expires_at"])
            }
            #expect(try await scene.client.get("/healthz").status == .ok)
        }
    }

    @Test("a platform answering 429 with Retry-After: Int.max gets a bounded retry", arguments: TestEngine.all)
    func retryAfterOverflow(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(3)
            let account = try await scene.createAccount()
            scene.fake.throttle(times: 1, retryAfterSeconds: Int.max)
            let id = try await scene.createListing(account: account)
            await scene.engine.runCycle()
            #expect(try await scene.listing(id)["status"] as? String == "pending")
            // At most an hour later, it is tried again and goes through.
            scene.advance(seconds: Int64(OutboundResponse.longestRetryAfterSeconds) + 1)
            await scene.engine.runCycle()
            #expect(try await scene.listing(id)["status"] as? String == "published")
        }
    }

    @Test("a month or an issue date at the calendar's end is a 422, not a crash", arguments: TestEngine.all)
    func calendarEnd(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let report = try await client.send(.get, "/v1/reports/monthly?month=9999-12", token: admin)
            #expect(report.status == .unprocessableContent)
            #expect(report.problemFields == ["month"])
            let certificate = try await client.send(
                .post, "/v1/products/cam-sanh-hop-5kg/certificates", token: admin,
                json: """
                    {"kind":"re_recognition","number":"99/GCN","decision_number":"99/QĐ-UBND","authority":"UBND tỉnh",
                     "stars":4,"score":75,"issued_on":"9999-06-01"}
                    """)
            #expect(certificate.status == .unprocessableContent, "\(String(buffer: certificate.body))")
            #expect(certificate.problemFields.contains("issued_on"))
            #expect(try await client.get("/healthz").status == .ok)
        }
    }

    // MARK: - Scopes

    @Test("accounts cannot be given scopes that name nothing", arguments: TestEngine.all)
    func unknownScopes(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            for (role, scope) in [("point_staff", "diem-chua-co"), ("fair_manager", "hoi-cho-chua-co"), ("producer", "htx-chua-co")] {
                let response = try await client.send(
                    .post, "/v1/users", token: admin,
                    json: #"{"username":"new-\#(role)","password":"a long enough password","role":"\#(role)","scopes":["\#(scope)"]}"#)
                #expect(response.status == .unprocessableContent, "\(role)")
                #expect(response.problemFields == ["scopes"])
            }
            let known = try await client.send(
                .post, "/v1/users", token: admin,
                json: #"{"username":"dong-xanh","password":"a long enough password","role":"producer","scopes":["htx-dong-xanh"]}"#)
            #expect(known.status == .created)
        }
    }

    // MARK: - Where the server connects

    @Test("marketplace accounts reach only the platform's official hosts", arguments: TestEngine.all)
    func marketplaceHosts(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            let base = scene.accountJSON(name: "Gian hàng lạ")
            for url in ["https://evil.example.com", "http://partner.shopeemobile.com", "http://10.0.0.7", "https://169.254.169.254"] {
                let json = base.replacingOccurrences(of: scene.fake.baseURL, with: url)
                let response = try await scene.client.send(.post, "/v1/marketplace-accounts", token: scene.admin, json: json)
                #expect(response.status == .unprocessableContent, "\(url)")
                #expect(response.problemFields == ["base_url"], "\(url)")
            }
            let official = base.replacingOccurrences(of: scene.fake.baseURL, with: "https://partner.shopeemobile.com")
            #expect(try await scene.client.send(.post, "/v1/marketplace-accounts", token: scene.admin, json: official).status == .created)
            // A URL among the credentials is held to the same rule.
            var credentials = scene.fake.credentials.values
            credentials["auth_base_url"] = "http://169.254.169.254/latest"
            let sneaky = try await scene.client.send(
                .post, "/v1/marketplace-accounts", token: scene.admin,
                json: scene.accountJSON(name: "Gian hàng khác", credentials: credentials))
            #expect(sneaky.problemFields == ["credentials.auth_base_url"])
        }
    }

    @Test("an account without what creating an item needs is refused, naming the credential", arguments: TestEngine.all)
    func createCredentials(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            for (value, expected) in [(nil, "credentials.logistic_ids"), ("kenh-nhanh", "credentials.logistic_ids")] {
                var credentials = scene.fake.credentials.values
                credentials["logistic_ids"] = value
                let response = try await scene.client.send(
                    .post, "/v1/marketplace-accounts", token: scene.admin,
                    json: scene.accountJSON(name: "Gian hàng \(value ?? "trống")", credentials: credentials))
                #expect(response.status == .unprocessableContent)
                #expect(response.problemFields == [expected])
            }
        }
    }

    @Test("webhooks are refused for loopback, private, link-local and metadata addresses", arguments: TestEngine.all)
    func webhookDestinations(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            for url in [
                "http://169.254.169.254/latest/meta-data", "http://10.1.2.3/hook", "http://192.168.1.1/hook",
                "http://localhost:9/hook", "http://[::1]/hook", "http://2130706433/hook", "http://0x7f.1/hook",
                "http://metadata.google.internal/", "http://[fd00:ec2::254]/", "http://user:pw@example.com/",
                "http://[fec0::1]/", "http://198.51.100.7/", "http://[::ffff:10.0.0.1]/",
            ] {
                let response = try await client.send(
                    .post, "/v1/webhooks", token: admin,
                    json: #"{"event":"catalog.changed","url":"\#(url)","secret":"a-long-shared-secret"}"#)
                #expect(response.status == .unprocessableContent, "\(url)")
                #expect(response.problemFields == ["url"], "\(url)")
            }
        }
    }

    @Test func thePublicOnlyTransportRefusesWhatANameLeadsToOnThisMachine() async throws {
        try await FakeReceiver().run { receiver in
            let port = receiver.baseURL.split(separator: ":").last ?? ""
            for url in ["http://localhost:\(port)/hook", receiver.baseURL + "/hook"] {
                var request = OutboundRequest(method: "POST", url: url + "?token=secret-value", body: Array("{}".utf8))
                request.publicAddressesOnly = true
                await #expect(throws: TransportError.self) { try await CurlTransport().send(request) }
                do {
                    _ = try await CurlTransport().send(request)
                } catch let error as TransportError {
                    #expect(!error.isTransient)
                    #expect(!error.message.contains("secret-value"))
                }
            }
            #expect(receiver.requests.isEmpty)
            // The same request without the restriction arrives: the refusal was the address rule.
            _ = try await CurlTransport().send(OutboundRequest(method: "POST", url: receiver.baseURL + "/hook"))
            #expect(receiver.requests.count == 1)
        }
    }

    // MARK: - Secrets

    @Test func urlsInErrorsLoseTheirQueryAndUserInfo() {
        #expect(
            RedactedURL.text("https://partner.shopeemobile.com/api/v2/product/add_item?partner_id=1&access_token=abc&sign=def")
                == "https://partner.shopeemobile.com/api/v2/product/add_item?…")
        #expect(RedactedURL.text("https://user:pass@api.tiki.vn/x#frag") == "https://api.tiki.vn/x?…")
        #expect(RedactedURL.text("https://api.lazada.vn/rest/product/create") == "https://api.lazada.vn/rest/product/create")
    }

    @Test("a timed-out push stores no token in the listing's error", arguments: TestEngine.all)
    func timeoutErrorHasNoToken(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine, requestTimeout: .milliseconds(300)) { scene in
            try await scene.receive(3)
            let account = try await scene.createAccount()
            scene.fake.hang(times: 1, for: .seconds(2))
            let id = try await scene.createListing(account: account)
            await scene.engine.runCycle()
            let listing = try await scene.listing(id)
            let error = try #require(listing["last_error"] as? String)
            #expect(!error.contains("access_token"))
            #expect(!error.contains(scene.fake.credentials.values["access_token"] ?? "-"))
            #expect(!error.contains("sign="))
        }
    }

    // MARK: - Sync state

    @Test("a failed content push is not hidden by a later stock push, and is retried by itself", arguments: TestEngine.all)
    func failedFieldStaysFailed(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(3)
            let id = try await scene.createListing(account: try await scene.createAccount())
            await scene.engine.runCycle()
            #expect(try await scene.listing(id)["status"] as? String == "published")

            // The content (price, text) push fails until it gives up.
            scene.fake.failWithServerError(times: 1000)
            #expect(try await scene.client.send(.post, "/v1/listings/\(id)/sync", token: scene.admin).status == .accepted)
            for _ in 0..<scene.dependencies.marketplaceSync.maxAttempts {
                await scene.engine.runCycle()
                scene.advance(seconds: 600)
            }
            #expect(try await scene.listing(id)["status"] as? String == "failed")

            // A stock push then goes through: the listing is still not in sync.
            scene.fake.failWithServerError(times: 0)
            try await scene.receive(2)
            await scene.engine.runCycle()
            let afterStock = try await scene.listing(id)
            #expect(afterStock["pushed_stock"] as? Int == 5)
            #expect(afterStock["status"] as? String == "failed")
            #expect((afterStock["last_error"] as? String)?.isEmpty == false)

            // An hour after giving up, the content is pushed again without anyone asking.
            scene.advance(seconds: MarketplaceSyncQueue.failedPublishRetrySeconds + 1)
            await scene.engine.runCycle()
            await scene.engine.runCycle()
            let settled = try await scene.listing(id)
            #expect(settled["status"] as? String == "published")
            #expect(settled["last_error"] == nil)
        }
    }

    // MARK: - Smaller

    @Test("numbers that do not fit, zones that do not exist and encoded paths are named plainly", arguments: TestEngine.all)
    func plainProblems(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let stock = try await StockScene.make(harness, client)
            for quantity in ["1.5", "1e308", "-1e308", "99999999999999999999"] {
                let response = try await client.send(
                    .post, "/v1/points/\(StockScene.hanoi)/receipts", token: stock.hanoiStaff,
                    json: #"{"lines":[{"sku":"CAM-5KG","batch":"L1","quantity":\#(quantity)}]}"#)
                #expect(response.status == .badRequest, "\(quantity)")
                #expect(response.problemFields == ["lines[0].quantity"], "\(quantity)")
            }
            let zone = try await client.send(
                .get, "/v1/audit?from=2026-11-01T00:00:00%2B99:99", token: stock.admin)
            #expect(zone.status == .badRequest)
            #expect(zone.problemFields == ["from"])
            let encoded = try await client.get("/v1/producers/c%C3%A0-ph%C3%AA")
            #expect(encoded.status == .notFound)
            #expect(String(buffer: encoded.body).contains("cà-phê"))
            #expect(!String(buffer: encoded.body).contains("%C3"))
        }
    }
}
