import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OCOPDomain
import OCOPServer
import OCOPStorage
import Testing
import TestSupport

@Suite struct CertificateLifecycleTests {
    @Test(arguments: TestEngine.all)
    func aRevocationTakesTheProductOutOfTheCatalogAtOnce(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            #expect(try await client.get("/v1/products/mat-ong-bac-ha").status == .ok)
            let revoked = try await client.send(
                .post, "/v1/products/mat-ong-bac-ha/certificates/revocations", token: admin,
                json: #"{"number":"03/GCN","reason":"Vi phạm an toàn thực phẩm","decision_number":"99/QĐ-UBND"}"#)
            #expect(revoked.status == .ok)
            #expect(revoked.json["published_today"] as? Bool == false)
            let record = (revoked.json["certificates"] as? [[String: Any]])?.first
            #expect(record?["status"] as? String == "revoked")
            #expect(try await client.get("/v1/products/mat-ong-bac-ha").status == .notFound)
            #expect(!(try await client.allPages("/v1/products?limit=100")).contains("mat-ong-bac-ha"))
            let again = try await client.send(
                .post, "/v1/products/mat-ong-bac-ha/certificates/revocations", token: admin,
                json: #"{"number":"03/GCN","reason":"x","decision_number":"y"}"#)
            #expect(again.status == .conflict)
        }
    }

    /// The office's connection drops after it sent a revocation: sent again with the same key, the
    /// write is answered as the first time (not 409) and is recorded once.
    @Test(arguments: TestEngine.all)
    func aRetriedCertificateWriteIsAnsweredAsTheFirstAndRecordedOnce(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            func send(_ path: String, _ json: String, key: String) async throws -> TestResponse {
                try await client.execute(
                    uri: path, method: .post,
                    headers: [.authorization: "Bearer \(admin)", .contentType: "application/json", WritePathKey.name: key],
                    body: ByteBuffer(string: json)) { $0 }
            }
            let revocation = #"{"number":"03/GCN","reason":"Vi phạm an toàn thực phẩm","decision_number":"99/QĐ-UBND"}"#
            let first = try await send("/v1/products/mat-ong-bac-ha/certificates/revocations", revocation, key: "revoke-1")
            let retry = try await send("/v1/products/mat-ong-bac-ha/certificates/revocations", revocation, key: "revoke-1")
            #expect(first.status == .ok && retry.status == .ok)
            #expect(retry.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(Array(retry.body.readableBytesView) == Array(first.body.readableBytesView))
            // Without the key, the same revocation is a second one: refused.
            let again = try await client.send(
                .post, "/v1/products/mat-ong-bac-ha/certificates/revocations", token: admin, json: revocation)
            #expect(again.status == .conflict)

            let issue = """
                {"kind":"re_recognition","number":"07b/GCN","decision_number":"120/QĐ-UBND",
                 "authority":"UBND thành phố Hải Phòng","stars":4,"score":72,"issued_on":"2026-11-20"}
                """
            let issued = try await send("/v1/products/ruou-nep-het-han/certificates", issue, key: "issue-1")
            let reissued = try await send("/v1/products/ruou-nep-het-han/certificates", issue, key: "issue-1")
            #expect(issued.status == .created, "\(String(buffer: issued.body))")
            #expect(reissued.status == .created)
            #expect(Array(reissued.body.readableBytesView) == Array(issued.body.readableBytesView))
            let history = try await client.send(.get, "/v1/products/ruou-nep-het-han/certificates", token: admin)
            let records = history.json["certificates"] as? [[String: Any]] ?? []
            let numbers = records.compactMap { ($0["certificate"] as? [String: Any])?["number"] as? String ?? $0["number"] as? String }
            #expect(numbers.filter { $0 == "07b/GCN" }.count == 1, "\(String(buffer: history.body))")
        }
    }

