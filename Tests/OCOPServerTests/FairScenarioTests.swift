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

@Suite struct FairScenarioTests {
    /// A whole goods week: fifty stalls, two producers, goods by transfer and by receipt, sales over
    /// three days with the clock moving, the closing counts, the returns and the report.
    @Test(arguments: TestEngine.all) func stockSentToAFairIsSoldReturnedOrRecordedAsLost(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await FairScene.make(harness, client)
            let fair = FairScene.slug
            try await scene.addStalls(from: "A-01", to: "A-50")
            let dongXanh = try await scene.apply("htx-dong-xanh", ["cam-sanh-hop-5kg", "mat-ong-bac-ha"])
            let haNoi = try await scene.apply("cong-ty-ha-noi", ["gom-men-lam", "nuoc-mam-cua-lo"])
            #expect(try await scene.allocate("A-01", to: dongXanh).status == .ok)
            #expect(try await scene.allocate("A-02", to: haNoi).status == .ok)

            // A-02 is stocked from the Hà Nội point by transfer.
            try await scene.stock.receive(
                StockScene.hanoi, #"{"sku":"GOM-LAM","batch":"G1","quantity":10},{"sku":"MAM-CL","batch":"M1","quantity":20}"#)
            let dispatched = try await client.send(
                .post, "/v1/transfers", token: scene.stock.hanoiStaff,
                json: """
                    {"from":"\(StockScene.hanoi)","to":"\(scene.stallPoint("A-02"))",
                     "lines":[{"sku":"GOM-LAM","quantity":10},{"sku":"MAM-CL","quantity":20}]}
                    """)
            #expect(dispatched.status == .created, "\(String(buffer: dispatched.body))")
            let transferIn = dispatched.json["id"] as? Int ?? 0
            let arrived = try await client.send(
                .post, "/v1/fairs/\(fair)/stalls/A-02/transfers/\(transferIn)/receive", token: try await scene.manager())
            #expect(arrived.status == .ok, "\(String(buffer: arrived.body))")

            // A-01 is stocked by its producer, with its own products only.
            let producer = try await scene.producer("htx-dong-xanh")
            let notOwn = try await client.send(
                .post, "/v1/fairs/\(fair)/stalls/A-01/receipts", token: producer,
                json: #"{"lines":[{"sku":"GOM-LAM","quantity":1}]}"#)
            #expect(notOwn.status == .unprocessableContent)
            #expect(notOwn.problemFields == ["lines[0].sku"])
            let brought = try await client.send(
                .post, "/v1/fairs/\(fair)/stalls/A-01/receipts", token: producer,
                json: #"{"lines":[{"sku":"CAM-5KG","batch":"C1","quantity":30},{"sku":"MAT-ONG","batch":"H1","quantity":10}]}"#)
            #expect(brought.status == .created, "\(String(buffer: brought.body))")

            // Not open yet: refused, naming the dates. The plain point endpoints never reach a stall.
            let early = try await scene.sell("A-01", "CAM-5KG", 1, token: producer)
            #expect(early.status == .conflict)
            let detail = early.json["detail"] as? String ?? ""
            #expect(detail.contains("2026-11-25") && detail.contains("2026-11-27"), "\(detail)")
            let sideDoor = try await client.send(
                .post, "/v1/points/\(scene.stallPoint("A-01"))/sales", token: scene.admin,
                json: #"{"payment_method":"cash","lines":[{"sku":"CAM-5KG","quantity":1}]}"#)
            #expect(sideDoor.status == .conflict)

            // Three days of sales.
            scene.setClock("2026-11-25", 10)
            var manager = try await scene.manager()
            #expect(try await scene.sell("A-01", "CAM-5KG", 5, token: try await scene.producer("htx-dong-xanh")).status == .created)
            #expect(try await scene.sell("A-02", "GOM-LAM", 2, token: manager).status == .created)
            #expect(try await scene.sell("A-02", "MAM-CL", 5, token: manager).status == .created)
            scene.setClock("2026-11-26", 15)
            manager = try await scene.manager()
            #expect(try await scene.sell("A-01", "MAT-ONG", 3, token: manager).status == .created)
            #expect(try await scene.sell("A-02", "MAM-CL", 6, token: manager).status == .created)
            scene.setClock("2026-11-27", 23, 30)
            manager = try await scene.manager()
            let lastEvening = try await scene.sell("A-01", "CAM-5KG", 4, token: manager)
            #expect(lastEvening.status == .created, "\(String(buffer: lastEvening.body))")
            scene.setClock("2026-11-28", 0, 30)
            manager = try await scene.manager()
            let afterMidnight = try await scene.sell("A-01", "CAM-5KG", 1, token: manager)
            #expect(afterMidnight.status == .conflict)
            #expect((afterMidnight.json["detail"] as? String)?.contains("2026-11-27") == true)

            // Closing: the count must cover every batch; one orange is missing.
            scene.setClock("2026-11-28", 9)
            manager = try await scene.manager()
            let partial = try await client.send(
                .post, "/v1/fairs/\(fair)/stalls/A-01/close", token: manager,
                json: #"{"lines":[{"sku":"CAM-5KG","counted":20}]}"#)
            #expect(partial.status == .unprocessableContent)
            #expect(partial.problemFields == ["lines"])
            let closedA01 = try await client.send(
                .post, "/v1/fairs/\(fair)/stalls/A-01/close", token: manager,
                json: #"{"lines":[{"sku":"CAM-5KG","counted":20},{"sku":"MAT-ONG","counted":7}]}"#)
            #expect(closedA01.status == .ok, "\(String(buffer: closedA01.body))")
            let discrepancies = closedA01.json["discrepancies"] as? [[String: Any]] ?? []
            #expect(discrepancies.map { "\($0["sku"]!):\($0["delta"]!):\($0["kind"]!)" } == ["CAM-5KG:-1:count"])
            let returnsA01 = (closedA01.json["returns"] as? [[String: Any]] ?? []).map { "\($0["sku"]!):\($0["quantity"]!):\($0["to"]!)" }
            #expect(returnsA01.sorted() == ["CAM-5KG:20:producer:htx-dong-xanh", "MAT-ONG:7:producer:htx-dong-xanh"])

            let closedA02 = try await client.send(
                .post, "/v1/fairs/\(fair)/stalls/A-02/close", token: manager,
                json: #"{"lines":[{"sku":"GOM-LAM","counted":8},{"sku":"MAM-CL","batch":"M1","counted":9}]}"#)
            #expect(closedA02.status == .ok, "\(String(buffer: closedA02.body))")
            let returnsA02 = closedA02.json["returns"] as? [[String: Any]] ?? []
            #expect(Set(returnsA02.compactMap { $0["to"] as? String }) == [StockScene.hanoi])
            let transferBack = returnsA02.first?["transfer_id"] as? Int ?? 0
            let hanoiStaff = try await harness.staffToken(username: "staff-hn", role: .pointStaff, scopes: [StockScene.hanoi])
            let back = try await client.send(.post, "/v1/transfers/\(transferBack)/receive", token: hanoiStaff)
            #expect(back.status == .ok, "\(String(buffer: back.body))")
            #expect(try await scene.stock.quantity(StockScene.hanoi, "GOM-LAM") == 8)
            #expect(try await scene.stock.quantity(StockScene.hanoi, "MAM-CL") == 9)

            // A closed stall takes nothing more.
            let late = try await client.send(
                .post, "/v1/fairs/\(fair)/stalls/A-01/receipts", token: manager,
                json: #"{"lines":[{"sku":"CAM-5KG","quantity":1}]}"#)
            #expect(late.status == .conflict)
            #expect((late.json["detail"] as? String)?.contains("closed") == true)
            let twice = try await client.send(
                .post, "/v1/fairs/\(fair)/stalls/A-01/close", token: manager, json: #"{"lines":[]}"#)
            #expect(twice.status == .conflict)
            let sentLate = try await client.send(
                .post, "/v1/transfers", token: hanoiStaff,
                json: #"{"from":"\#(StockScene.hanoi)","to":"\#(scene.stallPoint("A-02"))","lines":[{"sku":"GOM-LAM","quantity":1}]}"#)
            #expect(sentLate.status == .conflict)
            #expect(sentLate.problemFields == ["to"])
            #expect(try await scene.stock.quantity(StockScene.hanoi, "GOM-LAM") == 8)

            // The report: sent = sold + returned + lost for every stall, nothing left on hand.
            let report = try await client.send(.get, "/v1/fairs/\(fair)/report", token: manager)
            #expect(report.status == .ok, "\(String(buffer: report.body))")
            let stock = report.json["stock"] as? [[String: Any]] ?? []
            #expect(stock.count == 2)
            for stall in stock {
                let sent = stall["sent"] as? Int ?? -1
                let sold = stall["sold"] as? Int ?? -1
                let returned = stall["returned"] as? Int ?? -1
                let lost = stall["lost"] as? Int ?? -1
                #expect(sent > 0)
                #expect(sent == sold + returned + lost, "\(stall)")
                #expect(stall["on_hand"] as? Int == 0)
            }
            let byStall = Dictionary(uniqueKeysWithValues: stock.map { ($0["stall"] as? String ?? "", $0) })
            #expect(byStall["A-01"].flatMap { [$0["sent"], $0["sold"], $0["returned"], $0["lost"]] as? [Int] } == [40, 12, 27, 1])
            #expect(byStall["A-02"].flatMap { [$0["sent"], $0["sold"], $0["returned"], $0["lost"]] as? [Int] } == [30, 13, 17, 0])

            let days = (report.json["sales_by_day"] as? [[String: Any]] ?? []).map {
                "\($0["key"]!):\($0["sales_count"]!):\($0["quantity"]!)"
            }
            #expect(days == ["2026-11-25:3:12", "2026-11-26:2:9", "2026-11-27:1:4"])
            let producers = (report.json["sales_by_producer"] as? [[String: Any]] ?? []).map {
                "\($0["key"]!):\($0["revenue"]!)"
            }
            #expect(producers == ["cong-ty-ha-noi:3445000", "htx-dong-xanh:3600000"])
            #expect((report.json["totals"] as? [String: Any])?["revenue"] as? Int == 7_045_000)
            #expect((report.json["sales_by_product"] as? [[String: Any]])?.count == 4)

            let csv = try await client.send(.get, "/v1/fairs/\(fair)/report?format=csv", token: manager)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(
                String(buffer: csv.body).components(separatedBy: "\r\n")
                    == [
                        "stall,producer,status,sent,sold,returned,lost,on_hand",
                        "A-01,htx-dong-xanh,closed,40,12,27,1,0", "A-02,cong-ty-ha-noi,closed,30,13,17,0,0", "",
                    ])
            let daysCSV = try await client.send(
                .get, "/v1/fairs/\(fair)/report?table=sales_by_day", token: manager, headers: [.accept: "text/csv"])
            #expect(String(buffer: daysCSV.body).hasPrefix("day,sales_count,quantity,revenue_vnd\r\n2026-11-25,3,12,"))
            try await scene.stock.expectBalancedLedger()
        }
    }

    @Test(arguments: TestEngine.all) func aStallWithGoodsStillInTransitCannotClose(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await FairScene.make(harness, client)
            try await scene.addStalls(from: "A-01", to: "A-01")
            #expect(try await scene.allocate("A-01", to: try await scene.apply("cong-ty-ha-noi", ["gom-men-lam"])).status == .ok)
            try await scene.stock.receive(StockScene.hanoi, #"{"sku":"GOM-LAM","quantity":3}"#)
            let dispatched = try await client.send(
                .post, "/v1/transfers", token: scene.stock.hanoiStaff,
                json: #"{"from":"\#(StockScene.hanoi)","to":"\#(scene.stallPoint("A-01"))","lines":[{"sku":"GOM-LAM","quantity":3}]}"#)
            #expect(dispatched.status == .created)
            let close = try await client.send(
                .post, "/v1/fairs/\(FairScene.slug)/stalls/A-01/close", token: try await scene.manager(), json: #"{"lines":[]}"#)
            #expect(close.status == .conflict)
            #expect((close.json["detail"] as? String)?.contains("in transit") == true)
            // A stall that holds goods cannot be freed either.
            let received = try await client.send(
                .post, "/v1/fairs/\(FairScene.slug)/stalls/A-01/transfers/\(dispatched.json["id"] as? Int ?? 0)/receive",
                token: try await scene.manager())
            #expect(received.status == .ok)
            let freed = try await client.send(
                .delete, "/v1/fairs/\(FairScene.slug)/stalls/A-01/allocation", token: try await scene.manager())
            #expect(freed.status == .conflict)
            #expect((freed.json["detail"] as? String)?.contains("holds 3 units") == true)
        }
    }

    @Test(arguments: TestEngine.all) func aRetriedStallSaleWithItsKeySellsOnce(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await FairScene.make(harness, client)
            try await scene.addStalls(from: "A-01", to: "A-01")
            #expect(try await scene.allocate("A-01", to: try await scene.apply("htx-dong-xanh", ["mat-ong-bac-ha"])).status == .ok)
            let producer = try await scene.producer("htx-dong-xanh")
            let receipt = try await client.send(
                .post, "/v1/fairs/\(FairScene.slug)/stalls/A-01/receipts", token: producer,
                json: #"{"lines":[{"sku":"MAT-ONG","quantity":5}]}"#)
            #expect(receipt.status == .created)
            scene.setClock("2026-11-25", 9)
            let token = try await scene.producer("htx-dong-xanh")
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "fair-sale-1"]
            let body = #"{"payment_method":"e_wallet","lines":[{"sku":"MAT-ONG","quantity":2}]}"#
            let first = try await client.send(
                .post, "/v1/fairs/\(FairScene.slug)/stalls/A-01/sales", token: token, json: body, headers: key)
            let retry = try await client.send(
                .post, "/v1/fairs/\(FairScene.slug)/stalls/A-01/sales", token: token, json: body, headers: key)
            #expect(first.status == .created)
            #expect(String(buffer: retry.body) == String(buffer: first.body))
            #expect(try await scene.stock.quantity(scene.stallPoint("A-01"), "MAT-ONG") == 3)
        }
    }
}
