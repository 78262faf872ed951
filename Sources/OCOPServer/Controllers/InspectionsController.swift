import Hummingbird
import OCOPDomain
import OCOPStorage

/// `/v1/inspections`: post-inspections ("hậu kiểm") of certified products, by the programme office.
/// A proposal to revoke becomes a revocation only when the office confirms it with a decision.
struct InspectionsController: Sendable {
    let pipeline: WritePipeline
    private var store: InspectionStore { InspectionStore(database: pipeline.database) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("inspections", use: list)
        group.post("inspections", use: record)
        group.get("inspections/:id", use: show)
        group.post("inspections/:id/revocation", use: decideRevocation)
        group.post("inspections/:id/close", use: close)
    }

    struct ListAnswer: Encodable {
        var items: [InspectionRecord]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let parameters = try QueryParameters(request, known: ["product"])
        if let product = parameters["product"], product.utf8.count > 200 {
            throw Problem.badParameter("product", "a product slug")
        }
        return try ResponseJSON.response(ListAnswer(items: try await store.list(product: parameters["product"])))
    }

    @Sendable func record(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pipeline.run(request, InspectionRequest.self, authorise: { try context.requireAdmin() }) { body, identity, now in
            store.record(try body.validated(), actor: identity.actor, at: now)
        }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let id = try context.pathID("id", "inspection")
        guard let inspection = try await store.inspection(id) else { throw Problem.notFound("no inspection \(id)") }
        return try ResponseJSON.response(inspection)
    }

    @Sendable func decideRevocation(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathID("id", "inspection")
        return try await pipeline.run(
            request, RevocationDecisionRequest.self, status: .ok, authorise: { try context.requireAdmin() }
        ) { body, identity, now in
            var checks = FieldChecks()
            checks.text(body.decisionNumber, "decision_number", max: 100)
            let day = body.decidedOn.map { CalendarDate(iso: $0) } ?? CalendarDate(inVietnamAt: now)
            checks.require(day != nil, "decided_on", "a date YYYY-MM-DD")
            try checks.throwIfAny()
            return store.decideRevocation(
                id, revoke: body.revoke, decisionNumber: body.decisionNumber.trimmingWhitespace, on: day!,
                actor: identity.actor, at: now)
        }
    }

    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathID("id", "inspection")
        return try await pipeline.run(
            request, LiveOrdersController.Empty.self, allowEmpty: true, status: .ok, authorise: { try context.requireAdmin() }
        ) { _, identity, now in
            store.closeCorrections(id, actor: identity.actor, at: now)
        }
    }
}
