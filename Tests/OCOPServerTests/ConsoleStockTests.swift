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

/// The console's stock forms and the fair desk over HTTP: what staff type becomes the same ledger
/// rows the API writes, once per form, within the caller's scope. (Screens: Tests/Browser.)
@Suite struct ConsoleStockTests {
    static let tq = StockScene.tuyenQuang

    /// Signs in through the form; the CSRF token is read from `page`.
    static func signIn(_ client: any TestClientProtocol, _ username: String, page: String) async throws -> (cookie: String, csrf: String) {
        let response = try await client.execute(
            uri: "/console/login", method: .post, headers: ConsoleTests.form,
            body: ByteBuffer(string: "username=\(username)&password=\(ServerHarness.password(for: username))")) { $0 }
        let setCookie = try #require(response.headers[.setCookie])
        let token = try #require(setCookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last)
        let cookie = "ocop_console=\(token)"
        let html = String(buffer: try await client.get(page, headers: [.cookie: cookie]).body)
        return (cookie, try #require(ShowroomTests.attribute(in: html, after: #"name="csrf" value=""#)))
    }

    static func ledgerRows(_ harness: ServerHarness, _ point: String, kind: String) async throws -> [(sku: String, delta: Int)] {
        try await harness.stack.database.read { sql in
            try await sql.raw(
                "SELECT sku, delta FROM stock_ledger WHERE point_slug = \(bind: point) AND kind = \(bind: kind) ORDER BY id"
            ).all().map { (try $0.decode(column: "sku", as: String.self), try $0.decode(column: "delta", as: Int.self)) }
        }
    }

    @Test(arguments: TestEngine.all)
    func aCountShowsItsDifferenceBeforeItIsConfirmedAndIsRecordedOnce(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            try await scene.receive(Self.tq, #"{"sku":"CAM-5KG","batch":"L1","quantity":5},{"sku":"TRA-DB","batch":"T1","quantity":4}"#)
            let path = "/console/points/\(Self.tq)/count"
            let (cookie, csrf) = try await Self.signIn(client, "staff-tq", page: path)
            let sheet = String(buffer: try await client.get(path, headers: [.cookie: cookie]).body)
            #expect(sheet.contains(#"name="quantity" value="5""#) && sheet.contains(#"name="quantity" value="4""#))

            // Three boxes of oranges found on the shelf, not five; the tea left as the sheet showed it,
            // while a tea sells at the counter: that sale must not be undone by the count.
            let rows = "sku=CAM-5KG&batch=L1&expected=5&quantity=3&sku=TRA-DB&batch=T1&expected=4&quantity=4"
            let sold = try await client.send(
                .post, "/v1/points/\(Self.tq)/sales", token: scene.tuyenQuangStaff,
                json: #"{"payment_method":"cash","lines":[{"sku":"TRA-DB","quantity":1}]}"#)
            #expect(sold.status == .created)
            let check = try await ConsoleTests.post(
                client, path, cookie: cookie, "csrf=\(csrf)&idempotency_key=count-1&\(rows)&action=check")
            #expect(check.status == .ok)
            let checkPage = String(buffer: check.body)
            #expect(checkPage.contains(#"class="num difference">-2<"#), "\(checkPage)")
            #expect(!checkPage.contains(#"class="num difference">0<"#))
            #expect(try await scene.quantity(Self.tq, "CAM-5KG") == 5, "nothing is recorded before the confirmation")

            let confirm = "csrf=\(csrf)&idempotency_key=count-1&\(rows)&action=confirm"
            let done = try await ConsoleTests.post(client, path, cookie: cookie, confirm)
            #expect(done.status == .seeOther)
            #expect(done.headers[.location]?.hasPrefix("/console/points/\(Self.tq)/ledger") == true)
            // The confirmation resubmitted after a dropped connection: replayed, not counted twice.
            #expect(try await ConsoleTests.post(client, path, cookie: cookie, confirm).status == .seeOther)
            #expect(try await scene.quantity(Self.tq, "CAM-5KG") == 3)
            #expect(try await scene.quantity(Self.tq, "TRA-DB") == 3)
            #expect(try await Self.ledgerRows(harness, Self.tq, kind: "count").map(\.delta) == [-2])

            let ledger = String(buffer: try await client.get(
                "/console/points/\(Self.tq)/ledger?kind=count", headers: [.cookie: cookie]).body)
            #expect(ledger.contains("counted 3, expected 5"))
            let csv = try await client.get("/console/points/\(Self.tq)/ledger.csv?kind=count", headers: [.cookie: cookie])
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = String(buffer: csv.body).split(separator: "\r\n")
            #expect(lines.count == 2 && lines[1].contains(",CAM-5KG,L1,-2,count,"), "\(lines)")
            let badFilter = try await client.get("/console/points/\(Self.tq)/ledger?from=2026-13-01", headers: [.cookie: cookie])
            #expect(badFilter.status == .badRequest)
            #expect(String(buffer: badFilter.body).contains("from: a date"))
            try await scene.expectBalancedLedger()
        }
    }

    @Test(arguments: TestEngine.all)
    func deliveriesWriteOffsAndTransfersRunTheStoresRulesWithinScope(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            let (cookie, csrf) = try await Self.signIn(client, "staff-tq", page: "/console/points/\(Self.tq)/receive")

            // A delivery: a row with a bad quantity refuses the whole form and names the row.
            let receive = "/console/points/\(Self.tq)/receive"
            let bad = try await ConsoleTests.post(
                client, receive, cookie: cookie,
                "csrf=\(csrf)&idempotency_key=d-1&reference=PX-7&sku=CAM-5KG&batch=L9&best_before=2027-01-31&quantity=6"
                    + "&sku=TRA-DB&batch=T9&best_before=&quantity=99999999999999999999999")
            #expect(bad.status == .unprocessableContent)
            #expect(String(buffer: bad.body).contains("row 2"))
            #expect(try await scene.quantity(Self.tq, "CAM-5KG") == 0)
            let good = try await ConsoleTests.post(
                client, receive, cookie: cookie,
                "csrf=\(csrf)&idempotency_key=d-2&reference=PX-7&sku=CAM-5KG&batch=L9&best_before=2027-01-31&quantity=6"
                    + "&sku=&batch=&best_before=&quantity=")
            #expect(good.status == .seeOther)
            #expect(try await scene.quantity(Self.tq, "CAM-5KG") == 6)

            // A write-off of one damaged box, with its reason on the ledger.
            let adjust = try await ConsoleTests.post(
                client, "/console/points/\(Self.tq)/adjust", cookie: cookie,
                "csrf=\(csrf)&idempotency_key=a-1&reason=damaged&note=vo+hop&sku=CAM-5KG&batch=L9&quantity=1")
            #expect(adjust.status == .seeOther)
            #expect(try await Self.ledgerRows(harness, Self.tq, kind: "adjustment").map(\.delta) == [-1])

            // Two boxes sent to Hà Nội; one arrives. Tuyên Quang's staff cannot receive for Hà Nội.
            let send = try await ConsoleTests.post(
                client, "/console/points/\(Self.tq)/transfers", cookie: cookie,
                "csrf=\(csrf)&idempotency_key=t-1&to=\(StockScene.hanoi)&note=&sku=CAM-5KG&batch=L9&quantity=2")
            #expect(send.status == .seeOther)
            #expect(try await scene.quantity(Self.tq, "CAM-5KG") == 3)
            let transferID = try await harness.stack.database.read { sql in
                try await sql.raw("SELECT id FROM transfers").first()?.decode(column: "id", as: Int.self)
            }
            let id = try #require(transferID)
            let hanoiPath = "/console/points/\(StockScene.hanoi)/transfers/\(id)"
            #expect(try await ConsoleTests.post(
                client, hanoiPath, cookie: cookie, "csrf=\(csrf)&idempotency_key=r-0&quantity=2").status == .forbidden)

            let (hanoiCookie, hanoiCSRF) = try await Self.signIn(client, "staff-hn", page: "/console/points/\(StockScene.hanoi)/transfers")
            let list = String(buffer: try await client.get(
                "/console/points/\(StockScene.hanoi)/transfers", headers: [.cookie: hanoiCookie]).body)
            #expect(list.contains(hanoiPath))
            let received = try await ConsoleTests.post(
                client, hanoiPath, cookie: hanoiCookie, "csrf=\(hanoiCSRF)&idempotency_key=r-1&quantity=1")
            #expect(received.status == .seeOther)
            #expect(try await scene.quantity(StockScene.hanoi, "CAM-5KG") == 1)
            let transfer = try #require(try await StockStore().transfer(id, in: harness.stack.database))
            #expect(transfer.status != "in_transit")
            #expect(transfer.lines.first?.shortfall == 1)
            try await scene.expectBalancedLedger()
        }
    }

    @Test(arguments: TestEngine.all)
    func aFairManagerAllocatesAFreeStallAndASecondPickOfItIsRefusedWithTheReason(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await FairScene.make(harness, client)
            try await scene.addStalls(from: "A-01", to: "A-03")
            let first = try await scene.apply("htx-dong-xanh", ["cam-sanh-hop-5kg"])
            let second = try await scene.apply("cong-ty-ha-noi", ["gom-men-lam"])
            _ = try await scene.manager()
            let desk = "/console/fairs/\(FairScene.slug)"
            let (cookie, csrf) = try await Self.signIn(client, "manager-\(FairScene.slug)", page: desk)
            let page = String(buffer: try await client.get(desk, headers: [.cookie: cookie]).body)
            #expect(page.contains(#"data-stall="A-01" data-state="free""#))

            let allocate = "\(desk)/allocate"
            let form = try #require(ShowroomTests.attribute(in: page, after: #"name="idempotency_key" value=""#))
            let pick = "csrf=\(csrf)&idempotency_key=\(form)&application_id=\(first)&stall=A-01"
            let won = try await ConsoleTests.post(client, allocate, cookie: cookie, pick)
            #expect(won.status == .seeOther)
            // The same form resent after a dropped connection: replayed, not "stall taken".
            #expect(try await ConsoleTests.post(client, allocate, cookie: cookie, pick).status == .seeOther)
            let after = String(buffer: try await client.get(desk, headers: [.cookie: cookie]).body)
            #expect(after.contains(#"data-stall="A-01" data-state="allocated""#))

            // The same stall picked from a page drawn before: refused, with why.
            let lost = try await ConsoleTests.post(
                client, allocate, cookie: cookie, "csrf=\(csrf)&application_id=\(second)&stall=A-01")
            #expect(lost.status == .conflict)
            #expect(String(buffer: lost.body).contains("stall A-01"))
            let holder = try await harness.stack.database.read { sql in
                try await sql.raw("SELECT producer_slug FROM fair_stalls WHERE code = 'A-01'").first()?
                    .decode(column: "producer_slug", as: String?.self)
            }
            #expect(holder == .some("htx-dong-xanh"))

            // Another fair's desk, and a form without the token: refused.
            _ = try await scene.createFair("hoi-cho-ha-noi", opensOn: "2026-12-01", closesOn: "2026-12-05", province: "01")
            #expect(try await client.get("/console/fairs/hoi-cho-ha-noi", headers: [.cookie: cookie]).status == .forbidden)
            #expect(try await ConsoleTests.post(
                client, allocate, cookie: cookie, "application_id=\(second)&stall=A-02").status == .forbidden)
        }
    }

    @Test func aStallTakesItsProducersGoodsAndClosesWithACountAtTheDesk() async throws {
        try await ServerHarness.run { harness, client in
            let scene = try await FairScene.make(harness, client)
            try await scene.addStalls(from: "A-01", to: "A-02")
            let application = try await scene.apply("htx-dong-xanh", ["cam-sanh-hop-5kg"])
            #expect(try await scene.allocate("A-01", to: application).status == .ok)
            let stall = "/console/fairs/\(FairScene.slug)/stalls/A-01"
            let (cookie, csrf) = try await Self.signIn(client, "manager-\(FairScene.slug)", page: stall)

            // Another producer's goods are refused by the stall's rule, and nothing moves.
            let foreign = try await ConsoleTests.post(
                client, stall + "/receive", cookie: cookie,
                "csrf=\(csrf)&idempotency_key=s-1&reference=&sku=GOM-LAM&batch=G1&best_before=&quantity=2")
            #expect(foreign.status == .unprocessableContent)
            #expect(String(buffer: foreign.body).contains("not a product of htx-dong-xanh"))
            let brought = try await ConsoleTests.post(
                client, stall + "/receive", cookie: cookie,
                "csrf=\(csrf)&idempotency_key=s-2&reference=PX-1&sku=CAM-5KG&batch=C1&best_before=&quantity=30")
            #expect(brought.status == .seeOther)
            #expect(try await scene.stock.quantity(scene.stallPoint("A-01"), "CAM-5KG") == 30)
            #expect(String(buffer: try await client.get(stall, headers: [.cookie: cookie]).body).contains(#"value="30""#))

            // The stall's counter: refused before the fair opens, then a sale of 2 on its first
            // day, once however often the form is sent, with a receipt at the stall.
            let sale = "action=complete&payment_method=cash&sku=CAM-5KG&qty=2&discount=0"
            let early = try await ConsoleTests.post(
                client, stall + "/sale", cookie: cookie, "csrf=\(csrf)&idempotency_key=s-early&" + sale)
            #expect(early.status == .conflict)
            #expect(String(buffer: early.body).contains("2026-11-25"))
            scene.setClock("2026-11-25", 10)
            let (dayCookie, dayCSRF) = try await Self.signIn(client, "manager-\(FairScene.slug)", page: stall + "/sale")
            var receipts: [String] = []
            for _ in 0..<2 {
                let sold = try await ConsoleTests.post(
                    client, stall + "/sale", cookie: dayCookie, "csrf=\(dayCSRF)&idempotency_key=s-sale&" + sale)
                #expect(sold.status == .seeOther, "\(String(buffer: sold.body))")
                receipts.append(sold.headers[.location] ?? "")
            }
            #expect(receipts[0].hasPrefix(stall + "/sales/") && receipts[1] == receipts[0])
            let receipt = String(buffer: try await client.get(receipts[0], headers: [.cookie: dayCookie]).body)
            #expect(receipt.contains("2 × 250.000 ₫"), "\(receipt)")
            #expect(try await scene.stock.quantity(scene.stallPoint("A-01"), "CAM-5KG") == 28)

            // The closing count: one box short; the difference is on the ledger, the rest leaves.
            let closed = try await ConsoleTests.post(
                client, stall + "/close", cookie: dayCookie, "csrf=\(dayCSRF)&idempotency_key=s-3&sku=CAM-5KG&batch=C1&quantity=27")
            #expect(closed.status == .seeOther, "\(String(buffer: closed.body))")
            #expect(try await Self.ledgerRows(harness, scene.stallPoint("A-01"), kind: "count").map(\.delta) == [-1])
            #expect(try await scene.stock.quantity(scene.stallPoint("A-01"), "CAM-5KG") == 0)
            let page = String(buffer: try await client.get(stall, headers: [.cookie: dayCookie]).body)
            #expect(page.contains("Đã đóng") && !page.contains(stall + "/close"))
            try await scene.stock.expectBalancedLedger()
        }
    }
}
