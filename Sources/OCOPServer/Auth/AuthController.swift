import Hummingbird
import Logging
import OCOPDomain
import OCOPStorage

/// `POST /v1/auth/login`, `POST /v1/auth/logout`, and the admin's `/v1/users` routes.
struct AuthController: Sendable {
    let database: Database
    let clock: any WallClock
    let settings: AuthSettings

    private var store: UserStore { UserStore(database: database, passwordCost: settings.bcryptCost) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("auth/login", use: login)
        group.post("auth/logout", use: logout)
        UsersController(store: store, pipeline: WritePipeline(database: database, clock: clock)).addRoutes(to: group)
    }

    struct LoginRequest: Decodable {
        let username: String
        let password: String
    }

    struct LoginAnswer: Encodable {
        let token: String
        let expiresAt: String
        let username: String
        let roles: [String]
        let scopes: [String]

        init(_ session: IssuedSession) {
            token = session.token
            expiresAt = ISOTimestamp.string(session.expiresAt)
            username = session.identity.username
            roles = [session.identity.role.rawValue]
            scopes = session.identity.scopes.sorted()
        }
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (body, _) = try await RequestBody.decode(LoginRequest.self, from: request)
        if body.username.isEmpty { throw Problem.badParameter("username", "required") }
        if body.password.isEmpty { throw Problem.badParameter("password", "required") }
        let outcome = try await store.login(
            username: body.username, password: body.password, policy: settings.loginPolicy, at: clock.now())
        switch outcome {
        case .succeeded(let session):
            context.logger.info("login", metadata: ["user": "\(session.identity.username)"])
            return try ResponseJSON.response(LoginAnswer(session))
        case .rejected:
            // One answer for an unknown user, a wrong password and a disabled account: usernames cannot be probed.
            var problem = Problem(.unauthorized, "wrong username or password")
            problem.headers[.wwwAuthenticate] = "Bearer"
            throw problem
        case .throttled(let seconds):
            var problem = Problem(.tooManyRequests, "too many failed logins for this username; retry in \(seconds) s")
            problem.headers[.retryAfter] = String(seconds)
            throw problem
        }
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        if let token = try BearerToken.token(in: request) {
            try await store.revokeSession(token: token, actor: identity.actor, at: clock.now())
        }
        return Response(status: .noContent)
    }
}
