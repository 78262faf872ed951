public import OCOPDomain
public import SQLKit

/// A claimed background job.
public struct Job: Sendable, Hashable {
    public var id: Int
    public var kind: String
    public var payload: String
    /// 1 on the first try.
    public var attempt: Int
    public var maxAttempts: Int
}

/// The outbox: jobs written with the change that calls for them, claimed by any node's worker.
///
/// A claim is a lease: the job is the worker's until `locked_until`. PostgreSQL claims with
/// `FOR UPDATE SKIP LOCKED`, so workers on several nodes never take the same job; a node that dies
/// mid-job loses its lease and another node takes the job over. Failures retry with exponential
/// backoff and jitter, and dead-letter after `maxAttempts`.
public struct JobQueue: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Adds a job inside the caller's transaction.
    public static func enqueue(
        kind: String, payload: String, maxAttempts: Int = 8, in sql: any SQLDatabase, at now: Moment
    ) async throws {
        let timestamp = ISOTimestamp.string(now)
        try await sql.raw(
            """
            INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_after, created_at)
            VALUES (\(bind: kind), \(bind: payload), 'pending', 0, \(bind: maxAttempts), \(bind: timestamp), \(bind: timestamp))
            """
        ).run()
    }

    /// Takes the oldest job that is due (or whose lease ran out) for `worker`, or nil if none.
    public func claim(worker: String, lease: Duration, at now: Moment) async throws -> Job? {
        let timestamp = ISOTimestamp.string(now)
        let until = ISOTimestamp.string(now.adding(seconds: lease.components.seconds))
        // Engine seam: only PostgreSQL has concurrent writers to skip past; SQLite serialises them.
        let locking: SQLQueryString = database.engine == .postgres ? "FOR UPDATE SKIP LOCKED" : ""
        return try await database.transaction { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT id FROM jobs
                    WHERE (status = 'pending' AND run_after <= \(bind: timestamp))
                       OR (status = 'running' AND locked_until < \(bind: timestamp))
                    ORDER BY id LIMIT 1 \(locking)
                    """
                ).first()
            else { return nil }
            let id = try row.decode(column: "id", as: Int.self)
            let claimed = try await sql.raw(
                """
                UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = \(bind: worker),
                    locked_until = \(bind: until)
                WHERE id = \(bind: id)
                RETURNING id, kind, payload, attempts, max_attempts
                """
            ).first()
            return try claimed.map { row in
                Job(
                    id: try row.decode(column: "id", as: Int.self), kind: try row.decode(column: "kind", as: String.self),
                    payload: try row.decode(column: "payload", as: String.self),
                    attempt: try row.decode(column: "attempts", as: Int.self),
                    maxAttempts: try row.decode(column: "max_attempts", as: Int.self))
            }
        }
    }

    /// Marks the job done, if `worker` still holds it.
    public func complete(_ job: Job, worker: String, at now: Moment) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE jobs SET status = 'done', finished_at = \(bind: ISOTimestamp.string(now)), locked_until = NULL
                WHERE id = \(bind: job.id) AND locked_by = \(bind: worker) AND status = 'running'
                """
            ).run()
        }
    }

    /// Records a failure: the job runs again after `retryAfter` (or a backoff), or is dead-lettered.
    public func fail(
        _ job: Job, worker: String, error: String, retryAfter: Duration?, permanent: Bool, at now: Moment
    ) async throws {
        let dead = permanent || job.attempt >= job.maxAttempts
        let delay = retryAfter.map { Int64($0.components.seconds) } ?? Self.backoffSeconds(attempt: job.attempt)
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE jobs SET status = \(bind: dead ? "dead" : "pending"), last_error = \(bind: String(error.prefix(1000))),
                    run_after = \(bind: ISOTimestamp.string(now.adding(seconds: delay))), locked_until = NULL,
                    finished_at = \(bind: dead ? ISOTimestamp.string(now) : nil)
                WHERE id = \(bind: job.id) AND locked_by = \(bind: worker) AND status = 'running'
                """
            ).run()
        }
    }

    /// 2, 4, 8 … seconds, at most an hour, with ±20% jitter so that retries do not march in step.
    static func backoffSeconds(attempt: Int) -> Int64 {
        let base = min(3600, 1 << min(attempt, 12))
        let jitter = Double.random(in: 0.8...1.2)
        return Int64((Double(base) * jitter).rounded())
    }

    /// Counts of jobs by status, for operations and tests.
    public func counts() async throws -> [String: Int] {
        try await database.read { sql in
            var result: [String: Int] = [:]
            for row in try await sql.raw("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status").all() {
                result[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            return result
        }
    }
}
