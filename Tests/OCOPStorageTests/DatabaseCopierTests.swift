import Foundation
import Logging
import OCOPDomain
import OCOPStorage
import SQLKit
import Testing
import TestSupport

/// `ocop migrate-db`: a commune's SQLite data moves into PostgreSQL, checked, and only into an empty one.
@Suite(.enabled(if: TestEngine.all.contains(.postgres), "needs the PostgreSQL test cluster"))
struct DatabaseCopierTests {
    @Test func aCommunesDataMovesToPostgresWithCountsAndLedgerSumsVerified() async throws {
        try await TestCatalogStack.with(.sqlite) { source in
            let now = source.clock.now()
            try await PointStore(database: source.database).create(
                SalePoint(
                    slug: "diem-xa", name: "Điểm xã", locationType: .communeCentre, address: "1", provinceCode: "08",
                    communeCode: "01156", location: GeoPoint(latitude: 22.26, longitude: 104.87), openingHours: "8-17",
                    phone: nil, email: nil, criteria: []),
                actor: "test", at: now)
            let stock = StockStore()
            try await source.database.transaction { sql in
                _ = try await stock.receive(
                    sql, point: "diem-xa", lines: [ReceiptLine(sku: "MAT-ONG", batch: "L1", bestBefore: nil, quantity: 9, unitCost: 300_000)],
                    reference: "r1", actor: "test", at: now)
                _ = try await stock.sell(
                    sql, point: "diem-xa", lines: [SaleLine(sku: "MAT-ONG", quantity: 4, discount: 0)], payment: .cash,
                    actor: "test", at: now)
            }

            let logger = Logger(label: "test")
            let targetURL = try await TestEngine.postgres.freshDatabaseURL(in: source.directory)
            let target = try await Database.open(targetURL, logger: logger, maxConnections: 4)
            try await target.closing { target in
                let report = try await DatabaseCopier(source: source.database, target: target, logger: logger).run()
                let rows = Dictionary(uniqueKeysWithValues: report.rowsByTable.map { ($0.table, $0.rows) })
                #expect(rows["products"] == CatalogFixture.products.count)
                #expect(rows["stock_ledger"] == 2)
                #expect(report.ledgerGroupsCompared == 1)

                // The copy works as a live database: the catalog loads, stock reads, ids keep counting.
                #expect(try await CatalogStore(database: target).load().products.count == CatalogFixture.products.count)
                #expect(try await stock.levels(point: "diem-xa", target).first?.quantity == 5)
                try await target.transaction { sql in
                    _ = try await stock.sell(
                        sql, point: "diem-xa", lines: [SaleLine(sku: "MAT-ONG", quantity: 1, discount: 0)], payment: .card,
                        actor: "test", at: now)
                }
                #expect(try await stock.ledgerMismatches(target).isEmpty)

                // A second copy into the now non-empty target is refused and changes nothing.
                await #expect(throws: DomainError.self) {
                    _ = try await DatabaseCopier(source: source.database, target: target, logger: logger).run()
                }
                #expect(try await stock.levels(point: "diem-xa", target).first?.quantity == 4)
            }
        }
    }
}
