import Hummingbird
import OCOPDomain
import OCOPStorage

/// The office's post-inspections (admins): the list with each one's follow-up, a form for a new
/// inspection, and the decision on a proposal to revoke, which revokes the certificate exactly as
/// the certificate desk does. The same `InspectionStore` operations as `/v1/inspections`.
extension ConsoleController {
    func addInspectionRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("office/inspections", use: officeInspections)
        group.post("office/inspections", use: officeRecordInspection)
        group.post("office/inspections/:id/revocation", use: officeDecideRevocation)
        group.post("office/inspections/:id/close", use: officeCloseInspection)
    }

    var inspections: InspectionStore { InspectionStore(database: database) }

    @Sendable func officeInspections(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asOffice(request, context) { try await renderInspections(request, context, status: .ok) }
    }

    @Sendable func officeRecordInspection(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await inspectionForm(request, context) { form, identity in
            // An area is reported when it was ticked as fine or given a finding.
            let findings = InspectionArea.allCases.compactMap { area -> InspectionRequest.Finding? in
                let note = form["note_\(area.rawValue)"]?.trimmingWhitespace ?? ""
                let ok = form["ok_\(area.rawValue)"] != nil
                return note.isEmpty && !ok ? nil : InspectionRequest.Finding(area: area.rawValue, ok: ok && note.isEmpty, note: note)
            }
            let body = InspectionRequest(
                product: form["product"]?.trimmingWhitespace ?? "", inspectedOn: form["inspected_on"] ?? "",
                team: form["team"] ?? "", findings: findings, outcome: form["outcome"] ?? "",
                actions: form["actions"], deadline: form["deadline"].flatMap { $0.isEmpty ? nil : $0 })
            return inspections.record(try body.validated(), actor: identity.actor, at: clock.now())
        }
    }

    @Sendable func officeDecideRevocation(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await inspectionForm(request, context) { form, identity in
            guard let id = Int(try context.pathValue("id")) else { throw DomainError(.notFound, "no such inspection") }
            var checks = FieldChecks()
            checks.text(form["decision_number"] ?? "", "decision_number", max: 100)
            try checks.throwIfAny()
            return inspections.decideRevocation(
                id, revoke: form["revoke"] == "1", decisionNumber: (form["decision_number"] ?? "").trimmingWhitespace,
                on: clock.todayInVietnam(), actor: identity.actor, at: clock.now())
        }
    }

    @Sendable func officeCloseInspection(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await inspectionForm(request, context) { _, identity in
            guard let id = Int(try context.pathValue("id")) else { throw DomainError(.notFound, "no such inspection") }
            return inspections.closeCorrections(id, actor: identity.actor, at: clock.now())
        }
    }

    private func inspectionForm(
        _ request: Request, _ context: AppRequestContext,
        _ make: (FormBody, StaffIdentity) async throws -> StoreOperation<InspectionRecord>
    ) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await asOffice(request, context) {
            do {
                let operation = try await make(form, identity)
                _ = try await perform(operation, form: form, key: Self.key(in: form), request: request, identity: identity)
                return ConsolePage.redirect(page(request, context).link("/console/office/inspections?saved=1"))
            } catch let error as DomainError {
                return try await renderInspections(request, context, status: Problem(error).status, error: error.explanation)
            }
        } }
    }

    private func renderInspections(
        _ request: Request, _ context: AppRequestContext, status: HTTPResponse.Status, error: String? = nil
    ) async throws -> Response {
        let page = page(request, context)
        let language = page.language
        let word = { (key: String) in ConsoleWords.word(key, language) }
        var values = page.officeContext(title: word("inspections"), path: "/console/office/inspections", current: "/inspections")
        let all = try await inspections.list(product: nil)
        values["inspections"] = all.map { inspection -> [String: Any] in
            var row: [String: Any] = [
                "id": inspection.id, "name": inspection.productName, "number": inspection.certificateNumber,
                "on": ShowroomFormat.date(inspection.inspectedOn, language), "team": inspection.team,
                "status": inspection.status.rawValue, "status_label": word("inspection_status_\(inspection.status.rawValue)"),
                "findings": inspection.findings.filter { !$0.ok }.map { ["area": word("area_\($0.area.rawValue)"), "note": $0.note] },
                "actions": inspection.actions ?? "",
                "deadline": inspection.deadline.map { ShowroomFormat.date($0, language) } ?? "",
            ]
            if inspection.status == .revocationPending {
                row["revocation_action"] = page.link("/console/office/inspections/\(inspection.id)/revocation")
            }
            if inspection.status == .correctionsDue {
                row["close_action"] = page.link("/console/office/inspections/\(inspection.id)/close")
            }
            return row
        }
        values["has_inspections"] = !all.isEmpty
        values["record_action"] = page.link("/console/office/inspections")
        values["idempotency_key"] = Self.newKey()
        values["today"] = clock.todayInVietnam().description
        values["areas"] = InspectionArea.allCases.map { ["area": $0.rawValue, "label": word("area_\($0.rawValue)")] }
        values["outcomes"] = InspectionOutcome.allCases.map { ["value": $0.rawValue, "label": word("outcome_\($0.rawValue)")] }
        if request.uri.queryParameters.get("saved") != nil { values["done"] = word("dossier_saved") }
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-inspections", values))
    }
}
