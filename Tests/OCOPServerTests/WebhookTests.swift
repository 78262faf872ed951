import Crypto
import Foundation
import Synchronization
import HTTPTypes
import Hummingbird
import NIOCore
import HummingbirdTesting
import OCOPDomain
import OCOPServer
import OCOPStorage
import Testing
import TestSupport
import MarketplaceFakes

@Suite struct WebhookTests {
    @Test(arguments: TestEngine.all)
    func catalogChangesReachSubscribersSignedOncePerChange(engine: TestEngine) async throws {
        try await FakeReceiver().run { receiver in
            try await ServerHarness.run(engine) { harness, client in
                let admin = try await harness.staffToken(username: "office", role: .admin)
                let secret = "a-long-shared-secret-1234"
                let created = try await client.send(
                    .post, "/v1/webhooks", token: admin,
                    json: #"{"event":"catalog.changed","url":"\#(receiver.baseURL)/hooks/catalog","secret":"\#(secret)"}"#)
                #expect(created.status == .created)
                #expect(!String(buffer: created.body).contains(secret))

                // Two catalog changes: two deliveries, each with its own idempotency key.
                for price in ["1300000", "1400000"] {
                    let file = harness.stack.fixture.catalog.appendingPathComponent("products/gom-men-lam.yaml")
                    let text = try String(contentsOf: file, encoding: .utf8)
                        .replacing(#/price: \d+/#, with: "price: \(price)")
                    try Data(text.utf8).write(to: file)
                    _ = try await harness.stack.importCatalog()
                }
                let deliveries = try await receiver.waitFor(2)
                #expect(deliveries.count == 2)
                #expect(Set(deliveries.compactMap { $0.headers["idempotency-key"] }).count == 2)
                for delivery in deliveries {
                    let expected = HMAC<SHA256>.authenticationCode(for: delivery.body, using: SymmetricKey(data: Data(secret.utf8)))
                        .map { String(format: "%02x", $0) }.joined()
                    #expect(delivery.headers["x-ocop-signature"] == "sha256=" + expected)
                    #expect(delivery.headers["x-ocop-event"] == "catalog.changed")
                    #expect(String(decoding: delivery.body, as: UTF8.self).contains(#""products_saved":1"#))
                }
                // Nothing is sent twice once the jobs are done.
                try await Task.sleep(for: .milliseconds(1200))
                #expect(receiver.requests.count == 2)
                let jobs = try await client.send(.get, "/v1/jobs", token: admin)
                #expect((jobs.json["by_status"] as? [String: Int]) == ["done": 2])
            }
        }
    }

    @Test func aRefusingSubscriberIsDeadLetteredAndAThrottlingOneRetriedLater() async throws {
        try await FakeReceiver().run { receiver in
            receiver.statusByPath.withLock { $0["/gone"] = 410; $0["/busy"] = 429 }
            try await ServerHarness.run { harness, client in
                let admin = try await harness.staffToken(username: "office", role: .admin)
                for path in ["/gone", "/busy"] {
                    let response = try await client.send(
                        .post, "/v1/webhooks", token: admin,
                        json: #"{"event":"catalog.changed","url":"\#(receiver.baseURL)\#(path)","secret":"0123456789abcdef"}"#)
                    #expect(response.status == .created)
                }
                let file = harness.stack.fixture.catalog.appendingPathComponent("products/gom-men-lam.yaml")
                try Data(try String(contentsOf: file, encoding: .utf8).replacing("price: 1200000", with: "price: 1250000").utf8)
                    .write(to: file)
                _ = try await harness.stack.importCatalog()
                _ = try await receiver.waitFor(2)
                try await Task.sleep(for: .milliseconds(300))
                let jobs = try await client.send(.get, "/v1/jobs", token: admin)
                // 410: dead at once. 429 with Retry-After: 7 s: waiting, not hammering.
                #expect((jobs.json["by_status"] as? [String: Int]) == ["dead": 1, "pending": 1])
                #expect(receiver.requests.count == 2)
            }
        }
    }

    @Test func webhooksAreForAdminsAndCheckTheirFields() async throws {
        try await ServerHarness.run { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let staff = try await harness.staffToken(username: "staff", role: .pointStaff, scopes: ["diem-a"])
            let body = #"{"event":"catalog.changed","url":"https://portal.example/hook","secret":"0123456789abcdef"}"#
            #expect(try await client.send(.post, "/v1/webhooks", token: staff, json: body).status == .forbidden)
            let bad = try await client.send(
                .post, "/v1/webhooks", token: admin, json: #"{"event":"stock.sold","url":"ftp://x","secret":"short"}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.problemFields) == ["event", "url", "secret"])
            let list = try await client.send(.get, "/v1/webhooks", token: admin)
            #expect(list.items.isEmpty)

            // Through the write pipeline: the same request sent again with its key is one subscription.
            func subscribe() async throws -> TestResponse {
                try await client.execute(
                    uri: "/v1/webhooks", method: .post,
                    headers: [.authorization: "Bearer \(admin)", .contentType: "application/json", WritePathKey.name: "hook-1"],
                    body: ByteBuffer(string: body)) { $0 }
            }
            let first = try await subscribe()
            let retry = try await subscribe()
            #expect(first.status == .created && retry.status == .created)
            #expect(retry.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(Array(retry.body.readableBytesView) == Array(first.body.readableBytesView))
            #expect(try await client.send(.get, "/v1/webhooks", token: admin).items.count == 1)
        }
    }
}
