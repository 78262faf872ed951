import Hummingbird
import OCOPDomain
import OCOPStorage

/// Stock movements at a point: receipts, counter sales, adjustments and counts. Each takes an
/// `Idempotency-Key` and checks the caller's scope on the point; the stock views follow the commit.
struct StockController: Sendable {
    let pipeline: WritePipeline
    private let stock = StockStore()

    init(pipeline: WritePipeline) { self.pipeline = pipeline }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("points/:slug/receipts", use: receipt)
        group.post("points/:slug/sales", use: sale)
        group.post("points/:slug/adjustments", use: adjustment)
        group.post("points/:slug/counts", use: count)
    }

    @Sendable func receipt(_ request: Request, context: AppRequestContext) async throws -> Response {
        let point = try context.pathValue("slug")
        return try await pipeline.run(request, ReceiptRequest.self, authorise: { try context.requirePointScope(point) }) {
            body, identity, now in
            let reference = body.reference.map { "receipt:\(point):\($0)" } ?? "receipt:\(point):\(now.unixMilliseconds)"
            return stock.receipt(point: point, lines: try body.validated(), reference: reference, actor: identity.actor, at: now)
        }
    }

    @Sendable func sale(_ request: Request, context: AppRequestContext) async throws -> Response {
        let point = try context.pathValue("slug")
        return try await pipeline.run(request, SaleRequest.self, authorise: { try context.requirePointScope(point) }) {
            body, identity, now in
            let (lines, payment) = try body.validated()
            let channel = try body.recordedChannel()
            return stock.sale(point: point, lines: lines, payment: payment, actor: identity.actor, at: now, channel: channel.rawValue)
        }
    }

    @Sendable func adjustment(_ request: Request, context: AppRequestContext) async throws -> Response {
        let point = try context.pathValue("slug")
        return try await pipeline.run(request, AdjustmentRequest.self, authorise: { try context.requirePointScope(point) }) {
            body, identity, now in
            let (reason, lines) = try body.validated()
            return stock.adjustment(point: point, reason: reason, note: body.note, lines: lines, actor: identity.actor, at: now)
        }
    }

    @Sendable func count(_ request: Request, context: AppRequestContext) async throws -> Response {
        let point = try context.pathValue("slug")
        return try await pipeline.run(request, CountRequest.self, authorise: { try context.requirePointScope(point) }) {
            body, identity, now in
            stock.stockCount(point: point, lines: try body.validated(), actor: identity.actor, at: now)
        }
    }
}
