import Foundation
import Hummingbird
import OCOPDomain
import OCOPStorage

/// The staff console: sign-in with a session cookie, a point's overview, and the counter. Every
/// write goes through the same store operations, scopes and idempotency as the API's routes.
struct ConsoleController: Sendable {
    let database: Database
    let clock: any WallClock
    let settings: AuthSettings
    let catalog: CatalogReadModel
    let stockModel: StockReadModel
    let templates: ShowroomTemplates
    /// Cookies are `Secure` when the service's public address is https.
    let secureCookies: Bool
    /// The service's public address, for the URLs printed on stamps ("" = the request's host).
    var publicBaseURL = ""
    /// The API's account checks and the sealing box, for the producer's connect form.
    var marketplaceAccountsAPI: MarketplaceAccountsController?
    /// Where the server may connect: the office's webhook form is held to the API's rule.
    var outbound = OutboundPolicy()
    /// Where the producers' dossier files are kept.
    var dossierFiles: DossierFiles?

    var users: UserStore { UserStore(database: database, passwordCost: settings.bcryptCost) }
    let stock = StockStore()

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("console")
        group.get("login", use: loginForm)
        group.post("login", use: login)
        group.post("logout", use: logout)
        group.get("", use: home)
        group.get("points/:slug", use: pointHome)
        addCounterRoutes(to: group)
        addStockRoutes(to: group)
        addTransferRoutes(to: group)
        addJournalRoutes(to: group)
        addFairRoutes(to: group)
        addProducerRoutes(to: group)
        addOfficeRoutes(to: group)
        addReportRoutes(to: group)
        addAuditRoutes(to: group)
        addStampRoutes(to: group)
        addCertifyRoutes(to: group)
        addMarketplaceRoutes(to: group)
        addListingRoutes(to: group)
        addLiveDeskRoutes(to: group)
        addUserRoutes(to: group)
        addWebhookRoutes(to: group)
        addJobRoutes(to: group)
        addMarketplaceOrderRoutes(to: group)
        addPlanRoutes(to: group)
        addDossierRoutes(to: group)
        addProducerDossierRoutes(to: group)
        addInspectionRoutes(to: group)
    }

    // MARK: - Sign-in

    @Sendable func loginForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.identity != nil { return ConsolePage.redirect(page(request, context).link("/console")) }
        return renderLogin(request, context, status: .ok, message: nil)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        guard ConsoleSession.isSameOrigin(request) else { return forbidden(request, context) }
        let username = form["username"]?.trimmingWhitespace ?? "", password = form["password"] ?? ""
        guard !username.isEmpty, !password.isEmpty else {
            return renderLogin(request, context, status: .badRequest, message: ConsoleWords.word("wrong_login", page(request, context).language))
        }
        let outcome = try await users.login(
            username: username, password: password, policy: settings.loginPolicy, at: clock.now())
        let language = ConsolePage.language(request)
        switch outcome {
        case .succeeded(let session):
            let seconds = (session.expiresAt.unixMilliseconds - clock.now().unixMilliseconds) / 1000
            let cookie = ConsoleSession.setCookie(token: session.token, maxAgeSeconds: seconds, secure: secureCookies)
            let target = ConsolePage(language: language, identity: nil, csrf: "", stylesheetPath: "").link("/console")
            return ConsolePage.redirect(target, headers: [.setCookie: cookie])
        case .rejected:
            return renderLogin(request, context, status: .unauthorized, message: ConsoleWords.word("wrong_login", language))
        case .throttled(let seconds):
            let text = ConsoleWords.word("throttled", language) + " \(seconds) " + ConsoleWords.word("seconds", language)
            var response = renderLogin(request, context, status: .tooManyRequests, message: text)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        guard let identity = context.identity, let token = ConsoleSession.token(in: request) else {
            return ConsolePage.redirect("/console/login")
        }
        guard ConsoleSession.isTrusted(form, request, sessionToken: token) else { return forbidden(request, context) }
        _ = try await users.revokeSession(token: token, actor: identity.actor, at: clock.now())
        return ConsolePage.redirect(
            "/console/login", headers: [.setCookie: ConsoleSession.clearCookie(secure: secureCookies)])
    }

    private func renderLogin(
        _ request: Request, _ context: AppRequestContext, status: HTTPResponse.Status, message: String?
    ) -> Response {
        let page = page(request, context)
        var values = page.context(title: ConsoleWords.word("sign_in", page.language), path: "/console/login")
        values["login_action"] = page.link("/console/login")
        if let message { values["message"] = message }
        return html(request, status, templates.render("console-login", values))
    }

    // MARK: - Pages

    /// The places this account works on.
    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let identity = context.identity else { return signInFirst(request) }
        let page = page(request, context)
        var values = page.context(title: ConsoleWords.word("console", page.language), path: "/console")
        let points = stockModel.allPoints.filter { identity.canManagePoint($0.slug) }
            .sorted { $0.name < $1.name }
        values["points"] = points.map { ["name": $0.name, "href": page.link("/console/points/" + $0.slug)] }
        values["has_points"] = !points.isEmpty
        let fairs = try await fairs.listings().map(\.fair).filter { identity.canManageFair($0.slug) }
        values["fairs"] = fairs.map { ["name": $0.name, "href": page.link("/console/fairs/" + $0.slug)] }
        values["has_fairs"] = !fairs.isEmpty
        // A producer's own pages (the office reaches any producer's from its address).
        let snapshot = catalog.snapshot()
        let producers = identity.role == .producer ? identity.scopes.sorted() : []
        values["producers"] = producers.map { slug -> [String: Any] in
            ["name": snapshot.contents.producers.first { $0.slug == slug }?.name ?? slug,
             "href": page.link("/console/producers/" + slug)]
        }
        values["has_producers"] = !producers.isEmpty
        if identity.isAdmin { values["office_href"] = page.link("/console/office") }
        if !identity.isAdmin {
            if points.count == 1, fairs.isEmpty, producers.isEmpty {
                return ConsolePage.redirect(page.link("/console/points/" + points[0].slug))
            }
            if producers.count == 1, points.isEmpty, fairs.isEmpty {
                return ConsolePage.redirect(page.link("/console/producers/" + producers[0]))
            }
        }
        return html(request, .ok, templates.render("console-home", values))
    }

    @Sendable func pointHome(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withPoint(request, context) { point in
            let page = page(request, context)
            let overview = try await PointOverview.load(
                point: point, stock: stock, database: database, today: clock.todayInVietnam(), now: clock.now())
            var values = page.context(title: point.name, path: "/console/points/" + point.slug)
            for (key, value) in overview.context(page, skus: catalog.snapshot().skus) { values[key] = value }
            values["nav"] = page.pointNav(point.slug, current: "")
            // The live desks of the sessions selling this point's stock.
            let sessions = try await livestreamStore.upcoming(at: clock.now()).filter { $0.point == point.slug }
            values["livestreams"] = sessions.map { session -> [String: Any] in
                ["title": session.title, "href": page.link("/console/livestreams/\(session.slug)"),
                 "starts": ShowroomFormat.localTime(session.startsAt, page.language),
                 "status": ConsoleWords.word("live_" + session.status, page.language)]
            }
            values["has_livestreams"] = !sessions.isEmpty
            return html(request, .ok, templates.render("console-point", values))
        }
    }

    // MARK: - Helpers

    /// Why a point's page is not shown: the page that says so.
    struct Refusal: Error {
        let response: Response
    }

    /// Runs `body` with the page's point (`:slug`) when the caller may work on it; otherwise answers
    /// with the sign-in redirect, the 403 page or the 404 page.
    func withPoint(
        _ request: Request, _ context: AppRequestContext, _ body: (SalePoint) async throws -> Response
    ) async throws -> Response {
        switch pointInScope(try context.pathValue("slug"), request, context) {
        case .success(let point): return try await body(point)
        case .failure(let refusal): return refusal.response
        }
    }

    /// Runs `body` for a form posted to a point's page (`:slug`): signed in, carrying the session's
    /// CSRF token from this origin, and within the caller's scope; otherwise the page that says why.
    func withPointForm(
        _ request: Request, _ context: AppRequestContext,
        _ body: (SalePoint, FormBody, StaffIdentity) async throws -> Response
    ) async throws -> Response {
        let slug = try context.pathValue("slug")
        let form = try await FormBody.read(request)
        guard let identity = context.identity, let token = ConsoleSession.token(in: request) else {
            return signInFirst(request)
        }
        guard ConsoleSession.isTrusted(form, request, sessionToken: token) else { return forbidden(request, context) }
        switch pointInScope(slug, request, context) {
        case .success(let point): return try await body(point, form, identity)
        case .failure(let refusal): return refusal.response
        }
    }

    /// Runs `body` for a form posted by a signed-in caller with the session's CSRF token from this
    /// origin; otherwise the sign-in redirect or the 403 page.
    func withTrustedForm(
        _ request: Request, _ context: AppRequestContext, _ body: (FormBody, StaffIdentity) async throws -> Response
    ) async throws -> Response {
        let form = try await FormBody.read(request)
        guard let identity = context.identity, let token = ConsoleSession.token(in: request) else {
            return signInFirst(request)
        }
        guard ConsoleSession.isTrusted(form, request, sessionToken: token) else { return forbidden(request, context) }
        return try await body(form, identity)
    }

    /// Runs a store operation for a form, at most once per rendered form: the form's
    /// `idempotency_key`, scoped to the caller, remembers the answer (JSON, as the API's) with a
    /// digest of the form, so a resubmission after a dropped connection replays it.
    func perform<Answer: Encodable & Sendable>(
        _ operation: StoreOperation<Answer>, form: FormBody, key: String, request: Request, identity: StaffIdentity
    ) async throws -> [UInt8] {
        let digest = Array("POST \(request.uri.path)\n".utf8) + form.bytesWithoutCSRF
        return try await database.perform(
            operation, idempotency: IdempotencyRequest(scope: identity.actor, key: key, request: digest),
            at: clock.now(), status: 201, encode: { try ResponseJSON.encode($0) }
        ).body
    }

    /// The form's idempotency key, or a new one when it carries none that is valid.
    static func key(in form: FormBody) -> String {
        form["idempotency_key"].flatMap { IdempotencyRequest.isValidKey($0) ? $0 : nil } ?? newKey()
    }

    /// The `id` of a JSON answer.
    static func id(in answer: [UInt8]) -> Int? {
        ((try? JSONSerialization.jsonObject(with: Data(answer))) as? [String: Any])?["id"] as? Int
    }

    /// The point of a console page, when the caller is signed in and may work on it; otherwise the
    /// sign-in redirect, a 403 page (another point) or a 404 page (no such point).
    func pointInScope(
        _ slug: String, _ request: Request, _ context: AppRequestContext
    ) -> Result<SalePoint, Refusal> {
        guard let identity = context.identity else { return .failure(Refusal(response: signInFirst(request))) }
        guard identity.canManagePoint(slug) else { return .failure(Refusal(response: forbidden(request, context))) }
        guard let point = stockModel.point(slug) else { return .failure(Refusal(response: notFound(request, context))) }
        return .success(point)
    }

    func page(_ request: Request, _ context: AppRequestContext) -> ConsolePage {
        let token = ConsoleSession.token(in: request)
        return ConsolePage(
            language: ConsolePage.language(request), identity: context.identity,
            csrf: context.identity != nil ? token.map(ConsoleSession.csrfToken(forSession:)) ?? "" : "",
            stylesheetPath: templates.stylesheetPath, scriptPath: templates.consoleScriptPath)
    }

    func signInFirst(_ request: Request) -> Response {
        ConsolePage.redirect("/console/login" + (ConsolePage.language(request) == .en ? "?lang=en" : ""))
    }

    func forbidden(_ request: Request, _ context: AppRequestContext) -> Response {
        message(request, context, status: .forbidden, title: "forbidden_title", text: "forbidden_text")
    }

    func notFound(_ request: Request, _ context: AppRequestContext) -> Response {
        message(request, context, status: .notFound, title: "not_found_title", text: "not_found_text")
    }

    func message(
        _ request: Request, _ context: AppRequestContext, status: HTTPResponse.Status, title: String, text: String
    ) -> Response {
        let page = page(request, context)
        var values = page.context(title: ConsoleWords.word(title, page.language), path: request.uri.path)
        values["heading"] = ConsoleWords.word(title, page.language)
        values["text"] = ConsoleWords.word(text, page.language)
        return html(request, status, templates.render("console-message", values))
    }

    /// A console page, gzipped when the browser takes it: a count sheet of 500 batches is about
    /// 300 KB of HTML and a tenth of that on a rural network.
    func html(_ request: Request, _ status: HTTPResponse.Status, _ body: String) -> Response {
        ConsolePage.html(status, body, gzip: Gzip.isAccepted(request.headers[.acceptEncoding]))
    }

    /// A fresh key for one sale being put together: every rendered form sells at most once.
    static func newKey() -> String { "console-" + UUID().uuidString.lowercased() }
}
