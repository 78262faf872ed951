import HTTPTypes
import Hummingbird
import OCOPDomain
import OCOPStorage

/// The one shape of every write route: the caller's scope, the body decoded, the domain's checks,
/// a store operation run in one transaction (remembered under `Idempotency-Key` when the client
/// sends one), and the typed answer encoded once. Read models follow the commit by themselves
/// (`ReadModelFollower`); nothing here refreshes anything. The console's forms call the same store
/// operations through `perform`.
struct WritePipeline: Sendable {
    let database: Database
    let clock: any WallClock

    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!

    /// Scope (`authorise`, before the body is read), body, checks and operation (`prepare`, which
    /// may check more scope against what the body names), then the transaction.
    func run<Body: Decodable, Answer: Encodable & Sendable>(
        _ request: Request, _ type: Body.Type, allowEmpty: Bool = false, status: HTTPResponse.Status = .created,
        authorise: () async throws -> StaffIdentity,
        _ prepare: (Body, StaffIdentity, Moment) async throws -> StoreOperation<Answer>
    ) async throws -> Response {
        try await run(
            request, type, allowEmpty: allowEmpty, status: status, encode: { try ResponseJSON.encode($0) },
            authorise: authorise, prepare)
    }

    /// The same, for an answer written by its own encoder (a document the read side writes too,
    /// such as a point's `PointJSON`).
    func run<Body: Decodable, Answer: Sendable>(
        _ request: Request, _ type: Body.Type, allowEmpty: Bool = false, status: HTTPResponse.Status = .created,
        encode: @escaping @Sendable (Answer) throws -> [UInt8], authorise: () async throws -> StaffIdentity,
        _ prepare: (Body, StaffIdentity, Moment) async throws -> StoreOperation<Answer>
    ) async throws -> Response {
        let identity = try await authorise()
        let (body, bytes) = try await RequestBody.decode(Body.self, from: request, allowEmpty: allowEmpty)
        let operation = try await prepare(body, identity, clock.now())
        return try await perform(request, identity: identity, body: bytes, status: status, encode: encode, operation)
    }

    /// Runs a prepared operation for a request whose body (if any) was already read.
    func perform<Answer: Encodable & Sendable>(
        _ request: Request, identity: StaffIdentity, body: [UInt8], status: HTTPResponse.Status = .created,
        _ operation: StoreOperation<Answer>
    ) async throws -> Response {
        try await perform(
            request, identity: identity, body: body, status: status, encode: { try ResponseJSON.encode($0) }, operation)
    }

    func perform<Answer: Sendable>(
        _ request: Request, identity: StaffIdentity, body: [UInt8], status: HTTPResponse.Status = .created,
        encode: @escaping @Sendable (Answer) throws -> [UInt8], _ operation: StoreOperation<Answer>
    ) async throws -> Response {
        let write = try await database.perform(
            operation, idempotency: try idempotency(request, identity: identity, body: body), at: clock.now(),
            status: Int(status.code), encode: encode)
        let headers: HTTPFields = write.replayed ? [Self.replayedHeader: "true"] : [:]
        // A `204` (a deletion) has no body, so no content type either.
        if write.status == 204 { return Response(status: .noContent, headers: headers) }
        return ResponseJSON.response(write.body, status: HTTPResponse.Status(code: write.status), headers: headers)
    }

    /// The client's `Idempotency-Key`, scoped to the caller, with a digest of what it was sent with.
    private func idempotency(_ request: Request, identity: StaffIdentity, body: [UInt8]) throws -> IdempotencyRequest? {
        guard let key = request.headers[Self.header] else { return nil }
        guard IdempotencyRequest.isValidKey(key) else {
            throw Problem.badParameter("Idempotency-Key", "1–200 visible ASCII characters")
        }
        let digestInput = Array("\(request.method.rawValue) \(request.uri.path)\n".utf8) + body
        return IdempotencyRequest(scope: identity.actor, key: key, request: digestInput)
    }
}
