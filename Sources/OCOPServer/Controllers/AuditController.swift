import Hummingbird
import OCOPDomain
import OCOPStorage

/// `GET /v1/audit` (admin): who changed what, with the record before and after, newest first.
/// Filters: `actor` ("user:lan"), `entity` ("point", "certificate", …), `entity_id`, `from`/`to`
/// (ISO timestamps, `to` exclusive), `limit`, `cursor`.
struct AuditController: Sendable {
    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("audit", use: list)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let parameters = try QueryParameters(request, known: ["actor", "entity", "entity_id", "from", "to", "limit", "cursor"])
        var query = AuditQuery(
            actor: parameters["actor"], entity: parameters["entity"], entityID: parameters["entity_id"],
            limit: try parameters.limit(.records))
        for name in ["from", "to"] {
            guard let text = parameters[name] else { continue }
            guard let moment = ISOTimestamp.moment(text) else {
                throw Problem.badParameter(name, "an ISO 8601 time with its zone, e.g. 2026-11-01T00:00:00+07:00")
            }
            if name == "from" { query.from = ISOTimestamp.string(moment) } else { query.to = ISOTimestamp.string(moment) }
        }
        query.beforeID = try parameters.idCursor(of: "audit")
        let entries = try await AuditLog.read(query, database)
        var json = JSONWriter(capacity: 4096)
        json.beginObject()
        json.key("items")
        json.beginArray()
        for entry in entries {
            json.beginObject()
            json.key("id")
            json.int(entry.id)
            json.key("at")
            json.string(entry.at)
            json.key("actor")
            json.string(entry.actor)
            json.key("action")
            json.string(entry.action)
            json.key("entity")
            json.string(entry.entity)
            json.key("entity_id")
            json.string(entry.entityID)
            // Stored as canonical JSON: passed through as JSON values.
            json.key("before")
            if let before = entry.before { json.raw(Array(before.utf8)) } else { json.null() }
            json.key("after")
            if let after = entry.after { json.raw(Array(after.utf8)) } else { json.null() }
            json.endObject()
        }
        json.endArray()
        json.key("next_cursor")
        json.string(entries.count == query.limit ? entries.last.map { PageCursor(id: $0.id, of: "audit").encoded } : nil)
        json.endObject()
        return ResponseJSON.response(json.bytes)
    }
}
