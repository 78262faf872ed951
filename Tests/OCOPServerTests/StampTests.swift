import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OCOPDomain
import OCOPServer
import Testing
import TestSupport

@Suite struct StampTests {
    @Test func codesAreUnguessableReadableAndForgivingWhenTyped() {
        let codes = (0..<1000).map { _ in StampCode.random() }
        #expect(Set(codes).count == 1000)
        #expect(StampCode.entropyBits >= 80)
        let code = codes[0]
        #expect(code.description.count == 22)  // 18 symbols in groups of four
        #expect(StampCode(code.description.lowercased()) == code)
        #expect(StampCode(code.symbols.replacingOccurrences(of: "0", with: "O")) == code)
        #expect(StampCode("not a code") == nil)
        #expect(!code.symbols.contains { "ILOU".contains($0) })
    }

    @Test(arguments: TestEngine.all)
    func aRunPrintsGS1DigitalLinksAndEachCodeVerifies(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let producer = try await harness.staffToken(username: "dongxanh", role: .producer, scopes: ["htx-dong-xanh"])
            let run = try await client.send(
                .post, "/v1/products/cam-sanh-hop-5kg/stamps", token: producer, json: #"{"count":5,"batch":"L24/12"}"#)
            #expect(run.status == .created)
            let csvPath = try #require(run.json["codes_csv"] as? String)
            let csv = String(buffer: try await client.send(.get, csvPath, token: producer).body)
            let rows = csv.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
            #expect(rows.count == 5)
            // GTIN 8934588012228 → GTIN-14 08934588012228; the batch is escaped; the code is the serial.
            let url = try #require(rows.first?[1])
            #expect(url.hasSuffix("/01/08934588012228/10/L24%2F12/21/" + (StampCode(rows[0][0])?.symbols ?? "")))

            let path = String(url[url.range(of: "/01/")!.lowerBound...])
            let scanned = try await client.get(path)
            #expect(scanned.json["verdict"] as? String == "valid_ocop")
            #expect((scanned.json["product"] as? [String: Any])?["stars"] as? Int == 4)
            #expect(scanned.json["scans"] as? Int == 1)
            let byCode = try await client.get("/v1/verify/\(rows[1][0])")
            #expect(byCode.json["genuine"] as? Bool == true)
            #expect(try await client.get("/v1/verify/7K3M-9QXD-2HRT-6WPB-ZN").json["verdict"] as? String == "not_genuine")
        }
    }

    @Test func linkPreviewsPrefetchesAndHEADDoNotCountAsScans() async throws {
        try await ServerHarness.run { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let run = try await client.send(.post, "/v1/products/mat-ong-bac-ha/stamps", token: admin, json: #"{"count":1}"#)
            let csv = String(buffer: try await client.send(.get, run.json["codes_csv"] as? String ?? "", token: admin).body)
            let code = try #require(csv.split(separator: "\r\n").dropFirst().first?.split(separator: ",").first)
            // A chat app drawing the link's preview, a crawler, a browser's prefetch and a HEAD in
            // other provinces: none is a person scanning, so none may flag the stamp as copied.
            for headers: HTTPFields in [
                [.userAgent: "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"],
                [.userAgent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"],
                [HTTPField.Name("Sec-Purpose")!: "prefetch", .userAgent: "Mozilla/5.0 (Linux; Android 14) Chrome/131"],
            ] {
                let answer = try await client.execute(uri: "/v/\(code)?province=79", method: .get, headers: headers) { $0 }
                #expect(answer.json["verdict"] as? String == "valid_ocop")
                #expect(answer.json["scans"] as? Int == 0)
            }
            #expect(try await client.execute(uri: "/v/\(code)?province=48", method: .head) { $0 }.status == .ok)
            let person = try await client.execute(
                uri: "/v/\(code)?province=01", method: .get, headers: [.userAgent: "Mozilla/5.0 (iPhone) Safari/604.1"]) { $0 }
            #expect(person.json["scans"] as? Int == 1)
            #expect(person.json["verdict"] as? String == "valid_ocop")
        }
    }

    @Test func aCodeScannedInTwoProvincesOrOfARevokedProductSaysSo() async throws {
        try await ServerHarness.run { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let run = try await client.send(.post, "/v1/products/mat-ong-bac-ha/stamps", token: admin, json: #"{"count":2}"#)
            let csv = String(buffer: try await client.send(.get, run.json["codes_csv"] as? String ?? "", token: admin).body)
            let codes = csv.split(separator: "\r\n").dropFirst().map { String($0.split(separator: ",")[0]) }
            #expect(csv.contains("/v/"))  // no GTIN: the service's own short URL

            #expect(try await client.get("/v/\(codes[0])?province=01").json["verdict"] as? String == "valid_ocop")
            let copied = try await client.get("/v/\(codes[0])?province=79")
            #expect(copied.json["possibly_copied"] as? Bool == true)
            #expect(copied.json["verdict"] as? String == "possibly_copied")

            _ = try await client.send(
                .post, "/v1/products/mat-ong-bac-ha/certificates/revocations", token: admin,
                json: #"{"number":"03/GCN","reason":"Vi phạm","decision_number":"1/QĐ"}"#)
            let revoked = try await client.get("/v1/verify/\(codes[1])")
            #expect(revoked.json["verdict"] as? String == "revoked")
            #expect(revoked.json["valid_ocop_today"] as? Bool == false)
        }
    }

    @Test func onlyTheOwnerOrTheOfficeIssuesStamps() async throws {
        try await ServerHarness.run { harness, client in
            let other = try await harness.staffToken(username: "hanoi", role: .producer, scopes: ["cong-ty-ha-noi"])
            #expect(try await client.send(.post, "/v1/products/mat-ong-bac-ha/stamps", token: other, json: #"{"count":1}"#).status == .forbidden)
            let admin = try await harness.staffToken(username: "office", role: .admin)
            #expect(try await client.send(.post, "/v1/products/mat-ong-bac-ha/stamps", token: admin, json: #"{"count":0}"#).problemFields == ["count"])
        }
    }
}
