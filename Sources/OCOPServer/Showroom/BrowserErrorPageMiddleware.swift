import Hummingbird

/// A browser that opens an address with no page (a mistyped link, an old shared URL) gets the
/// showroom's 404 page with a search box, not problem+json. API paths keep their JSON problems.
struct BrowserErrorPageMiddleware: RouterMiddleware {
    let showroom: ShowroomController

    static let apiPrefixes = ["/v1/", "/media/", "/static/", "/openapi.json", "/healthz", "/readyz", "/metrics"]

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem
            where problem.status == .notFound && Self.isPageRequest(request)
        {
            let page = ShowroomPage(
                language: ShowroomBase.language(request), path: "/", query: [],
                base: ShowroomBase.address(showroom.publicBaseURL, request),
                stylesheetPath: showroom.templates.stylesheetPath)
            return showroom.errorPage(problem, page)
        }
    }

    static func isPageRequest(_ request: Request) -> Bool {
        let path = request.uri.path
        return !apiPrefixes.contains { path.hasPrefix($0) } && ContentNegotiation.prefersHTML(request.headers[.accept])
    }
}
