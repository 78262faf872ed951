import Foundation
import OCOPDomain
import OCOPStorage
import SQLKit
import Testing
import TestSupport

@Suite struct CatalogImportTests {
    @Test(arguments: TestEngine.all) func aFirstImportCreatesEverythingAndASecondChangesNothing(engine: TestEngine) async throws {
        try await TestCatalogStack.with(engine, importFixture: false) { stack in

            guard case .imported(let first) = try await stack.importCatalog() else {
                Issue.record("the fixture was rejected")
                return
            }
            #expect(first.producers.created == CatalogFixture.producers.count)
            #expect(first.products.created == CatalogFixture.products.count)
            #expect(!first.changedNothing)
            let revision = try await stack.store.revision()

            guard case .imported(let second) = try await stack.importCatalog() else {
                Issue.record("the second import was rejected")
                return
            }
            #expect(second.changedNothing)
            #expect(second.products.unchanged == CatalogFixture.products.count)
            #expect(try await stack.store.revision() == revision)
        }
    }

    @Test(arguments: TestEngine.all) func theStoredCatalogReadsBackAsImported(engine: TestEngine) async throws {
        try await TestCatalogStack.with(engine) { stack in
            let contents = try await stack.store.load()
            let product = try #require(contents.products.first { $0.slug == "nuoc-mam-cua-lo" })
            #expect(product.name.vi == "Nước mắm Cửa Lò")
            #expect(product.certificates.map(\.number) == ["05a/GCN", "05b/GCN"])
            #expect(product.certificates[0].expiresOn == CalendarDate(iso: "2025-01-10"))
            #expect(product.variants.first?.price == 95_000)
            #expect(product.media.first?.width == 2)
            #expect(product.standards == ["VietGAP"])
        }
    }

    /// The load reads rows in storage order and orders them itself: a variant added later but placed
    /// first, and a certificate whose issue day moved, must still come back in their order.
    @Test(arguments: TestEngine.all) func theLoadOrdersVariantsCertificatesAndProductsWhateverTheStorageOrder(
        engine: TestEngine
    ) async throws {
        try await TestCatalogStack.with(engine) { stack in
            try await stack.database.transaction { sql in
                try await sql.raw("UPDATE variants SET position = 1 WHERE sku = 'MAM-CL'").run()
                try await sql.raw(
                    """
                    INSERT INTO variants (sku, product_slug, position, label, price)
                    VALUES ('MAM-CL-5L', 'nuoc-mam-cua-lo', 0, 'Can 5 lít', 400000)
                    """
                ).run()
                try await sql.raw("UPDATE certificates SET issued_on = '2026-01-10' WHERE number = '05a/GCN'").run()
            }
            let contents = try await stack.store.load()
            let product = try #require(contents.products.first { $0.slug == "nuoc-mam-cua-lo" })
            #expect(product.variants.map(\.sku) == ["MAM-CL-5L", "MAM-CL"])
            #expect(product.certificates.map(\.number) == ["05b/GCN", "05a/GCN"])
            #expect(contents.products.map(\.slug) == contents.products.map(\.slug).sorted())
            #expect(contents.producers.map(\.slug) == contents.producers.map(\.slug).sorted())
            #expect(contents.products.count == CatalogFixture.products.count)
        }
    }

