import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OCOPDomain
import OCOPServer
import OCOPStorage
import Testing
import TestSupport
import MarketplaceFakes

@Suite struct CertificateNoticeTests {
    /// "Miến dong sắp hết hạn" (HTX Đồng Xanh) expires tomorrow for the fixture: inside the 30 days.
    @Test(arguments: TestEngine.all)
    func producersAreWarnedOnceThirtyDaysBeforeExpiry(engine: TestEngine) async throws {
        try await FakeReceiver().run { receiver in
            try await ServerHarness.run(engine) { harness, client in
                let producer = try await harness.staffToken(username: "dongxanh", role: .producer, scopes: ["htx-dong-xanh"])
                let secret = "secret-of-dong-xanh-0001"
                let subscribe = { (producerSlug: String) in
                    try await client.send(
                        .post, "/v1/webhooks", token: producer,
                        json: #"{"event":"certificate.expiring","url":"\#(receiver.baseURL)/ocop/notices","secret":"\#(secret)","producer":"\#(producerSlug)"}"#)
                }
                #expect(try await subscribe("cong-ty-ha-noi").status == .forbidden)
                let created = try await subscribe("htx-dong-xanh")
                #expect(created.status == .created, "\(String(buffer: created.body))")
                #expect(!String(buffer: created.body).contains(secret))

                // The minute's scan (run here at once), twice, and by "another node" in parallel.
                let notices = CertificateNotices(database: harness.stack.database)
                let today = harness.stack.clock.todayInVietnam()
                async let first = notices.issueDue(on: today, at: harness.stack.clock.now())
                async let second = notices.issueDue(on: today, at: harness.stack.clock.now())
                let issued = try await first + second
                #expect(issued.filter { $0.producer == "htx-dong-xanh" }.map(\.product) == ["sap-het-han"])
                #expect(try await notices.issueDue(on: today, at: harness.stack.clock.now()).isEmpty)

                let delivered = try await receiver.waitFor(1)
                let delivery = try #require(delivered.first)
                #expect(delivery.headers["x-ocop-event"] == "certificate.expiring")
                let expected = HMAC<SHA256>.authenticationCode(for: delivery.body, using: SymmetricKey(data: Data(secret.utf8)))
                    .map { String(format: "%02x", $0) }.joined()
                #expect(delivery.headers["x-ocop-signature"] == "sha256=" + expected)
                let body = String(decoding: delivery.body, as: UTF8.self)
                #expect(body.contains(#""product":"sap-het-han""#) && body.contains(#""days_left":1"#))
                try await Task.sleep(for: .milliseconds(1200))
                #expect(receiver.requests.count == 1)

                let listed = try await client.send(.get, "/v1/certificates/notices", token: producer)
                #expect(listed.items.map { $0["product"] as? String } == ["sap-het-han"])
                #expect(listed.items.first?["deliveries"] as? Int == 1)
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func theAuditLogAnswersWhoChangedWhat(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await StockScene.make(harness, client)
            try await scene.receive(StockScene.hanoi, #"{"sku":"TRA-DB","batch":"A","quantity":4}"#)
            let all = try await client.send(.get, "/v1/audit?entity=point", token: scene.admin)
            #expect(all.status == .ok)
            #expect(Set(all.items.compactMap { $0["entity_id"] as? String }) == [StockScene.hanoi, StockScene.tuyenQuang])
            let created = try #require(all.items.first { $0["entity_id"] as? String == StockScene.hanoi })
            #expect(created["actor"] as? String == "user:admin")
            #expect(created["action"] as? String == "create")
            #expect(created["before"] is NSNull)
            #expect((created["after"] as? [String: Any])?["name"] as? String == "Điểm OCOP Hoàn Kiếm")

            let paged = try await client.send(.get, "/v1/audit?entity=point&limit=1", token: scene.admin)
            #expect(paged.items.count == 1)
            let cursor = try #require(paged.json["next_cursor"] as? String)
            let next = try await client.send(.get, "/v1/audit?entity=point&limit=1&cursor=\(cursor)", token: scene.admin)
            #expect(next.items.count == 1)
            #expect(next.items.first?["id"] as? Int != paged.items.first?["id"] as? Int)

            let future = try await client.send(.get, "/v1/audit?from=2099-01-01T00:00:00Z", token: scene.admin)
            #expect(future.items.isEmpty)
            let bad = try await client.send(.get, "/v1/audit?from=yesterday", token: scene.admin)
            #expect(bad.status == .badRequest)
            #expect(bad.problemFields == ["from"])
            #expect(try await client.send(.get, "/v1/audit", token: scene.hanoiStaff).status == .forbidden)
        }
    }
}
