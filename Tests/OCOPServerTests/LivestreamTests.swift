import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SQLKit
import OCOPDomain
import OCOPStorage
import Testing
import TestSupport

/// A session at the Hà Nội point selling oranges (CS01, 10 units in stock) and tea (TR02).
struct LiveScene {
    let stock: StockScene
    var client: any TestClientProtocol { stock.client }
    var staff: String { stock.hanoiStaff }
    static let slug = "cho-phien-ocop-thu-7"

    static func make(_ harness: ServerHarness, _ client: any TestClientProtocol, quota: Int? = nil, oranges: Int = 10)
        async throws -> LiveScene
    {
        let stock = try await StockScene.make(harness, client)
        try await stock.receive(StockScene.hanoi, #"{"sku":"CAM-5KG","batch":"L1","quantity":\#(oranges)}"#)
        try await stock.receive(StockScene.hanoi, #"{"sku":"TRA-DB","batch":"T1","quantity":5}"#)
        let scene = LiveScene(stock: stock)
        let response = try await client.send(.post, "/v1/livestreams", token: stock.hanoiStaff, json: scene.sessionJSON(quota: quota))
        #expect(response.status == .created, "\(String(buffer: response.body))")
        return scene
    }

    /// The session features both products' producers: oranges of HTX Đồng Xanh, tea of Tường Mai.
    func sessionJSON(
        slug: String = LiveScene.slug, quota: Int? = nil,
        producers: String = #"["htx-dong-xanh","ho-kinh-doanh-tuong-mai"]"#, point: String = StockScene.hanoi
    ) -> String {
        let now = stock.harness.stack.clock.now()
        return """
            {"slug":"\(slug)","title":"Chợ phiên OCOP thứ Bảy","platform":"facebook",
             "page_url":"https://facebook.com/ocop.hanoi/live","host":"Chị Lan","point":"\(point)",
             "producers":\(producers),"starts_at":"\(ISOTimestamp.string(now.adding(seconds: 3600)))",
             "ends_at":"\(ISOTimestamp.string(now.adding(seconds: 3 * 3600)))",
             "products":[{"code":"CS01","sku":"CAM-5KG","live_price":199000\(quota.map { #","quota":\#($0)"# } ?? "")},
                         {"code":"TR02","sku":"TRA-DB","live_price":150000}]}
            """
    }

    func comments(_ items: [(viewer: String, text: String)], minute: Int = 0) async throws -> TestResponse {
        let base = stock.harness.stack.clock.now()
        let json: String = items.enumerated().map { index, item -> String in
            let time = ISOTimestamp.string(base.adding(seconds: Int64(minute * 60 + index)))
            return #"{"viewer_id":"\#(item.viewer)","name":"Khách \#(item.viewer)","text":"\#(item.text)","time":"\#(time)"}"#
        }.joined(separator: ",")
        let response = try await client.send(
            .post, "/v1/livestreams/\(Self.slug)/comments", token: staff, json: #"{"comments":[\#(json)]}"#)
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        return response
    }

    func free(_ sku: String) async throws -> Int {
        let held = try await stock.harness.stack.database.read { sql in
            try await StockHolds.heldBySKU(point: StockScene.hanoi, at: stock.harness.stack.clock.now(), sql)
        }
        return try await stock.quantity(StockScene.hanoi, sku) - held[sku, default: 0]
    }
}

@Suite struct LivestreamTests {
    @Test(arguments: TestEngine.all)
    func scheduledSessionsArePublicWithoutBuyers(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await LiveScene.make(harness, client)
            let list = try await client.get("/v1/livestreams")
            #expect(list.status == .ok)
            let session = try #require(list.items.first)
            #expect(session["slug"] as? String == LiveScene.slug)
            let products = session["products"] as? [[String: Any]] ?? []
            #expect(products.map { $0["code"] as? String } == ["CS01", "TR02"])
            #expect(products.first?["live_price"] as? Int == 199_000)
            #expect(products.first?["name"] as? String == "Cam sành hộp 5kg")

            let page = try await client.get("/v1/products/cam-sanh-hop-5kg").json
            let sessions = page["livestreams"] as? [[String: Any]] ?? []
            #expect(sessions.map { $0["livestream"] as? String } == [LiveScene.slug])
            #expect(sessions.first?["code"] as? String == "CS01")

            // Orders exist, but no public answer carries a phone number or a name.
            _ = try await scene.comments([("v1", "CS01 2 0912345678")])
            for path in ["/v1/livestreams", "/v1/livestreams/\(LiveScene.slug)", "/v1/products/cam-sanh-hop-5kg"] {
                let body = String(buffer: try await client.get(path).body)
                #expect(!body.contains("0912345678") && !body.contains("Khách v1"), "\(path) leaks buyer data")
            }

            // Scope: the other point's staff may not manage it; going live then ending drops it from the list.
            let other = try await client.send(
                .patch, "/v1/livestreams/\(LiveScene.slug)", token: scene.stock.tuyenQuangStaff, json: #"{"status":"live"}"#)
            #expect(other.status == .forbidden)
            #expect(try await client.send(.patch, "/v1/livestreams/\(LiveScene.slug)", token: scene.staff, json: #"{"status":"live"}"#).status == .ok)
            let backwards = try await client.send(
                .patch, "/v1/livestreams/\(LiveScene.slug)", token: scene.staff, json: #"{"status":"scheduled"}"#)
            #expect(backwards.status == .conflict)
            #expect(try await client.send(.patch, "/v1/livestreams/\(LiveScene.slug)", token: scene.staff, json: #"{"status":"ended"}"#).status == .ok)
            #expect(try await client.get("/v1/livestreams").items.isEmpty)
            let late = try await scene.comments([("v9", "CS01 1 0987654321")], minute: 5)
            #expect((late.json["outcomes"] as? [[String: Any]])?.first?["outcome"] as? String == "closed")
        }
    }

    @Test("a producer schedules sessions only at points that let it sell, with its own SKUs", arguments: TestEngine.all)
    func producersSellOnlyTheirOwnGoodsFromTheirPoints(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await LiveScene.make(harness, client)
            let producer = try await harness.staffToken(username: "dongxanh", role: .producer, scopes: ["htx-dong-xanh"])
            let own = #"["htx-dong-xanh"]"#
            // Another producer's tea on an oranges-only session: refused for anyone, naming the SKU.
            let foreignSKU = try await client.send(
                .post, "/v1/livestreams", token: scene.staff, json: scene.sessionJSON(slug: "phien-tra", producers: own))
            #expect(foreignSKU.status == .unprocessableContent)
            #expect(foreignSKU.problemFields == ["products[1].sku"])

            let orangesOnly = { (slug: String, point: String) in
                scene.sessionJSON(slug: slug, producers: own, point: point)
                    .replacingOccurrences(
                        of: #",\s*\{"code":"TR02","sku":"TRA-DB","live_price":150000\}"#, with: "", options: .regularExpression)
            }
            // The producer's own oranges, but at a point that never let it sell there.
            let ungranted = try await client.send(
                .post, "/v1/livestreams", token: producer, json: orangesOnly("phien-1", StockScene.hanoi))
            #expect(ungranted.status == .forbidden)
            #expect(ungranted.problemFields == ["point"])
            let granted = try await client.send(
                .put, "/v1/points/\(StockScene.hanoi)/sellers/htx-dong-xanh", token: scene.staff)
            #expect(granted.status == .ok)
            // Staff of another point cannot grant at this one.
            let elsewhere = try await client.send(
                .put, "/v1/points/\(StockScene.hanoi)/sellers/cong-ty-ha-noi", token: scene.stock.tuyenQuangStaff)
            #expect(elsewhere.status == .forbidden)
            let allowed = try await client.send(
                .post, "/v1/livestreams", token: producer, json: orangesOnly("phien-1", StockScene.hanoi))
            #expect(allowed.status == .created, "\(String(buffer: allowed.body))")
            // The grant is per point: the Tuyên Quang point's stock stays out of reach.
            let otherPoint = try await client.send(
                .post, "/v1/livestreams", token: producer, json: orangesOnly("phien-2", StockScene.tuyenQuang))
            #expect(otherPoint.status == .forbidden)
            // Withdrawn, it no longer opens new sessions.
            let revoked = try await client.send(
                .delete, "/v1/points/\(StockScene.hanoi)/sellers/htx-dong-xanh", token: scene.staff)
            #expect(revoked.json["producers"] as? [String] == [])
            let after = try await client.send(
                .post, "/v1/livestreams", token: producer, json: orangesOnly("phien-3", StockScene.hanoi))
            #expect(after.status == .forbidden)
        }
    }

    @Test(arguments: TestEngine.all)
    func badSessionsAndOrdersNameTheField(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await LiveScene.make(harness, client)
            let bad = scene.sessionJSON(slug: "phien-2")
                .replacingOccurrences(of: #""platform":"facebook""#, with: #""platform":"myspace""#)
                .replacingOccurrences(of: #""code":"TR02""#, with: #""code":"TRA-02""#)
            let response = try await client.send(.post, "/v1/livestreams", token: scene.staff, json: bad)
            #expect(response.status == .unprocessableContent)
            #expect(Set(response.problemFields) == ["platform", "products[1].code"])
            let foreign = try await client.send(
                .post, "/v1/livestreams", token: scene.stock.tuyenQuangStaff, json: scene.sessionJSON(slug: "phien-3"))
            #expect(foreign.status == .forbidden)

            let order = { (json: String) in
                try await client.send(.post, "/v1/livestreams/\(LiveScene.slug)/orders", token: scene.staff, json: json)
            }
            let badPhone = try await order(#"{"buyer_name":"Bà Hoa","phone":"0212345678","lines":[{"code":"CS01","quantity":1}]}"#)
            #expect(badPhone.status == .unprocessableContent)
            #expect(badPhone.problemFields == ["phone"])
            let unknownCode = try await order(#"{"buyer_name":"Bà Hoa","phone":"0912345678","lines":[{"code":"XX9","quantity":1}]}"#)
            #expect(unknownCode.status == .unprocessableContent)
            #expect(unknownCode.problemFields == ["lines[0].code"])
            let tooMany = try await order(#"{"buyer_name":"Bà Hoa","phone":"0912345678","lines":[{"code":"CS01","quantity":11}]}"#)
            #expect(tooMany.status == .conflict)
            #expect(tooMany.problemFields == ["lines[0].quantity"])
            #expect(try await scene.free("CAM-5KG") == 10)
        }
    }

    @Test(arguments: TestEngine.all)
    func commentsBecomeHeldOrdersAndAReplayCreatesNothing(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await LiveScene.make(harness, client)
            let batch: [(viewer: String, text: String)] = [
                ("v1", "chốt cs01 x2 sđt 0912.345.678"),
                ("v2", "Còn cam không shop?"),
                ("v3", "0987654321"),
                ("v4", "CS01 sl 1 - 0903 111 222 và tr02 x2"),
                ("v1", "CS01 2 0912345678"),
                ("v5", "ZZ01 3 0977000111"),
            ]
            let first = try await scene.comments(batch)
            #expect(first.status == .ok, "\(String(buffer: first.body))")
            #expect(first.json["orders_created"] as? Int == 2)
            let outcomes = (first.json["outcomes"] as? [[String: Any]] ?? []).map { $0["outcome"] as? String ?? "" }
            #expect(outcomes == ["ordered", "not_order", "not_order", "ordered", "ordered", "not_order"])
            #expect(try await scene.free("CAM-5KG") == 7)
            #expect(try await scene.free("TRA-DB") == 3)

            // The shopper's page and counter sales see only the free units.
            let page = try await client.get("/v1/products/cam-sanh-hop-5kg").json
            #expect((page["available_at"] as? [[String: Any]])?.first?["in_stock"] as? Int == 7)
            let greedy = try await client.send(
                .post, "/v1/points/\(StockScene.hanoi)/sales", token: scene.staff,
                json: #"{"payment_method":"cash","lines":[{"sku":"CAM-5KG","quantity":8}]}"#)
            #expect(greedy.status == .conflict)

            let replay = try await scene.comments(batch)
            #expect(replay.json["orders_created"] as? Int == 0)
            #expect(replay.json["duplicates"] as? Int == batch.count)
            #expect(try await scene.free("CAM-5KG") == 7)

            // A viewer who raises the quantity gets the difference added to the same order.
            let more = try await scene.comments([("v1", "CS01 4 0912345678")], minute: 3)
            #expect(more.json["orders_updated"] as? Int == 1)
            let orders = try await client.send(.get, "/v1/livestreams/\(LiveScene.slug)/orders", token: scene.staff)
            #expect(orders.items.count == 2)
            let v1 = try #require(orders.items.first { $0["viewer_id"] as? String == "v1" })
            #expect((v1["lines"] as? [[String: Any]])?.first?["quantity"] as? Int == 4)
            #expect(v1["total"] as? Int == 4 * 199_000)
            #expect(try await scene.free("CAM-5KG") == 5)
        }
    }

    @Test(arguments: TestEngine.all)
    func confirmSellsAtTheLivePriceCancelAndExpiryRelease(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await LiveScene.make(harness, client)
            let orderPath = "/v1/livestreams/\(LiveScene.slug)/orders"
            func place(_ phone: String, _ quantity: Int) async throws -> Int {
                let response = try await client.send(
                    .post, orderPath, token: scene.staff,
                    json: #"{"buyer_name":"Anh Minh","phone":"\#(phone)","lines":[{"code":"CS01","quantity":\#(quantity)}]}"#)
                #expect(response.status == .created, "\(String(buffer: response.body))")
                return response.json["id"] as? Int ?? 0
            }
            let confirmed = try await place("0912000001", 3)
            let cancelled = try await place("0912000002", 2)
            let expiring = try await place("0912000003", 4)
            #expect(try await scene.free("CAM-5KG") == 1)

            let noAddress = try await client.send(.post, "\(orderPath)/\(confirmed)/confirm", token: scene.staff, json: "{}")
            #expect(noAddress.status == .unprocessableContent)
            #expect(noAddress.problemFields == ["address"])
            let confirm = try await client.send(
                .post, "\(orderPath)/\(confirmed)/confirm", token: scene.staff, json: #"{"address":"12 Hàng Bạc, Hoàn Kiếm"}"#,
                headers: [HTTPField.Name("Idempotency-Key")!: "chot-1"])
            #expect(confirm.status == .ok, "\(String(buffer: confirm.body))")
            #expect(confirm.json["status"] as? String == "confirmed")
            #expect(confirm.json["receipt_number"] as? String != nil)
            let retry = try await client.send(
                .post, "\(orderPath)/\(confirmed)/confirm", token: scene.staff, json: #"{"address":"12 Hàng Bạc, Hoàn Kiếm"}"#,
                headers: [HTTPField.Name("Idempotency-Key")!: "chot-1"])
            #expect(retry.status == .ok)
            #expect(try await scene.stock.quantity(StockScene.hanoi, "CAM-5KG") == 7)

            #expect(try await client.send(.post, "\(orderPath)/\(cancelled)/cancel", token: scene.staff).status == .ok)
            #expect(try await scene.free("CAM-5KG") == 3)

            harness.stack.clock.set(harness.stack.clock.now().adding(seconds: 31 * 60))
            let late = try await client.send(
                .post, "\(orderPath)/\(expiring)/confirm", token: scene.staff, json: #"{"address":"Số 5 Lý Nam Đế"}"#)
            #expect(late.status == .conflict)
            #expect(try await scene.free("CAM-5KG") == 7)

            let sale = try await harness.stack.database.read { sql in
                try await sql.raw("SELECT channel, total FROM sales WHERE point_slug = \(bind: StockScene.hanoi) ORDER BY id DESC")
                    .first()
            }
            #expect(try sale?.decode(column: "channel", as: String.self) == "livestream")
            #expect(try sale?.decode(column: "total", as: Int.self) == 3 * 199_000)
            try await scene.stock.expectBalancedLedger()

            let report = try await client.send(.get, "/v1/livestreams/\(LiveScene.slug)/report", token: scene.staff).json
            #expect(report["orders_created"] as? Int == 3)
            #expect(report["orders_confirmed"] as? Int == 1)
            #expect(report["orders_cancelled"] as? Int == 1)
            #expect(report["orders_expired"] as? Int == 1)
            #expect(report["revenue"] as? Int == 3 * 199_000)
            let csv = try await client.send(
                .get, "/v1/livestreams/\(LiveScene.slug)/report", token: scene.staff, headers: [.accept: "text/csv"])
            let rows = String(buffer: csv.body).split(separator: "\r\n")
            #expect(rows.first == "code,sku,product,live_price,units_ordered,units_held,units_confirmed,revenue_vnd")
            #expect(rows.dropFirst().first == "CS01,CAM-5KG,cam-sanh-hop-5kg,199000,9,0,3,597000")
        }
    }

    @Test(arguments: TestEngine.all)
    func twoHundredCommentsRacingForTwentyUnitsNeverOversell(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await LiveScene.make(harness, client, quota: 20, oranges: 25)
            // 200 requests over 64 connections at once: the orders really race on the server.
            let parallel = ParallelClient(port: try #require(client.port))
            let time = ISOTimestamp.string(harness.stack.clock.now())
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for n in 0..<200 {
                    group.addTask {
                        let comment = #"{"viewer_id":"racer-\#(n)","text":"CS01 1 0912\#(100_000 + n)","time":"\#(time)"}"#
                        let response = try await parallel.post(
                            "/v1/livestreams/\(LiveScene.slug)/comments", token: scene.staff,
                            json: #"{"comments":[\#(comment)]}"#)
                        return (response.json["outcomes"] as? [[String: Any]])?.first?["outcome"] as? String ?? "\(response.status)"
                    }
                }
                return try await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(outcomes == ["ordered": 20, "sold_out": 180])
            #expect(try await scene.free("CAM-5KG") == 5)
            let held = try await harness.stack.database.read { sql in
                try await StockHolds.heldBySKU(point: StockScene.hanoi, at: harness.stack.clock.now(), sql)
            }
            #expect(held["CAM-5KG"] == 20)
            try await scene.stock.expectBalancedLedger()
        }
    }
}
