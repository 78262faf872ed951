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
