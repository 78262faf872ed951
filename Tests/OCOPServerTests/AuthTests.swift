import Foundation
import Hummingbird
import HummingbirdTesting
import OCOPDomain
import OCOPServer
import OCOPStorage
import TestSupport
import Testing

@Suite struct AuthTests {
    private static let adminPassword = "programme office secret"

    /// Creates the admin "office" with `adminPassword`.
    private func makeAdmin(_ harness: ServerHarness) async throws {
        try await harness.users.create(
            username: "office", password: Self.adminPassword, role: .admin, scopes: [], actor: "test",
            at: harness.stack.clock.now())
    }

    private func loginBody(_ username: String, _ password: String) -> String {
        #"{"username":"\#(username)","password":"\#(password)"}"#
    }

    // MARK: - Login and logout

    @Test(arguments: TestEngine.all) func aLoginAnswersATokenWithItsExpiryRolesAndScopes(engine: TestEngine)
        async throws
    {
        try await ServerHarness.run(engine, auth: .testing) { harness, client in
            _ = try await harness.staffToken(
                username: "staff1", role: .pointStaff, scopes: ["diem-hue", "diem-ha-noi"])
            let response = try await client.send(
                .post, "/v1/auth/login", json: loginBody("staff1", ServerHarness.password(for: "staff1")))
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            let token = try #require(response.json["token"] as? String)
            #expect(token.count >= 43)
            // The fixture's clock stands at 05:00 UTC; tokens live 12 hours.
            #expect(response.json["expires_at"] as? String == "2026-11-22T17:00:00.000Z")
            #expect(response.json["roles"] as? [String] == ["point_staff"])
            #expect(response.json["scopes"] as? [String] == ["diem-ha-noi", "diem-hue"])
        }
    }

    @Test(arguments: TestEngine.all) func theTokenOfALoginOpensTheAdminRoutes(engine: TestEngine) async throws {
        try await ServerHarness.run(engine, auth: .testing) { harness, client in
            try await makeAdmin(harness)
            let token = try await client.login("office", Self.adminPassword)
            let list = try await client.send(.get, "/v1/users", token: token)
            #expect(list.status == .ok)
            #expect(list.items.compactMap { $0["username"] as? String } == ["office"])
        }
    }

    @Test(arguments: TestEngine.all) func aWrongPasswordAndAnUnknownUsernameGetTheSameAnswer(engine: TestEngine)
        async throws
    {
        try await ServerHarness.run(engine, auth: .testing) { harness, client in
            try await makeAdmin(harness)
            let wrongPassword = try await client.send(
                .post, "/v1/auth/login", json: loginBody("office", "not the password"))
            let unknownUser = try await client.send(
                .post, "/v1/auth/login", json: loginBody("nobody", "not the password"))
            #expect(wrongPassword.status == .unauthorized)
            #expect(wrongPassword.headers[.contentType] == "application/problem+json")
            #expect(unknownUser.status == wrongPassword.status)
            #expect(String(buffer: unknownUser.body) == String(buffer: wrongPassword.body))
        }
    }

    @Test(arguments: TestEngine.all) func logoutEndsTheTokenAtOnce(engine: TestEngine) async throws {
        try await ServerHarness.run(engine, auth: .testing) { harness, client in
            let token = try await harness.staffToken(username: "office", role: .admin)
            #expect(try await client.send(.get, "/v1/users", token: token).status == .ok)
            #expect(try await client.send(.post, "/v1/auth/logout", token: token).status == .noContent)
            let after = try await client.send(.get, "/v1/users", token: token)
            #expect(after.status == .unauthorized)
            #expect(after.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(try await client.send(.post, "/v1/auth/logout").status == .unauthorized)
        }
    }

    // MARK: - Throttling and expiry

