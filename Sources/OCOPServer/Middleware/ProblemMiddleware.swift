import Hummingbird
import Logging
import OCOPDomain

/// Turns every error into problem+json: domain errors by their code, Hummingbird's own errors
/// (unknown route, bad body) by their status, and anything else into a 500 that hides the details.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as DomainError {
            throw Problem(error)
        } catch let error as HTTPError {
            throw Problem(error.status, error.body ?? error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            throw Problem(error.status, error.status.reasonPhrase)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)"])
            throw Problem(.internalServerError, "the server failed to answer; the error is logged")
        }
    }
}
