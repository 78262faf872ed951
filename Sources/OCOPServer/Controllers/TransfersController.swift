import Hummingbird
import OCOPDomain
import OCOPStorage

/// `POST /v1/transfers` (stock leaves the sending point), `POST /v1/transfers/{id}/receive` (it
/// arrives, possibly short), `GET /v1/transfers/{id}`.
struct TransfersController: Sendable {
    let database: Database
    let clock: any WallClock
    let stockReadModel: StockReadModel
    private let stock = StockStore()

    init(database: Database, clock: any WallClock, stockReadModel: StockReadModel) {
        self.database = database
        self.clock = clock
        self.stockReadModel = stockReadModel
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("transfers", use: dispatch)
        group.post("transfers/:id/receive", use: receive)
        group.get("transfers/:id", use: show)
    }

    private var writer: IdempotentWrite { IdempotentWrite(database: database, clock: clock) }

    @Sendable func dispatch(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireIdentity()
        let (body, bytes) = try await RequestBody.decode(TransferRequest.self, from: request)
        let lines = try body.validated()
        let identity = try context.requirePointScope(body.from)
        let now = clock.now()
        let response = try await writer.run(request, identity: identity, body: bytes) { sql in
            try await stock.dispatch(
                sql, from: body.from, to: body.to, lines: lines, note: body.note, actor: identity.actor, at: now)
        }
        try await stockReadModel.refresh(points: [body.from])
        return response
    }

    @Sendable func receive(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try transferID(context)
        let identity = try context.requireIdentity()
        let (body, bytes) = try await RequestBody.decode(TransferReceiptRequest.self, from: request, allowEmpty: true)
        let lines = try body.validated()
        let now = clock.now()
        let response = try await writer.run(request, identity: identity, body: bytes, status: .ok) { sql in
            try await stock.receive(sql, transfer: id, received: lines, actor: identity.actor, at: now) { point in
                guard identity.canManagePoint(point) else {
                    throw Problem(.forbidden, "\(identity.username) may not receive at point '\(point)'")
                }
            }
        }
        if let to = try await database.read({ sql in try await stock.transfer(id, sql)?.to }) {
            try await stockReadModel.refresh(points: [to])
        }
        return response
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try transferID(context)
        let identity = try context.requireIdentity()
        guard let transfer = try await database.read({ sql in try await stock.transfer(id, sql) }) else {
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
