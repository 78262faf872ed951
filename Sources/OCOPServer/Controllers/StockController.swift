import Hummingbird
import OCOPDomain
import OCOPStorage

/// Stock movements at a point: receipts, counter sales, adjustments and counts. Each takes an
/// `Idempotency-Key`, checks the caller's scope on the point, and refreshes availability once
/// committed.
struct StockController: Sendable {
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
        group.post("points/:slug/receipts", use: receipt)
        group.post("points/:slug/sales", use: sale)
        group.post("points/:slug/adjustments", use: adjustment)
        group.post("points/:slug/counts", use: count)
    }

    private var writer: IdempotentWrite { IdempotentWrite(database: database, clock: clock) }

    @Sendable func receipt(_ request: Request, context: AppRequestContext) async throws -> Response {
        let point = try context.parameters.require("slug")
        let identity = try context.requirePointScope(point)
        let (body, bytes) = try await RequestBody.decode(ReceiptRequest.self, from: request)
        let lines = try body.validated()
        let now = clock.now()
        let reference = body.reference.map { "receipt:\(point):\($0)" } ?? "receipt:\(point):\(now.unixMilliseconds)"
        let response = try await writer.run(request, identity: identity, body: bytes) { sql in
            try await stock.receive(sql, point: point, lines: lines, reference: reference, actor: identity.actor, at: now)
        }
        try await stockReadModel.refresh(points: [point])
        return response
    }

    @Sendable func sale(_ request: Request, context: AppRequestContext) async throws -> Response {
        let point = try context.parameters.require("slug")
        let identity = try context.requirePointScope(point)
        let (body, bytes) = try await RequestBody.decode(SaleRequest.self, from: request)
        let (lines, payment) = try body.validated()
        let now = clock.now()
        let response = try await writer.run(request, identity: identity, body: bytes) { sql in
            try await stock.sell(sql, point: point, lines: lines, payment: payment, actor: identity.actor, at: now)
        }
        try await stockReadModel.refresh(points: [point])
        return response
    }

    @Sendable func adjustment(_ request: Request, context: AppRequestContext) async throws -> Response {
        let point = try context.parameters.require("slug")
        let identity = try context.requirePointScope(point)
        let (body, bytes) = try await RequestBody.decode(AdjustmentRequest.self, from: request)
        let (reason, lines) = try body.validated()
        let now = clock.now()
        let response = try await writer.run(request, identity: identity, body: bytes) { sql in
            try await stock.adjust(
                sql, point: point, reason: reason, note: body.note, lines: lines, actor: identity.actor, at: now)
        }
        try await stockReadModel.refresh(points: [point])
        return response
    }

    @Sendable func count(_ request: Request, context: AppRequestContext) async throws -> Response {
        let point = try context.parameters.require("slug")
        let identity = try context.requirePointScope(point)
        let (body, bytes) = try await RequestBody.decode(CountRequest.self, from: request)
        let lines = try body.validated()
        let now = clock.now()
        let response = try await writer.run(request, identity: identity, body: bytes) { sql in
            try await stock.count(sql, point: point, lines: lines, actor: identity.actor, at: now)
        }
        try await stockReadModel.refresh(points: [point])
        return response
    }
}
