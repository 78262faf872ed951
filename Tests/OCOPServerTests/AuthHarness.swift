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
            try await stack.ensureScopesExist(scopes, role: role)
            try await store.create(
                username: username, password: Self.password(for: username), role: role, scopes: scopes, actor: "test",
                at: stack.clock.now())
        }
        return try await store.createSession(
            username: username, lifetime: AuthSettings.testing.tokenLifetime, at: stack.clock.now()
        ).token
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
