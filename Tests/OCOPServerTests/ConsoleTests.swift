import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OCOPDomain
import OCOPServer
import OCOPStorage
import Testing
import TestSupport

/// The staff console over HTTP: the session cookie, CSRF, scope, and a counter sale that a
/// resubmitted form cannot double. (The screens themselves are tested in Chromium: Tests/Browser.)
@Suite struct ConsoleTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// Signs in through the console's form and returns the cookie's token and the page's CSRF token.
    static func signIn(_ client: any TestClientProtocol, _ username: String) async throws -> (cookie: String, csrf: String) {
        let password = ServerHarness.password(for: username)
        let response = try await client.execute(
            uri: "/console/login", method: .post, headers: form,
            body: ByteBuffer(string: "username=\(username)&password=\(password)")) { $0 }
        #expect(response.status == .seeOther)
        let setCookie = try #require(response.headers[.setCookie])
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && setCookie.contains("Path=/console"))
        let token = try #require(setCookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last)
        let cookie = "ocop_console=\(token)"
        let page = String(buffer: try await client.get("/console/points/\(StockScene.tuyenQuang)/sale", headers: [.cookie: cookie]).body)
        let csrf = try #require(ShowroomTests.attribute(in: page, after: #"name="csrf" value=""#))
        return (cookie, csrf)
    }

    static func post(
        _ client: any TestClientProtocol, _ path: String, cookie: String, _ body: String, origin: String? = nil
    ) async throws -> TestResponse {
        var headers = form
        headers[.cookie] = cookie
        if let origin { headers[.origin] = origin }
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body)) { $0 }
    }

    @Test(arguments: TestEngine.all)
    func aResubmittedSaleFormSellsOnceAndTheCounterChecksCSRFAndScope(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            try await scene.receive(StockScene.tuyenQuang, #"{"sku":"CAM-5KG","batch":"L1","quantity":3}"#)
            let (cookie, csrf) = try await Self.signIn(client, "staff-tq")
            let path = "/console/points/\(StockScene.tuyenQuang)/sale"
            let sale = "csrf=\(csrf)&idempotency_key=tablet-1&sku=CAM-5KG&qty=2&discount=0&payment_method=cash&action=complete"

            // Without the CSRF token, or posted by another site's page: refused, nothing sold.
            let noToken = try await Self.post(client, path, cookie: cookie, sale.replacingOccurrences(of: "csrf=\(csrf)", with: "csrf=x"))
            #expect(noToken.status == .forbidden)
            let crossSite = try await Self.post(client, path, cookie: cookie, sale, origin: "https://evil.example")
            #expect(crossSite.status == .forbidden)
            #expect(try await scene.quantity(StockScene.tuyenQuang, "CAM-5KG") == 3)

            // The same form twice at once (a double tap): one sale, both answers lead to its receipt.
            async let first = Self.post(client, path, cookie: cookie, sale)
            async let second = Self.post(client, path, cookie: cookie, sale)
            let answers = try await [first, second]
            #expect(answers.allSatisfy { $0.status == .seeOther })
            let locations = Set(answers.compactMap { $0.headers[.location] })
            #expect(locations.count == 1)
            #expect(try await scene.quantity(StockScene.tuyenQuang, "CAM-5KG") == 1)
            let receipt = String(buffer: try await client.get(locations.first ?? "", headers: [.cookie: cookie]).body)
            #expect(receipt.contains("CAM-5KG") || receipt.contains("Cam"))

            // Two more than the shelf holds: the page names the SKU and what is left; nothing sold.
            let tooMany = sale.replacingOccurrences(of: "tablet-1", with: "tablet-2").replacingOccurrences(of: "qty=2", with: "qty=5")
            let refused = try await Self.post(client, path, cookie: cookie, tooMany)
            #expect(refused.status == .conflict)
            #expect(String(buffer: refused.body).contains("CAM-5KG"))
            #expect(try await scene.quantity(StockScene.tuyenQuang, "CAM-5KG") == 1)

            // Another point's counter: a 403 page, even with a valid token.
            let other = try await Self.post(
                client, "/console/points/\(StockScene.hanoi)/sale", cookie: cookie,
                sale.replacingOccurrences(of: "tablet-1", with: "tablet-3"))
            #expect(other.status == .forbidden)
            #expect(try await client.get("/console/points/\(StockScene.hanoi)", headers: [.cookie: cookie]).status == .forbidden)
            try await scene.expectBalancedLedger()
        }
    }

    @Test func theCookieOpensTheConsoleOnlyAndSigningOutEndsTheSession() async throws {
        try await ServerHarness.run { harness, client in
            _ = try await StockScene.make(harness, client)
            let (cookie, csrf) = try await Self.signIn(client, "staff-tq")
            // The API takes bearer tokens only: a cookie sent by a browser to /v1 is not a sign-in.
            #expect(try await client.get("/v1/points/\(StockScene.tuyenQuang)/stock", headers: [.cookie: cookie]).status == .unauthorized)
            #expect(try await client.get("/console/points/\(StockScene.tuyenQuang)", headers: [.cookie: cookie]).status == .ok)
            let out = try await Self.post(client, "/console/logout", cookie: cookie, "csrf=\(csrf)")
            #expect(out.status == .seeOther)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            let after = try await client.get("/console/points/\(StockScene.tuyenQuang)", headers: [.cookie: cookie])
            #expect(after.status == .seeOther)
            #expect(after.headers[.location]?.hasPrefix("/console/login") == true)
            let wrong = try await client.execute(
                uri: "/console/login", method: .post, headers: Self.form, body: ByteBuffer(string: "username=staff-tq&password=nope")
            ) { $0 }
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[.setCookie] == nil)
        }
    }
}
