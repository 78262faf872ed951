import Crypto
import Foundation
public import OCOPDomain
public import SQLKit

/// A client's `Idempotency-Key`, scoped to the caller, with a digest of the request it came with.
public struct IdempotencyRequest: Sendable {
    public let scope: String
    public let key: String
    public let requestHash: String

    public init(scope: String, key: String, request: [UInt8]) {
        self.scope = scope
        self.key = key
        requestHash = HexDigits.string(SHA256.hash(data: request))
    }

    /// Keys are 1–200 visible ASCII characters.
    public static func isValidKey(_ key: String) -> Bool {
        (1...200).contains(key.utf8.count) && key.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}

/// The answer a write gave, kept so that a retry gets exactly the same one.
public struct StoredAnswer: Sendable, Equatable {
    public let status: Int
    public let body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

extension Database {
    /// Runs `body` in one transaction and remembers its answer under the key, in that transaction.
    /// A retry with the same key and request gets the stored answer and changes nothing; the same
    /// key with a different request is refused (422). Failed writes are not remembered.
    public func idempotentTransaction(
        _ idempotency: IdempotencyRequest?, at now: Moment, _ body: (any SQLDatabase) async throws -> StoredAnswer
    ) async throws -> (answer: StoredAnswer, replayed: Bool) {
        try await transaction { sql in
            if let idempotency {
                // Claim the key first. On PostgreSQL a concurrent request with the same key waits here
                // until this transaction ends, then finds the finished answer (or, after a rollback,
                // claims the key itself); on SQLite transactions are serialised anyway.
                let claimed = try await sql.raw(
                    """
                    INSERT INTO idempotency_keys (scope, key, request_hash, status, body, created_at)
                    VALUES (\(bind: idempotency.scope), \(bind: idempotency.key), \(bind: idempotency.requestHash), 0, '',
                        \(bind: ISOTimestamp.string(now)))
                    ON CONFLICT (scope, key) DO NOTHING
                    RETURNING key
                    """
                ).first() != nil
                if !claimed {
                    return (try await storedAnswer(idempotency, sql), true)
                }
            }
            let answer = try await body(sql)
            if let idempotency {
                try await sql.raw(
                    """
                    UPDATE idempotency_keys SET status = \(bind: answer.status),
                        body = \(bind: String(decoding: answer.body, as: UTF8.self))
                    WHERE scope = \(bind: idempotency.scope) AND key = \(bind: idempotency.key)
                    """
                ).run()
            }
            return (answer, false)
        }
    }

    private func storedAnswer(_ idempotency: IdempotencyRequest, _ sql: any SQLDatabase) async throws -> StoredAnswer {
        let row = try await sql.raw(
            """
            SELECT request_hash, status, body FROM idempotency_keys
            WHERE scope = \(bind: idempotency.scope) AND key = \(bind: idempotency.key)
            """
        ).first()
        guard let row, try row.decode(column: "request_hash", as: String.self) == idempotency.requestHash else {
            throw DomainError.invalid(field: "Idempotency-Key", "already used for a different request; use a new key")
        }
        return StoredAnswer(
            status: try row.decode(column: "status", as: Int.self),
            body: Array(try row.decode(column: "body", as: String.self).utf8))
    }
}
