public import OCOPDomain
public import SQLKit

/// One change a store makes, in one transaction, with the typed answer it gives: what every write
/// route hands to `Database.perform` once it has checked the caller's scope and validated the
/// body. The routes (JSON now, the console's forms next) never hold a database handle; the stores
/// build these with their rules inside.
public struct StoreOperation<Answer: Sendable>: Sendable {
    let body: @Sendable (any SQLDatabase) async throws -> Answer

    /// For stores: `body` runs inside the transaction `perform` opens.
    init(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Answer) { self.body = body }

    /// The same operation answering `transform(answer)`, applied inside the transaction (so a
    /// remembered answer is the transformed one).
    public func map<T: Sendable>(_ transform: @escaping @Sendable (Answer) throws -> T) -> StoreOperation<T> {
        StoreOperation<T> { [body] sql in try transform(try await body(sql)) }
    }
}

/// A committed write as the client gets it: the status, the encoded answer, and whether it is the
/// stored answer of an earlier request with the same `Idempotency-Key`.
public struct PerformedWrite: Sendable {
    public let status: Int
    public let body: [UInt8]
    public let replayed: Bool
}

extension Database {
    /// Runs a store operation in one transaction and returns its answer, encoded by `encode`.
    ///
    /// Without an idempotency key the answer is encoded after the commit. With one, it is encoded
    /// inside the transaction and stored with the change, so that a retry never finds the change
    /// committed without its answer; a retry gets that stored answer and changes nothing.
    public func perform<Answer: Sendable>(
        _ operation: StoreOperation<Answer>, idempotency: IdempotencyRequest?, at now: Moment, status: Int,
        encode: @Sendable (Answer) throws -> [UInt8]
    ) async throws -> PerformedWrite {
        guard let idempotency else {
            let answer = try await transaction(operation.body)
            return PerformedWrite(status: status, body: try encode(answer), replayed: false)
        }
        let (stored, replayed) = try await idempotentTransaction(idempotency, at: now) { sql in
            StoredAnswer(status: status, body: try encode(try await operation.body(sql)))
        }
        return PerformedWrite(status: stored.status, body: stored.body, replayed: replayed)
    }

    /// Runs a store operation in one transaction, for callers that need the typed answer itself
    /// (jobs, the command line, tests).
    public func perform<Answer: Sendable>(_ operation: StoreOperation<Answer>) async throws -> Answer {
        try await transaction(operation.body)
    }
}
