import Hummingbird
import OCOPDomain
import OCOPStorage
import SQLKit

/// Stock at a fair stall: receipts from its producer, transfers in from points, counter sales
/// while the fair is open, and the closing count. The fair's managers may do all of it; the
/// stall's producer may bring goods, sell and read its stock. Movements accept `Idempotency-Key`.
struct FairStallsController: Sendable {
    let database: Database
    let clock: any WallClock
    let fairReadModel: FairReadModel
    private let stalls = FairStallStock()

    init(database: Database, clock: any WallClock, fairReadModel: FairReadModel) {
        self.database = database
        self.clock = clock
        self.fairReadModel = fairReadModel
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("fairs/:slug/stalls/:code/receipts", use: receipt)
        group.post("fairs/:slug/stalls/:code/sales", use: sale)
        group.post("fairs/:slug/stalls/:code/transfers/:id/receive", use: receiveTransfer)
        group.post("fairs/:slug/stalls/:code/close", use: close)
        group.get("fairs/:slug/stalls/:code/stock", use: levels)
    }

    @Sendable func receipt(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await movement(request, context, ReceiptRequest.self, producerMay: true) { body, fair, code, identity, now in
            let lines = try body.validated()
            return { sql in
                try await stalls.receive(
                    sql, fair: fair, code: code, lines: lines, reference: body.reference, actor: identity.actor, at: now)
            }
        }
    }

    @Sendable func sale(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await movement(request, context, SaleRequest.self, producerMay: true) { body, fair, code, identity, now in
            let (lines, payment) = try body.validated()
            return { sql in
                try await stalls.sell(
                    sql, fair: fair, code: code, lines: lines, payment: payment, actor: identity.actor, at: now)
            }
        }
    }

    @Sendable func receiveTransfer(_ request: Request, context: AppRequestContext) async throws -> Response {
        let text = try context.pathValue("id")
        guard let id = Int(text), id > 0 else { throw Problem.notFound("no transfer '\(text)'") }
        return try await movement(
            request, context, TransferReceiptRequest.self, producerMay: false, allowEmpty: true, status: .ok
        ) { body, fair, code, identity, now in
            let lines = try body.validated()
            return { sql in
                try await stalls.receiveTransfer(
                    sql, fair: fair, code: code, transfer: id, received: lines, actor: identity.actor, at: now)
            }
        }
    }

    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> Response {
        let response = try await movement(
            request, context, StallCloseRequest.self, producerMay: false, status: .ok
        ) { body, fair, code, identity, now in
            let lines = try body.validated()
            return { sql in
                try await stalls.close(sql, fair: fair, code: code, counted: lines, actor: identity.actor, at: now)
            }
        }
        try await fairReadModel.reload()
        return response
    }

    struct LevelsAnswer: Encodable {
        var fair: String
        var stall: String
        var status: String
        var batches: [StockLevel]
    }

    @Sendable func levels(_ request: Request, context: AppRequestContext) async throws -> Response {
        let fair = try context.pathValue("slug")
        let code = try context.pathValue("code")
        let (stall, batches) = try await FairStore(database: database).stallLevels(fair: fair, code: code)
        try authorise(context, stall, producerMay: true)
        return try ResponseJSON.response(LevelsAnswer(fair: fair, stall: code, status: stall.status, batches: batches))
    }

    /// The shape every stall movement shares: scope, body, validation before any transaction, then
    /// the idempotent write.
    private func movement<Body: Decodable>(
        _ request: Request, _ context: AppRequestContext, _ type: Body.Type, producerMay: Bool,
        allowEmpty: Bool = false, status: HTTPResponse.Status = .created,
        _ prepare: (Body, String, String, StaffIdentity, Moment) throws -> (any SQLDatabase) async throws -> any Encodable & Sendable
    ) async throws -> Response {
        let fair = try context.pathValue("slug")
        let code = try context.pathValue("code")
        let stall = try await database.read { sql in try await FairStallStock().stall(fair: fair, code: code, sql) }
        let identity = try authorise(context, stall, producerMay: producerMay)
        let (body, bytes) = try await RequestBody.decode(Body.self, from: request, allowEmpty: allowEmpty)
        let now = clock.now()
        let write = try prepare(body, fair, code, identity, now)
        return try await IdempotentWrite(database: database, clock: clock).run(
            request, identity: identity, body: bytes, status: status, write)
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
