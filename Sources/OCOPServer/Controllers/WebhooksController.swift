import Hummingbird
import OCOPDomain
import OCOPStorage

/// Admin: partner endpoints told about catalog changes, and the state of the outbox.
struct WebhooksController: Sendable {
    let database: Database
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("webhooks", use: create)
        group.get("webhooks", use: list)
        group.delete("webhooks/:id", use: delete)
        group.get("jobs", use: jobs)
    }

    struct CreateRequest: Decodable {
        var event: String
        var url: String
        var secret: String
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireAdmin()
        let (body, _) = try await RequestBody.decode(CreateRequest.self, from: request)
        let subscription = try await WebhookStore(database: database).create(
            event: body.event, url: body.url, secret: body.secret, actor: identity.actor, at: clock.now())
        return try ResponseJSON.response(subscription, status: .created)
    }

    struct ListAnswer: Encodable {
        var items: [WebhookSubscription]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        return try ResponseJSON.response(ListAnswer(items: try await WebhookStore(database: database).list()))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireAdmin()
        guard let id = Int(try context.parameters.require("id")) else { throw Problem.notFound("no such webhook") }
        try await WebhookStore(database: database).delete(id: id, actor: identity.actor, at: clock.now())
        return Response(status: .noContent)
    }

    struct JobsAnswer: Encodable {
        var byStatus: [String: Int]
    }

    /// Counts of outbox jobs by status (pending, running, done, dead).
    @Sendable func jobs(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        return try ResponseJSON.response(JobsAnswer(byStatus: try await JobQueue(database: database).counts()))
    }
}
