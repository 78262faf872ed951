import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OCOPDomain
import OCOPStorage
import Testing
import TestSupport

/// The write routes that joined the write pipeline last: each answers a request sent again with
/// the same `Idempotency-Key` with its first answer, marked replayed, and changes nothing more —
/// where the same request without a key would be refused the second time (a fair closed twice, a
/// webhook deleted twice), or would do the work twice.
@Suite struct WriteRetryTests {
    /// Sends a request twice with one key; expects the first answer to be `status` and the second
    /// to be the same bytes, replayed.
    static func twice(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, token: String, key: String,
        status: HTTPResponse.Status, json: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.authorization: "Bearer \(token)", WritePathKey.name: key]
        if json != nil { headers[.contentType] = "application/json" }
        func send() async throws -> TestResponse {
            try await client.execute(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { $0 }
        }
        let first = try await send()
        let second = try await send()
        #expect(first.status == status, "\(String(buffer: first.body))", sourceLocation: sourceLocation)
        #expect(first.headers[HTTPField.Name("Idempotent-Replayed")!] == nil, sourceLocation: sourceLocation)
        #expect(second.status == status, "\(String(buffer: second.body))", sourceLocation: sourceLocation)
        #expect(second.headers[HTTPField.Name("Idempotent-Replayed")!] == "true", sourceLocation: sourceLocation)
        #expect(Array(second.body.readableBytesView) == Array(first.body.readableBytesView), sourceLocation: sourceLocation)
        return first
    }

    @Test(arguments: TestEngine.all)
    func aFairsWritesSentTwiceWithOneKeyHappenOnce(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let scene = try await FairScene.make(harness, client)
            let manager = try await scene.manager()
            let fair = "/v1/fairs/\(FairScene.slug)"

            let created = try await Self.twice(
                client, .post, "/v1/fairs", token: scene.admin, key: "fair-1", status: .created,
                json: """
                    {"slug":"phien-cho-ha-giang","kind":"goods_week","name":"Phiên chợ OCOP","venue":"Quảng trường",
                     "province":"08","opens_on":"2026-12-10","closes_on":"2026-12-12","daily_hours":"08:00–22:00",
                     "organiser":"Sở Công Thương"}
                    """)
            #expect(created.json["slug"] as? String == "phien-cho-ha-giang")
            #expect((created.json["stalls"] as? [Any])?.isEmpty == true)

            let stalls = try await Self.twice(
                client, .post, "\(fair)/stalls", token: manager, key: "stalls-1", status: .created,
                json: #"{"from":"A-01","to":"A-03","zone":"Tuyên Quang","size":"standard","fee_vnd":2000000}"#)
            #expect((stalls.json["stalls"] as? [Any])?.count == 3)

            let honey = try await scene.apply("htx-dong-xanh", ["mat-ong-bac-ha"])
            let pottery = try await scene.apply("cong-ty-ha-noi", ["gom-men-lam"])
            #expect(try await scene.allocate("A-01", to: honey).status == .ok)
            let waiting = try await Self.twice(
                client, .post, "\(fair)/applications/\(pottery)/waitlist", token: manager, key: "wait-1", status: .ok)
            #expect(waiting.json["status"] as? String == "waiting")

            // Cancelling frees the stall and names the application waiting next.
            let cancelled = try await Self.twice(
                client, .post, "\(fair)/applications/\(honey)/cancel", token: manager, key: "cancel-1", status: .ok)
            #expect((cancelled.json["application"] as? [String: Any])?["status"] as? String == "cancelled")
            #expect((cancelled.json["next_waiting"] as? [String: Any])?["id"] as? Int == pottery)

            #expect(try await scene.allocate("A-02", to: pottery).status == .ok)
            let released = try await Self.twice(
                client, .delete, "\(fair)/stalls/A-02/allocation", token: manager, key: "release-1", status: .ok)
            #expect(released.json["producer"] == nil || released.json["producer"] is NSNull)

            // The closed fair's detail, as GET shows it once the public view has followed.
            let closed = try await Self.twice(client, .post, "\(fair)/close", token: manager, key: "close-1", status: .ok)
            #expect(closed.json["status"] as? String == "closed")
            let shown = try await client.get(fair)
            #expect(shown.json["status"] as? String == "closed")
            #expect((shown.json["stalls"] as? [Any])?.count == (closed.json["stalls"] as? [Any])?.count)
            // Without a key, a second close is refused: the key is what made the retry safe.
            #expect(try await client.send(.post, "\(fair)/close", token: manager).status == .conflict)
        }
    }

    @Test(arguments: TestEngine.all)
    func accountAndWebhookWritesSentTwiceWithOneKeyHappenOnce(engine: TestEngine) async throws {
        try await ServerHarness.run(engine) { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let body = #"{"username":"thu-ngan-2","password":"mật khẩu đủ dài 2026","role":"admin","scopes":[]}"#
            let created = try await Self.twice(client, .post, "/v1/users", token: admin, key: "user-1", status: .created, json: body)
            #expect(created.headers[.location] == "/v1/users/thu-ngan-2")
            let listed = try await client.send(.get, "/v1/users?limit=200", token: admin)
            let names = (listed.json["items"] as? [[String: Any]])?.compactMap { $0["username"] as? String } ?? []
            #expect(names.filter { $0 == "thu-ngan-2" }.count == 1)
            // The same key with another password is the same request (the password is not kept in the
            // retry record), while another username is another request.
            let otherPassword = try await client.execute(
                uri: "/v1/users", method: .post,
                headers: [.authorization: "Bearer \(admin)", .contentType: "application/json", WritePathKey.name: "user-1"],
                body: ByteBuffer(string: body.replacingOccurrences(of: "2026", with: "2027"))) { $0 }
            #expect(otherPassword.status == .created && otherPassword.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            let otherName = try await client.execute(
                uri: "/v1/users", method: .post,
                headers: [.authorization: "Bearer \(admin)", .contentType: "application/json", WritePathKey.name: "user-1"],
                body: ByteBuffer(string: body.replacingOccurrences(of: "thu-ngan-2", with: "thu-ngan-3"))) { $0 }
            #expect(otherName.status == .unprocessableContent)
            #expect(otherName.problemFields == ["Idempotency-Key"])

            let token = try await client.login("thu-ngan-2", "mật khẩu đủ dài 2026")
            let revoked = try await Self.twice(
                client, .delete, "/v1/users/thu-ngan-2/sessions", token: admin, key: "sessions-1", status: .noContent)
            #expect(revoked.body.readableBytes == 0 && revoked.headers[.contentType] == nil)
            #expect(try await client.send(.post, "/v1/auth/logout", token: token).status == .unauthorized)
            let disabled = try await Self.twice(
                client, .post, "/v1/users/thu-ngan-2/disable", token: admin, key: "disable-1", status: .ok)
            #expect(disabled.json["disabled_at"] is String)

            let hook = try await client.send(
                .post, "/v1/webhooks", token: admin,
                json: #"{"event":"catalog.changed","url":"http://127.0.0.1:9/hook","secret":"bi-mat-du-dai-1234"}"#)
            #expect(hook.status == .created, "\(String(buffer: hook.body))")
            let id = try #require(hook.json["id"] as? Int)
            let deleted = try await Self.twice(
                client, .delete, "/v1/webhooks/\(id)", token: admin, key: "unhook-1", status: .noContent)
            #expect(deleted.body.readableBytes == 0)
            #expect(try await client.send(.delete, "/v1/webhooks/\(id)", token: admin).status == .notFound)
        }
    }
}
