import Hummingbird
import OCOPDomain
import OCOPStorage

/// Partner endpoints told about catalog changes (admin), producers' own endpoints told when a
/// certificate nears expiry (the producer or admin), and the state of the outbox (admin).
struct WebhooksController: Sendable {
    let database: Database
    let clock: any WallClock
    let outbound: OutboundPolicy

    private var pipeline: WritePipeline { WritePipeline(database: database, clock: clock) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("webhooks", use: create)
        group.get("webhooks", use: list)
        group.delete("webhooks/:id", use: delete)
        group.get("jobs", use: jobs)
        group.post("jobs/:id/retry", use: retry)
        group.get("certificates/notices", use: notices)
    }

    struct CreateRequest: Decodable {
        var event: String
        var url: String
        var secret: String
        var producer: String?
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pipeline.run(
            request, CreateRequest.self, authorise: { try context.requireIdentity() }
        ) { body, identity, now in
            // The scope names what the body points at: only an admin, or a producer for its own notices.
            guard identity.isAdmin || (body.event == CertificateNotices.event && body.producer.map(identity.canActForProducer) == true)
            else { throw Problem(.forbidden, "\(identity.username) may subscribe only their own producer's certificate notices") }
            return try WebhookStore(database: database).creating(
                event: body.event, url: body.url, secret: body.secret, producer: body.producer, actor: identity.actor,
                at: now, destinationProblem: outbound.webhookURLProblem)
        }
    }

    struct ListAnswer: Encodable {
        var items: [WebhookSubscription]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let producer = try ownProducer(context)
        return try ResponseJSON.response(ListAnswer(items: try await WebhookStore(database: database).list(producer: producer)))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let producer = try ownProducer(context)
        let identity = try context.requireIdentity()
        guard let id = Int(try context.pathValue("id")) else { throw Problem.notFound("no such webhook") }
        return try await pipeline.perform(
            request, identity: identity, body: [], status: .noContent, encode: { _ in [] },
            WebhookStore(database: database).deleting(id: id, producer: producer, actor: identity.actor, at: clock.now()))
    }

    struct NoticesAnswer: Encodable {
        var items: [CertificateNotice]
    }

    /// Expiry notices issued so far: all for admins, their own for a producer.
    @Sendable func notices(_ request: Request, context: AppRequestContext) async throws -> Response {
        let producer = try ownProducer(context)
        return try ResponseJSON.response(NoticesAnswer(items: try await CertificateNotices(database: database).list(producer: producer)))
    }

    /// nil for an admin (everything); the producer's slug for a producer account; 403 otherwise.
    private func ownProducer(_ context: AppRequestContext) throws -> String? {
        let identity = try context.requireIdentity()
        if identity.isAdmin { return nil }
        guard identity.role == .producer, let producer = identity.scopes.sorted().first else {
            throw Problem(.forbidden, "\(identity.username) may not read webhooks")
        }
        return producer
    }

    struct JobsAnswer: Encodable {
        var byStatus: [String: Int]
    }

    /// Counts of outbox jobs by status (pending, running, done, dead).
    @Sendable func jobs(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        return try ResponseJSON.response(JobsAnswer(byStatus: try await JobQueue(database: database).counts()))
    }

    /// Puts a dead job back in the queue with fresh attempts (admin); a job already waiting is
    /// answered as it is, so a retried request changes nothing more.
    @Sendable func retry(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.requireAdmin()
        guard let id = Int(try context.pathValue("id")) else { throw Problem.notFound("no such job") }
        return try await pipeline.perform(
            request, identity: admin, body: [], status: .ok,
            JobQueue(database: database).retrying(id: id, actor: admin.actor, at: clock.now()))
    }
}
