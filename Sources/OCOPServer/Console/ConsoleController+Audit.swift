import Foundation
import Hummingbird
import OCOPDomain
import OCOPStorage

/// The audit log as a page (admins): who changed what and when, with the record before and after,
/// newest first, filtered by actor, kind of record, record id and days (Vietnam time), 50 a page.
/// The same rows as `GET /v1/audit`.
extension ConsoleController {
    static let auditPageSize = 50

    func addAuditRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("office/audit", use: auditPage)
    }

    @Sendable func auditPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asOffice(request, context) {
            let page = page(request, context)
            let language = page.language
            let filters = AuditPageQuery(request)
            var values = page.context(title: ConsoleWords.word("audit_log", language), path: "/console/office/audit")
            values["heading"] = ConsoleWords.word("audit_log", language)
            values["office_href"] = page.link("/console/office")
            values["nav"] = page.officeNav(current: "/audit")
            values["nav_label"] = ConsoleWords.word("office", language)
            values["action"] = page.link("/console/office/audit")
            values["actor"] = filters.query.actor ?? ""
            values["entity"] = filters.query.entity ?? ""
            values["entity_id"] = filters.query.entityID ?? ""
            values["from"] = filters.fromDay?.description ?? ""
            values["to"] = filters.toDay?.description ?? ""
            if let problem = filters.problem {
                values["error"] = problem
                return html(request, .badRequest, templates.render("console-audit", values))
            }
            let entries = try await AuditLog.read(filters.query, database)
            values["rows"] = entries.map { entry -> [String: Any] in
                var row: [String: Any] = [
                    "at": ShowroomFormat.localTime(entry.at, language), "actor": entry.actor, "action": entry.action,
                    "entity": entry.entity, "entity_id": entry.entityID,
                ]
                if let before = entry.before { row["before"] = Self.readable(before) }
                if let after = entry.after { row["after"] = Self.readable(after) }
                return row
            }
            values["has_rows"] = !entries.isEmpty
            if entries.count == filters.query.limit, let last = entries.last {
                values["older_href"] = page.link("/console/office/audit" + filters.queryString(before: last.id))
            }
            return html(request, .ok, templates.render("console-audit", values))
        }
    }

    /// A stored canonical JSON document, indented for reading.
    private static func readable(_ json: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed]),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed])
        else { return json }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The audit page's filters from its query string; a value that does not parse becomes
/// `problem`, shown on the page, never a filter silently dropped.
struct AuditPageQuery {
    var query = AuditQuery(limit: ConsoleController.auditPageSize)
    var fromDay: CalendarDate?
    var toDay: CalendarDate?
    var problem: String?

    init(_ request: Request) {
        let items = ShowroomBase.queryItems(request)
        func text(_ name: String) -> String? {
            guard let value = items.first(where: { $0.0 == name })?.1.trimmingWhitespace, !value.isEmpty else { return nil }
            return value
        }
        for (name, keyPath) in [("actor", \AuditQuery.actor), ("entity", \.entity), ("entity_id", \.entityID)] {
            guard let value = text(name) else { continue }
            if value.utf8.count <= 200 { query[keyPath: keyPath] = value } else { problem = "\(name): at most 200 bytes" }
        }
        (fromDay, toDay) = JournalQuery.days(text, problem: &problem)
        query.from = fromDay.map { ISOTimestamp.string($0.startInVietnam) }
        query.to = toDay.map { ISOTimestamp.string(JournalQuery.end(of: $0)) }
        if let value = text("before") {
            if let id = Int(value), id > 0 { query.beforeID = id } else { problem = "before: an audit row number" }
        }
    }

    /// The filters as a query string for the next page's link.
    func queryString(before id: Int) -> String {
        var parts: [String] = []
        for (name, value) in [("actor", query.actor), ("entity", query.entity), ("entity_id", query.entityID)] {
            if let value { parts.append(name + "=" + (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
        }
        if let fromDay { parts.append("from=\(fromDay)") }
        if let toDay { parts.append("to=\(toDay)") }
        parts.append("before=\(id)")
        return "?" + parts.joined(separator: "&")
    }
}
