import Foundation
import Hummingbird
import HummingbirdTesting
import OCOPDomain
import Testing
import TestSupport

@Suite struct ProductListTests {
    @Test(arguments: TestEngine.all) func onlyPublishableProductsAreListed(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { _, client in
            let slugs = try await client.allPages("/v1/products?limit=100")
            #expect(Set(slugs) == CatalogFixture.publishedSlugs)
            let first = try await client.get("/v1/products")
            #expect(first.json["total"] as? Int == CatalogFixture.publishedSlugs.count)
            #expect(first.items.count == 24)
            let facets = first.json["facets"] as? [String: [String: Int]]
            // No 2★ products and nothing from the revoked-only producer's province (31).
            #expect(facets?["stars"]?.keys.sorted() == ["3", "4", "5"])
            #expect(facets?["province"]?["31"] == nil)
            #expect(facets?["stars"]?.values.reduce(0, +) == CatalogFixture.publishedSlugs.count)
        }
    }

    @Test(arguments: TestEngine.all) func hiddenProductsAreNotFoundBySlug(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { _, client in
            for slug in CatalogFixture.hiddenSlugs {
                let response = try await client.get("/v1/products/\(slug)")
                #expect(response.status == .notFound, "\(slug)")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            #expect(try await client.get("/v1/products/tra-shan-tuyet-dac-biet").status == .ok)
        }
    }

    @Test(arguments: TestEngine.all) func searchIgnoresCaseDiacriticsAndStrokeAndRanksNamesFirst(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { _, client in
            let response = try await client.get("/v1/products?q=DAC%20BIET")
            // The name match comes before the product whose story says "đặc biệt".
            #expect(response.slugs == ["tra-shan-tuyet-dac-biet", "cam-sanh-hop-5kg"])
            #expect(try await client.get("/v1/products?q=%C4%91%E1%BA%B7c%20bi%E1%BB%87t").slugs.first == "tra-shan-tuyet-dac-biet")
            // Producer names are searched too; hidden products never surface.
            let byProducer = try await client.get("/v1/products?q=dong%20xanh&limit=100")
            #expect(byProducer.slugs.contains("mat-ong-bac-ha"))
            #expect(Set(byProducer.slugs).isDisjoint(with: CatalogFixture.hiddenSlugs))
            // The last word may be a prefix, as typed.
            #expect(try await client.get("/v1/products?q=tra%20shan%20tuy").slugs == ["tra-shan-tuyet-dac-biet"])
            #expect(try await client.get("/v1/products?q=ruou%20nep").slugs.isEmpty)
        }
    }

    @Test(arguments: TestEngine.all, ["name", "stars", "newest", "price_asc", "price_desc"])
    func followingNextCursorVisitsEveryProductOnce(engine: TestEngine, sort: String) async throws {
        try await ServerHarness.run(engine) { _, client in
            let slugs = try await client.allPages("/v1/products?sort=\(sort)&limit=7")
            #expect(slugs.count == CatalogFixture.publishedSlugs.count)
            #expect(Set(slugs) == CatalogFixture.publishedSlugs)
        }
    }

    @Test(arguments: TestEngine.all) func relevancePagesAlsoVisitEveryMatchOnce(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { _, client in
            let all = try await client.get("/v1/products?q=san%20pham&limit=100")
            let paged = try await client.allPages("/v1/products?q=san%20pham&limit=4")
            #expect(paged == all.slugs)
            // Every product's story says "sản phẩm", but the thirty named so come first.
            #expect(paged.count == 35)
            #expect(paged.prefix(30).allSatisfy { $0.hasPrefix("san-pham-thu-") })
        }
    }

    @Test(arguments: TestEngine.all) func sortsOrderAsTheirNamesSay(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { _, client in
            let cheap = try await client.get("/v1/products?sort=price_asc&limit=100").items.compactMap { $0["price_min"] as? Int }
            #expect(cheap == cheap.sorted())
            let stars = try await client.get("/v1/products?sort=stars&limit=100").items.compactMap { $0["stars"] as? Int }
            #expect(stars == stars.sorted(by: >))
            // The newest fixture product was listed on 2025-09-18.
            #expect(try await client.get("/v1/products?sort=newest&limit=1").slugs == ["san-pham-thu-8"])
        }
    }

    @Test(arguments: TestEngine.all) func filtersNarrowTheListAndTheFacets(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { _, client in
            let tea = try await client.get("/v1/products?group=I.5.a")
            #expect(tea.slugs == ["tra-shan-tuyet-dac-biet"])
            let food = try await client.get("/v1/products?group=I&limit=100")
            #expect(food.items.allSatisfy { ($0["group"] as? String)?.hasPrefix("I.") == true })
            #expect(food.slugs.contains("tra-shan-tuyet-dac-biet") && !food.slugs.contains("gom-men-lam"))
            let top = try await client.get("/v1/products?min_stars=5&limit=100")
            #expect(top.items.allSatisfy { $0["stars"] as? Int == 5 })
            #expect(top.slugs.contains("mat-ong-bac-ha"))
            let hanoi = try await client.get("/v1/products?province=ha%20noi&limit=100")
            #expect(hanoi.json["total"] as? Int == (try await client.get("/v1/products?province=01").json["total"] as? Int))
            #expect(hanoi.items.allSatisfy { ($0["province"] as? [String: Any])?["code"] as? String == "01" })
            let producer = try await client.get("/v1/products?producer=ho-kinh-doanh-tuong-mai")
            #expect(producer.slugs == ["tra-shan-tuyet-dac-biet"])
            let combined = try await client.get("/v1/products?group=I&min_stars=4&province=08&limit=100")
            let facets = combined.json["facets"] as? [String: [String: Int]]
            #expect(facets?["province"] == ["08": combined.json["total"] as? Int ?? -1])
            #expect(try await client.get("/v1/products?point=diem-ban-ha-noi").json["total"] as? Int == 0)
        }
    }

    @Test(arguments: [
        ("group=IX", "group"), ("group=I.5.z", "group"), ("min_stars=9", "min_stars"), ("stars=0", "stars"),
        ("limit=0", "limit"), ("limit=101", "limit"), ("limit=ten", "limit"), ("cursor=Zm9yZ2Vk", "cursor"),
        ("sort=cheapest", "sort"), ("sort=relevance", "sort"), ("province=atlantis", "province"),
        ("producer=Not%20A%20Slug", "producer"), ("colour=red", "colour"), ("lang=fr", "lang"),
    ])
    func badParametersAreNamedInA400(query: String, field: String) async throws {
        try await ServerHarness.run { _, client in
            let response = try await client.get("/v1/products?\(query)")
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(response.problemFields == [field])
            #expect(response.json["status"] as? Int == 400)
        }
    }

    @Test(arguments: TestEngine.all) func aCursorFromAnotherSortIsRefused(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { _, client in
            let next = try await client.get("/v1/products?sort=stars&limit=2").json["next_cursor"] as? String
            let response = try await client.get("/v1/products?sort=name&cursor=\(next ?? "")")
            #expect(response.status == .badRequest)
            #expect(response.problemFields == ["cursor"])
        }
    }

    @Test(arguments: TestEngine.all) func anUnchangedListAnswers304ToItsETag(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { _, client in
            let first = try await client.get("/v1/products?group=I")
            let etag = try #require(first.headers[.eTag])
            let again = try await client.get("/v1/products?group=I", headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            let other = try await client.get("/v1/products?group=II", headers: [.ifNoneMatch: etag])
            #expect(other.status == .ok)
        }
    }
}
