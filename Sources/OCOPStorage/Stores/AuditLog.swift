public import SQLKit

/// Appends who changed what, when, with the record before and after, inside the caller's transaction.
public enum AuditLog {
    /// One audit row; `before`/`after` are canonical JSON or nil for creation/removal.
    public static func append(
        _ sql: any SQLDatabase, actor: String, action: String, entity: String, entityID: String,
        before: String?, after: String?, at timestamp: String
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO audit_log (at, actor, action, entity, entity_id, before_json, after_json)
            VALUES (\(bind: timestamp), \(bind: actor), \(bind: action), \(bind: entity), \(bind: entityID),
                    \(bind: before), \(bind: after))
            """
        ).run()
    }
}

/// One audit row as read back: `before`/`after` are the canonical JSON written at the time.
public struct AuditEntry: Sendable, Hashable {
    public var id: Int
    public var at: String
    public var actor: String
    public var action: String
    public var entity: String
    public var entityID: String
    public var before: String?
    public var after: String?
}

/// What to read from the audit log; every filter is optional.
public struct AuditQuery: Sendable {
    public var actor: String?
    public var entity: String?
    public var entityID: String?
    /// Inclusive lower and exclusive upper bounds on `at` (ISO timestamps).
    public var from: String?
    public var to: String?
    /// Rows with ids below this one (the cursor of the previous page).
    public var beforeID: Int?
    public var limit: Int

    public init(
        actor: String? = nil, entity: String? = nil, entityID: String? = nil, from: String? = nil, to: String? = nil,
        beforeID: Int? = nil, limit: Int
    ) {
        self.actor = actor
        self.entity = entity
        self.entityID = entityID
        self.from = from
        self.to = to
        self.beforeID = beforeID
        self.limit = limit
    }
}

extension AuditLog {
    /// Rows matching the query, newest first.
    public static func read(_ query: AuditQuery, _ database: Database) async throws -> [AuditEntry] {
        try await database.read { sql in
            var conditions: [SQLQueryString] = []
            if let actor = query.actor { conditions.append("actor = \(bind: actor)") }
            if let entity = query.entity { conditions.append("entity = \(bind: entity)") }
            if let entityID = query.entityID { conditions.append("entity_id = \(bind: entityID)") }
            if let from = query.from { conditions.append("at >= \(bind: from)") }
            if let to = query.to { conditions.append("at < \(bind: to)") }
            if let beforeID = query.beforeID { conditions.append("id < \(bind: beforeID)") }
            let filter: SQLQueryString =
                conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try await sql.raw(
                """
                SELECT id, at, actor, action, entity, entity_id, before_json, after_json FROM audit_log
                \(filter) ORDER BY id DESC LIMIT \(literal: query.limit)
                """
            ).all().map { row in
                AuditEntry(
                    id: try row.decode(column: "id", as: Int.self), at: try row.decode(column: "at", as: String.self),
                    actor: try row.decode(column: "actor", as: String.self),
                    action: try row.decode(column: "action", as: String.self),
                    entity: try row.decode(column: "entity", as: String.self),
                    entityID: try row.decode(column: "entity_id", as: String.self),
                    before: try row.decode(column: "before_json", as: String?.self),
                    after: try row.decode(column: "after_json", as: String?.self))
            }
        }
    }
}
