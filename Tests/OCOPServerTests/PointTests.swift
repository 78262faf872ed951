import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OCOPDomain
import OCOPServer
import OCOPStorage
import Testing
import TestSupport

@Suite struct PointTests {
    @Test(arguments: TestEngine.all) func theCatalogFollowsStockAfterEachMovement(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            let filter = "/v1/products?point=\(StockScene.hanoi)"
            #expect(try await client.get(filter).slugs.isEmpty)
            // A revoked product in stock is never shown as an OCOP product.
            try await scene.receive(StockScene.hanoi, #"{"sku":"MAT-ONG","quantity":2},{"sku":"NA-BO","quantity":5}"#)
            #expect(try await client.get(filter).slugs == ["mat-ong-bac-ha"])
            let detail = try await client.get("/v1/products/mat-ong-bac-ha")
            let available = detail.json["available_at"] as? [[String: Any]]
            #expect(available?.first?["point"] as? String == StockScene.hanoi)
            #expect(available?.first?["in_stock"] as? Int == 2)
            let page = try await client.get("/v1/points/\(StockScene.hanoi)")
            let products = (page.json["products"] as? [[String: Any]] ?? []).compactMap {
                ($0["product"] as? [String: Any])?["slug"] as? String
            }
            #expect(products == ["mat-ong-bac-ha"])

            // Each sale refreshes only the products it moved: one unit left, then none.
            let sellOne = try await client.send(
                .post, "/v1/points/\(StockScene.hanoi)/sales", token: scene.hanoiStaff,
                json: #"{"payment_method":"cash","lines":[{"sku":"MAT-ONG","quantity":1}]}"#)
            #expect(sellOne.status == .created)
            let afterOne = try await client.get("/v1/products/mat-ong-bac-ha").json["available_at"] as? [[String: Any]]
            #expect(afterOne?.first?["in_stock"] as? Int == 1)
            let sell = try await client.send(
                .post, "/v1/points/\(StockScene.hanoi)/sales", token: scene.hanoiStaff,
                json: #"{"payment_method":"cash","lines":[{"sku":"MAT-ONG","quantity":1}]}"#)
            #expect(sell.status == .created)
            #expect(try await client.get(filter).slugs.isEmpty)
            #expect((try await client.get("/v1/products/mat-ong-bac-ha").json["available_at"] as? [Any])?.isEmpty == true)
        }
    }

    /// A sale changes the pages and details of what it sold, not every product's: the others keep
    /// their ETags (a phone revalidating them gets a 304) and their cached copies.
    @Test(arguments: TestEngine.all) func aSaleChangesOnlyThePagesOfWhatItSold(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            try await scene.receive(StockScene.hanoi, #"{"sku":"MAT-ONG","quantity":3},{"sku":"TRA-DB","quantity":4}"#)
            func etag(_ path: String) async throws -> String {
                try #require(try await client.get(path).headers[.eTag])
            }
            let paths = ["/v1/products/mat-ong-bac-ha", "/v1/products/tra-shan-tuyet-dac-biet",
                         "/san-pham/mat-ong-bac-ha", "/san-pham/tra-shan-tuyet-dac-biet"]
            var before: [String: String] = [:]
            for path in paths { before[path] = try await etag(path) }
            let sale = try await client.send(
                .post, "/v1/points/\(StockScene.hanoi)/sales", token: scene.hanoiStaff,
                json: #"{"payment_method":"cash","lines":[{"sku":"MAT-ONG","quantity":1}]}"#)
            #expect(sale.status == .created)
            #expect(try await etag("/v1/products/mat-ong-bac-ha") != before["/v1/products/mat-ong-bac-ha"])
            #expect(try await etag("/san-pham/mat-ong-bac-ha") != before["/san-pham/mat-ong-bac-ha"])
            for path in ["/v1/products/tra-shan-tuyet-dac-biet", "/san-pham/tra-shan-tuyet-dac-biet"] {
                let revalidated = try await client.execute(
                    uri: path, method: .get, headers: [.ifNoneMatch: before[path]!]) { $0 }
                #expect(revalidated.status == .notModified, "\(path) did not change")
            }
            let page = String(buffer: try await client.get("/san-pham/mat-ong-bac-ha").body)
            #expect(page.contains("— còn 2 "), "the page shows the units left")
        }
    }

    /// Product pages keep their encoded stock between reads; renaming a point must still show.
    @Test(arguments: TestEngine.all) func aRenamedPointShowsOnProductPagesReadBefore(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            try await scene.receive(StockScene.hanoi, #"{"sku":"MAT-ONG","quantity":2}"#)
            func pointNames() async throws -> [String] {
                let page = try await client.get("/v1/products/mat-ong-bac-ha")
                return (page.json["available_at"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            }
            let before = try await pointNames()
            #expect(before.count == 1 && before != ["Điểm OCOP Hồ Gươm"])
            let edit = try await client.send(
                .put, "/v1/points/\(StockScene.hanoi)", token: scene.admin,
                json: #"{"name":"Điểm OCOP Hồ Gươm","location_type":"tourist_site","address":"Số 2","province":"01","opening_hours":"07:00–22:00"}"#)
            #expect(edit.status == .ok)
            #expect(try await pointNames() == ["Điểm OCOP Hồ Gươm"])
        }
    }

    @Test(arguments: TestEngine.all) func pointsAreListedByDistanceFromAPlace(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            _ = try await StockScene.make(harness, client)
            let near = try await client.get("/v1/points?near=21.03,105.85")
            #expect(near.slugs == [StockScene.hanoi, StockScene.tuyenQuang])
            let distances = near.items.compactMap { $0["distance_m"] as? Int }
            #expect(distances.count == 2 && distances[0] < 1_000 && distances[1] > 100_000)
            #expect(try await client.get("/v1/points?near=21.03,105.85&radius_km=50").slugs == [StockScene.hanoi])
            #expect(try await client.get("/v1/points?province=08").slugs == [StockScene.tuyenQuang])
            #expect(try await client.get("/v1/points?type=post_office").slugs.isEmpty)
            #expect(try await client.get("/v1/points?near=200,1").problemFields == ["near"])
            #expect(try await client.allPages("/v1/points?limit=1").count == 2)
            let point = try await client.get("/v1/points/\(StockScene.tuyenQuang)").json
            #expect((point["province"] as? [String: Any])?["name"] as? String == "Tuyên Quang")
            #expect((point["criteria"] as? [[String: Any]])?.first?["key"] as? String == "signboard")
            #expect(try await client.get("/v1/points/nowhere").status == .notFound)
        }
    }

    @Test(arguments: TestEngine.all) func adminsCreateAndEditPointsWithCheckedFields(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            let taken = try await client.send(
                .post, "/v1/points", token: scene.admin,
                json: #"{"slug":"\#(StockScene.hanoi)","name":"X","location_type":"post_office","address":"A","province":"01","opening_hours":"8-17"}"#)
            #expect(taken.status == .conflict)
            let wrongCommune = try await client.send(
                .post, "/v1/points", token: scene.admin,
                json: #"{"slug":"diem-moi","name":"X","location_type":"airport","address":"A","province":"01","commune":"01156","opening_hours":"8-17"}"#)
            #expect(wrongCommune.status == .unprocessableContent)
            #expect(Set(wrongCommune.problemFields) == ["location_type", "commune"])
            let edit = try await client.send(
                .put, "/v1/points/\(StockScene.hanoi)", token: scene.admin,
                json: #"{"name":"Điểm OCOP Hồ Gươm","location_type":"tourist_site","address":"Số 2","province":"01","opening_hours":"07:00–22:00"}"#)
            #expect(edit.status == .ok)
            #expect(try await client.get("/v1/points/\(StockScene.hanoi)").json["name"] as? String == "Điểm OCOP Hồ Gươm")
        }
    }

    /// Point writes go through the write pipeline: a request sent again with the same
    /// Idempotency-Key (a tablet whose connection dropped) gets the first answer and changes nothing.
    @Test(arguments: TestEngine.all) func aRetriedPointWriteIsAnsweredAsTheFirstAndRecordedOnce(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            func send(_ method: HTTPRequest.Method, _ path: String, _ json: String?, key: String, token: String) async throws -> TestResponse {
                var headers: HTTPFields = [.authorization: "Bearer \(token)", WritePathKey.name: key]
                if json != nil { headers[.contentType] = "application/json" }
                return try await client.execute(
                    uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { $0 }
            }
            let point = #"{"slug":"diem-ga-ha-noi","name":"Điểm OCOP Ga Hà Nội","location_type":"commercial_centre","address":"120 Lê Duẩn","province":"01","opening_hours":"06:00–22:00"}"#
            let created = try await send(.post, "/v1/points", point, key: "point-1", token: scene.admin)
            let again = try await send(.post, "/v1/points", point, key: "point-1", token: scene.admin)
            #expect(created.status == .created, "\(String(buffer: created.body))")
            #expect(again.status == .created && again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(Array(again.body.readableBytesView) == Array(created.body.readableBytesView))
            #expect(created.json["name"] as? String == "Điểm OCOP Ga Hà Nội")
            // The answer is the document a read gives.
            let read = try await client.get("/v1/points/diem-ga-ha-noi")
            #expect(read.json["address"] as? String == created.json["address"] as? String)
            // The same key with another body is a client's mistake, not a replay.
            let reused = try await send(.post, "/v1/points", point.replacingOccurrences(of: "Ga Hà Nội\",", with: "Ga\","), key: "point-1", token: scene.admin)
            #expect(reused.status == .unprocessableContent, "\(reused.status)")

            let grant = "/v1/points/\(StockScene.hanoi)/sellers/htx-dong-xanh"
            let granted = try await send(.put, grant, nil, key: "grant-1", token: scene.hanoiStaff)
            let regranted = try await send(.put, grant, nil, key: "grant-1", token: scene.hanoiStaff)
            #expect(granted.status == .ok && regranted.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(granted.json["producers"] as? [String] == ["htx-dong-xanh"])
            let revoked = try await send(.delete, grant, nil, key: "revoke-1", token: scene.hanoiStaff)
            let rerevoked = try await send(.delete, grant, nil, key: "revoke-1", token: scene.hanoiStaff)
            #expect(revoked.status == .ok && rerevoked.status == .ok, "a retried withdrawal is not a 404")
            #expect(rerevoked.json["producers"] as? [String] == [])

            let audit = try await client.send(.get, "/v1/audit?entity=point", token: scene.admin)
            #expect(audit.items.filter { $0["entity_id"] as? String == "diem-ga-ha-noi" }.count == 1)
            let sellers = try await client.send(.get, "/v1/audit?entity=point_seller", token: scene.admin)
            #expect(sellers.items.count == 2, "one grant, one withdrawal: \(String(buffer: sellers.body))")
        }
    }

    @Test(arguments: TestEngine.all) func alertsShowLowStockAndBatchesNearTheirDate(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            let point = StockScene.hanoi
            try await scene.receive(
                point,
                #"{"sku":"MAT-ONG","batch":"M1","best_before":"2026-12-01","quantity":3},"#
                    + #"{"sku":"CAM-5KG","batch":"C1","best_before":"2027-12-01","quantity":20}"#)
            let minimum = try await client.send(
                .put, "/v1/points/\(point)/minimums/MAT-ONG", token: scene.hanoiStaff, json: #"{"minimum":5}"#)
            #expect(minimum.status == .ok)
            let alerts = try await client.send(.get, "/v1/points/\(point)/alerts?days=30", token: scene.hanoiStaff).json
            let low = alerts["below_minimum"] as? [[String: Any]]
            #expect(low?.first?["sku"] as? String == "MAT-ONG")
            #expect(low?.first?["quantity"] as? Int == 3)
            let expiring = alerts["expiring"] as? [[String: Any]]
            #expect(expiring?.map { $0["batch"] as? String } == ["M1"])
            #expect(expiring?.first?["days_left"] as? Int == 9)
        }
    }

    @Test(arguments: TestEngine.all) func salesTotalsAreGivenByProductAndPaymentMethod(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            let point = StockScene.hanoi
            try await scene.receive(point, #"{"sku":"MAT-ONG","quantity":10},{"sku":"TRA-DB","quantity":10}"#)
            for (body, _) in [
                (#"{"payment_method":"cash","lines":[{"sku":"MAT-ONG","quantity":2},{"sku":"TRA-DB","quantity":1}]}"#, 0),
                (#"{"payment_method":"e_wallet","lines":[{"sku":"TRA-DB","quantity":3}]}"#, 1),
            ] {
                #expect(try await client.send(.post, "/v1/points/\(point)/sales", token: scene.hanoiStaff, json: body).status == .created)
            }
            let report = try await client.send(
                .get, "/v1/points/\(point)/sales?from=2026-11-22&to=2026-11-22", token: scene.hanoiStaff).json
            let summary = report["summary"] as? [String: Any]
            #expect(summary?["sales_count"] as? Int == 2)
            #expect(summary?["revenue"] as? Int == 2 * 450_000 + 4 * 180_000)
            #expect((summary?["by_payment_method"] as? [String: Int]) == ["cash": 1_080_000, "e_wallet": 540_000])
            let tea = (summary?["by_product"] as? [[String: Any]])?.first { $0["sku"] as? String == "TRA-DB" }
            #expect(tea?["quantity"] as? Int == 4)
            let yesterday = try await client.send(
                .get, "/v1/points/\(point)/sales?from=2026-11-21&to=2026-11-21", token: scene.hanoiStaff).json
            #expect((yesterday["summary"] as? [String: Any])?["sales_count"] as? Int == 0)
        }
    }
}
