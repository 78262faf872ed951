import Foundation
public import OCOPDomain
import SQLKit

/// The schedule and watermark of each account's order pull (MARKETPLACE-ORDERS.md §0.1: pushes
/// are hints, the pull is the truth). A pull is a `marketplace_pull` job, so any node's worker runs
/// it under the queue's lease; `enqueueDue` moves `due_at` forward in the same statement that
/// picks an account, so two nodes never schedule one account's pull twice.
public struct MarketplaceOrderPulls: Sendable {
    public static let jobKind = "marketplace_pull"
    /// The default pull interval: five minutes.
    public static let defaultInterval: Int64 = 300
    /// Each pull starts this far before the watermark, for changes the platform recorded late.
    public static let overlapSeconds: Int64 = 600

    /// The job's payload.
    public struct Request: Codable, Sendable {
        public var account: Int
    }

    let database: Database

    public init(database: Database) { self.database = database }

    /// Queues a pull for every account of these marketplaces whose pull is due; returns their ids.
    /// An account seen for the first time starts from its creation.
    @discardableResult
    public func enqueueDue(marketplaces: [String], at now: Moment) async throws -> [Int] {
        guard !marketplaces.isEmpty else { return [] }
        let timestamp = ISOTimestamp.string(now)
        return try await database.transaction { sql in
            let fresh = try await sql.raw(
                """
                SELECT a.id FROM marketplace_accounts a
                LEFT JOIN marketplace_order_pulls p ON p.account_id = a.id
                WHERE p.account_id IS NULL AND a.marketplace IN (\(SQLList(marketplaces.map { SQLBind($0) })))
                """
            ).all()
            for row in fresh { try await ensureRow(try row.decode(column: "id", as: Int.self), dueAt: now, at: now, sql) }
            // The UPDATE claims: on PostgreSQL a second node's waits for the row and then sees it not due.
            let due = try await sql.raw(
                """
                UPDATE marketplace_order_pulls SET due_at = \(bind: timestamp)
                WHERE due_at <= \(bind: timestamp) AND account_id IN (
                    SELECT id FROM marketplace_accounts WHERE marketplace IN (\(SQLList(marketplaces.map { SQLBind($0) }))))
                RETURNING account_id, interval_seconds
                """
            ).all()
            var queued: [Int] = []
            for row in due {
                let account = try row.decode(column: "account_id", as: Int.self)
                let interval = try row.decode(column: "interval_seconds", as: Int64.self)
                try await sql.raw(
                    """
                    UPDATE marketplace_order_pulls SET due_at = \(bind: ISOTimestamp.string(now.adding(seconds: interval)))
                    WHERE account_id = \(bind: account)
                    """
                ).run()
                try await enqueue(account, sql, at: now)
                queued.append(account)
            }
            return queued
        }
    }

    /// Queues a pull of one account now (`POST /v1/marketplace-accounts/{id}/pull`); false when
    /// one is already waiting, so repeated asking queues nothing more.
    public func requestingNow(account: Int, at now: Moment) -> StoreOperation<Bool> {
        StoreOperation { sql in
            try await ensureRow(account, dueAt: now.adding(seconds: Self.defaultInterval), at: now, sql)
            let waiting = try await sql.raw(
                """
                SELECT id FROM jobs WHERE kind = \(bind: Self.jobKind) AND status = 'pending'
                    AND payload = \(bind: try Self.payload(account))
                """
            ).first()
            guard waiting == nil else { return false }
            try await enqueue(account, sql, at: now)
            return true
        }
    }

    /// An account's pull schedule, as the seller reads it.
    public struct Schedule: Sendable, Encodable {
        public var account: Int
        public var intervalSeconds: Int64
        public var dueAt: String
        /// Orders changed up to here (Unix seconds) have been pulled.
        public var watermark: Int64
        public var pulledAt: String?
        public var ordersSeen: Int
        public var lastError: String?
    }

    /// Pulls are at least a minute apart (the platforms throttle order lists) and at most a day.
    public static let intervals: ClosedRange<Int64> = 60...86_400

    public func schedule(account: Int, at now: Moment) async throws -> Schedule {
        try await database.transaction { sql in
            try await ensureRow(account, dueAt: now, at: now, sql)
            return try await Self.schedule(account, sql)
        }
    }

