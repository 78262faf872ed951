import Hummingbird
import OCOPDomain
import OCOPStorage

/// Producers apply for stalls with the products they will bring; the fair's managers read the
/// applications, keep a waiting list and cancel; a producer may cancel its own.
struct FairApplicationsController: Sendable {
    let database: Database
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("fairs/:slug/applications", use: apply)
        group.get("fairs/:slug/applications", use: list)
        group.post("fairs/:slug/applications/:id/waitlist", use: waitlist)
        group.post("fairs/:slug/applications/:id/cancel", use: cancel)
    }

    private var store: FairStore { FairStore(database: database) }
    private var pipeline: WritePipeline { WritePipeline(database: database, clock: clock) }

    @Sendable func apply(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        // A retried application (a producer's phone on a weak network) is one application, not a
        // 409 "already applied" that reads as a failure.
        return try await pipeline.run(
            request, ApplicationRequest.self, authorise: { try context.requireIdentity() }
        ) { body, identity, now in
            let (producer, products, stalls) = try body.validated(identity: identity)
            return store.applying(
                fair: slug, producer: producer, products: products, stallsWanted: stalls, note: body.note,
                actor: identity.actor, at: now)
        }
    }

    struct ListAnswer: Encodable {
        var items: [FairApplication]
        /// Waiting applications in the order they will be served.
        var waitingList: [Int]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        _ = try context.requireFairScope(slug)
        let items = try await store.applications(fair: slug)
        return try ResponseJSON.response(
            ListAnswer(items: items, waitingList: items.filter { $0.status == .waiting }.map(\.id)))
    }

    @Sendable func waitlist(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        let identity = try context.requireFairScope(slug)
        return try await pipeline.perform(
            request, identity: identity, body: [], status: .ok,
            store.waitlisting(fair: slug, application: try applicationID(context), actor: identity.actor, at: clock.now()))
    }

    /// The application, and the first one still waiting (to offer the freed stalls to).
    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        let identity = try context.requireIdentity()
        let cancellation = store.cancelling(
            fair: slug, application: try applicationID(context), actor: identity.actor, at: clock.now()
        ) { application in
            guard identity.canManageFair(slug) || identity.canActForProducer(application.producer) else {
                throw Problem(.forbidden, "\(identity.username) may not cancel application \(application.id)")
            }
        }
        return try await pipeline.perform(request, identity: identity, body: [], status: .ok, cancellation)
    }

    private func applicationID(_ context: AppRequestContext) throws -> Int {
        let text = try context.pathValue("id")
        guard let id = Int(text), id > 0 else { throw Problem.notFound("no application '\(text)'") }
        return id
    }
}
