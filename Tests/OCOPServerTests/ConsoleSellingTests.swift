import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OCOPDomain
import Testing
import TestSupport

/// A producer's selling pages over HTTP: the live desk turns a pasted batch into orders once per
/// form, and another producer's desk and listing pages are refused, forms included.
/// (The screens themselves are tested in Chromium: Tests/Browser.)
@Suite struct ConsoleSellingTests {
    static func formValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    @Test func aPastedBatchSentTwiceFormsItsOrdersOnceAndOtherProducersAreRefused() async throws {
        try await ServerHarness.run { harness, client in
            let scene = try await LiveScene.make(harness, client)
            _ = try await harness.staffToken(username: "producer-htx-dong-xanh", role: .producer, scopes: ["htx-dong-xanh"])
            _ = try await harness.staffToken(username: "producer-cong-ty-ha-noi", role: .producer, scopes: ["cong-ty-ha-noi"])
            let desk = "/console/livestreams/\(LiveScene.slug)"
            let (cookie, csrf) = try await ConsoleStockTests.signIn(client, "producer-htx-dong-xanh", page: desk)

            let live = try await ConsoleTests.post(client, desk + "/status", cookie: cookie, "csrf=\(csrf)&idempotency_key=k-live-1&status=live")
            #expect(live.status == .seeOther)
            let paste = "csrf=\(csrf)&idempotency_key=k-paste-1&comments="
                + Self.formValue("Chị Mai: CS01 x2 0912345678\nAnh Hùng: TR02 0987654321\ncam đẹp quá")
            let first = try await ConsoleTests.post(client, desk + "/comments", cookie: cookie, paste)
            #expect(first.status == .seeOther && first.headers[.location] == desk + "?read=3&orders=2")
            // The same form again (a dropped answer, a second tap) forms nothing more.
            let again = try await ConsoleTests.post(client, desk + "/comments", cookie: cookie, paste)
            #expect(again.headers[.location] == first.headers[.location])
            let orders = try await client.send(.get, "/v1/livestreams/\(LiveScene.slug)/orders", token: scene.staff)
            #expect(String(buffer: orders.body).components(separatedBy: #""status":"held""#).count - 1 == 2)
            #expect(try await scene.free("CAM-5KG") == 8)
            let page = String(buffer: try await client.get(desk, headers: [.cookie: cookie]).body)
            #expect(page.contains("Chị Mai") && page.contains("CS01 × 2") && page.contains(#"class="countdown""#))

            // Confirming needs the delivery address: refused, naming it, the order still held.
            let orderID = try #require(ShowroomTests.attribute(in: page, after: #"<tr data-order=""#))
            let bare = try await ConsoleTests.post(
                client, desk + "/orders/\(orderID)/confirm", cookie: cookie,
                "csrf=\(csrf)&idempotency_key=k-confirm-1&payment_method=cash_on_delivery&address=")
            #expect(bare.status == .badRequest || bare.status == .unprocessableContent)
            #expect(String(buffer: bare.body).contains("address"))

            // The point's staff find the desk on their point's page.
            let (staff, _) = try await ConsoleStockTests.signIn(client, "staff-hn", page: "/console/points/\(StockScene.hanoi)")
            let point = String(buffer: try await client.get("/console/points/\(StockScene.hanoi)", headers: [.cookie: staff]).body)
            #expect(point.contains(#"href="\#(desk)""#) && point.contains("Đang live"))

            // Another producer: not its desk, not its forms, not another producer's listings.
            let (other, otherCSRF) = try await ConsoleStockTests.signIn(client, "producer-cong-ty-ha-noi", page: "/console/producers/cong-ty-ha-noi")
            #expect(try await client.get(desk, headers: [.cookie: other]).status == .forbidden)
            let forged = try await ConsoleTests.post(
                client, desk + "/comments", cookie: other,
                "csrf=\(otherCSRF)&idempotency_key=k-paste-2&comments=" + Self.formValue("Khách: CS01 0912345679"))
            #expect(forged.status == .forbidden)
            #expect(try await scene.free("CAM-5KG") == 8)
            for path in ["listings", "marketplaces", "livestreams"] {
                let refused = try await client.get("/console/producers/htx-dong-xanh/\(path)", headers: [.cookie: other])
                #expect(refused.status == .forbidden, "\(path)")
            }
        }
    }
}
