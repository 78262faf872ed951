import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OCOPDomain
import OCOPServer
import Testing
import TestSupport

/// A producer's console home: its products with what each certificate needs next, and its fair
/// applications, for the producer's own account only. (The fixture's today is 2026-11-22.)
@Suite struct ConsoleProducerTests {
    @Test func aProducerSeesWhatEachCertificateNeedsAndNoOtherProducer() async throws {
        try await ServerHarness.run { harness, client in
            let scene = try await FairScene.make(harness, client)
            _ = try await scene.apply("htx-dong-xanh", ["cam-sanh-hop-5kg"])
            _ = try await harness.staffToken(username: "producer-htx-dong-xanh", role: .producer, scopes: ["htx-dong-xanh"])
            let home = "/console/producers/htx-dong-xanh"
            let (cookie, _) = try await ConsoleStockTests.signIn(client, "producer-htx-dong-xanh", page: home)

            // The console's home leads a producer with one producer straight to it.
            let start = try await client.execute(uri: "/console", method: .get, headers: [.cookie: cookie]) { $0 }
            #expect(start.status == .seeOther && start.headers[.location] == home)

            let page = String(buffer: try await client.get(home, headers: [.cookie: cookie]).body)
            /// The table row naming `name`: from its `<tr` to its `</tr>`.
            func row(_ name: String) -> Substring? {
                guard let at = page.range(of: name),
                    let start = page[..<at.lowerBound].range(of: "<tr", options: .backwards),
                    let end = page[at.upperBound...].range(of: "</tr>")
                else { return nil }
                return page[start.lowerBound..<end.upperBound]
            }
            // Expires tomorrow: due, counted at the top, with the renewal advice; listed first.
            let due = try #require(row("Miến dong sắp hết hạn"))
            #expect(due.contains(#"data-state="renew_soon""#) && due.contains("1 ngày") && due.contains("06/GCN"))
            #expect(due.contains("Nộp hồ sơ đánh giá lại"))
            #expect(page.contains("Sản phẩm cần nộp hồ sơ đánh giá lại: <b>1</b>"))
            #expect(page.range(of: "Miến dong sắp hết hạn")!.lowerBound < page.range(of: "Cam sành hộp 5kg")!.lowerBound)
            // Valid for 391 more days (to 18/12/2027), and linked to its showroom page.
            let valid = try #require(row("Cam sành hộp 5kg"))
            #expect(valid.contains(#"data-state="valid""#) && valid.contains("391 ngày") && valid.contains("18/12/2027"))
            #expect(valid.contains(#"href="/san-pham/cam-sanh-hop-5kg""#))
            #expect(try #require(row("Rượu nếp hết hạn")).contains(#"data-state="expired""#))
            #expect(try #require(row("Gạo hai sao")).contains(#"data-state="below_three_stars""#))
            #expect(try #require(row("Giò chả chưa đánh giá")).contains(#"data-state="uncertified""#))
            // The application to the goods week, still waiting for the manager.
            #expect(page.contains("Tuần hàng OCOP \(FairScene.slug)") && page.contains("Chờ xét"))

            // Another producer's page is refused; English is a parameter away.
            let other = try await client.get("/console/producers/cong-ty-ha-noi", headers: [.cookie: cookie])
            #expect(other.status == .forbidden)
            let english = String(buffer: try await client.get(home + "?lang=en", headers: [.cookie: cookie]).body)
            #expect(english.contains("Expires soon") && english.contains("1 day<") && english.contains("Valid until"))
        }
    }
}

