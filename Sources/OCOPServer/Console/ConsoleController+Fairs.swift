import Hummingbird
import OCOPDomain
import OCOPStorage

/// A fair manager's desk: the stall map as a grid by zone, the applications with the waiting
/// list, and allocation by picking a free stall. The API's rules decide: one allocation per stall
/// however many managers pick it at once, and only producers with a publishable product.
extension ConsoleController {
    func addFairRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("fairs/:slug", use: fairDesk)
        group.post("fairs/:slug/allocate", use: allocateStall)
        group.post("fairs/:slug/waitlist", use: waitlistApplication)
        addStallRoutes(to: group)
    }

    var fairs: FairStore { FairStore(database: database) }

    @Sendable func fairDesk(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withFair(request, context) { fair in
            try await renderFairDesk(request, context, fair: fair, status: .ok)
        }
    }

    @Sendable func allocateStall(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withFairForm(request, context) { fair, form, identity in
            let snapshot = catalog.snapshot()
            do {
                guard let id = form["application_id"].flatMap({ Int($0) }), id > 0 else {
                    throw DomainError.invalid(field: "application_id", "pick an application")
                }
                guard let code = form["stall"]?.trimmingWhitespace, !code.isEmpty, code.utf8.count <= 40 else {
                    throw DomainError.invalid(field: "stall", "pick a free stall")
                }
                let operation = fairs.allocation(
                    fair: fair.slug, stall: code, application: id, actor: identity.actor, at: clock.now()
                ) { producer in
                    snapshot.producer(slug: producer) == nil
                        ? "producer '\(producer)' has no publishable product today (a valid certificate of 3★ or more)"
                        : nil
                }
                _ = try await perform(operation, form: form, key: Self.key(in: form), request: request, identity: identity)
                return ConsolePage.redirect(page(request, context).link("/console/fairs/\(fair.slug)"))
            } catch let error as DomainError {
                return try await renderFairDesk(request, context, fair: fair, status: Problem(error).status, error: error.message)
            }
        }
    }

    @Sendable func waitlistApplication(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withFairForm(request, context) { fair, form, identity in
            do {
                guard let id = form["application_id"].flatMap({ Int($0) }), id > 0 else {
                    throw DomainError.invalid(field: "application_id", "pick an application")
                }
                let operation = fairs.waitlisting(fair: fair.slug, application: id, actor: identity.actor, at: clock.now())
                _ = try await perform(operation, form: form, key: Self.key(in: form), request: request, identity: identity)
                return ConsolePage.redirect(page(request, context).link("/console/fairs/\(fair.slug)"))
            } catch let error as DomainError {
                return try await renderFairDesk(request, context, fair: fair, status: Problem(error).status, error: error.message)
            }
        }
    }

    private func renderFairDesk(
        _ request: Request, _ context: AppRequestContext, fair: Fair, status: HTTPResponse.Status, error: String? = nil
    ) async throws -> Response {
        let page = page(request, context)
        let stalls = try await fairs.stalls(fair: fair.slug)
        let applications = try await fairs.applications(fair: fair.slug)
        let snapshot = catalog.snapshot()
        var values = page.context(title: fair.name, path: "/console/fairs/\(fair.slug)")
        for (key, value) in FairDeskPage.context(
            fair: fair, stalls: stalls, applications: applications, page: page,
            producerName: { snapshot.producer(slug: $0)?.producer.name ?? $0 }, today: clock.todayInVietnam(),
            formKey: Self.newKey())
        {
            values[key] = value
        }
        values["csrf"] = page.csrf
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-fair", values))
    }

    /// Runs `body` with the page's fair when the caller manages it.
    func withFair(
        _ request: Request, _ context: AppRequestContext, _ body: (Fair) async throws -> Response
    ) async throws -> Response {
        let slug = try context.pathValue("slug")
        guard let identity = context.identity else { return signInFirst(request) }
        guard identity.canManageFair(slug) else { return forbidden(request, context) }
        guard let fair = try await fairs.fair(slug) else { return notFound(request, context) }
        return try await body(fair)
    }

    func withFairForm(
        _ request: Request, _ context: AppRequestContext, _ body: (Fair, FormBody, StaffIdentity) async throws -> Response
    ) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in
            try await withFair(request, context) { fair in try await body(fair, form, identity) }
        }
    }
}
