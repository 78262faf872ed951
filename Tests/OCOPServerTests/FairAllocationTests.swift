import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OCOPDomain
import OCOPServer
import OCOPStorage
import SQLKit
import Testing
import TestSupport

@Suite struct FairAllocationTests {
    @Test(arguments: TestEngine.all) func twentyParallelAllocationsOfOneStallLetExactlyOneWin(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await FairScene.make(harness, client)
            try await scene.addStalls(from: "A-01", to: "A-05")
            let applications = [
                try await scene.apply("htx-dong-xanh", ["cam-sanh-hop-5kg"]),
                try await scene.apply("cong-ty-ha-noi", ["gom-men-lam"]),
                try await scene.apply("ho-kinh-doanh-tuong-mai", ["tra-shan-tuyet-dac-biet"]),
            ]
            let manager = try await scene.manager()
            // Twenty connections at once, so the allocations really race on the server.
            let parallel = ParallelClient(port: try #require(client.port))
            let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for attempt in 0..<20 {
                    group.addTask {
                        let response = try await parallel.send(
                            "PUT", "/v1/fairs/\(FairScene.slug)/stalls/A-03/allocation", token: manager,
                            json: #"{"application_id":\#(applications[attempt % applications.count])}"#)
                        return (response.status, response.json["detail"] as? String ?? "")
                    }
                }
                return try await group.reduce(into: [(Int, String)]()) { $0.append($1) }
            }
            #expect(answers.filter { $0.0 == 200 }.count == 1)
            let refused = answers.filter { $0.0 == 409 }
            #expect(refused.count == 19, "\(answers)")
            #expect(refused.allSatisfy { $0.1.contains("stall A-03") }, "\(refused.map(\.1))")

            let current = try await harness.stack.database.read { sql in
                try await sql.raw(
                    "SELECT COUNT(*) AS n FROM fair_allocations WHERE stall_code = 'A-03' AND released_at IS NULL"
                ).first()?.decode(column: "n", as: Int.self)
            }
            #expect(current == 1)
            let detail = try await client.get("/v1/fairs/\(FairScene.slug)")
            let stall = (detail.json["stalls"] as? [[String: Any]])?.first { $0["code"] as? String == "A-03" }
            #expect(stall?["status"] as? String == "allocated")
        }
    }