    /// Sets the account's interval; the next scheduled pull is one interval from now.
    public func settingInterval(account: Int, seconds: Int64, at now: Moment) throws -> StoreOperation<Schedule> {
        guard Self.intervals.contains(seconds) else {
            throw DomainError.invalid(field: "interval_seconds", "from \(Self.intervals.lowerBound) to \(Self.intervals.upperBound) seconds")
        }
        return StoreOperation { sql in
            try await ensureRow(account, dueAt: now, at: now, sql)
            try await sql.raw(
                """
                UPDATE marketplace_order_pulls SET interval_seconds = \(bind: seconds),
                    due_at = \(bind: ISOTimestamp.string(now.adding(seconds: seconds)))
                WHERE account_id = \(bind: account)
                """
            ).run()
            return try await Self.schedule(account, sql)
        }
    }

    private static func schedule(_ account: Int, _ sql: any SQLDatabase) async throws -> Schedule {
        guard let row = try await sql.raw("SELECT * FROM marketplace_order_pulls WHERE account_id = \(bind: account)").first()
        else { throw DomainError(.notFound, "no marketplace account \(account)") }
        return Schedule(
            account: account, intervalSeconds: try row.decode(column: "interval_seconds", as: Int64.self),
            dueAt: try row.decode(column: "due_at", as: String.self), watermark: try row.decode(column: "watermark", as: Int64.self),
            pulledAt: try row.decode(column: "pulled_at", as: String?.self),
            ordersSeen: try row.decode(column: "orders_seen", as: Int.self),
            lastError: try row.decode(column: "last_error", as: String?.self))
    }

    /// Where the next pull starts (the watermark less the overlap), Unix seconds.
    public func start(account: Int, at now: Moment) async throws -> Int64 {
        try await database.transaction { sql in
            try await ensureRow(account, dueAt: now.adding(seconds: Self.defaultInterval), at: now, sql)
            let watermark =
                try await sql.raw("SELECT watermark FROM marketplace_order_pulls WHERE account_id = \(bind: account)")
                .first()?.decode(column: "watermark", as: Int64.self) ?? now.unixMilliseconds / 1000
            return max(0, watermark - Self.overlapSeconds)
        }
    }

    /// A pull through `through` (Unix seconds) is done: the watermark never moves back.
    public func finish(account: Int, through: Int64, seen: Int, at now: Moment) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE marketplace_order_pulls SET watermark = CASE WHEN watermark > \(bind: through) THEN watermark
                    ELSE \(bind: through) END, pulled_at = \(bind: ISOTimestamp.string(now)),
                    orders_seen = orders_seen + \(bind: seen), last_error = NULL
                WHERE account_id = \(bind: account)
                """
            ).run()
        }
    }

    /// The ack id of the account's last queue batch whose orders were applied, if any.
    public func queueAck(account: Int) async throws -> String? {
        try await database.read { sql in
            try await sql.raw("SELECT queue_ack FROM marketplace_order_pulls WHERE account_id = \(bind: account)")
                .first()?.decode(column: "queue_ack", as: String?.self) ?? nil
        }
    }

    /// The orders of the queue batch `ack` answered are applied: the next pull sends it.
    public func setQueueAck(account: Int, _ ack: String?) async throws {
        try await database.transaction { sql in
            try await sql.raw("UPDATE marketplace_order_pulls SET queue_ack = \(bind: ack) WHERE account_id = \(bind: account)").run()
        }
    }

    public func failed(account: Int, error: String, at now: Moment) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                """
                UPDATE marketplace_order_pulls SET last_error = \(bind: String(error.prefix(500)))
                WHERE account_id = \(bind: account)
                """
            ).run()
        }
    }

    /// The account's row, created on first use: its first pull starts from the account's creation.
    private func ensureRow(_ account: Int, dueAt: Moment, at now: Moment, _ sql: any SQLDatabase) async throws {
        guard
            let row = try await sql.raw("SELECT created_at FROM marketplace_accounts WHERE id = \(bind: account)").first()
        else { throw DomainError(.notFound, "no marketplace account \(account)") }
        let created = ISOTimestamp.moment(try row.decode(column: "created_at", as: String.self)) ?? now
        try await sql.raw(
            """
            INSERT INTO marketplace_order_pulls (account_id, watermark, interval_seconds, due_at, orders_seen)
            VALUES (\(bind: account), \(bind: created.unixMilliseconds / 1000), \(bind: Self.defaultInterval),
                \(bind: ISOTimestamp.string(dueAt)), 0)
            ON CONFLICT (account_id) DO NOTHING
            """
        ).run()
    }

    private func enqueue(_ account: Int, _ sql: any SQLDatabase, at now: Moment) async throws {
        try await JobQueue.enqueue(kind: Self.jobKind, payload: try Self.payload(account), in: sql, at: now)
    }

    static func payload(_ account: Int) throws -> String {
        String(decoding: try JSONEncoder().encode(Request(account: account)), as: UTF8.self)
    }
}