    @Test(arguments: TestEngine.all) func anEditedFileUpdatesOneProductAndIsAudited(engine: TestEngine) async throws {
        try await TestCatalogStack.with(engine) { stack in
            let file = stack.fixture.catalog.appendingPathComponent("products/mat-ong-bac-ha.yaml")
            let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "price: 450000", with: "price: 470000")
            try Data(text.utf8).write(to: file)

            guard case .imported(let report) = try await stack.importCatalog() else {
                Issue.record("rejected")
                return
            }
            #expect(report.products.updated == 1)
            #expect(report.products.unchanged == CatalogFixture.products.count - 1)
            let audit = try await stack.database.read { sql in
                try await sql.raw("SELECT action, before_json, after_json FROM audit_log WHERE entity_id = 'mat-ong-bac-ha' ORDER BY id")
                    .all()
            }
            #expect(try audit.map { try $0.decode(column: "action", as: String.self) } == ["create", "update"])
            let after = try audit[1].decode(column: "after_json", as: String.self)
            let before = try audit[1].decode(column: "before_json", as: String.self)
            #expect(after.contains("470000") && before.contains("450000"))
        }
    }

    /// An unchanged catalog is recognised by its fingerprint without parsing; a changed image (not a
    /// YAML line) must still reach the products that show it.
    @Test(arguments: TestEngine.all) func aChangedImageIsImportedThoughNoYAMLChanged(engine: TestEngine) async throws {
        try await TestCatalogStack.with(engine) { stack in
            let image = stack.fixture.media.appendingPathComponent("products/sample.png")
            var bytes = try Data(contentsOf: image)
            bytes[19] = 4  // the PNG header's width: 2 → 4 pixels
            try bytes.write(to: image)

            guard case .imported(let changed) = try await stack.importCatalog() else {
                Issue.record("rejected")
                return
            }
            #expect(changed.products.updated > 0)
            let widths = try await stack.store.load().products.flatMap(\.media).map(\.width)
            #expect(!widths.isEmpty && widths.allSatisfy { $0 == 4 })

            guard case .imported(let again) = try await stack.importCatalog() else {
                Issue.record("rejected")
                return
            }
            #expect(again.changedNothing)
            #expect(again.products.unchanged == CatalogFixture.products.count)
        }
    }

    @Test(arguments: TestEngine.all) func aRemovedFileWithdrawsItsProductAndReAddingRestoresIt(engine: TestEngine) async throws {
        try await TestCatalogStack.with(engine) { stack in
            let file = stack.fixture.catalog.appendingPathComponent("products/gom-men-lam.yaml")
            let saved = try Data(contentsOf: file)
            try FileManager.default.removeItem(at: file)

            guard case .imported(let removal) = try await stack.importCatalog() else { return #expect(Bool(false)) }
            #expect(removal.products.removed == 1)
            #expect(try await !stack.store.load().products.contains { $0.slug == "gom-men-lam" })

            try saved.write(to: file)
            guard case .imported(let restore) = try await stack.importCatalog() else { return #expect(Bool(false)) }
            #expect(restore.products.created == 1)
            #expect(try await stack.store.load().products.contains { $0.slug == "gom-men-lam" })
        }
    }

    /// An import writes each batch of files as it reads them; a problem in the last file must still
    /// leave the database as it was, and a clean run in batches of one file imports everything.
    @Test(arguments: TestEngine.all) func aProblemInTheLastBatchRollsBackTheBatchesWrittenBeforeIt(
        engine: TestEngine
    ) async throws {
        try await TestCatalogStack.with(engine, importFixture: false) { stack in
            let folder = stack.fixture.catalog.appendingPathComponent("products")
            let last = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().last)
            let file = folder.appendingPathComponent(last)
            let text = try String(contentsOf: file, encoding: .utf8)
            try Data((text + "\nunknown_field: 1\n").utf8).write(to: file)

            guard case .rejected(let issues) = try await stack.importCatalog(filesPerBatch: 1) else {
                Issue.record("a catalog with a broken file was imported")
                return
            }
            #expect(issues.map(\.file) == ["products/\(last)"])
            #expect(issues.map(\.field) == ["unknown_field"])
            let stored = try await stack.store.storedDocuments()
            #expect(stored.producers.isEmpty && stored.products.isEmpty)
            #expect(try await stack.store.revision() == 0)
            let audited = try await stack.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM audit_log").first()?.decode(column: "n", as: Int.self)
            }
            #expect(audited == 0)

            try Data(text.utf8).write(to: file)
            guard case .imported(let report) = try await stack.importCatalog(filesPerBatch: 1) else {
                Issue.record("the repaired catalog was rejected")
                return
            }
            #expect(report.producers.created == CatalogFixture.producers.count)
            #expect(report.products.created == CatalogFixture.products.count)
            #expect(try await stack.store.load().products.count == CatalogFixture.products.count)
        }
    }

    /// SKUs are checked across the whole catalog after each batch is read on the parsing threads:
    /// a SKU first used in an earlier batch is reported at its second use, naming the first.
    @Test func aSKUFirstUsedInAnEarlierBatchIsReportedWithTheFirstFileAndLine() async throws {
        try await TestCatalogStack.with(importFixture: false) { stack in
            let products = stack.fixture.catalog.appendingPathComponent("products")
            func skuLine(_ file: String, _ sku: String) throws -> Int {
                let text = try String(contentsOf: products.appendingPathComponent(file), encoding: .utf8)
                let lines = text.components(separatedBy: "\n")
                return try #require(lines.firstIndex { $0.contains("sku: \(sku)") }) + 1
            }
            let second = products.appendingPathComponent("gom-men-lam.yaml")
            let text = try String(contentsOf: second, encoding: .utf8)
            try Data(text.replacingOccurrences(of: "sku: GOM-LAM", with: "sku: CAM-5KG").utf8).write(to: second)

            guard case .rejected(let issues) = try await stack.importCatalog(filesPerBatch: 1) else {
                Issue.record("a catalog with a SKU used twice was imported")
                return
            }
            let first = try skuLine("cam-sanh-hop-5kg.yaml", "CAM-5KG")
            #expect(issues.map(\.description) == [
                "products/gom-men-lam.yaml:\(try skuLine("gom-men-lam.yaml", "CAM-5KG")): variants[0].sku: "
                    + "SKU 'CAM-5KG' is already used at products/cam-sanh-hop-5kg.yaml:\(first)"
            ])
            #expect(try await stack.store.storedDocuments().products.isEmpty)
        }
    }
}
