import Hummingbird
import OCOPDomain
import OCOPStorage

/// `POST /v1/transfers` (stock leaves the sending point), `POST /v1/transfers/{id}/receive` (it
/// arrives, possibly short), `GET /v1/transfers/{id}`.
struct TransfersController: Sendable {
    let pipeline: WritePipeline
    private let stock = StockStore()

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("transfers", use: dispatch)
        group.post("transfers/:id/receive", use: receive)
        group.get("transfers/:id", use: show)
    }

    @Sendable func dispatch(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pipeline.run(request, TransferRequest.self, authorise: { try context.requireIdentity() }) {
            body, _, now in
            let lines = try body.validated()
            let identity = try context.requirePointScope(body.from)
            return stock.transfer(from: body.from, to: body.to, lines: lines, note: body.note, actor: identity.actor, at: now)
        }
    }

    @Sendable func receive(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try transferID(context)
        return try await pipeline.run(
            request, TransferReceiptRequest.self, allowEmpty: true, status: .ok, authorise: { try context.requireIdentity() }
        ) { body, identity, now in
            stock.transferReceipt(id, received: try body.validated(), actor: identity.actor, at: now) { point in
                guard identity.canManagePoint(point) else {
                    throw Problem(.forbidden, "\(identity.username) may not receive at point '\(point)'")
                }
            }
        }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try transferID(context)
        let identity = try context.requireIdentity()
        guard let transfer = try await stock.transfer(id, in: pipeline.database) else {
            throw Problem.notFound("no transfer \(id)")
        }
        guard identity.canManagePoint(transfer.from) || identity.canManagePoint(transfer.to) else {
            throw Problem(.forbidden, "\(identity.username) may not see transfer \(id)")
        }
        return try ResponseJSON.response(transfer)
    }

    private func transferID(_ context: AppRequestContext) throws -> Int {
        let text = try context.pathValue("id")
        guard let id = Int(text), id > 0 else { throw Problem.notFound("no transfer '\(text)'") }
        return id
    }
}
