import Hummingbird
import OCOPDomain
import OCOPStorage

/// Reads `Authorization: Bearer <token>` and puts the caller's identity into the context.
/// (Stub: the auth work fills this in.)
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let database: Database
    let clock: any WallClock

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        try await next(request, context)
    }
}