    @Test(arguments: TestEngine.all)
    func aReRecognitionBringsAnExpiredProductBackAndSurvivesTheNextImport(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            #expect(try await client.get("/v1/products/ruou-nep-het-han").status == .notFound)
            let issued = try await client.send(
                .post, "/v1/products/ruou-nep-het-han/certificates", token: admin,
                json: """
                    {"kind":"re_recognition","number":"07b/GCN","decision_number":"120/QĐ-UBND",
                     "authority":"UBND thành phố Hải Phòng","stars":4,"score":72,"issued_on":"2026-11-20"}
                    """)
            #expect(issued.status == .created, "\(String(buffer: issued.body))")
            let product = try await client.get("/v1/products/ruou-nep-het-han")
            #expect(product.status == .ok)
            #expect(product.json["stars"] as? Int == 4)
            #expect(product.json["certificate_expires_on"] as? String == "2029-11-20")

            // The catalog files know nothing of it; importing them again keeps it.
            guard case .imported(let report) = try await harness.stack.importCatalog() else {
                return #expect(Bool(false))
            }
            #expect(report.changedNothing)
            try await harness.readModel.reload()
            #expect(try await client.get("/v1/products/ruou-nep-het-han").status == .ok)
        }
    }

    @Test func badCertificatesAreRefusedByField() async throws {
        try await ServerHarness.run { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let path = "/v1/products/cam-sanh-hop-5kg/certificates"
            let lowUpgrade = try await client.send(
                .post, path, token: admin,
                json: #"{"kind":"upgrade","number":"U1","decision_number":"d","authority":"UBND tỉnh Tuyên Quang","stars":3,"score":60,"issued_on":"2026-11-01"}"#)
            #expect(lowUpgrade.problemFields == ["stars"])
            let badScore = try await client.send(
                .post, path, token: admin,
                json: #"{"number":"U2","decision_number":"d","authority":"UBND tỉnh Tuyên Quang","stars":5,"score":75,"issued_on":"2026-11-01"}"#)
            #expect(badScore.problemFields == ["score"])
            let taken = try await client.send(
                .post, path, token: admin,
                json: #"{"number":"02/GCN","decision_number":"d","authority":"a","stars":4,"score":75,"issued_on":"2026-11-01"}"#)
            #expect(taken.problemFields == ["number"])
            let unknown = try await client.send(
                .post, "/v1/products/nothing/certificates", token: admin,
                json: #"{"number":"X","decision_number":"d","authority":"a","stars":4,"score":75,"issued_on":"2026-11-01"}"#)
            #expect(unknown.status == .notFound)
        }
    }

    @Test func expiringCertificatesAreListedAndHistoryIsForTheOwnerOrTheOffice() async throws {
        try await ServerHarness.run { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let soon = try await client.send(.get, "/v1/certificates/expiring?within=30", token: admin)
            let items = soon.json["items"] as? [[String: Any]] ?? []
            #expect(items.first?["product"] as? String == "sap-het-han")
            #expect(items.first?["days_left"] as? Int == 1)
            #expect(try await client.send(.get, "/v1/certificates/expiring?within=45", token: admin).problemFields == ["within"])

            let owner = try await harness.staffToken(username: "dongxanh", role: .producer, scopes: ["htx-dong-xanh"])
            let other = try await harness.staffToken(username: "hanoi", role: .producer, scopes: ["cong-ty-ha-noi"])
            #expect(try await client.send(.get, "/v1/products/gao-hai-sao/certificates", token: owner).status == .ok)
            #expect(try await client.send(.get, "/v1/products/gao-hai-sao/certificates", token: other).status == .forbidden)
            let corrected = try await client.send(
                .post, "/v1/products/gao-hai-sao/certificates/corrections", token: admin,
                json: #"{"number":"09/GCN","decision_number":"QD-09/GCN","authority":"UBND tỉnh Tuyên Quang","stars":3,"score":55,"issued_on":"2025-01-01"}"#)
            #expect(corrected.status == .ok)
            // Corrected from 2★ to 3★: the product is now public.
            #expect(try await client.get("/v1/products/gao-hai-sao").status == .ok)
        }
    }
}
