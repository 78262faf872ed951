import Hummingbird
import OCOPDomain
import OCOPStorage

/// `/v1/plans`: local OCOP plans with their targets and progress counted from the records. The
/// programme office only; nothing here is public.
struct PlansController: Sendable {
    let pipeline: WritePipeline
    private var store: PlanStore { PlanStore(database: pipeline.database) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("plans", use: list)
        group.post("plans", use: create)
        group.get("plans/:id", use: show)
        group.post("plans/:id/targets/:target/entries", use: addEntry)
    }

    struct ListAnswer: Encodable {
        var items: [PlanRecord]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let parameters = try QueryParameters(request, known: ["year"])
        var year: Int?
        if let text = parameters["year"] {
            guard text.utf8.count <= 4, let value = Int(text), PlanRules.years.contains(value) else {
                throw Problem.badParameter("year", "a year from \(PlanRules.years.lowerBound) to \(PlanRules.years.upperBound)")
            }
            year = value
        }
        return try ResponseJSON.response(ListAnswer(items: try await store.list(year: year)))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pipeline.run(request, PlanRequest.self, authorise: { try context.requireAdmin() }) { body, identity, now in
            store.create(try body.validated(), actor: identity.actor, at: now)
        }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let id = try context.pathID("id", "plan")
        guard let plan = try await store.plan(id) else { throw Problem.notFound("no plan \(id)") }
        return try ResponseJSON.response(plan)
    }

    @Sendable func addEntry(_ request: Request, context: AppRequestContext) async throws -> Response {
        let plan = try context.pathID("id", "plan")
        let target = try context.pathID("target", "target")
        return try await pipeline.run(request, PlanEntryRequest.self, authorise: { try context.requireAdmin() }) {
            body, identity, now in
            let (day, amount, note) = try body.validated()
            return store.addEntry(plan: plan, target: target, on: day, amount: amount, note: note, actor: identity.actor, at: now)
        }
    }
}
