public import OCOPDomain
import SQLKit

/// Which producers may sell a point's stock on their own channels. A producer may sell from a point
/// that granted it (the goods it consigns there) and from the stall points of fairs it was allocated.
public struct PointSellerStore: Sendable {
    private let database: Database

    public init(database: Database) { self.database = database }

    /// Allows `producer` to sell from `point`; granting twice changes nothing. Answers the point's sellers.
    public func granting(point: String, producer: String, actor: String, at now: Moment) -> StoreOperation<[String]> {
        StoreOperation { sql in
            try await Self.requireBoth(point: point, producer: producer, sql)
            let timestamp = ISOTimestamp.string(now)
            let inserted = try await sql.raw(
                """
                INSERT INTO point_sellers (point_slug, producer_slug, granted_at, granted_by)
                VALUES (\(bind: point), \(bind: producer), \(bind: timestamp), \(bind: actor))
                ON CONFLICT (point_slug, producer_slug) DO NOTHING RETURNING point_slug
                """
            ).first()
            if inserted != nil {
                try await AuditLog.append(
                    sql, actor: actor, action: "grant", entity: "point_seller", entityID: "\(point)/\(producer)",
                    before: nil, after: nil, at: timestamp)
            }
            return try await Self.producers(at: point, sql)
        }
    }

    /// Withdraws the grant; accounts and sessions already bound keep their point but no new one is
    /// made. Answers the point's sellers after it.
    public func revoking(point: String, producer: String, actor: String, at now: Moment) -> StoreOperation<[String]> {
        StoreOperation { sql in
            let removed = try await sql.raw(
                """
                DELETE FROM point_sellers WHERE point_slug = \(bind: point) AND producer_slug = \(bind: producer)
                RETURNING point_slug
                """
            ).first()
            guard removed != nil else { throw DomainError(.notFound, "'\(producer)' does not sell from '\(point)'") }
            try await AuditLog.append(
                sql, actor: actor, action: "revoke", entity: "point_seller", entityID: "\(point)/\(producer)",
                before: nil, after: nil, at: ISOTimestamp.string(now))
            return try await Self.producers(at: point, sql)
        }
    }

    /// The producers allowed at a point, by slug.
    public func producers(at point: String) async throws -> [String] {
        try await database.read { sql in try await Self.producers(at: point, sql) }
    }

    private static func producers(at point: String, _ sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw(
            "SELECT producer_slug FROM point_sellers WHERE point_slug = \(bind: point) ORDER BY producer_slug"
        ).all().map { try $0.decode(column: "producer_slug", as: String.self) }
    }

    /// Whether any of `producers` may sell from `point`: granted there, or allocated the open stall
    /// whose stock that point holds.
    public func maySell(_ producers: Set<String>, from point: String) async throws -> Bool {
        guard !producers.isEmpty else { return false }
        return try await database.read { sql in
            let list = SQLList(producers.sorted().map { SQLBind($0) })
            let granted = try await sql.raw(
                "SELECT 1 AS found FROM point_sellers WHERE point_slug = \(bind: point) AND producer_slug IN (\(list))"
            ).first()
            if granted != nil { return true }
            let stall = try await sql.raw(
                """
                SELECT 1 AS found FROM fair_stalls s JOIN fairs f ON f.slug = s.fair_slug
                WHERE s.point_slug = \(bind: point) AND s.closed_at IS NULL AND f.closed_at IS NULL
                    AND s.producer_slug IN (\(list))
                """
            ).first()
            return stall != nil
        }
    }

    private static func requireBoth(point: String, producer: String, _ sql: any SQLDatabase) async throws {
        var issues: [DomainError.FieldIssue] = []
        if try await sql.raw("SELECT slug FROM points WHERE slug = \(bind: point) AND location_type <> 'fair_stall'")
            .first() == nil
        {
            throw DomainError(.notFound, "no point '\(point)'")
        }
        if try await sql.raw("SELECT slug FROM producers WHERE slug = \(bind: producer)").first() == nil {
            issues.append(.init(field: "producer", reason: "no producer '\(producer)'"))
        }
        if !issues.isEmpty { throw DomainError(.invalid, "unknown producer", issues: issues) }
    }
}
