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

@Suite struct StockTests {
    @Test(arguments: TestEngine.all) func fiftyParallelSalesOfTheLastThreeUnitsSellExactlyThree(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            try await scene.receive(StockScene.hanoi, #"{"sku":"MAT-ONG","batch":"L1","quantity":3}"#)
            // Fifty connections at once, so the sales really race on the server.
            let parallel = ParallelClient(port: try #require(client.port))
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        try await parallel.post(
                            "/v1/points/\(StockScene.hanoi)/sales", token: scene.hanoiStaff,
                            json: #"{"payment_method":"cash","lines":[{"sku":"MAT-ONG","quantity":1}]}"#
                        ).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 3)
            #expect(statuses.filter { $0 == 409 }.count == 47)
            #expect(try await scene.quantity(StockScene.hanoi, "MAT-ONG") == 0)
            try await scene.expectBalancedLedger()
        }
    }

    @Test(arguments: TestEngine.all) func aRetriedSaleReturnsTheFirstAnswerAndMovesNothing(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            try await scene.receive(StockScene.hanoi, #"{"sku":"CAM-5KG","quantity":10}"#)
            let body = #"{"payment_method":"card","lines":[{"sku":"CAM-5KG","quantity":2}]}"#
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "sale-0001"]
            let first = try await client.send(
                .post, "/v1/points/\(StockScene.hanoi)/sales", token: scene.hanoiStaff, json: body, headers: key)
            let retry = try await client.send(
                .post, "/v1/points/\(StockScene.hanoi)/sales", token: scene.hanoiStaff, json: body, headers: key)
            #expect(first.status == .created)
            #expect(retry.status == .created)
            #expect(String(buffer: retry.body) == String(buffer: first.body))
            #expect(retry.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await scene.quantity(StockScene.hanoi, "CAM-5KG") == 8)

            let different = try await client.send(
                .post, "/v1/points/\(StockScene.hanoi)/sales", token: scene.hanoiStaff,
                json: #"{"payment_method":"card","lines":[{"sku":"CAM-5KG","quantity":3}]}"#, headers: key)
            #expect(different.status == .unprocessableContent)
            #expect(different.problemFields == ["Idempotency-Key"])
            #expect(try await scene.quantity(StockScene.hanoi, "CAM-5KG") == 8)
            try await scene.expectBalancedLedger()
        }
    }

