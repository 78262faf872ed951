import Foundation
import Hummingbird
import HummingbirdTesting
import OCOPDomain
import OCOPServer
import Testing
import TestSupport

@Suite struct ProductDetailTests {
    @Test(arguments: TestEngine.all) func aProductShowsItsStoryCertificateAndVariants(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { _, client in
            let response = try await client.get("/v1/products/nuoc-mam-cua-lo")
            #expect(response.status == .ok)
            let product = response.json
            #expect(product["name"] as? String == "Nước mắm Cửa Lò")
            #expect(product["stars"] as? Int == 4)
            let certificate = product["certificate"] as? [String: Any]
            // The later, upgraded certificate is the current one.
            #expect(certificate?["number"] as? String == "05b/GCN")
            #expect(certificate?["expires_on"] as? String == "2028-01-10")
            #expect(certificate?["status"] as? String == "valid")
            let variants = product["variants"] as? [[String: Any]]
            #expect(variants?.first?["sku"] as? String == "MAM-CL")
            #expect(variants?.first?["price"] as? Int == 95000)
            #expect((product["media"] as? [[String: Any]])?.first?["url"] as? String == "/media/products/sample.png")
            #expect((product["commune"] as? [String: Any])?["code"] as? String == "00070")
            #expect(product["available_at"] as? [Any] != nil)
            #expect(product["story"] as? String == "Sản phẩm truyền thống của địa phương.")
        }
    }

    /// Stories are written into the page from the product's own text unless they need escaping:
    /// both kinds, in both languages, must come out as the stored text.
    @Test(arguments: TestEngine.all) func storiesWithAndWithoutCharactersToEscapeReadBackExactly(
        engine: TestEngine
    ) async throws {
        try await ServerHarness.run(engine) { _, client in
            let quoted = try await client.get("/v1/products/cam-sanh-hop-5kg")
            #expect(quoted.json["story"] as? String == #"Cam "sành" trồng trên đất đồi, vị ngọt\chua đặc biệt của vùng cao."#)
            #expect(quoted.json["description"] as? String == "Mô tả ngắn của Cam sành hộp 5kg.")
            let english = try await client.get("/v1/products/cam-sanh-hop-5kg?lang=en")
            #expect(english.json["story"] as? String == "A local product.")
            #expect(english.json["language"] as? String == "en")
            let plain = try await client.get("/v1/products/mat-ong-bac-ha?lang=vi")
            #expect(plain.json["story"] as? String == "Sản phẩm truyền thống của địa phương.")
        }
    }

    @Test(arguments: TestEngine.all) func theLanguageComesFromLangOrAcceptLanguageAndFallsBackToVietnamese(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { _, client in
            let english = try await client.get("/v1/products/tra-shan-tuyet-dac-biet?lang=en")
            #expect(english.json["name"] as? String == "Special Shan tuyet tea")
            let header = try await client.get(
                "/v1/products/tra-shan-tuyet-dac-biet", headers: [.acceptLanguage: "en-GB,en;q=0.9,vi;q=0.5"])
            #expect(header.json["name"] as? String == "Special Shan tuyet tea")
            // No English name: the Vietnamese one is shown.
            let fallback = try await client.get("/v1/products/gom-men-lam?lang=en")
            #expect(fallback.json["name"] as? String == "Gốm men lam")
            #expect(try await client.get("/v1/products/gom-men-lam").json["language"] as? String == "vi")
        }
    }

    @Test(arguments: TestEngine.all) func aProductDisappearsAtTheMidnightItsCertificateExpires(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            #expect(try await client.get("/v1/products/sap-het-han").status == .ok)
            // 23:59:59 on the 22nd in Hanoi: still valid.
            harness.stack.clock.set(CatalogFixture.today.adding(days: 1).startInVietnam.adding(seconds: -1))
            #expect(try await client.get("/v1/products/sap-het-han").status == .ok)
            harness.stack.clock.set(CatalogFixture.today.adding(days: 1).startInVietnam)
            #expect(try await client.get("/v1/products/sap-het-han").status == .notFound)
            let all = try await client.allPages("/v1/products?limit=100")
            #expect(!all.contains("sap-het-han"))
            #expect(all.count == CatalogFixture.publishedSlugs.count - 1)
        }
    }

    @Test(arguments: TestEngine.all) func aDetailAnswers304ToItsETagUntilTheCatalogChanges(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let first = try await client.get("/v1/products/gom-men-lam")
            let etag = try #require(first.headers[.eTag])
            #expect(try await client.get("/v1/products/gom-men-lam", headers: [.ifNoneMatch: etag]).status == .notModified)

            let file = harness.stack.fixture.catalog.appendingPathComponent("products/gom-men-lam.yaml")
            let text = try String(contentsOf: file, encoding: .utf8)
            try Data(text.replacingOccurrences(of: "price: 1200000", with: "price: 1300000").utf8).write(to: file)
            _ = try await harness.stack.importCatalog()
            // On PostgreSQL the change feed may have reloaded the snapshot already; either way it is
            // the new catalog's from here on.
            try await harness.readModel.reloadIfChanged()

            let changed = try await client.get("/v1/products/gom-men-lam", headers: [.ifNoneMatch: etag])
            #expect(changed.status == .ok)
            #expect((changed.json["variants"] as? [[String: Any]])?.first?["price"] as? Int == 1_300_000)
        }
    }

    @Test(arguments: TestEngine.all) func producersShowOnlyTheirPublishedProducts(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { _, client in
            let list = try await client.get("/v1/producers")
            // The producer whose only product was revoked is not public.
            #expect(Set(list.slugs) == ["htx-dong-xanh", "ho-kinh-doanh-tuong-mai", "cong-ty-ha-noi"])
            #expect(try await client.get("/v1/producers/htx-chi-bi-thu-hoi").status == .notFound)
            let producer = try await client.get("/v1/producers/htx-dong-xanh").json
            let products = (producer["products"] as? [[String: Any]] ?? []).compactMap { $0["slug"] as? String }
            #expect(products.contains("mat-ong-bac-ha"))
            #expect(Set(products).isDisjoint(with: CatalogFixture.hiddenSlugs))
            #expect(producer["product_count"] as? Int == products.count)
            #expect(try await client.allPages("/v1/producers?limit=1").count == 3)
            #expect(try await client.get("/v1/producers?province=01").slugs == ["cong-ty-ha-noi"])
            #expect(try await client.get("/v1/producers?type=bank").problemFields == ["type"])
        }
    }
}
