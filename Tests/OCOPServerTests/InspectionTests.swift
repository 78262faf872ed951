import Foundation
import HTTPTypes
import Hummingbird
import MarketplaceFakes
import HummingbirdTesting
import OCOPDomain
import OCOPServer
import OCOPStorage
import Testing
import TestSupport

/// Post-inspections: a proposal to revoke changes nothing until the office confirms it; then the
/// product leaves the catalog and its marketplace listings exactly as a revocation does.
@Suite struct InspectionTests {
    @Test("a confirmed revocation proposal delists the product everywhere", arguments: TestEngine.all)
    func aConfirmedProposalRevokes(engine: TestEngine) async throws {
        try await MarketplaceScene.run(engine) { scene in
            try await scene.receive(3)
            let listing = try await scene.createListing(account: try await scene.createAccount())
            await scene.engine.runCycle()
            let externalID = try #require(try await scene.listing(listing)["external_id"] as? String)
            #expect(scene.fake.listing(id: externalID)?.isOnSale == true)

            let recorded = try await scene.client.send(
                .post, "/v1/inspections", token: scene.admin,
                json: """
                    {"product":"\(MarketplaceScene.product)","inspected_on":"2026-11-20","team":"Đoàn hậu kiểm tỉnh Tuyên Quang",
                     "findings":[{"area":"quality_safety","ok":false,"note":"Mẫu vượt ngưỡng dư lượng thuốc bảo vệ thực vật"},
                                 {"area":"labels","ok":true}],
                     "outcome":"revocation_proposed"}
                    """)
            #expect(recorded.status == .created, "\(String(buffer: recorded.body))")
            #expect(recorded.json["status"] as? String == "revocation_pending")
            #expect(recorded.json["certificate_number"] as? String == "02/GCN")
            let id = try #require(recorded.json["id"] as? Int)
            // A proposal alone changes nothing.
            #expect(try await scene.client.get("/v1/products/\(MarketplaceScene.product)").status == .ok)

            let noNumber = try await scene.client.send(
                .post, "/v1/inspections/\(id)/revocation", token: scene.admin, json: #"{"revoke":true,"decision_number":" "}"#)
            #expect(noNumber.problemFields == ["decision_number"])
            let confirmed = try await scene.client.send(
                .post, "/v1/inspections/\(id)/revocation", token: scene.admin,
                json: #"{"revoke":true,"decision_number":"210/QĐ-UBND","decided_on":"2026-11-22"}"#)
            #expect(confirmed.status == .ok, "\(String(buffer: confirmed.body))")
            #expect(confirmed.json["status"] as? String == "revoked")
            #expect(try await scene.client.get("/v1/products/\(MarketplaceScene.product)").status == .notFound)
            let history = try await scene.client.send(
                .get, "/v1/products/\(MarketplaceScene.product)/certificates", token: scene.admin)
            let record = (history.json["certificates"] as? [[String: Any]])?.first {
                ($0["certificate"] as? [String: Any])?["number"] as? String == "02/GCN"
            }
            #expect(record?["status"] as? String == "revoked")
            let certificate = record?["certificate"] as? [String: Any]
            #expect((certificate?["revocation_reason"] as? String)?.contains("quality_safety") == true)
            await scene.engine.runCycle()
            #expect(scene.fake.listing(id: externalID)?.isOnSale == false)
            #expect(try await scene.listing(listing)["delist_reason"] as? String == "the OCOP certificate was revoked")
            // Decided once.
            let twice = try await scene.client.send(
                .post, "/v1/inspections/\(id)/revocation", token: scene.admin, json: #"{"revoke":true,"decision_number":"211"}"#)
            #expect(twice.status == .conflict)
        }
    }

    @Test func correctiveActionsNeedADeadlineAndCloseWhenDone() async throws {
        try await ServerHarness.run { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let noDeadline = try await client.send(
                .post, "/v1/inspections", token: admin,
                json: """
                    {"product":"mat-ong-bac-ha","inspected_on":"2026-11-20","team":"Đoàn A",
                     "findings":[{"area":"ocop_mark","ok":false,"note":"Nhãn in 5 sao khi chưa được công nhận"}],
                     "outcome":"corrective","actions":"In lại nhãn"}
                    """)
            #expect(noDeadline.problemFields == ["deadline"])
            let nothingFound = try await client.send(
                .post, "/v1/inspections", token: admin,
                json: """
                    {"product":"mat-ong-bac-ha","inspected_on":"2026-11-20","team":"Đoàn A",
                     "findings":[{"area":"stamps","ok":true}],"outcome":"revocation_proposed"}
                    """)
            #expect(nothingFound.problemFields == ["findings"])
            let uncertified = try await client.send(
                .post, "/v1/inspections", token: admin,
                json: #"{"product":"gao-hai-sao","inspected_on":"2026-11-20","team":"Đoàn A","findings":[{"area":"stamps","ok":true}],"outcome":"compliant"}"#)
            #expect(uncertified.problemFields == ["product"])
            let recorded = try await client.send(
                .post, "/v1/inspections", token: admin,
                json: """
                    {"product":"mat-ong-bac-ha","inspected_on":"2026-11-20","team":"Đoàn A",
                     "findings":[{"area":"ocop_mark","ok":false,"note":"Nhãn in 5 sao khi chưa được công nhận"}],
                     "outcome":"corrective","actions":"In lại nhãn","deadline":"2026-12-20"}
                    """)
            #expect(recorded.json["status"] as? String == "corrections_due")
            let id = try #require(recorded.json["id"] as? Int)
            #expect(try await client.send(.post, "/v1/inspections/\(id)/revocation", token: admin, json: #"{"revoke":true,"decision_number":"1"}"#).status == .conflict)
            let closed = try await client.send(.post, "/v1/inspections/\(id)/close", token: admin)
            #expect(closed.json["status"] as? String == "closed")
            #expect(try await client.get("/v1/products/mat-ong-bac-ha").status == .ok)
            #expect(try await client.send(.get, "/v1/inspections?product=mat-ong-bac-ha", token: admin).items.count == 1)
        }
    }
}
