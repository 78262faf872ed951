import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OCOPDomain
import OCOPServer
import OCOPStorage
import Testing
import TestSupport

/// Lists are answered from precomputed orderings, filter sets and a cache of encoded pages: these
/// check the answers against the plain definition (every published product, filtered by its own
/// fields) and that a cached page never outlives the catalog or the stock it was computed from.
@Suite struct ProductListIndexTests {
    /// What a list item says about itself: enough to filter and count facets by hand.
    struct Item {
        let slug: String
        let group: String
        let stars: Int
        let province: String
        let producer: String

        init(_ json: [String: Any]) {
            slug = json["slug"] as? String ?? ""
            group = json["group"] as? String ?? ""
            stars = json["stars"] as? Int ?? 0
            province = (json["province"] as? [String: Any])?["code"] as? String ?? ""
            producer = (json["producer"] as? [String: Any])?["slug"] as? String ?? ""
        }

        /// The item's classification code and every code above it ("I.5.a" → I, I.5, I.5.a).
        var groupPath: [String] {
            let parts = group.split(separator: ".").map(String.init)
            return parts.indices.map { parts[0...$0].joined(separator: ".") }
        }
    }

    static let filters: [(query: String, passes: @Sendable (Item) -> Bool)] = [
        ("group=I", { $0.groupPath.contains("I") }),
        ("group=I.5", { $0.groupPath.contains("I.5") }),
        ("min_stars=4", { $0.stars >= 4 }),
        ("stars=3", { $0.stars == 3 }),
        ("stars=5", { $0.stars == 5 }),
        ("province=01", { $0.province == "01" }),
        ("group=I&min_stars=4", { $0.groupPath.contains("I") && $0.stars >= 4 }),
        ("group=I&min_stars=3&province=08", { $0.groupPath.contains("I") && $0.stars >= 3 && $0.province == "08" }),
        ("producer=ho-kinh-doanh-tuong-mai", { $0.producer == "ho-kinh-doanh-tuong-mai" }),
        ("group=IV&stars=5", { $0.groupPath.contains("IV") && $0.stars == 5 }),
    ]

    @Test(arguments: TestEngine.all, ["name", "stars", "newest", "price_asc", "price_desc"])
    func everyFilterPagesThroughExactlyItsProductsWithFacetsOverAllOfThem(engine: TestEngine, sort: String)
        async throws
    {
        try await ServerHarness.run(engine) { _, client in
            let everything = try await client.get("/v1/products?sort=\(sort)&limit=100")
            let all = everything.items.map(Item.init)
            #expect(all.count == CatalogFixture.publishedSlugs.count)
            for (query, passes) in Self.filters {
                let expected = all.filter(passes)
                // Small pages so that every filter crosses several cursors.
                let paged = try await client.allPages("/v1/products?\(query)&sort=\(sort)&limit=2")
                #expect(paged == expected.map(\.slug), "\(query) sort=\(sort)")
                let first = try await client.get("/v1/products?\(query)&sort=\(sort)&limit=2")
                #expect(first.json["total"] as? Int == expected.count, "\(query)")
                let facets = first.json["facets"] as? [String: [String: Int]] ?? [:]
                #expect(facets["stars"] == Self.counts(expected.map { String($0.stars) }), "\(query)")
                #expect(facets["province"] == Self.counts(expected.map(\.province)), "\(query)")
                #expect(facets["group"] == Self.counts(expected.flatMap(\.groupPath)), "\(query)")
            }
        }
    }

    @Test(arguments: TestEngine.all) func searchesWithFiltersPageThroughTheirMatchesOnceInRelevanceOrder(
        engine: TestEngine
    ) async throws {
        try await ServerHarness.run(engine) { _, client in
            let all = try await client.get("/v1/products?q=san%20pham&limit=100").items.map(Item.init)
            for (query, passes) in Self.filters {
                let expected = all.filter(passes).map(\.slug)
                let paged = try await client.allPages("/v1/products?q=san%20pham&\(query)&limit=3")
                #expect(paged == expected, "\(query)")
                for sort in ["name", "price_asc"] {
                    let sorted = try await client.allPages("/v1/products?q=san%20pham&\(query)&sort=\(sort)&limit=3")
                    #expect(Set(sorted) == Set(expected) && sorted.count == expected.count, "\(query) \(sort)")
                }
            }
        }
    }

