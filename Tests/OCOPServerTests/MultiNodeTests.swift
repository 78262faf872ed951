import CurlHTTP
import Foundation
import Logging
import OCOPDomain
import OCOPStorage
import SQLKit
import Synchronization
import Testing
import TestSupport
import MarketplaceFakes

/// Two `ocop serve` processes on one PostgreSQL, driven at once, as behind a load balancer.
@Suite(.serialized, .enabled(if: TestEngine.all.contains(.postgres), "needs the PostgreSQL test cluster"))
struct MultiNodeTests {
    @Test func aChangeOnOneNodeShowsOnTheOtherWithinASecond() async throws {
        let cluster = try await NodeCluster.start()
        defer { cluster.stop() }
        let (a, b) = (cluster.nodes[0].baseURL, cluster.nodes[1].baseURL)
        let point = #"{"slug":"diem-mot","name":"Điểm Một","location_type":"post_office","address":"1","province":"01","opening_hours":"8-17"}"#
        #expect(try await cluster.http.json("POST", a + "/v1/points", token: cluster.token, body: point).status == 201)
        let pointSeen = try await cluster.eventually(within: .seconds(1)) {
            try await cluster.http.json("GET", b + "/v1/points/diem-mot").status == 200
        }
        #expect(pointSeen != nil, "node B did not show the point within 1 s")

        // A catalog import (a third process) reaches both nodes.
        let file = cluster.fixture.catalog.appendingPathComponent("products/gom-men-lam.yaml")
        try Data(try String(contentsOf: file, encoding: .utf8).replacing("price: 1200000", with: "price: 1234000").utf8)
            .write(to: file)
        #expect(try NodeProcess.run(["import"] + cluster.options) == 0)
        for node in [a, b] {
            let seen = try await cluster.eventually(within: .seconds(1)) {
                let product = try await cluster.http.json("GET", node + "/v1/products/gom-men-lam").json
                return (product["variants"] as? [[String: Any]])?.first?["price"] as? Int == 1_234_000
            }
            #expect(seen != nil, "\(node) did not show the new price within 1 s")
        }
    }

    @Test func parallelSalesThroughBothNodesNeverOversellEvenWhenOneDies() async throws {
        let cluster = try await NodeCluster.start()
        defer { cluster.stop() }
        let (a, b) = (cluster.nodes[0].baseURL, cluster.nodes[1].baseURL)
        let point = #"{"slug":"diem-hai","name":"Điểm Hai","location_type":"post_office","address":"2","province":"01","opening_hours":"8-17"}"#
        #expect(try await cluster.http.json("POST", a + "/v1/points", token: cluster.token, body: point).status == 201)
        let receipt = #"{"lines":[{"sku":"MAT-ONG","batch":"B1","quantity":25}]}"#
        #expect(try await cluster.http.json("POST", b + "/v1/points/diem-hai/receipts", token: cluster.token, body: receipt).status == 201)

        // 60 one-unit sales of the last 25 units, spread over both nodes; node A is killed midway.
        let sale = #"{"payment_method":"cash","lines":[{"sku":"MAT-ONG","quantity":1}]}"#
        let sold = SaleCounter()
        await withTaskGroup(of: Void.self) { group in
            for n in 0..<60 {
                group.addTask {
                    let node = n.isMultiple(of: 2) ? a : b
                    if let response = try? await cluster.http.json(
                        "POST", node + "/v1/points/diem-hai/sales", token: cluster.token, body: sale,
                        headers: [("Idempotency-Key", "sale-\(n)")]), response.status == 201
                    {
                        sold.count.add(1, ordering: .relaxed)
                    }
                }
                if n == 20 {
                    group.addTask { cluster.nodes[0].kill() }
                }
            }
        }
        let database = try await cluster.database()
        try await database.closing { database in
            let stock = StockStore()
            let left = try await stock.levels(point: "diem-hai", database).reduce(0) { $0 + $1.quantity }
            let salesRows = try await database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM sales WHERE point_slug = 'diem-hai'").first()?
                    .decode(column: "n", as: Int.self) ?? -1
            }
            // Nothing oversold, nothing lost: every committed sale is a row, the books balance.
            #expect(left >= 0)
            #expect(salesRows == 25 - left)
            #expect(salesRows >= sold.count.load(ordering: .relaxed))
            #expect(try await stock.ledgerMismatches(database).isEmpty)
        }
        // Node B carries on alone.
        #expect(try await cluster.http.json("GET", b + "/readyz").status == 200)
    }

    @Test func eachOutboxJobRunsOnceAlthoughBothNodesRunWorkers() async throws {
        try await FakeReceiver().run { receiver in
            let cluster = try await NodeCluster.start()
            defer { cluster.stop() }
            let hook = #"{"event":"catalog.changed","url":"\#(receiver.baseURL)/hook","secret":"0123456789abcdef"}"#
            #expect(try await cluster.http.json("POST", cluster.nodes[1].baseURL + "/v1/webhooks", token: cluster.token, body: hook).status == 201)
            let file = cluster.fixture.catalog.appendingPathComponent("products/gom-men-lam.yaml")
            for n in 1...6 {
                let text = try String(contentsOf: file, encoding: .utf8).replacing(#/price: \d+/#, with: "price: \(1_200_000 + n)")
                try Data(text.utf8).write(to: file)
                #expect(try NodeProcess.run(["import"] + cluster.options) == 0)
            }
            let deliveries = try await receiver.waitFor(6)
            try await Task.sleep(for: .seconds(2))  // time for any duplicate to show up
            #expect(receiver.requests.count == 6)
            #expect(Set(deliveries.compactMap { $0.headers["idempotency-key"] }).count == 6)
        }
    }
}

/// Counts answers across the tasks of a load test.
final class SaleCounter: Sendable {
    let count = Atomic<Int>(0)
}
