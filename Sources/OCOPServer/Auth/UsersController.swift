import Hummingbird
import OCOPDomain
import OCOPStorage

/// The programme office's account management under `/v1/users`; every route requires an admin.
struct UsersController: Sendable {
    let store: UserStore
    let pipeline: WritePipeline
    private var clock: any WallClock { pipeline.clock }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("users", use: create)
        group.get("users", use: list)
        group.get("users/:username", use: detail)
        group.post("users/:username/disable", use: disable)
        group.delete("users/:username/sessions", use: revokeSessions)
    }

    struct CreateRequest: Codable {
        let username: String
        let password: String
        let role: String
        let scopes: [String]?
    }

    /// An account as the API shows it: never its password hash.
    struct AccountAnswer: Encodable, Sendable {
        let username: String
        let role: String
        let scopes: [String]
        let createdAt: String
        let disabledAt: String?

        init(_ account: UserAccount) {
            username = account.username
            role = account.role.rawValue
            scopes = account.scopes
            createdAt = account.createdAt
            disabledAt = account.disabledAt
        }

        // Explicit so that an active account says `"disabled_at": null` rather than leaving the key out.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(username, forKey: .username)
            try container.encode(role, forKey: .role)
            try container.encode(scopes, forKey: .scopes)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(disabledAt, forKey: .disabledAt)
        }

        private enum CodingKeys: String, CodingKey { case username, role, scopes, createdAt, disabledAt }
    }

    struct Page: Encodable {
        let items: [AccountAnswer]
        let nextCursor: String?

        // Explicit so that a last page says `"next_cursor": null` rather than leaving the key out.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(items, forKey: .items)
            try container.encode(nextCursor, forKey: .nextCursor)
        }

        private enum CodingKeys: String, CodingKey { case items, nextCursor }
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.requireAdmin()
        let (body, _) = try await RequestBody.decode(CreateRequest.self, from: request)
        guard let role = StaffRole(rawValue: body.role) else {
            throw DomainError.invalid(
                field: "role", "one of \(StaffRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let creation = try await store.creation(
            username: body.username, password: body.password, role: role, scopes: body.scopes ?? [],
            actor: admin.actor, at: clock.now())
        // A retry is matched on the request without its password: the idempotency records must not
        // keep a fast (SHA-256) digest of one.
        let fingerprint = try ResponseJSON.encode(
            CreateRequest(username: body.username, password: "", role: body.role, scopes: body.scopes))
        var response = try await pipeline.perform(
            request, identity: admin, body: fingerprint, creation.map(AccountAnswer.init))
        if response.status == .created { response.headers[.location] = "/v1/users/\(body.username)" }
        return response
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let parameters = try QueryParameters(request, known: ["limit", "cursor"])
        let limit = try parameters.limit(.records)
        // The cursor holds the last username of the previous page.
        let after = try parameters.cursor(order: "username")?.name
        let accounts = try await store.list(after: after, limit: limit + 1)
        let page = accounts.prefix(limit)
        let next = accounts.count > limit ? page.last.map { PageCursor(username: $0.username).encoded } : nil
        return try ResponseJSON.response(Page(items: page.map(AccountAnswer.init), nextCursor: next))
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let username = try context.pathValue("username")
        guard let account = try await store.account(named: username) else {
            throw Problem.notFound("no user '\(username)'")
        }
        return try ResponseJSON.response(AccountAnswer(account))
    }

    @Sendable func disable(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.requireAdmin()
        let username = try context.pathValue("username")
        // An admin locking themselves out over HTTP is always a mistake; another admin or the CLI can do it.
        guard username != admin.username else { throw Problem(.conflict, "you cannot disable your own account") }
        return try await pipeline.perform(
            request, identity: admin, body: [], status: .ok,
            store.disabling(username: username, actor: admin.actor, at: clock.now()).map(AccountAnswer.init))
    }

    @Sendable func revokeSessions(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.requireAdmin()
        let username = try context.pathValue("username")
        return try await pipeline.perform(
            request, identity: admin, body: [], status: .noContent, encode: { _ in [] },
            store.revokingSessions(username: username, actor: admin.actor, at: clock.now()))
    }
}