    @Test(arguments: TestEngine.all) func aCachedPageIsNotServedAfterTheCatalogChanges(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let path = "/v1/products?min_stars=5&limit=100"
            let before = try await client.get(path)
            #expect(before.slugs.contains("mat-ong-bac-ha"))
            #expect(try await client.get(path).body == before.body)  // the same bytes again, from the cache
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let revoked = try await client.send(
                .post, "/v1/products/mat-ong-bac-ha/certificates/revocations", token: admin,
                json: #"{"number":"03/GCN","reason":"Vi phạm an toàn thực phẩm","decision_number":"99/QĐ-UBND"}"#)
            #expect(revoked.status == .ok)
            let after = try await client.get(path)
            #expect(!after.slugs.contains("mat-ong-bac-ha"))
            #expect(after.json["total"] as? Int == (before.json["total"] as? Int ?? 0) - 1)
            #expect(after.headers[.eTag] != before.headers[.eTag])
            let search = try await client.get("/v1/products?q=mat%20ong%20bac")
            #expect(!search.slugs.contains("mat-ong-bac-ha"))
        }
    }

    @Test(arguments: TestEngine.all) func aCachedPageIsNotServedOnTheNextDay(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let path = "/v1/products?limit=100"
            let today = try await client.get(path)
            #expect(today.json["total"] as? Int == CatalogFixture.publishedSlugs.count)
            // Twenty years on, every certificate of the fixture has expired.
            harness.stack.clock.set(harness.stack.clock.now().adding(seconds: 20 * 366 * 86_400))
            let later = try await client.get(path)
            #expect(later.json["total"] as? Int == 0)
            #expect(later.slugs.isEmpty)
        }
    }
}

/// Product pages read a product → points index that each stock movement updates for its point.
@Suite struct ProductAvailabilityIndexTests {
    @Test(arguments: TestEngine.all) func aProductPageListsExactlyThePointsHoldingItByName(engine: TestEngine)
        async throws
    {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            func available(_ slug: String) async throws -> [String] {
                let page = try await client.get("/v1/products/\(slug)")
                return (page.json["available_at"] as? [[String: Any]] ?? []).map {
                    "\($0["point"] as? String ?? "?")=\($0["in_stock"] as? Int ?? -1)"
                }
            }
            try await scene.receive(StockScene.hanoi, #"{"sku":"MAT-ONG","quantity":2}"#)
            try await scene.receive(StockScene.tuyenQuang, #"{"sku":"MAT-ONG","quantity":3},{"sku":"MAM-CL","quantity":1}"#)
            // By point name: "Điểm OCOP Hoàn Kiếm" before "Điểm OCOP Vĩnh Tuy".
            #expect(try await available("mat-ong-bac-ha") == [StockScene.hanoi + "=2", StockScene.tuyenQuang + "=3"])
            #expect(try await available("nuoc-mam-cua-lo") == [StockScene.tuyenQuang + "=1"])

            let sell = try await client.send(
                .post, "/v1/points/\(StockScene.hanoi)/sales", token: scene.hanoiStaff,
                json: #"{"payment_method":"cash","lines":[{"sku":"MAT-ONG","quantity":2}]}"#)
            #expect(sell.status == .created)
            #expect(try await available("mat-ong-bac-ha") == [StockScene.tuyenQuang + "=3"])
            #expect(try await available("nuoc-mam-cua-lo") == [StockScene.tuyenQuang + "=1"])
            #expect(try await available("tra-shan-tuyet-dac-biet").isEmpty)
        }
    }
}

extension ProductListIndexTests {
    static func counts(_ values: [String]) -> [String: Int] {
        values.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }
}
