import Hummingbird
import OCOPDomain
import OCOPStorage

/// `/v1/evaluation-rounds`: the provincial council's rounds (the programme office only). Reviewed
/// dossiers join a round, each member's sheet is recorded (Part A 40, B 25, C 35), and a decision
/// with its number and date issues the certificate that publishes the product.
struct EvaluationRoundsController: Sendable {
    let pipeline: WritePipeline
    private var store: EvaluationRoundStore { EvaluationRoundStore(database: pipeline.database) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("evaluation-rounds", use: list)
        group.post("evaluation-rounds", use: create)
        group.get("evaluation-rounds/:id", use: show)
        group.post("evaluation-rounds/:id/dossiers", use: addDossier)
        group.post("evaluation-rounds/:id/scores", use: score)
        group.post("evaluation-rounds/:id/decisions", use: decide)
    }

    struct ListAnswer: Encodable {
        var items: [EvaluationRoundRecord]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        _ = try QueryParameters(request, known: [])
        return try ResponseJSON.response(ListAnswer(items: try await store.list()))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pipeline.run(request, RoundRequest.self, authorise: { try context.requireAdmin() }) { body, identity, now in
            let round = try body.validated()
            return store.create(
                name: round.name, province: round.province, authority: round.authority, meetsOn: round.meetsOn,
                actor: identity.actor, at: now)
        }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let id = try context.pathID("id", "evaluation round")
        guard let round = try await store.round(id) else { throw Problem.notFound("no evaluation round \(id)") }
        return try ResponseJSON.response(round)
    }

    @Sendable func addDossier(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathID("id", "evaluation round")
        return try await pipeline.run(request, RoundDossierRequest.self, status: .ok, authorise: { try context.requireAdmin() }) {
            body, identity, now in
            store.add(dossier: body.dossier, to: id, actor: identity.actor, at: now)
        }
    }

    @Sendable func score(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathID("id", "evaluation round")
        return try await pipeline.run(request, ScoreRequest.self, status: .ok, authorise: { try context.requireAdmin() }) {
            body, identity, now in
            let sheet = try MemberScore(member: body.member, partA: body.partA, partB: body.partB, partC: body.partC)
            return store.score(sheet, dossier: body.dossier, in: id, actor: identity.actor, at: now)
        }
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathID("id", "evaluation round")
        return try await pipeline.run(request, DecisionRequest.self, status: .ok, authorise: { try context.requireAdmin() }) {
            body, identity, now in
            store.decide(try body.validated(), dossier: body.dossier, in: id, actor: identity.actor, at: now)
        }
    }
}
