import Foundation
public import OCOPDomain
import SQLKit

/// A job as the office's queue page shows it: what it is, where it stands and why it failed.
public struct JobRecord: Sendable, Hashable, Codable {
    public var id: Int
    public var kind: String
    public var status: String
    public var attempts: Int
    public var maxAttempts: Int
    public var runAfter: String
    public var lastError: String?
    public var createdAt: String
    public var finishedAt: String?
    /// The webhook subscription a delivery is for (read from its payload), when it is one.
    public var subscription: Int?
    /// The event a delivery carries, when it is one.
    public var event: String?
}

/// The queue's dead letters and what waits, and the office's retry of a dead job.
extension JobQueue {
    /// The statuses a job can have; `done` jobs are counted but not listed.
    public static let statuses = ["pending", "running", "dead", "done"]

    /// Jobs in `status`, newest first, at most `limit`.
    public func jobs(status: String, limit: Int) async throws -> [JobRecord] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT id, kind, payload, status, attempts, max_attempts, run_after, last_error, created_at, finished_at
                FROM jobs WHERE status = \(bind: status) ORDER BY id DESC LIMIT \(bind: limit)
                """
            ).all().map(Self.record(from:))
        }
    }

    /// Puts a dead job back in the queue with a fresh count of attempts, due now. Only a dead job can
    /// be retried: one that is pending or running already will run, and a second retry of the same
    /// dead job (a form sent twice) finds it pending and changes nothing. Audited.
    @discardableResult
    public func retry(id: Int, actor: String, at now: Moment) async throws -> JobRecord {
        try await database.perform(retrying(id: id, actor: actor, at: now))
    }

    /// `retry` as one operation of the write pipeline.
    public func retrying(id: Int, actor: String, at now: Moment) -> StoreOperation<JobRecord> {
        let timestamp = ISOTimestamp.string(now)
        return StoreOperation { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT id, kind, payload, status, attempts, max_attempts, run_after, last_error, created_at, finished_at
                    FROM jobs WHERE id = \(bind: id)
                    """
                ).first()
            else { throw DomainError(.notFound, "no job \(id)") }
            let before = try Self.record(from: row)
            guard before.status == "dead" else {
                if before.status == "pending" || before.status == "running" { return before }
                throw DomainError(.conflict, "job \(id) is \(before.status); only a dead job can be retried")
            }
            try await sql.raw(
                """
                UPDATE jobs SET status = 'pending', attempts = 0, run_after = \(bind: timestamp), locked_by = NULL,
                    locked_until = NULL, finished_at = NULL
                WHERE id = \(bind: id) AND status = 'dead'
                """
            ).run()
            var after = before
            after.status = "pending"
            after.attempts = 0
            after.runAfter = timestamp
            after.finishedAt = nil
            try await AuditLog.append(
                sql, actor: actor, action: "retry", entity: "job", entityID: String(id),
                before: try CanonicalJSON.encode(["status": before.status, "attempts": String(before.attempts)]),
                after: try CanonicalJSON.encode(["status": after.status, "attempts": "0"]), at: timestamp)
            return after
        }
    }

    private struct PayloadHead: Decodable {
        var subscription: Int?
        var event: String?
    }

    private static func record(from row: any SQLRow) throws -> JobRecord {
        let payload = try row.decode(column: "payload", as: String.self)
        // Only the head of the payload is read: which subscription and event. A payload that is not
        // JSON (no job kind writes one) shows neither.
        let head = try? JSONDecoder().decode(PayloadHead.self, from: Data(payload.utf8))
        return JobRecord(
            id: try row.decode(column: "id", as: Int.self), kind: try row.decode(column: "kind", as: String.self),
            status: try row.decode(column: "status", as: String.self),
            attempts: try row.decode(column: "attempts", as: Int.self),
            maxAttempts: try row.decode(column: "max_attempts", as: Int.self),
            runAfter: try row.decode(column: "run_after", as: String.self),
            lastError: try row.decode(column: "last_error", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: String.self),
            finishedAt: try row.decode(column: "finished_at", as: String?.self),
            subscription: head?.subscription, event: head?.event)
    }
}