    @Test(arguments: TestEngine.all) func repeatedFailuresThrottleEvenTheRightPasswordUntilTheWindowPasses(
        engine: TestEngine
    ) async throws {
        try await ServerHarness.run(engine, auth: .testing) { harness, client in
            try await makeAdmin(harness)
            for _ in 1...AuthSettings.testing.maxFailedLogins {
                let wrong = try await client.send(.post, "/v1/auth/login", json: loginBody("office", "guessing-again"))
                #expect(wrong.status == .unauthorized)
            }
            let throttled = try await client.send(
                .post, "/v1/auth/login", json: loginBody("office", Self.adminPassword))
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.headers[.retryAfter] == "900")
            #expect(throttled.json["token"] == nil)
            // Other usernames are not held back.
            _ = try await harness.staffToken(username: "staff1", role: .pointStaff, scopes: ["diem-hue"])
            _ = try await client.login("staff1", ServerHarness.password(for: "staff1"))

            harness.stack.clock.set(harness.stack.clock.now().adding(seconds: 14 * 60))
            let stillThrottled = try await client.send(
                .post, "/v1/auth/login", json: loginBody("office", Self.adminPassword))
            #expect(stillThrottled.status == .tooManyRequests)
            #expect(stillThrottled.headers[.retryAfter] == "60")

            harness.stack.clock.set(harness.stack.clock.now().adding(seconds: 60))
            _ = try await client.login("office", Self.adminPassword)
        }
    }

    @Test(arguments: TestEngine.all) func aTokenStopsWorkingWhenItsLifetimeIsOver(engine: TestEngine) async throws {
        try await ServerHarness.run(engine, auth: .testing) { harness, client in
            let token = try await harness.staffToken(username: "office", role: .admin)
            let start = harness.stack.clock.now()
            harness.stack.clock.set(start.adding(seconds: 12 * 3600 - 1))
            #expect(try await client.send(.get, "/v1/users", token: token).status == .ok)
            harness.stack.clock.set(start.adding(seconds: 12 * 3600))
            let expired = try await client.send(.get, "/v1/users", token: token)
            #expect(expired.status == .unauthorized)
            #expect(expired.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
        }
    }

    // MARK: - Bearer tokens on every route

    @Test(arguments: TestEngine.all) func anUnusableTokenIsRefusedEvenOnPublicRoutes(engine: TestEngine) async throws {
        try await ServerHarness.run(engine, auth: .testing) { _, client in
            #expect(try await client.get("/v1/products").status == .ok)
            #expect(try await client.send(.get, "/v1/products", token: "not-a-token").status == .unauthorized)
            let basic = try await client.get("/v1/products", headers: [.authorization: "Basic b2ZmaWNlOnNlY3JldA=="])
            #expect(basic.status == .unauthorized)
            #expect(basic.headers[.contentType] == "application/problem+json")
        }
    }

    @Test(arguments: TestEngine.all) func adminRoutesRefuseStaffWith403AndAnonymousCallersWith401(engine: TestEngine)
        async throws
    {
        try await ServerHarness.run(engine, auth: .testing) { harness, client in
            let staff = try await harness.staffToken(username: "staff1", role: .pointStaff, scopes: ["diem-ha-noi"])
            let newUser = #"{"username":"someone","password":"long enough password","role":"admin"}"#
            let calls: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/v1/users", nil), (.post, "/v1/users", newUser), (.get, "/v1/users/staff1", nil),
                (.post, "/v1/users/staff1/disable", nil), (.delete, "/v1/users/staff1/sessions", nil),
            ]
            for (method, uri, body) in calls {
                let asStaff = try await client.send(method, uri, token: staff, json: body)
                #expect(asStaff.status == .forbidden, "\(method) \(uri) as staff → \(asStaff.status)")
                let anonymous = try await client.send(method, uri, json: body)
                #expect(anonymous.status == .unauthorized, "\(method) \(uri) anonymous → \(anonymous.status)")
                #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            }
            #expect(try await harness.users.account(named: "someone") == nil)
        }
    }

    // MARK: - Managing accounts

    @Test(arguments: TestEngine.all) func adminsCreateAccountsAndNoAnswerHoldsASecret(engine: TestEngine) async throws {
        try await ServerHarness.run(engine, auth: .testing) { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let password = "tea from the hills 2026"
            let created = try await client.send(
                .post, "/v1/users", token: admin,
                json:
                    #"{"username":"lan.nguyen","password":"\#(password)","role":"producer","scopes":["htx-dong-xanh"]}"#
            )
            #expect(created.status == .created)
            #expect(created.headers[.location] == "/v1/users/lan.nguyen")
            #expect(created.json["role"] as? String == "producer")
            #expect(created.json["scopes"] as? [String] == ["htx-dong-xanh"])
            #expect(created.json["disabled_at"] is NSNull)

            let login = try await client.send(.post, "/v1/auth/login", json: loginBody("lan.nguyen", password))
            #expect(login.status == .ok)
            let token = try #require(login.json["token"] as? String)
            let list = try await client.send(.get, "/v1/users", token: admin)
            let detail = try await client.send(.get, "/v1/users/lan.nguyen", token: admin)
            #expect(detail.json["username"] as? String == "lan.nguyen")
            for answer in [created, login, list, detail] {
                let text = String(buffer: answer.body)
                #expect(!text.contains(password))
                #expect(!text.contains("$2b$"))
                #expect(!text.contains("hash"))
            }
            #expect(!String(buffer: list.body).contains(token))
        }
    }

    @Test(arguments: TestEngine.all) func aTakenUsernameIsAConflict(engine: TestEngine) async throws {
        try await ServerHarness.run(engine, auth: .testing) { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let body = #"{"username":"office","password":"long enough password","role":"admin","scopes":[]}"#
            let duplicate = try await client.send(.post, "/v1/users", token: admin, json: body)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.problemFields == ["username"])
        }
    }

    @Test(arguments: [
        (#"{"username":"ab","password":"long enough password","role":"admin"}"#, "username"),
        (#"{"username":"new.user","password":"short","role":"admin"}"#, "password"),
        (#"{"username":"new.user","password":"long enough password","role":"boss"}"#, "role"),
        (#"{"username":"new.user","password":"long enough password","role":"admin","scopes":["diem-hue"]}"#, "scopes"),
        (#"{"username":"new.user","password":"long enough password","role":"producer","scopes":["a","b"]}"#, "scopes"),
        (
            #"{"username":"new.user","password":"long enough password","role":"point_staff","scopes":["Điểm Huế"]}"#,
            "scopes"
        ),
    ])
    func invalidAccountsAre422NamingTheField(body: String, field: String) async throws {
        try await ServerHarness.run(auth: .testing) { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let response = try await client.send(.post, "/v1/users", token: admin, json: body)
            #expect(response.status == .unprocessableContent)
            #expect(response.problemFields == [field])
        }
    }

    @Test(arguments: [
        ("/v1/auth/login", #"{"username": "office", "password": "#, "(body)"),
        ("/v1/auth/login", #"{"username":"office"}"#, "password"),
        ("/v1/auth/login", #"{"username":"","password":"x"}"#, "username"),
        ("/v1/auth/login", #"{"username":"office","password":42}"#, "password"),
        ("/v1/users", #"{"username":"x","password":"long enough password"}"#, "role"),
    ])
    func malformedBodiesAre400NamingTheField(uri: String, body: String, field: String) async throws {
        try await ServerHarness.run(auth: .testing) { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let response = try await client.send(.post, uri, token: uri == "/v1/users" ? admin : nil, json: body)
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")
            if field != "(body)" { #expect(response.problemFields == [field]) }
        }
    }

    @Test(arguments: TestEngine.all) func disablingAnAccountStopsItsTokensAndLogins(engine: TestEngine) async throws {
        try await ServerHarness.run(engine, auth: .testing) { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let staff = try await harness.staffToken(username: "staff1", role: .pointStaff, scopes: ["diem-ha-noi"])
            // Used once, so the server has the login in its session cache when the account is disabled.
            #expect(try await client.send(.get, "/v1/products", token: staff).status == .ok)
            let disabled = try await client.send(.post, "/v1/users/staff1/disable", token: admin)
            #expect(disabled.status == .ok)
            #expect(disabled.json["disabled_at"] as? String == "2026-11-22T05:00:00.000Z")
            #expect(try await client.send(.get, "/v1/products", token: staff).status == .unauthorized)
            let login = try await client.send(
                .post, "/v1/auth/login", json: loginBody("staff1", ServerHarness.password(for: "staff1")))
            #expect(login.status == .unauthorized)
            #expect(try await client.send(.post, "/v1/users/nobody/disable", token: admin).status == .notFound)
            #expect(try await client.send(.post, "/v1/users/office/disable", token: admin).status == .conflict)
        }
    }

    @Test(arguments: TestEngine.all) func revokingAnAccountsSessionsStopsEveryTokenOfIt(engine: TestEngine) async throws
    {
        try await ServerHarness.run(engine, auth: .testing) { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            let first = try await harness.staffToken(username: "staff1", role: .pointStaff, scopes: ["diem-ha-noi"])
            let second = try await client.login("staff1", ServerHarness.password(for: "staff1"))
            #expect(try await client.send(.delete, "/v1/users/staff1/sessions", token: admin).status == .noContent)
            for token in [first, second] {
                #expect(try await client.send(.post, "/v1/auth/logout", token: token).status == .unauthorized)
            }
            #expect(try await client.send(.get, "/v1/users", token: admin).status == .ok)
            #expect(try await client.send(.delete, "/v1/users/nobody/sessions", token: admin).status == .notFound)
            // The account itself still works: a fresh login succeeds.
            _ = try await client.login("staff1", ServerHarness.password(for: "staff1"))
        }
    }

    @Test(arguments: TestEngine.all) func theUserListPagesWithACursor(engine: TestEngine) async throws {
        try await ServerHarness.run(engine, auth: .testing) { harness, client in
            let admin = try await harness.staffToken(username: "office", role: .admin)
            for name in ["anh", "binh", "chi"] {
                _ = try await harness.staffToken(username: name, role: .fairManager, scopes: ["hoi-cho-2026"])
            }
            var seen: [String] = []
            var uri = "/v1/users?limit=2"
            for _ in 0..<5 {
                let page = try await client.send(.get, uri, token: admin)
                #expect(page.status == .ok)
                seen += page.items.compactMap { $0["username"] as? String }
                guard let next = page.json["next_cursor"] as? String else { break }
                uri = "/v1/users?limit=2&cursor=\(next)"
            }
            #expect(seen == ["anh", "binh", "chi", "office"])
            #expect(try await client.send(.get, "/v1/users?limit=0", token: admin).problemFields == ["limit"])
        }
    }
}