    @Test(arguments: TestEngine.all) func aSaleTakesCatalogPricesAndTheSoonestExpiringBatchFirst(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            try await scene.receive(
                StockScene.hanoi,
                #"{"sku":"MAT-ONG","batch":"LATE","best_before":"2027-06-01","quantity":2},"#
                    + #"{"sku":"MAT-ONG","batch":"SOON","best_before":"2026-12-15","quantity":2}"#)
            let sale = try await client.send(
                .post, "/v1/points/\(StockScene.hanoi)/sales", token: scene.hanoiStaff,
                json: #"{"payment_method":"cash","lines":[{"sku":"MAT-ONG","quantity":3,"discount":50000}]}"#)
            #expect(sale.status == .created)
            let line = (sale.json["lines"] as? [[String: Any]])?.first
            #expect(line?["unit_price"] as? Int == 450_000)
            #expect(line?["amount"] as? Int == 3 * 450_000 - 50_000)
            #expect(sale.json["total"] as? Int == 1_300_000)
            let batches = (line?["batches"] as? [[String: Any]] ?? []).map { "\($0["batch"]!):\($0["quantity"]!)" }
            #expect(batches == ["SOON:2", "LATE:1"])
            #expect((sale.json["receipt_number"] as? String)?.hasPrefix("20261122-") == true)
            try await scene.expectBalancedLedger()
        }
    }

    @Test(arguments: TestEngine.all) func aTransferLeavesOnDispatchArrivesOnReceiptAndRecordsTheShortfall(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            try await scene.receive(StockScene.hanoi, #"{"sku":"TRA-DB","batch":"T1","quantity":10}"#)
            let dispatch = try await client.send(
                .post, "/v1/transfers", token: scene.hanoiStaff,
                json: #"{"from":"\#(StockScene.hanoi)","to":"\#(StockScene.tuyenQuang)","lines":[{"sku":"TRA-DB","quantity":6}]}"#)
            #expect(dispatch.status == .created)
            let id = try #require(dispatch.json["id"] as? Int)
            #expect(try await scene.quantity(StockScene.hanoi, "TRA-DB") == 4)
            #expect(try await scene.quantity(StockScene.tuyenQuang, "TRA-DB") == 0)

            // In between, both points see the goods in transit.
            let outgoing = try await client.send(.get, "/v1/points/\(StockScene.hanoi)/stock", token: scene.hanoiStaff)
            let hanoiSKU = (outgoing.json["skus"] as? [[String: Any]])?.first { $0["sku"] as? String == "TRA-DB" }
            #expect(hanoiSKU?["in_transit_out"] as? Int == 6)
            let incoming = try await client.send(
                .get, "/v1/points/\(StockScene.tuyenQuang)/stock", token: scene.tuyenQuangStaff)
            let tqSKU = (incoming.json["skus"] as? [[String: Any]])?.first { $0["sku"] as? String == "TRA-DB" }
            #expect(tqSKU?["in_transit_in"] as? Int == 6)

            // Only the receiving point's staff may book the arrival.
            let wrong = try await client.send(.post, "/v1/transfers/\(id)/receive", token: scene.hanoiStaff, json: "{}")
            #expect(wrong.status == .forbidden)
            let received = try await client.send(
                .post, "/v1/transfers/\(id)/receive", token: scene.tuyenQuangStaff,
                json: #"{"lines":[{"sku":"TRA-DB","quantity_received":5}]}"#)
            #expect(received.status == .ok)
            let line = (received.json["lines"] as? [[String: Any]])?.first
            #expect(line?["quantity_sent"] as? Int == 6)
            #expect(line?["quantity_received"] as? Int == 5)
            #expect(try await scene.quantity(StockScene.tuyenQuang, "TRA-DB") == 5)
            let again = try await client.send(.post, "/v1/transfers/\(id)/receive", token: scene.tuyenQuangStaff, json: "{}")
            #expect(again.status == .conflict)
            #expect(try await scene.quantity(StockScene.tuyenQuang, "TRA-DB") == 5)
            let shown = try await client.send(.get, "/v1/transfers/\(id)", token: scene.tuyenQuangStaff)
            #expect(shown.json["status"] as? String == "received")
            try await scene.expectBalancedLedger()
        }
    }

    @Test(arguments: TestEngine.all) func countsAndAdjustmentsBecomeLedgerRowsAndNeverGoNegative(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            let point = StockScene.tuyenQuang
            try await scene.receive(point, #"{"sku":"GOM-LAM","batch":"G1","quantity":8}"#)
            let damaged = try await client.send(
                .post, "/v1/points/\(point)/adjustments", token: scene.tuyenQuangStaff,
                json: #"{"reason":"damaged","note":"vỡ khi vận chuyển","lines":[{"sku":"GOM-LAM","batch":"G1","quantity":2}]}"#)
            #expect(damaged.status == .created)
            #expect(try await scene.quantity(point, "GOM-LAM") == 6)
            let tooMuch = try await client.send(
                .post, "/v1/points/\(point)/adjustments", token: scene.tuyenQuangStaff,
                json: #"{"reason":"lost","lines":[{"sku":"GOM-LAM","batch":"G1","quantity":7}]}"#)
            #expect(tooMuch.status == .conflict)
            let count = try await client.send(
                .post, "/v1/points/\(point)/counts", token: scene.tuyenQuangStaff,
                json: #"{"lines":[{"sku":"GOM-LAM","batch":"G1","counted":4}]}"#)
            #expect(count.status == .created)
            #expect((count.json["entries"] as? [[String: Any]])?.first?["delta"] as? Int == -2)
            #expect(try await scene.quantity(point, "GOM-LAM") == 4)
            let ledger = try await client.send(.get, "/v1/points/\(point)/ledger?limit=2", token: scene.tuyenQuangStaff)
            #expect(ledger.items.map { $0["kind"] as? String } == ["count", "adjustment"])
            #expect(ledger.json["next_cursor"] as? String != nil)
            try await scene.expectBalancedLedger()
        }
    }

    @Test(arguments: TestEngine.all) func staffActOnlyOnTheirOwnPoint(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            let receipt = #"{"lines":[{"sku":"MAT-ONG","quantity":1}]}"#
            let other = try await client.send(
                .post, "/v1/points/\(StockScene.tuyenQuang)/receipts", token: scene.hanoiStaff, json: receipt)
            #expect(other.status == .forbidden)
            #expect(other.headers[.contentType] == "application/problem+json")
            #expect(try await client.send(.get, "/v1/points/\(StockScene.tuyenQuang)/stock", token: scene.hanoiStaff).status == .forbidden)
            let anonymous = try await client.send(.post, "/v1/points/\(StockScene.hanoi)/receipts", token: nil, json: receipt)
            #expect(anonymous.status == .unauthorized)
            let producer = try await harness.staffToken(username: "producer", role: .producer, scopes: ["htx-dong-xanh"])
            #expect(try await client.send(.post, "/v1/points/\(StockScene.hanoi)/receipts", token: producer, json: receipt).status == .forbidden)
            // Staff cannot create points; admins can act anywhere.
            #expect(try await client.send(.post, "/v1/points", token: scene.hanoiStaff, json: "{}").status == .forbidden)
            #expect(try await client.send(.post, "/v1/points/\(StockScene.tuyenQuang)/receipts", token: scene.admin, json: receipt).status == .created)
            #expect(try await scene.quantity(StockScene.tuyenQuang, "MAT-ONG") == 1)
        }
    }

    @Test(arguments: TestEngine.all) func badStockRequestsNameTheField(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            let path = "/v1/points/\(StockScene.hanoi)/receipts"
            let cases: [(String, HTTPResponse.Status, String)] = [
                (#"{"lines":[{"sku":"MAT-ONG","quantity":0}]}"#, .unprocessableContent, "lines[0].quantity"),
                (#"{"lines":[{"sku":"NOPE","quantity":1}]}"#, .unprocessableContent, "lines[0].sku"),
                (#"{"lines":[{"sku":"MAT-ONG","quantity":1,"best_before":"soon"}]}"#, .unprocessableContent, "lines[0].best_before"),
                (#"{"lines":[{"sku":"MAT-ONG","quantity":"two"}]}"#, .badRequest, "lines[0].quantity"),
                (#"{"lines":[{"quantity":1}]}"#, .badRequest, "lines[0].sku"),
                (#"{"lines":[]}"#, .unprocessableContent, "lines"),
            ]
            for (body, status, field) in cases {
                let response = try await client.send(.post, path, token: scene.hanoiStaff, json: body)
                #expect(response.status == status, "\(body)")
                #expect(response.problemFields == [field], "\(body)")
            }
            let broken = try await client.send(.post, path, token: scene.hanoiStaff, json: "{lines")
            #expect(broken.status == .badRequest)
            let sale = try await client.send(
                .post, "/v1/points/\(StockScene.hanoi)/sales", token: scene.hanoiStaff,
                json: #"{"payment_method":"barter","lines":[{"sku":"MAT-ONG","quantity":1}]}"#)
            #expect(sale.problemFields == ["payment_method"])
            let unknownPoint = try await client.send(.post, "/v1/points/nowhere/receipts", token: scene.admin, json: #"{"lines":[{"sku":"MAT-ONG","quantity":1}]}"#)
            #expect(unknownPoint.status == .notFound)
            try await scene.expectBalancedLedger()
            #expect(try await scene.quantity(StockScene.hanoi, "MAT-ONG") == 0)
        }
    }
}
