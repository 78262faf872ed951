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
