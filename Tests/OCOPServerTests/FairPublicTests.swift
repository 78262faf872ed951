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

@Suite struct FairPublicTests {
    /// The goods week with A-01 given to HTX Đồng Xanh, which brings its oranges and a product
    /// that is not publishable (expired certificate).
    static func allocatedScene(_ harness: ServerHarness, _ client: any TestClientProtocol) async throws -> FairScene {
        let scene = try await FairScene.make(harness, client)
        try await scene.addStalls(from: "A-01", to: "A-03")
        let application = try await scene.apply("htx-dong-xanh", ["cam-sanh-hop-5kg", "ruou-nep-het-han"])
        #expect(try await scene.allocate("A-01", to: application).status == .ok)
        return scene
    }

    @Test(arguments: TestEngine.all) func theFairShowsItsStallsProducersAndOnlyPublishableProducts(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            _ = try await Self.allocatedScene(harness, client)
            let detail = try await client.get("/v1/fairs/\(FairScene.slug)")
            #expect(detail.status == .ok)
            #expect(detail.json["status"] as? String == "planned")
            #expect(detail.json["opens_on"] as? String == "2026-11-25")
            #expect((detail.json["province"] as? [String: Any])?["code"] as? String == "08")
            let stalls = detail.json["stalls"] as? [[String: Any]] ?? []
            #expect(stalls.map { $0["code"] as? String ?? "" } == ["A-01", "A-02", "A-03"])
            #expect((stalls[0]["producer"] as? [String: Any])?["slug"] as? String == "htx-dong-xanh")
            let products = (stalls[0]["products"] as? [[String: Any]] ?? []).compactMap { $0["slug"] as? String }
            #expect(products == ["cam-sanh-hop-5kg"])
            #expect(stalls[1]["producer"] is NSNull)
            #expect(detail.headers[.eTag] != nil)
            let unknown = try await client.get("/v1/fairs/khong-co")
            #expect(unknown.status == .notFound)
        }
    }

    @Test(arguments: TestEngine.all) func theProductPageListsTheFairsWhereItCanBeFound(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await Self.allocatedScene(harness, client)
            let page = try await client.get("/v1/products/cam-sanh-hop-5kg")
            let fairs = page.json["fairs"] as? [[String: Any]] ?? []
            #expect(fairs.map { $0["slug"] as? String ?? "" } == [FairScene.slug])
            #expect(fairs.first?["stalls"] as? [String] == ["A-01"])
            let other = try await client.get("/v1/products/mat-ong-bac-ha")
            #expect((other.json["fairs"] as? [Any])?.isEmpty == true)

            // Once the fair is over it is no longer listed on the page.
            scene.setClock("2026-11-28", 9)
            let after = try await client.get("/v1/products/cam-sanh-hop-5kg")
            #expect((after.json["fairs"] as? [Any])?.isEmpty == true)
        }
    }

    @Test(arguments: TestEngine.all) func theListHasUpcomingAndOpenFairsFilteredAndPagedOnce(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await FairScene.make(harness, client)
            for (slug, opens, closes, province) in [
                ("festival-ocop-ha-noi", "2026-12-10", "2026-12-14", "01"),
                ("hoi-cho-dang-mo", "2026-11-20", "2026-11-24", "08"),
                ("hoi-cho-da-xong", "2026-11-01", "2026-11-05", "08"),
            ] {
                #expect(try await scene.createFair(slug, opensOn: opens, closesOn: closes, province: province).status == .created)
            }
            let all = try await client.allPages("/v1/fairs?limit=1")
            #expect(all == ["hoi-cho-dang-mo", FairScene.slug, "festival-ocop-ha-noi"])
            #expect(try await client.get("/v1/fairs?province=Hà Nội".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!).slugs == ["festival-ocop-ha-noi"])
            #expect(try await client.get("/v1/fairs?date=2026-11-26").slugs == [FairScene.slug])
            let open = try await client.get("/v1/fairs?date=2026-11-22")
            #expect(open.items.first?["status"] as? String == "open")
            let bad = try await client.get("/v1/fairs?date=26-11-2026")
            #expect(bad.status == .badRequest)
            #expect(bad.problemFields == ["date"])

            // Closing a fair explicitly takes it off the list.
            let closed = try await client.send(
                .post, "/v1/fairs/hoi-cho-dang-mo/close", token: try await scene.manager("hoi-cho-dang-mo"))
            #expect(closed.status == .ok)
            #expect(closed.json["status"] as? String == "closed")
            #expect(try await client.allPages("/v1/fairs") == [FairScene.slug, "festival-ocop-ha-noi"])
        }
    }

    @Test(arguments: TestEngine.all) func stallsAreNeitherPublicPointsNorProductAvailability(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await Self.allocatedScene(harness, client)
            let brought = try await client.send(
                .post, "/v1/fairs/\(FairScene.slug)/stalls/A-01/receipts", token: try await scene.producer("htx-dong-xanh"),
                json: #"{"lines":[{"sku":"CAM-5KG","quantity":4}]}"#)
            #expect(brought.status == .created)
            let points = try await client.allPages("/v1/points")
            #expect(points.sorted() == [StockScene.hanoi, StockScene.tuyenQuang].sorted())
            #expect(try await client.get("/v1/points/\(scene.stallPoint("A-01"))").status == .notFound)
            let page = try await client.get("/v1/products/cam-sanh-hop-5kg")
            #expect((page.json["available_at"] as? [Any])?.isEmpty == true)
            let filtered = try await client.get("/v1/products?point=\(scene.stallPoint("A-01"))")
            #expect(filtered.slugs.isEmpty)
        }
    }

    @Test(arguments: TestEngine.all) func writesMadeElsewhereReachThePublicViewByPolling(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            _ = try await FairScene.make(harness, client)
            // Another node's write: straight to the database, bypassing this node's controllers.
            try await FairStore(database: harness.stack.database).create(
                Fair(
                    slug: "tuan-hang-tu-node-khac", kind: .fair, name: "Hội chợ", venue: "Nhà văn hoá", provinceCode: "08",
                    opensOn: CalendarDate(iso: "2026-12-01")!, closesOn: CalendarDate(iso: "2026-12-03")!,
                    dailyHours: "08:00–21:00", organiser: "UBND xã"),
                actor: "test", at: harness.stack.clock.now())
            var seen = false
            for _ in 0..<50 where !seen {
                try await Task.sleep(for: .milliseconds(100))
                seen = try await client.get("/v1/fairs").slugs.contains("tuan-hang-tu-node-khac")
            }
            #expect(seen)
        }
    }
}
