import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MarketplaceFakes
import NIOCore
import OCOPDomain
import OCOPServer
import OCOPStorage
import SQLKit
import Synchronization
import Testing
import TestSupport

/// The office console's administration pages: staff accounts, webhooks and the job queue, and a
/// certificate corrected from a product's desk. Each form is sent as a browser sends it.
@Suite struct ConsoleOfficeAdminTests {
    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    @Test(arguments: TestEngine.all) func theOfficeCreatesAnAccountResetsItAndDisablesIt(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            _ = try await harness.staffToken(username: "office-lan", role: .admin)
            let (cookie, csrf) = try await ConsoleStockTests.signIn(client, "office-lan", page: "/console/office/users")

            // A wrong role and a short password are both named; what was typed stays, nothing is created.
            let bad = try await ConsoleTests.post(
                client, "/console/office/users", cookie: cookie,
                "csrf=\(csrf)&username=ban-hang-ha&role=boss&scopes=htx-dong-xanh&password=short")
            #expect(bad.status == .unprocessableContent || bad.status == .badRequest)
            let badPage = String(buffer: bad.body)
            #expect(badPage.contains("role") && badPage.contains(#"value="ban-hang-ha""#))
            let short = try await ConsoleTests.post(
                client, "/console/office/users", cookie: cookie,
                "csrf=\(csrf)&username=ban-hang-ha&role=producer&scopes=htx-dong-xanh&password=short")
            #expect(short.status == .unprocessableContent && String(buffer: short.body).contains("password"))
            #expect(try await harness.users.account(named: "ban-hang-ha") == nil)

            let password = ServerHarness.password(for: "ban-hang-ha")
            let created = try await ConsoleTests.post(
                client, "/console/office/users", cookie: cookie,
                "csrf=\(csrf)&username=ban-hang-ha&role=producer&scopes=htx-dong-xanh&password=\(password)")
            #expect(created.status == .seeOther)
            #expect(created.headers[.location] == "/console/office/users/ban-hang-ha?created=1")
            let list = String(buffer: try await client.get("/console/office/users", headers: [.cookie: cookie]).body)
            #expect(list.contains(#"href="/console/office/users/ban-hang-ha""#) && list.contains("htx-dong-xanh"))
            // The same name again is taken.
            let taken = try await ConsoleTests.post(
                client, "/console/office/users", cookie: cookie,
                "csrf=\(csrf)&username=ban-hang-ha&role=producer&scopes=htx-dong-xanh&password=\(password)")
            #expect(taken.status == .conflict)

            // The new account signs in; ending its sessions signs it out.
            let (producer, _) = try await ConsoleStockTests.signIn(client, "ban-hang-ha", page: "/console/producers/htx-dong-xanh")
            #expect(try await client.get("/console/producers/htx-dong-xanh", headers: [.cookie: producer]).status == .ok)
            let account = "/console/office/users/ban-hang-ha"
            let ended = try await ConsoleTests.post(client, account + "/sessions", cookie: cookie, "csrf=\(csrf)")
            #expect(ended.headers[.location] == account + "?done=sessions_ended")
            #expect(try await client.get("/console/producers/htx-dong-xanh", headers: [.cookie: producer]).status == .seeOther)

            // A new password: the old one no longer signs in, the new one does.
            let tooShort = try await ConsoleTests.post(client, account + "/password", cookie: cookie, "csrf=\(csrf)&password=abc")
            #expect(tooShort.status == .unprocessableContent && String(buffer: tooShort.body).contains("password"))
            let reset = try await ConsoleTests.post(
                client, account + "/password", cookie: cookie, "csrf=\(csrf)&password=mat-khau-moi-2026")
            #expect(reset.headers[.location] == account + "?done=password_set")
            #expect(try await Self.login(client, "ban-hang-ha", password) == .unauthorized)
            #expect(try await Self.login(client, "ban-hang-ha", "mat-khau-moi-2026") == .seeOther)

            // Disabled: it cannot sign in. The office cannot disable itself.
            let disabled = try await ConsoleTests.post(client, account + "/disable", cookie: cookie, "csrf=\(csrf)")
            #expect(disabled.headers[.location] == account + "?done=account_disabled")
            #expect(try await Self.login(client, "ban-hang-ha", "mat-khau-moi-2026") == .unauthorized)
            let page = String(buffer: try await client.get(account, headers: [.cookie: cookie]).body)
            #expect(!page.contains("/disable\""))
            let selfDisable = try await ConsoleTests.post(client, "/console/office/users/office-lan/disable", cookie: cookie, "csrf=\(csrf)")
            #expect(selfDisable.status == .conflict)
            #expect(try await harness.users.account(named: "office-lan")?.disabledAt == nil)

            // Every change is in the audit, by the office account; a form without its token is refused.
            let audit = String(buffer: try await client.get(
                "/console/office/audit?entity=user&entity_id=ban-hang-ha", headers: [.cookie: cookie]).body)
            #expect(audit.contains(#"<td class="actor">user:office-lan</td>"#))
            let forged = try await ConsoleTests.post(client, "/console/office/users/office-lan/password", cookie: cookie, "password=x-y-z-1234567")
            #expect(forged.status == .forbidden)
            let unknown = try await client.get("/console/office/users/nobody-here", headers: [.cookie: cookie])
            #expect(unknown.status == .notFound)
        }
    }

    static func login(_ client: any TestClientProtocol, _ username: String, _ password: String) async throws -> HTTPResponse.Status {
        try await client.execute(
            uri: "/console/login", method: .post, headers: ConsoleTests.form,
            body: ByteBuffer(string: "username=\(username)&password=\(encoded(password))")
        ) { $0.status }
    }

    @Test func aDeadDeliveryIsSeenAndRetriedFromTheJobsPage() async throws {
        try await FakeReceiver().run { receiver in
            receiver.statusByPath.withLock { $0["/gone"] = 410 }
            try await ServerHarness.run { harness, client in
                let admin = try await harness.staffToken(username: "office-lan", role: .admin)
                let (cookie, csrf) = try await ConsoleStockTests.signIn(client, "office-lan", page: "/console/office/webhooks")

                // An address inside the network is refused and named; the typed URL stays.
                let inside = try await ConsoleTests.post(
                    client, "/console/office/webhooks", cookie: cookie,
                    "csrf=\(csrf)&event=catalog.changed&url=\(Self.encoded("http://10.0.0.5/hook"))&producer=&secret=0123456789abcdef")
                #expect(inside.status == .unprocessableContent)
                let insidePage = String(buffer: inside.body)
                #expect(insidePage.contains("url") && insidePage.contains("http://10.0.0.5/hook"))
                for path in ["/gone", "/ok"] {
                    let added = try await ConsoleTests.post(
                        client, "/console/office/webhooks", cookie: cookie,
                        "csrf=\(csrf)&event=catalog.changed&url=\(Self.encoded(receiver.baseURL + path))&producer=&secret=0123456789abcdef")
                    #expect(added.status == .seeOther)
                    #expect(added.headers[.location]?.hasPrefix("/console/office/webhooks?created=") == true)
                }
                let hooks = String(buffer: try await client.get("/console/office/webhooks", headers: [.cookie: cookie]).body)
                #expect(hooks.contains(receiver.baseURL + "/gone") && !hooks.contains("0123456789abcdef"))

                // A catalog change: one delivery is refused (dead at once), the other done.
                let file = harness.stack.fixture.catalog.appendingPathComponent("products/gom-men-lam.yaml")
                try Data(try String(contentsOf: file, encoding: .utf8).replacing("price: 1200000", with: "price: 1250000").utf8)
                    .write(to: file)
                _ = try await harness.stack.importCatalog()
                _ = try await receiver.waitFor(2)
                try await Task.sleep(for: .milliseconds(300))
                let dead = String(buffer: try await client.get("/console/office/jobs", headers: [.cookie: cookie]).body)
                #expect(dead.components(separatedBy: "<tr data-job=").count == 2)
                #expect(dead.contains(#"class="error job-error""#) && dead.contains("410"))
                let deadID = try #require(ShowroomTests.attribute(in: dead, after: #"<tr data-job=""#))

                // Retried from the page: back in the queue, delivered again, refused again.
                let retried = try await ConsoleTests.post(client, "/console/office/jobs/\(deadID)/retry", cookie: cookie, "csrf=\(csrf)")
                #expect(retried.headers[.location] == "/console/office/jobs?retried=\(deadID)")
                let again = try await receiver.waitFor(3)
                #expect(again.filter { $0.path == "/gone" }.count == 2)
                try await Task.sleep(for: .milliseconds(300))
                let jobs = try await client.send(.get, "/v1/jobs", token: admin)
                #expect((jobs.json["by_status"] as? [String: Int]) == ["dead": 1, "done": 1])

                // Over the API: a done job cannot be retried, an unknown one is not found, staff may not.
                let done = try await harness.stack.database.read { sql in
                    try await sql.raw("SELECT id FROM jobs WHERE status = 'done'").first()?.decode(column: "id", as: Int.self)
                }
                #expect(try await client.send(.post, "/v1/jobs/\(try #require(done))/retry", token: admin).status == .conflict)
                #expect(try await client.send(.post, "/v1/jobs/999999/retry", token: admin).status == .notFound)
                let staff = try await harness.staffToken(username: "staff", role: .pointStaff, scopes: ["diem-a"])
                #expect(try await client.send(.post, "/v1/jobs/\(deadID)/retry", token: staff).status == .forbidden)
                let audit = try await client.send(.get, "/v1/audit?entity=job", token: admin)
                #expect(audit.items.contains { $0["action"] as? String == "retry" && $0["actor"] as? String == "user:office-lan" })

                // Removed from the page: no longer subscribed.
                let id = try #require(ShowroomTests.attribute(in: hooks, after: #"<tr data-webhook=""#))
                let removed = try await ConsoleTests.post(client, "/console/office/webhooks/\(id)/delete", cookie: cookie, "csrf=\(csrf)")
                #expect(removed.headers[.location] == "/console/office/webhooks?deleted=\(id)")
                #expect(try await client.send(.get, "/v1/webhooks", token: admin).items.count == 1)
            }
        }
    }

    @Test func theOfficeCorrectsACertificateAndTheCatalogShowsIt() async throws {
        try await ServerHarness.run { harness, client in
            _ = try await harness.staffToken(username: "office-lan", role: .admin)
            let desk = "/console/office/products/tra-shan-tuyet-dac-biet"
            let (cookie, csrf) = try await ConsoleStockTests.signIn(client, "office-lan", page: desk)
            let page = String(buffer: try await client.get(desk, headers: [.cookie: cookie]).body)
            #expect(page.contains(#"<details class="correction" data-certificate="01/GCN""#))

            let form = "csrf=\(csrf)&number=01%2FGCN&decision_number=12%2FQ%C4%90-UBND&authority=UBND+t%E1%BB%89nh+Tuy%C3%AAn+Quang"
                + "&issued_on=2024-12-18&expires_on="
            let wrong = try await ConsoleTests.post(client, desk + "/corrections", cookie: cookie, form + "&stars=9&score=72")
            #expect(wrong.status == .unprocessableContent && String(buffer: wrong.body).contains("stars"))
            #expect(try await client.get("/v1/products/tra-shan-tuyet-dac-biet").json["stars"] as? Int == 3)

            let corrected = try await ConsoleTests.post(client, desk + "/corrections", cookie: cookie, form + "&stars=4&score=72")
            #expect(corrected.headers[.location] == desk + "?corrected=1", "\(String(buffer: corrected.body))")
            #expect(try await client.get("/v1/products/tra-shan-tuyet-dac-biet").json["stars"] as? Int == 4)
            let audit = String(buffer: try await client.get(
                "/console/office/audit?entity=certificate&entity_id=tra-shan-tuyet-dac-biet", headers: [.cookie: cookie]).body)
            #expect(audit.contains(#"<td class="actor">user:office-lan</td>"#))
        }
    }

    @Test func aStampRunSentTwiceWithOneKeyPrintsOnce() async throws {
        try await ServerHarness.run { harness, client in
            let admin = try await harness.staffToken(username: "office-lan", role: .admin)
            let body = #"{"count":3,"batch":"L26/12"}"#
            let first = try await client.send(
                .post, "/v1/products/mat-ong-bac-ha/stamps", token: admin, json: body, headers: [HTTPField.Name("Idempotency-Key")!: "run-1"])
            let second = try await client.send(
                .post, "/v1/products/mat-ong-bac-ha/stamps", token: admin, json: body, headers: [HTTPField.Name("Idempotency-Key")!: "run-1"])
            #expect(first.status == .created && second.status == .created)
            #expect(first.json["id"] as? Int == second.json["id"] as? Int)
            let printed = try await harness.stack.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM stamps").first()?.decode(column: "n", as: Int.self)
            }
            #expect(printed == 3)
        }
    }
}
