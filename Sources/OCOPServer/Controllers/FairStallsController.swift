import Hummingbird
import OCOPDomain
import OCOPStorage

/// Stock at a fair stall: receipts from its producer, transfers in from points, counter sales
/// while the fair is open, and the closing count. The fair's managers may do all of it; the
/// stall's producer may bring goods, sell and read its stock. Movements accept `Idempotency-Key`.
struct FairStallsController: Sendable {
    let pipeline: WritePipeline
    private let stalls = FairStallStock()

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("fairs/:slug/stalls/:code/receipts", use: receipt)
        group.post("fairs/:slug/stalls/:code/sales", use: sale)
        group.post("fairs/:slug/stalls/:code/transfers/:id/receive", use: receiveTransfer)
        group.post("fairs/:slug/stalls/:code/close", use: close)
        group.get("fairs/:slug/stalls/:code/stock", use: levels)
    }

    @Sendable func receipt(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (fair, code) = try stallPath(context)
        return try await pipeline.run(
            request, ReceiptRequest.self, authorise: { try await authorise(context, fair, code, producerMay: true) }
        ) { body, identity, now in
            stalls.receipt(
                fair: fair, code: code, lines: try body.validated(), reference: body.reference, actor: identity.actor, at: now)
        }
    }

    @Sendable func sale(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (fair, code) = try stallPath(context)
        return try await pipeline.run(
            request, SaleRequest.self, authorise: { try await authorise(context, fair, code, producerMay: true) }
        ) { body, identity, now in
            let (lines, payment) = try body.validated()
            _ = try body.recordedChannel(atStall: true)
            return stalls.sale(fair: fair, code: code, lines: lines, payment: payment, actor: identity.actor, at: now)
        }
    }

    @Sendable func receiveTransfer(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (fair, code) = try stallPath(context)
        let text = try context.pathValue("id")
        guard let id = Int(text), id > 0 else { throw Problem.notFound("no transfer '\(text)'") }
        return try await pipeline.run(
            request, TransferReceiptRequest.self, allowEmpty: true, status: .ok,
            authorise: { try await authorise(context, fair, code, producerMay: false) }
        ) { body, identity, now in
            stalls.transferReceipt(
                fair: fair, code: code, transfer: id, received: try body.validated(), actor: identity.actor, at: now)
        }
    }

    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (fair, code) = try stallPath(context)
        return try await pipeline.run(
            request, StallCloseRequest.self, status: .ok,
            authorise: { try await authorise(context, fair, code, producerMay: false) }
        ) { body, identity, now in
            stalls.closing(fair: fair, code: code, counted: try body.validated(), actor: identity.actor, at: now)
        }
    }

    struct LevelsAnswer: Encodable {
        var fair: String
        var stall: String
        var status: String
        var batches: [StockLevel]
    }

    @Sendable func levels(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (fair, code) = try stallPath(context)
        let (stall, batches) = try await FairStore(database: pipeline.database).stallLevels(fair: fair, code: code)
        try authorise(context, stall, producerMay: true)
        return try ResponseJSON.response(LevelsAnswer(fair: fair, stall: code, status: stall.status, batches: batches))
    }

    private func stallPath(_ context: AppRequestContext) throws -> (fair: String, code: String) {
        (try context.pathValue("slug"), try context.pathValue("code"))
    }

    private func authorise(
        _ context: AppRequestContext, _ fair: String, _ code: String, producerMay: Bool
    ) async throws -> StaffIdentity {
        try authorise(context, try await stalls.stall(fair: fair, code: code, in: pipeline.database), producerMay: producerMay)
    }

    /// The fair's managers, or (where `producerMay`) the producer the stall is allocated to.
    @discardableResult
    private func authorise(_ context: AppRequestContext, _ stall: FairStall, producerMay: Bool) throws -> StaffIdentity {
        let identity = try context.requireIdentity()
        let isProducer = producerMay && stall.producer.map(identity.canActForProducer) == true
        guard identity.canManageFair(stall.fair) || isProducer else {
            throw Problem(.forbidden, "\(identity.username) may not act on stall \(stall.code) of fair '\(stall.fair)'")
        }
        return identity
    }
}
