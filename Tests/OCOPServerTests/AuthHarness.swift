import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import OCOPDomain
import OCOPServer
import OCOPStorage
import TestSupport

extension AuthSettings {
    /// The production settings with the cheapest bcrypt cost, so that tests stay fast.
    static var testing: AuthSettings {
        var settings = AuthSettings()
        settings.bcryptCost = 4
        return settings
    }
}

extension ServerHarness {
    /// A user store over the harness's database, hashing at the test cost.
    var users: UserStore { UserStore(database: stack.database, passwordCost: AuthSettings.testing.bcryptCost) }

    /// The password `staffToken` gives the accounts it creates.
    static func password(for username: String) -> String { "password-of-\(username)" }

    /// Creates a user (bcrypt cost 4) and returns a bearer token for it, without going through HTTP login.
    /// When the username exists already it only issues another token for that account.
    func staffToken(username: String, role: StaffRole, scopes: [String] = []) async throws -> String {
        let store = users
        if try await store.account(named: username) == nil {
            try await store.create(
                username: username, password: Self.password(for: username), role: role, scopes: scopes, actor: "test",
                at: stack.clock.now())
        }
        return try await store.createSession(
            username: username, lifetime: AuthSettings.testing.tokenLifetime, at: stack.clock.now()
        ).token
    }

    /// Starts the server with these auth settings (bcrypt cost 4 by default) and runs `body` with a client for it.
    static func run(
        _ engine: TestEngine = .sqlite, auth: AuthSettings,
        _ body: @Sendable (ServerHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        let harness = try await make(engine)
        var configuration = harness.configuration
        configuration.auth = auth
        let app = buildApplication(
            configuration: configuration, dependencies: harness.dependencies, logger: Logger(label: "test"))
        do {
            try await app.test(.live) { client in try await body(harness, client) }
        } catch {
            try await harness.stack.tearDown()
            throw error
        }
        try await harness.stack.tearDown()
    }
}

extension TestClientProtocol {
    /// Sends `method uri` with an optional bearer token and raw JSON body.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }
        ) { $0 }
    }

    /// Logs in over HTTP and returns the token; fails the test when the login is refused.
    func login(_ username: String, _ password: String) async throws -> String {
        let response = try await send(
            .post, "/v1/auth/login", json: #"{"username":"\#(username)","password":"\#(password)"}"#)
        guard response.status == .ok, let token = response.json["token"] as? String else {
            throw DomainError(.unauthorized, "login of \(username) answered \(response.status)")
        }
        return token
    }
}
