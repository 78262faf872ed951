import HTTPTypes
import Hummingbird
import OCOPDomain
import OCOPStorage
import SQLKit

/// Runs a write that accepts `Idempotency-Key`: the change and the remembered answer commit in
/// one transaction; a retry with the key gets the first answer (and `Idempotent-Replayed: true`).
struct IdempotentWrite: Sendable {
    let database: Database
    let clock: any WallClock

    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!

    func run(
        _ request: Request, identity: StaffIdentity, body: [UInt8], status: HTTPResponse.Status = .created,
        _ write: (any SQLDatabase) async throws -> any Encodable & Sendable
    ) async throws -> Response {
        var idempotency: IdempotencyRequest?
        if let key = request.headers[Self.header] {
            guard IdempotencyRequest.isValidKey(key) else {
                throw Problem.badParameter("Idempotency-Key", "1–200 visible ASCII characters")
            }
            let digestInput = Array("\(request.method.rawValue) \(request.uri.path)\n".utf8) + body
            idempotency = IdempotencyRequest(scope: identity.actor, key: key, request: digestInput)
        }
        let (answer, replayed) = try await database.idempotentTransaction(idempotency, at: clock.now()) { sql in
            let result = try await write(sql)
            return StoredAnswer(status: Int(status.code), body: try ResponseJSON.encode(result))
        }
        return ResponseJSON.response(
            answer.body, status: HTTPResponse.Status(code: answer.status),
            headers: replayed ? [Self.replayedHeader: "true"] : [:])
    }
}
