import Hummingbird
import OCOPDomain
import OCOPStorage

/// Reads `Authorization: Bearer <token>` and puts the caller's identity into the context.
/// Without the header the request goes on anonymously; with a token that is unknown, expired or
/// revoked it is refused with 401, so a client never mistakes a dead token for a public answer.
/// Under `/console/` the console's session cookie is read the same way (the API never reads it, so
/// another site's page cannot act on the API with a browser's cookie); a dead cookie is anonymous
/// there, and the console sends the browser to its sign-in page.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let database: Database
    let clock: any WallClock
    let sessions: SessionCache

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        // A platform's push signs itself in `Authorization` (Shopee's HMAC): its receiver checks it.
        if path.hasPrefix(MarketplaceWebhooksController.pathPrefix) { return try await next(request, context) }
        let bearer = try BearerToken.token(in: request)
        let inConsole = path == "/console" || path.hasPrefix("/console/")
        let cookie = bearer == nil && inConsole ? ConsoleSession.token(in: request) : nil
        guard let token = bearer ?? cookie else { return try await next(request, context) }
        let now = clock.now()
        let identity: StaffIdentity
        if let known = sessions.identity(forToken: token, at: now) {
            identity = known
        } else {
            guard let session = try await UserStore(database: database).session(forToken: token, at: now) else {
                if bearer == nil { return try await next(request, context) }
                throw BearerToken.invalid("the bearer token is unknown, expired or revoked: POST /v1/auth/login")
            }
            sessions.store(session.identity, forToken: token, sessionExpiresAt: session.expiresAt, at: now)
            identity = session.identity
        }
        var context = context
        context.identity = identity
        return try await next(request, context)
    }
}