/// The office's certificate desk: the running-out lists and a revocation that takes the product
/// off the catalog at once, through the same store operation as the API.
@Suite struct ConsoleOfficeTests {
    @Test(arguments: TestEngine.all) func theOfficeRevokesACertificateAndTheProductLeavesTheCatalog(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            _ = try await harness.staffToken(username: "office-lan", role: .admin)
            let desk = "/console/office/products/tra-shan-tuyet-dac-biet"
            let (cookie, csrf) = try await ConsoleStockTests.signIn(client, "office-lan", page: desk)

            // Within 30 days: the certificate that ends tomorrow, one day left.
            let lists = String(buffer: try await client.get("/console/office", headers: [.cookie: cookie]).body)
            #expect(lists.contains("06/GCN") && lists.contains(#"<td class="num">1</td>"#))
            #expect(try await client.get("/console/office?within=45", headers: [.cookie: cookie]).status == .notFound)
            #expect(try await client.get("/console/office?within=abc", headers: [.cookie: cookie]).status == .notFound)
            let badMonth = try await client.get("/console/office/report.csv?month=2026-13&table=provinces", headers: [.cookie: cookie])
            #expect(badMonth.status == .badRequest && String(buffer: badMonth.body).contains("month"))
            // Words of a name, as a form sends them (`+` for a space), without diacritics.
            let found = String(buffer: try await client.get("/console/office?q=tra+shan", headers: [.cookie: cookie]).body)
            #expect(found.contains(#"href="/console/office/products/tra-shan-tuyet-dac-biet""#))

            // A revocation needs its ground: refused, naming the field, nothing changed.
            let bare = try await ConsoleTests.post(
                client, desk + "/revoke", cookie: cookie, "csrf=\(csrf)&number=01%2FGCN&reason=&decision_number=")
            #expect(bare.status == .unprocessableContent || bare.status == .badRequest)
            #expect(String(buffer: bare.body).contains("reason"))
            #expect(try await client.get("/v1/products/tra-shan-tuyet-dac-biet").status == .ok)

            let revoked = try await ConsoleTests.post(
                client, desk + "/revoke", cookie: cookie,
                "csrf=\(csrf)&number=01%2FGCN&reason=Vi+ph%E1%BA%A1m+an+to%C3%A0n+th%E1%BB%B1c+ph%E1%BA%A9m&decision_number=88%2FQ%C4%90-UBND&revoked_on=")
            #expect(revoked.status == .seeOther, "\(String(buffer: revoked.body))")
            #expect(try await client.get("/v1/products/tra-shan-tuyet-dac-biet").status == .notFound)
            let page = String(buffer: try await client.get(desk, headers: [.cookie: cookie]).body)
            #expect(page.contains("Đã thu hồi") && page.contains("Vi phạm an toàn thực phẩm") && page.contains("Không hiển thị"))
            // Sent again: already revoked, said so, nothing more.
            let again = try await ConsoleTests.post(
                client, desk + "/revoke", cookie: cookie, "csrf=\(csrf)&number=01%2FGCN&reason=x&decision_number=y")
            #expect(again.status == .conflict)
            // Re-recognised by a new decision: published again; the same form sent twice records
            // one certificate (its number is taken the second time); a bad score is named.
            let decision = "csrf=\(csrf)&kind=re_recognition&number=01b%2FGCN&decision_number=91%2FQ%C4%90-UBND"
                + "&authority=UBND+t%E1%BB%89nh+Tuy%C3%AAn+Quang&stars=3&issued_on=2026-11-22&expires_on="
            let badScore = try await ConsoleTests.post(client, desk + "/certificates", cookie: cookie, decision + "&score=abc")
            #expect(badScore.status == .unprocessableContent && String(buffer: badScore.body).contains("score: points from 0 to 100"))
            let recognised = try await ConsoleTests.post(client, desk + "/certificates", cookie: cookie, decision + "&score=63")
            #expect(recognised.status == .seeOther, "\(String(buffer: recognised.body))")
            #expect(try await client.get("/v1/products/tra-shan-tuyet-dac-biet").status == .ok)
            let twice = try await ConsoleTests.post(client, desk + "/certificates", cookie: cookie, decision + "&score=63")
            #expect(twice.status == .conflict || twice.status == .unprocessableContent)
            let history = String(buffer: try await client.get(desk, headers: [.cookie: cookie]).body)
            #expect(history.components(separatedBy: #"<b class="number">01b/GCN</b>"#).count == 2)

            // The audit page names who did it; a filter that does not parse is named, not dropped.
            let audit = String(buffer: try await client.get(
                "/console/office/audit?entity=certificate&entity_id=tra-shan-tuyet-dac-biet", headers: [.cookie: cookie]).body)
            #expect(audit.contains(#"<td class="actor">user:office-lan</td>"#) && audit.contains(">revoke<"))
            let badDay = try await client.get("/console/office/audit?from=2026-13-01", headers: [.cookie: cookie])
            #expect(badDay.status == .badRequest && String(buffer: badDay.body).contains("from: a date YYYY-MM-DD"))

            // Only the office: a producer's account is refused, and a form without the token too.
            _ = try await harness.staffToken(username: "producer-htx-dong-xanh", role: .producer, scopes: ["htx-dong-xanh"])
            let (producer, _) = try await ConsoleStockTests.signIn(
                client, "producer-htx-dong-xanh", page: "/console/producers/htx-dong-xanh")
            #expect(try await client.get("/console/office", headers: [.cookie: producer]).status == .forbidden)
            let forged = try await ConsoleTests.post(
                client, "/console/office/products/cam-sanh-hop-5kg/revoke", cookie: cookie,
                "number=02%2FGCN&reason=x&decision_number=y")
            #expect(forged.status == .forbidden)
            #expect(try await client.get("/v1/products/cam-sanh-hop-5kg").status == .ok)
        }
    }
}
