import Hummingbird
import OCOPDomain
import OCOPStorage
import SQLKit

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

    @Sendable func receipt(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await movement(request, context, ReceiptRequest.self) { body, point, identity, now in
            let lines = try body.validated()
            let reference = body.reference.map { "receipt:\(point):\($0)" } ?? "receipt:\(point):\(now.unixMilliseconds)"
            return { sql in
                try await stock.receive(sql, point: point, lines: lines, reference: reference, actor: identity.actor, at: now)
            }
        }
    }

    @Sendable func sale(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await movement(request, context, SaleRequest.self) { body, point, identity, now in
            let (lines, payment) = try body.validated()
            return { sql in
                try await stock.sell(sql, point: point, lines: lines, payment: payment, actor: identity.actor, at: now)
            }
        }
    }

    @Sendable func adjustment(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await movement(request, context, AdjustmentRequest.self) { body, point, identity, now in
            let (reason, lines) = try body.validated()
            return { sql in
                try await stock.adjust(
                    sql, point: point, reason: reason, note: body.note, lines: lines, actor: identity.actor, at: now)
            }
        }
    }

    @Sendable func count(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await movement(request, context, CountRequest.self) { body, point, identity, now in
            let lines = try body.validated()
            return { sql in try await stock.count(sql, point: point, lines: lines, actor: identity.actor, at: now) }
        }
    }

    /// The shape every movement shares: scope check, body, validation (before any transaction),
    /// the idempotent write, then the availability refresh (of the products moved) once committed.
    private func movement<Body: StockLinesRequest>(
        _ request: Request, _ context: AppRequestContext, _ type: Body.Type,
        _ prepare: (Body, String, StaffIdentity, Moment) throws -> (any SQLDatabase) async throws -> any Encodable & Sendable
    ) async throws -> Response {
        let point = try context.pathValue("slug")
        let identity = try context.requirePointScope(point)
        let (body, bytes) = try await RequestBody.decode(Body.self, from: request)
        let now = clock.now()
        let write = try prepare(body, point, identity, now)
        let response = try await IdempotentWrite(database: database, clock: clock).run(
            request, identity: identity, body: bytes, write)
        try await stockReadModel.refresh(point: point, skus: body.skus)
        return response
    }
}
