import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OCOPDomain
import OCOPServer
import OCOPStorage
import Testing
import TestSupport

/// The programme's year over HTTP: a plan's targets, a dossier from the producer's draft through
/// the commune's review and the council's scores to the decision that publishes the product.
/// Fixture: "gio-cha-chua-danh-gia" (HTX Đồng Xanh, commune 01156 of province 08) has no certificate.
/// The header a client retries a write with.
enum WritePathKey {
    static let name = HTTPField.Name("Idempotency-Key")!
}

@Suite struct ProgrammeTests {
    static let product = "gio-cha-chua-danh-gia"

    @Test(arguments: TestEngine.all)
    func aDossierGoesFromDraftToADecisionThatPublishesTheProductAndMovesThePlan(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let producer = try await harness.staffToken(username: "dong-xanh", role: .producer, scopes: ["htx-dong-xanh"])
            let here = try await Self.plan(client, admin, locality: "01156", year: 2026)
            let elsewhere = try await Self.plan(client, admin, locality: "00070", year: 2026)
            let nextYear = try await Self.plan(client, admin, locality: "01156", year: 2027)
            #expect(try await Self.done(client, admin, here) == 0)
            #expect(try await client.get("/v1/products/\(Self.product)").status == .notFound)

            let id = try await Self.openDossier(client, producer)
            // An incomplete checklist is refused, naming what is missing.
            let early = try await client.send(.post, "/v1/dossiers/\(id)/submit", token: producer)
            #expect(early.status == .unprocessableContent)
            #expect(early.problemFields.count == 6)
            try await Self.fillEverything(client, producer, id)
            let pdf = try await Self.upload(client, producer, id, item: "legal_papers", bytes: Array("%PDF-1.4\n%…\n".utf8))
            #expect(pdf.status == .created, "\(String(buffer: pdf.body))")
            let submitted = try await client.send(.post, "/v1/dossiers/\(id)/submit", token: producer)
            #expect(submitted.json["state"] as? String == "submitted")
            // Once sent, the producer can no longer change it; only the office reviews it.
            let late = try await client.send(.put, "/v1/dossiers/\(id)/items/business_plan", token: producer, json: #"{"note":"x"}"#)
            #expect(late.status == .conflict)
            #expect(try await client.send(.post, "/v1/dossiers/\(id)/review", token: producer, json: #"{"verdict":"pass"}"#).status == .forbidden)

            // The commune returns it for the business plan; the producer completes it and sends it again.
            let returned = try await client.send(
                .post, "/v1/dossiers/\(id)/review", token: admin,
                json: #"{"verdict":"return","note":"Bổ sung phương án kinh doanh","needs_work":["business_plan"]}"#)
            #expect(returned.json["state"] as? String == "returned")
            #expect(try await client.send(.post, "/v1/dossiers/\(id)/submit", token: producer).problemFields == ["items.business_plan"])
            _ = try await client.send(
                .put, "/v1/dossiers/\(id)/items/business_plan", token: producer, json: #"{"note":"Kế hoạch 2027: 3 chợ mới"}"#)
            #expect(try await client.send(.post, "/v1/dossiers/\(id)/submit", token: producer).status == .ok)
            let reviewed = try await client.send(.post, "/v1/dossiers/\(id)/review", token: admin, json: #"{"verdict":"pass"}"#)
            #expect(reviewed.json["state"] as? String == "reviewed")

            let round = try await Self.round(client, admin)
            let joined = try await client.send(.post, "/v1/evaluation-rounds/\(round)/dossiers", token: admin, json: #"{"dossier":\#(id)}"#)
            #expect(joined.status == .ok, "\(String(buffer: joined.body))")
            for (member, a, b, c) in [("Nguyễn Văn A", 28.5, 15.0, 22.0), ("Trần Thị B", 30.0, 16.5, 24.0)] {
                let scored = try await client.send(
                    .post, "/v1/evaluation-rounds/\(round)/scores", token: admin,
                    json: #"{"dossier":\#(id),"member":"\#(member)","part_a":\#(a),"part_b":\#(b),"part_c":\#(c)}"#)
                #expect(scored.status == .ok, "\(String(buffer: scored.body))")
            }
            // A decision needs its number and date.
            let noDate = try await client.send(
                .post, "/v1/evaluation-rounds/\(round)/decisions", token: admin,
                json: #"{"dossier":\#(id),"decision_number":"1500/QĐ-UBND","certificate_number":"GC-01/GCN"}"#)
            #expect(noDate.problemFields == ["decided_on"])
            let noNumber = try await client.send(
                .post, "/v1/evaluation-rounds/\(round)/decisions", token: admin,
                json: #"{"dossier":\#(id),"decided_on":"2026-11-21","certificate_number":"GC-01/GCN"}"#)
            #expect(noNumber.problemFields == ["decision_number"])
            let decided = try await client.send(
                .post, "/v1/evaluation-rounds/\(round)/decisions", token: admin,
                json: #"{"dossier":\#(id),"decision_number":"1500/QĐ-UBND","decided_on":"2026-11-21","certificate_number":"GC-01/GCN"}"#)
            #expect(decided.status == .ok, "\(String(buffer: decided.body))")
            #expect(decided.json["state"] as? String == "certified")
            let result = decided.json["result"] as? [String: Any]
            #expect(result?["average"] as? Double == 68)  // (65.5 + 70.5) / 2
            #expect(result?["stars"] as? Int == 3)

            // Published by the same rule as any certificate, at once.
            let published = try await client.get("/v1/products/\(Self.product)")
            #expect(published.status == .ok)
            #expect(published.json["stars"] as? Int == 3)
            #expect(try await Self.done(client, admin, here) == 1)
            #expect(try await Self.done(client, admin, elsewhere) == 0)
            #expect(try await Self.done(client, admin, nextYear) == 0)
            let plan = try await client.send(.get, "/v1/plans/\(here)", token: admin)
            let counted = ((plan.json["targets"] as? [[String: Any]])?.first?["counted"] as? [[String: Any]]) ?? []
            #expect(counted.first?["ref"] as? String == Self.product)
            #expect(counted.first?["detail"] as? String == "GC-01/GCN")
            // Decided is final.
            let again = try await client.send(
                .post, "/v1/evaluation-rounds/\(round)/scores", token: admin,
                json: #"{"dossier":\#(id),"member":"Lê C","part_a":1,"part_b":1,"part_c":1}"#)
            #expect(again.status == .conflict)
        }
    }

    @Test func anAverageBelowThreeStarsClosesTheDossierWithoutACertificate() async throws {
        try await ServerHarness.run { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let producer = try await harness.staffToken(username: "dong-xanh", role: .producer, scopes: ["htx-dong-xanh"])
            // 49.9: 2★, one tenth short of an OCOP product.
            let (id, round) = try await Self.scored(client, admin, producer, total: (20, 10, 19.9))
            let decided = try await client.send(
                .post, "/v1/evaluation-rounds/\(round)/decisions", token: admin,
                json: #"{"dossier":\#(id),"decision_number":"1501/QĐ-UBND","decided_on":"2026-11-21"}"#)
            #expect(decided.json["state"] as? String == "not_certified")
            #expect((decided.json["result"] as? [String: Any])?["band"] as? Int == 2)
            #expect(decided.json["certificate_number"] == nil || decided.json["certificate_number"] is NSNull)
            #expect(try await client.get("/v1/products/\(Self.product)").status == .notFound)
            // A closed dossier lets the producer open the next one.
            #expect(try await Self.openDossier(client, producer) > id)
        }
    }

    @Test func aProducerSeesOnlyItsOwnDossiersAndFilesAreChecked() async throws {
        try await ServerHarness.run { harness, client in
            let producer = try await harness.staffToken(username: "dong-xanh", role: .producer, scopes: ["htx-dong-xanh"])
            let other = try await harness.staffToken(username: "ha-noi", role: .producer, scopes: ["cong-ty-ha-noi"])
            let staff = try await harness.staffToken(username: "staff", role: .pointStaff, scopes: ["diem-thu"])
            let id = try await Self.openDossier(client, producer)
            #expect(try await client.send(.get, "/v1/dossiers/\(id)", token: other).status == .notFound)
            #expect(try await client.send(.get, "/v1/dossiers", token: other).items.isEmpty)
            #expect(try await client.send(.get, "/v1/dossiers", token: producer).items.count == 1)
            #expect(try await client.send(.get, "/v1/dossiers", token: staff).status == .forbidden)
            #expect(
                try await client.send(.put, "/v1/dossiers/\(id)/items/product_story", token: other, json: #"{"note":"x"}"#).status
                    == .notFound)
            #expect(try await Self.upload(client, other, id, item: "legal_papers", bytes: Array("%PDF-1.4".utf8)).status == .notFound)
            // Another producer's product.
            let foreign = try await client.send(.post, "/v1/dossiers", token: other, json: #"{"product":"\#(Self.product)"}"#)
            #expect(foreign.status == .forbidden)
            // Only PDF, JPEG and PNG, by their bytes; at most 10 MB.
            let html = try await Self.upload(client, producer, id, item: "legal_papers", bytes: Array("<html>hi</html>".utf8))
            #expect(html.status == .unsupportedMediaType)
            let huge = try await Self.upload(client, producer, id, item: "legal_papers", bytes: Array("%PDF-".utf8) + [UInt8](repeating: 0x20, count: 10 * 1024 * 1024))
            #expect(huge.status == .contentTooLarge)
            let png = try await Self.upload(client, producer, id, item: "packaging_label", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3])
            #expect(png.status == .created)
            let files = ((png.json["items"] as? [[String: Any]])?.first { $0["item"] as? String == "packaging_label" }?["files"] as? [[String: Any]]) ?? []
            let fileID = try #require(files.first?["id"] as? Int)
            #expect(files.first?["content_type"] as? String == "image/png")
            // The file is served to its producer, never as public media.
            let mine = try await client.send(.get, "/v1/dossiers/\(id)/files/\(fileID)", token: producer)
            #expect(mine.status == .ok)
            #expect(Array(mine.body.readableBytesView).prefix(4) == [0x89, 0x50, 0x4E, 0x47])
            #expect(try await client.send(.get, "/v1/dossiers/\(id)/files/\(fileID)", token: other).status == .notFound)
            let stored = try #require(files.first?["sha256"] as? String)
            #expect(try await client.get("/media/dossiers/\(id)/\(stored).png").status == .notFound)
            // Opening a second dossier for the same product is a conflict.
            #expect(try await client.send(.post, "/v1/dossiers", token: producer, json: #"{"product":"\#(Self.product)"}"#).status == .conflict)
            #expect(
                try await client.send(.post, "/v1/dossiers", token: producer, json: #"{"product":"\#(Self.product)","kind":"re_evaluation"}"#)
                    .problemFields == ["kind"])
        }
    }

    @Test func aTargetCountedByHandTakesDatedEntriesAndOthersRefuseThem() async throws {
        try await ServerHarness.run { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let created = try await client.send(
                .post, "/v1/plans", token: admin,
                json: """
                    {"locality":"08","year":2026,"decision_number":"45/KH-UBND","title":"Kế hoạch OCOP 2026",
                     "targets":[{"kind":"manual","label":"Lớp tập huấn","target":4},{"kind":"new_points","target":2}]}
                    """)
            #expect(created.status == .created, "\(String(buffer: created.body))")
            let plan = try #require(created.json["id"] as? Int)
            let targets = created.json["targets"] as? [[String: Any]] ?? []
            let manual = try #require(targets.first?["id"] as? Int), counted = try #require(targets.last?["id"] as? Int)
            let entry = try await client.send(
                .post, "/v1/plans/\(plan)/targets/\(manual)/entries", token: admin,
                json: #"{"on":"2026-05-10","amount":3,"note":"Tập huấn bao bì"}"#)
            #expect(entry.status == .created)
            #expect((entry.json["targets"] as? [[String: Any]])?.first?["done"] as? Int == 3)
            #expect((entry.json["targets"] as? [[String: Any]])?.first?["percent"] as? Int == 75)
            let wrong = try await client.send(
                .post, "/v1/plans/\(plan)/targets/\(counted)/entries", token: admin, json: #"{"on":"2026-05-10","amount":1}"#)
            #expect(wrong.problemFields == ["target"])
            let otherYear = try await client.send(
                .post, "/v1/plans/\(plan)/targets/\(manual)/entries", token: admin, json: #"{"on":"2025-05-10","amount":1}"#)
            #expect(otherYear.problemFields == ["on"])
            let bad = try await client.send(
                .post, "/v1/plans", token: admin,
                json: #"{"locality":"99","year":1900,"decision_number":"","targets":[{"kind":"x","target":0}]}"#)
            #expect(Set(bad.problemFields) == ["locality", "year", "decision_number", "targets[0].kind", "targets[0].target"])
            let duplicate = try await client.send(
                .post, "/v1/plans", token: admin,
                json: #"{"locality":"08","year":2026,"decision_number":"45/KH-UBND","targets":[{"kind":"fairs","target":1}]}"#)
            #expect(duplicate.status == .conflict)
            let producer = try await harness.staffToken(username: "dong-xanh", role: .producer, scopes: ["htx-dong-xanh"])
            #expect(try await client.send(.get, "/v1/plans", token: producer).status == .forbidden)
            #expect(try await client.get("/v1/plans/\(plan)").status == .unauthorized)
        }
    }

    @Test(arguments: TestEngine.all)
    func twoDecisionsAtOnceIssueOneCertificateAndARetryReplaysTheFirst(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let producer = try await harness.staffToken(username: "dong-xanh", role: .producer, scopes: ["htx-dong-xanh"])
            let (id, round) = try await Self.scored(client, admin, producer, total: (30, 20, 25))
            let decisions = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for number in 1...2 {
                    group.addTask {
                        try await client.send(
                            .post, "/v1/evaluation-rounds/\(round)/decisions", token: admin,
                            json: #"{"dossier":\#(id),"decision_number":"QĐ-\#(number)","decided_on":"2026-11-21","certificate_number":"GCN-\#(number)"}"#
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(decisions.sorted { $0.code < $1.code } == [.ok, .conflict])
            let history = try await client.send(.get, "/v1/products/\(Self.product)/certificates", token: admin)
            #expect((history.json["certificates"] as? [Any])?.count == 1)
            #expect(try await client.get("/v1/products/\(Self.product)").json["stars"] as? Int == 4)

            // A retried request with the same key gets the first answer and changes nothing.
            let second = try await Self.openDossier(client, producer, kind: "upgrade")
            let headers: HTTPFields = [.authorization: "Bearer \(producer)", .contentType: "application/json", WritePathKey.name: "fill-1"]
            let first = try await client.execute(
                uri: "/v1/dossiers/\(second)/items/product_story", method: .put, headers: headers,
                body: ByteBuffer(string: #"{"note":"Câu chuyện"}"#)) { $0 }
            let replay = try await client.execute(
                uri: "/v1/dossiers/\(second)/items/product_story", method: .put, headers: headers,
                body: ByteBuffer(string: #"{"note":"Câu chuyện"}"#)) { $0 }
            #expect(first.status == .ok)
            #expect(replay.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(Array(replay.body.readableBytesView) == Array(first.body.readableBytesView))
        }
    }

    @Test func theMonthlyReportShowsEachPlansProgressAsOfTheMonthsEnd() async throws {
        try await ServerHarness.run { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let plan = try await Self.plan(client, admin, locality: "01156", year: 2026)
            let issued = try await client.send(
                .post, "/v1/products/\(Self.product)/certificates", token: admin,
                json: #"{"number":"GC-9","decision_number":"9/QĐ","authority":"UBND tỉnh Tuyên Quang","stars":3,"score":60,"issued_on":"2026-11-10"}"#)
            #expect(issued.status == .created)
            func done(_ month: String) async throws -> Int? {
                let report = try await client.send(.get, "/v1/reports/monthly?month=\(month)", token: admin).json
                let row = (report["plans"] as? [[String: Any]])?.first { $0["plan"] as? Int == plan }
                return (row?["targets"] as? [[String: Any]])?.first?["done"] as? Int
            }
            #expect(try await done("2026-11") == 1)
            #expect(try await done("2026-10") == 0)
            let csv = try await client.send(.get, "/v1/reports/monthly?month=2026-11&format=csv&table=plans", token: admin)
            let lines = String(buffer: csv.body).split(whereSeparator: \.isNewline)
            #expect(lines.first == "plan,locality,year,decision_number,target_kind,target_label,target,done")
            #expect(lines.dropFirst().first?.hasSuffix(",new_products,Sản phẩm mới đạt 3 sao trở lên,2,1") == true)
        }
    }

    @Test func anUpgradeThatDoesNotRiseAboveTheCurrentLevelClosesWithoutACertificate() async throws {
        try await ServerHarness.run { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let producer = try await harness.staffToken(username: "dong-xanh", role: .producer, scopes: ["htx-dong-xanh"])
            // "cam-sanh-hop-5kg" is 4★ today; 75 points is 4★ again.
            let (id, round) = try await Self.scored(
                client, admin, producer, product: "cam-sanh-hop-5kg", kind: "upgrade", total: (30, 20, 25))
            let decided = try await client.send(
                .post, "/v1/evaluation-rounds/\(round)/decisions", token: admin,
                json: #"{"dossier":\#(id),"decision_number":"QĐ-U","decided_on":"2026-11-21","certificate_number":"U-1"}"#)
            #expect(decided.status == .ok, "\(String(buffer: decided.body))")
            #expect(decided.json["state"] as? String == "not_certified")
            let history = try await client.send(.get, "/v1/products/cam-sanh-hop-5kg/certificates", token: admin)
            #expect((history.json["certificates"] as? [Any])?.count == 1)
            // The product keeps its certificate, and a new dossier may be opened.
            #expect(try await client.get("/v1/products/cam-sanh-hop-5kg").json["stars"] as? Int == 4)
            #expect(
                try await client.send(.post, "/v1/dossiers", token: producer, json: #"{"product":"cam-sanh-hop-5kg","kind":"upgrade"}"#)
                    .status == .created)
        }
    }

    /// A dossier of the fixture's unevaluated product, reviewed and scored by one member.
    static func scored(
        _ client: any TestClientProtocol, _ admin: String, _ producer: String, product: String = product,
        kind: String = "new", total: (Double, Double, Double)
    ) async throws -> (dossier: Int, round: Int) {
        let id = try await openDossier(client, producer, product: product, kind: kind)
        try await fillEverything(client, producer, id)
        _ = try await client.send(.post, "/v1/dossiers/\(id)/submit", token: producer)
        _ = try await client.send(.post, "/v1/dossiers/\(id)/review", token: admin, json: #"{"verdict":"pass"}"#)
        let round = try await round(client, admin)
        _ = try await client.send(.post, "/v1/evaluation-rounds/\(round)/dossiers", token: admin, json: #"{"dossier":\#(id)}"#)
        let scored = try await client.send(
            .post, "/v1/evaluation-rounds/\(round)/scores", token: admin,
            json: #"{"dossier":\#(id),"member":"A","part_a":\#(total.0),"part_b":\#(total.1),"part_c":\#(total.2)}"#)
        guard scored.status == .ok else { throw DomainError(.invalid, "score: \(String(buffer: scored.body))") }
        return (id, round)
    }

    // MARK: - Steps

    static func plan(_ client: any TestClientProtocol, _ admin: String, locality: String, year: Int) async throws -> Int {
        let created = try await client.send(
            .post, "/v1/plans", token: admin,
            json: """
                {"locality":"\(locality)","year":\(year),"decision_number":"12/KH-UBND","title":"OCOP \(year)",
                 "targets":[{"kind":"new_products","label":"Sản phẩm mới đạt 3 sao trở lên","target":2}]}
                """)
        guard created.status == .created, let id = created.json["id"] as? Int else {
            throw DomainError(.invalid, "plan: \(created.status) \(String(buffer: created.body))")
        }
        return id
    }

    static func done(_ client: any TestClientProtocol, _ admin: String, _ plan: Int) async throws -> Int? {
        let answer = try await client.send(.get, "/v1/plans/\(plan)", token: admin)
        return (answer.json["targets"] as? [[String: Any]])?.first?["done"] as? Int
    }

    static func openDossier(
        _ client: any TestClientProtocol, _ producer: String, product: String = product, kind: String = "new"
    ) async throws -> Int {
        let opened = try await client.send(.post, "/v1/dossiers", token: producer, json: #"{"product":"\#(product)","kind":"\#(kind)"}"#)
        guard opened.status == .created, let id = opened.json["id"] as? Int else {
            throw DomainError(.invalid, "dossier: \(opened.status) \(String(buffer: opened.body))")
        }
        return id
    }

    static func fillEverything(_ client: any TestClientProtocol, _ producer: String, _ id: Int) async throws {
        for item in DossierItem.allCases {
            let filled = try await client.send(
                .put, "/v1/dossiers/\(id)/items/\(item.rawValue)", token: producer, json: #"{"note":"Đã có: \#(item.rawValue)"}"#)
            #expect(filled.status == .ok, "\(String(buffer: filled.body))")
        }
    }

    static func upload(
        _ client: any TestClientProtocol, _ token: String, _ id: Int, item: String, bytes: [UInt8]
    ) async throws -> TestResponse {
        try await client.execute(
            uri: "/v1/dossiers/\(id)/items/\(item)/files?name=giay-phep.pdf", method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: "application/octet-stream"],
            body: ByteBuffer(bytes: bytes)) { $0 }
    }

    static func round(_ client: any TestClientProtocol, _ admin: String) async throws -> Int {
        let created = try await client.send(
            .post, "/v1/evaluation-rounds", token: admin,
            json: #"{"name":"Đợt 2 năm 2026","province":"08","authority":"UBND tỉnh Tuyên Quang","meets_on":"2026-11-20"}"#)
        guard created.status == .created, let id = created.json["id"] as? Int else {
            throw DomainError(.invalid, "round: \(created.status) \(String(buffer: created.body))")
        }
        return id
    }
}
