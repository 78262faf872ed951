import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OCOPDomain
import OCOPStorage
import SQLKit
import Testing
import TestSupport

@Suite struct ProgrammeReportTests {
    /// Known data: a counter sale, a confirmed livestream order and a revocation, all this month.
    @Test(arguments: TestEngine.all)
    func theMonthlyReportReconcilesWithTheCatalogTheCertificatesAndTheLedger(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await LiveScene.make(harness, client)
            let admin = scene.stock.admin
            let sale = try await client.send(
                .post, "/v1/points/\(StockScene.hanoi)/sales", token: scene.staff,
                json: #"{"payment_method":"cash","lines":[{"sku":"TRA-DB","quantity":2}]}"#)
            #expect(sale.status == .created)
            let order = try await client.send(
                .post, "/v1/livestreams/\(LiveScene.slug)/orders", token: scene.staff,
                json: #"{"buyer_name":"Chị Mai","phone":"0987000111","address":"Thái Hà","lines":[{"code":"CS01","quantity":3}]}"#)
            let id = try #require(order.json["id"] as? Int)
            #expect(try await client.send(.post, "/v1/livestreams/\(LiveScene.slug)/orders/\(id)/confirm", token: scene.staff).status == .ok)
            let revoked = try await client.send(
                .post, "/v1/products/gom-men-lam/certificates/revocations", token: admin,
                json: #"{"number":"04/GCN","reason":"Không duy trì chất lượng","decision_number":"12/QĐ-UBND"}"#)
            #expect(revoked.status == .ok)

            let month = String(harness.stack.clock.todayInVietnam().description.prefix(7))
            let response = try await client.send(.get, "/v1/reports/monthly?month=\(month)", token: admin)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let report = response.json

            // Products by province × stars are exactly what the public catalog shows today.
            let catalog = try await client.get("/v1/products?limit=1").json
            let facets = (catalog["facets"] as? [String: Any])?["stars"] as? [String: Int] ?? [:]
            let rows = report["products_by_province"] as? [[String: Any]] ?? []
            func sum(_ key: String) -> Int { rows.reduce(0) { $0 + ($1[key] as? Int ?? 0) } }
            #expect(sum("total") == catalog["total"] as? Int)
            #expect(sum("three_star") == facets["3", default: 0])
            #expect(sum("four_star") + sum("potential_five_star") == facets["4", default: 0])
            #expect(sum("five_star") == facets["5", default: 0])

            // Certificate events come from the history.
            let revokedEvents = (report["revoked"] as? [[String: Any]] ?? []).map { $0["product"] as? String }
            #expect(revokedEvents == ["gom-men-lam"])
            let expiring = (report["expiring_next_90_days"] as? [[String: Any]] ?? []).map { $0["product"] as? String }
            #expect(expiring.contains("sap-het-han"))

            // Sales by channel add up to the sales on the ledger.
            let channels = Dictionary(
                uniqueKeysWithValues: (report["sales_by_channel"] as? [[String: Any]] ?? []).map {
                    ($0["key"] as? String ?? "", $0["revenue"] as? Int ?? -1)
                })
            #expect(channels == ["counter": 2 * 180_000, "fairs": 0, "livestreams": 3 * 199_000, "marketplaces": 0])
            let ledgerUnits = try await harness.stack.database.read { sql in
                try await sql.raw("SELECT CAST(SUM(-delta) AS BIGINT) AS units FROM stock_ledger WHERE kind = 'sale'").first()?
                    .decode(column: "units", as: Int.self)
            }
            #expect(ledgerUnits == 5)
            let byPoint = report["sales_by_point"] as? [[String: Any]] ?? []
            #expect(byPoint.map { $0["key"] as? String } == [StockScene.hanoi])
            #expect(byPoint.first?["sales_count"] as? Int == 2)

            let csv = try await client.send(
                .get, "/v1/reports/monthly?month=\(month)&table=sales_by_channel", token: admin, headers: [.accept: "text/csv"])
            #expect(String(buffer: csv.body) == "channel,sales_count,revenue_vnd\r\ncounter,1,360000\r\nfairs,0,0\r\nlivestreams,1,597000\r\nmarketplaces,0,0\r\n")

            #expect(try await client.send(.get, "/v1/reports/monthly?month=2099-01", token: admin).problemFields == ["month"])
            #expect(try await client.send(.get, "/v1/reports/monthly?month=\(month)&table=x", token: admin).problemFields == ["table"])
            #expect(try await client.send(.get, "/v1/reports/monthly?month=\(month)", token: scene.staff).status == .forbidden)
        }
    }

    @Test(arguments: TestEngine.all)
    func theNationalExportCarriesCertificateAndProducer(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let json = try await client.send(.get, "/v1/reports/national-export", token: admin).items
            let orange = try #require(json.first { $0["product"] as? String == "cam-sanh-hop-5kg" })
            #expect(orange["certificate_number"] as? String == "02/GCN")
            #expect(orange["stars"] as? Int == 4)
            #expect(orange["status"] as? String == "valid")
            #expect(orange["producer_name"] as? String == "HTX Đồng Xanh")
            #expect((orange["representative"] as? String)?.isEmpty == false)
            #expect(json.first { $0["product"] as? String == "ruou-nep-het-han" }?["status"] as? String == "expired")
            #expect(!json.contains { $0["product"] as? String == "gao-hai-sao" })  // 2★: never certified OCOP

            let csv = try await client.send(.get, "/v1/reports/national-export?format=csv", token: admin)
            let lines = String(buffer: csv.body).split(separator: "\r\n")
            #expect(lines.first == "product,name,stars,story,certificate_number,decision_number,issued_on,expires_on,status,producer,producer_name,representative,address,phone,email")
            #expect(lines.count == json.count + 1)
        }
    }
}