    @Test(arguments: TestEngine.all) func aProducerWithoutAPublishableProductIsRefusedWithTheReason(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await FairScene.make(harness, client)
            try await scene.addStalls(from: "A-01", to: "A-02")
            // Its only product's certificate was revoked.
            let application = try await scene.apply("htx-chi-bi-thu-hoi", ["na-bo-bi-thu-hoi"])
            let refused = try await scene.allocate("A-01", to: application)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.problemFields == ["application_id"])
            #expect((refused.json["detail"] as? String)?.contains("no publishable product") == true)
            let stall = try await harness.stack.database.read { sql in
                try await sql.raw("SELECT producer_slug FROM fair_stalls WHERE code = 'A-01'").first()?
                    .decode(column: "producer_slug", as: String?.self)
            }
            #expect(stall == .some(nil))
        }
    }

    @Test(arguments: TestEngine.all) func producersApplyOnlyForThemselvesAndManagersActOnlyOnTheirFair(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await FairScene.make(harness, client)
            _ = try await scene.createFair("hoi-cho-ha-noi", opensOn: "2026-12-01", closesOn: "2026-12-05", province: "01")
            let dongXanh = try await scene.producer("htx-dong-xanh")
            let forSomeoneElse = try await client.send(
                .post, "/v1/fairs/\(FairScene.slug)/applications", token: dongXanh,
                json: #"{"producer":"cong-ty-ha-noi","products":["gom-men-lam"]}"#)
            #expect(forSomeoneElse.status == .forbidden)

            let notMine = try await client.send(
                .post, "/v1/fairs/\(FairScene.slug)/applications", token: dongXanh,
                json: #"{"products":["gom-men-lam","khong-co"]}"#)
            #expect(notMine.status == .unprocessableContent)
            #expect(notMine.problemFields == ["products[0]", "products[1]"])

            // A producer's phone sends its application again with the same key: one application.
            func applyWithKey() async throws -> TestResponse {
                try await client.execute(
                    uri: "/v1/fairs/\(FairScene.slug)/applications", method: .post,
                    headers: [.authorization: "Bearer \(dongXanh)", .contentType: "application/json", WritePathKey.name: "apply-1"],
                    body: ByteBuffer(string: #"{"products":["mat-ong-bac-ha"]}"#)) { $0 }
            }
            let applied = try await applyWithKey()
            let reapplied = try await applyWithKey()
            #expect(applied.status == .created, "\(String(buffer: applied.body))")
            #expect(reapplied.status == .created && reapplied.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(Array(reapplied.body.readableBytesView) == Array(applied.body.readableBytesView))

            let otherManager = try await scene.manager("hoi-cho-ha-noi")
            let stalls = try await client.send(
                .post, "/v1/fairs/\(FairScene.slug)/stalls", token: otherManager,
                json: #"{"codes":["A-01"],"zone":"x","size":"standard","fee_vnd":0}"#)
            #expect(stalls.status == .forbidden)
            let applications = try await client.send(.get, "/v1/fairs/\(FairScene.slug)/applications", token: otherManager)
            #expect(applications.status == .forbidden)
            let report = try await client.send(.get, "/v1/fairs/\(FairScene.slug)/report", token: dongXanh)
            #expect(report.status == .forbidden)
            let creating = try await client.send(
                .post, "/v1/fairs", token: otherManager, json: #"{"slug":"x"}"#)
            #expect(creating.status == .forbidden)

            // At a stall: the fair's managers and the stall's own producer only.
            try await scene.addStalls(from: "A-01", to: "A-01")
            #expect(try await scene.allocate("A-01", to: applied.json["id"] as? Int ?? 0).status == .ok)
            let receipt = #"{"lines":[{"sku":"MAT-ONG","quantity":1}]}"#
            for token in [otherManager, try await scene.producer("cong-ty-ha-noi"), scene.stock.hanoiStaff] {
                let refused = try await client.send(
                    .post, "/v1/fairs/\(FairScene.slug)/stalls/A-01/receipts", token: token, json: receipt)
                #expect(refused.status == .forbidden)
            }
            let own = try await client.send(
                .post, "/v1/fairs/\(FairScene.slug)/stalls/A-01/receipts", token: dongXanh, json: receipt)
            #expect(own.status == .created)
            let closing = try await client.send(
                .post, "/v1/fairs/\(FairScene.slug)/stalls/A-01/close", token: dongXanh, json: #"{"lines":[]}"#)
            #expect(closing.status == .forbidden)
        }
    }

    @Test(arguments: TestEngine.all) func cancellingFreesTheStallsAndNamesTheNextOnTheWaitingList(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await FairScene.make(harness, client)
            try await scene.addStalls(from: "A-01", to: "A-01")
            let first = try await scene.apply("htx-dong-xanh", ["cam-sanh-hop-5kg"])
            let second = try await scene.apply("cong-ty-ha-noi", ["gom-men-lam"])
            #expect(try await scene.allocate("A-01", to: first).status == .ok)
            let manager = try await scene.manager()
            let waiting = try await client.send(
                .post, "/v1/fairs/\(FairScene.slug)/applications/\(second)/waitlist", token: manager)
            #expect(waiting.json["status"] as? String == "waiting")

            // Another producer may not cancel it; its own producer may.
            let intruder = try await client.send(
                .post, "/v1/fairs/\(FairScene.slug)/applications/\(first)/cancel",
                token: try await scene.producer("cong-ty-ha-noi"))
            #expect(intruder.status == .forbidden)
            let cancelled = try await client.send(
                .post, "/v1/fairs/\(FairScene.slug)/applications/\(first)/cancel",
                token: try await scene.producer("htx-dong-xanh"))
            #expect(cancelled.status == .ok, "\(String(buffer: cancelled.body))")
            #expect((cancelled.json["application"] as? [String: Any])?["status"] as? String == "cancelled")
            #expect((cancelled.json["next_waiting"] as? [String: Any])?["id"] as? Int == second)

            let retaken = try await scene.allocate("A-01", to: second)
            #expect(retaken.status == .ok, "\(String(buffer: retaken.body))")
            #expect(retaken.json["producer"] as? String == "cong-ty-ha-noi")
            let audit = try await harness.stack.database.read { sql in
                try await sql.raw(
                    "SELECT COUNT(*) AS n FROM audit_log WHERE entity IN ('fair', 'fair_stall', 'fair_application')"
                ).first()?.decode(column: "n", as: Int.self)
            }
            // create, add_stalls, 2 applications, allocate, waiting, cancel, allocate
            #expect(audit == 8)
        }
    }

    @Test(arguments: TestEngine.all) func bulkStallsRefuseTakenCodesAndBadRangesNamingTheField(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await FairScene.make(harness, client)
            try await scene.addStalls(from: "A-01", to: "A-50")
            let manager = try await scene.manager()
            let again = try await client.send(
                .post, "/v1/fairs/\(FairScene.slug)/stalls", token: manager,
                json: #"{"codes":["B-01","A-07"],"zone":"x","size":"standard","fee_vnd":0}"#)
            #expect(again.status == .conflict)
            #expect(again.problemFields == ["codes[1]"])
            let backwards = try await client.send(
                .post, "/v1/fairs/\(FairScene.slug)/stalls", token: manager,
                json: #"{"from":"C-10","to":"C-01","zone":"x","size":"huge","fee_vnd":-1}"#)
            #expect(backwards.status == .unprocessableContent)
            #expect(backwards.problemFields == ["to", "size", "fee_vnd"])
            let detail = try await client.get("/v1/fairs/\(FairScene.slug)")
            #expect((detail.json["stalls"] as? [[String: Any]])?.count == 50)
            #expect(detail.json["stall_count"] as? Int == 50)
        }
    }
}
