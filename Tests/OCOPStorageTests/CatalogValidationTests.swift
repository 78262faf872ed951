import Foundation
import OCOPDomain
import OCOPStorage
import Testing
import TestSupport

/// Broken catalog files are reported as `file:line: field: reason` and nothing is written.
@Suite struct CatalogValidationTests {
    /// Replaces `old` with `new` in one fixture file, imports, and returns the problems reported.
    private func problems(in file: String, replacing old: String, with new: String) async throws -> [CatalogIssue] {
        return try await TestCatalogStack.with { stack in
            let url = stack.fixture.catalog.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text.contains(old), "the fixture no longer holds '\(old)'")
            try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: url)
            let revision = try await stack.store.revision()
            let before = try await stack.store.storedDocuments()

            guard case .rejected(let issues) = try await stack.importCatalog() else {
                Issue.record("a broken catalog was imported")
                return []
            }
            // Nothing changed in the database.
            #expect(try await stack.store.revision() == revision)
            #expect(try await stack.store.storedDocuments().products == before.products)
            return issues
        }
    }

    @Test func aWrongGTINCheckDigitIsNamedWithItsLine() async throws {
        let issues = try await problems(
            in: "products/mat-ong-bac-ha.yaml", replacing: "weight_grams: 550", with: "weight_grams: 550\n    gtin: \"8934588012229\"")
        #expect(issues.map(\.description) == [
            "products/mat-ong-bac-ha.yaml:20: variants[0].gtin: '8934588012229' is not a GTIN-13 with a valid check digit"
        ])
    }

    @Test func anUnknownOrNonLeafGroupIsRefused() async throws {
        let unknown = try await problems(in: "products/gom-men-lam.yaml", replacing: "group: IV.1", with: "group: IX.9")
        #expect(unknown.map(\.field) == ["group"])
        #expect(unknown.first?.line == 5)
        let notLeaf = try await problems(in: "products/gom-men-lam.yaml", replacing: "group: IV.1", with: "group: I.5")
        #expect(notLeaf.first?.reason.contains("not a leaf") == true)
    }

    @Test func aCommuneOutsideItsProvinceIsRefused() async throws {
        let issues = try await problems(in: "producers/htx-dong-xanh.yaml", replacing: "province: \"08\"", with: "province: \"31\"")
        #expect(issues.map(\.field) == ["commune"])
        #expect(issues.first?.file == "producers/htx-dong-xanh.yaml")
    }

    @Test func aScoreOutsideTheStarBandIsRefused() async throws {
        let issues = try await problems(in: "products/cam-sanh-hop-5kg.yaml", replacing: "score: 75", with: "score: 65")
        #expect(issues.map(\.field) == ["certificates[0].score"])
    }

    @Test func unknownKeysAndMissingFieldsAreRefused() async throws {
        let unknown = try await problems(in: "products/gom-men-lam.yaml", replacing: "listed_on:", with: "listed_at:")
        #expect(Set(unknown.map(\.field)) == ["listed_at", "listed_on"])
        let missingPrice = try await problems(in: "products/gom-men-lam.yaml", replacing: "    price: 1200000\n", with: "")
        #expect(missingPrice.map(\.field) == ["variants[0].price"])
    }

    @Test func aMissingImageOrAPathOutOfTheMediaFolderIsRefused() async throws {
        let missing = try await problems(in: "products/gom-men-lam.yaml", replacing: "products/sample.png", with: "products/none.png")
        #expect(missing.map(\.field) == ["media[0].file"])
        let escape = try await problems(in: "products/gom-men-lam.yaml", replacing: "products/sample.png", with: "../ocop.sqlite")
        #expect(escape.first?.reason.contains("inside Media") == true)
    }

    @Test func aSKUUsedTwiceNamesTheFirstUse() async throws {
        let issues = try await problems(in: "products/gom-men-lam.yaml", replacing: "sku: GOM-LAM", with: "sku: CAM-5KG")
        #expect(issues.count == 1)
        #expect(issues.first?.reason.contains("products/cam-sanh-hop-5kg.yaml") == true)
    }

    @Test func aProducerThatDoesNotExistAndASlugThatIsNotTheFileNameAreRefused() async throws {
        let producer = try await problems(in: "products/gom-men-lam.yaml", replacing: "producer: cong-ty-ha-noi", with: "producer: nobody")
        #expect(producer.map(\.field) == ["producer"])
        let slug = try await problems(in: "products/gom-men-lam.yaml", replacing: "slug: gom-men-lam", with: "slug: gom-khac")
        #expect(slug.map(\.field) == ["slug"])
    }

    @Test func brokenYAMLIsReportedNotCrashedOn() async throws {
        let issues = try await problems(in: "products/gom-men-lam.yaml", replacing: "name:\n  vi:", with: "name: [unclosed\n  vi:")
        #expect(issues.map(\.field) == ["(syntax)"])
    }

    @Test func everyProblemOfAFileIsReportedAtOnce() async throws {
        let issues = try await problems(
            in: "products/gom-men-lam.yaml", replacing: "group: IV.1\nprovince: \"01\"", with: "group: IX\nprovince: \"99\"")
        #expect(Set(issues.map(\.field)) == ["group", "province"])
    }
}
