import Hummingbird
import OCOPDomain
import OCOPStorage

/// The office's plans (admins): each plan's targets as bars against what the records count, the
/// records behind each number, a form for a new plan and one for results counted by hand. The
/// same `PlanStore` operations and checks as `/v1/plans`.
extension ConsoleController {
    func addPlanRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("office/plans", use: officePlans)
        group.post("office/plans", use: officeCreatePlan)
        group.get("office/plans/:id", use: officePlan)
        group.post("office/plans/:id/targets/:target/entries", use: officeAddPlanEntry)
    }

    var plans: PlanStore { PlanStore(database: database) }

    @Sendable func officePlans(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asOffice(request, context) { try await renderPlans(request, context, status: .ok) }
    }

    @Sendable func officeCreatePlan(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await asOffice(request, context) {
            var targets: [PlanRequest.Target] = PlanTargetKind.allCases.filter(\.isCounted).compactMap { kind in
                let text = form["target_\(kind.rawValue)"]?.trimmingWhitespace ?? ""
                return text.isEmpty ? nil : PlanRequest.Target(kind: kind.rawValue, label: nil, target: Int(text) ?? 0)
            }
            let manualLabel = form["manual_label"]?.trimmingWhitespace ?? ""
            let manualTarget = form["manual_target"]?.trimmingWhitespace ?? ""
            if !manualLabel.isEmpty || !manualTarget.isEmpty {
                targets.append(PlanRequest.Target(kind: "manual", label: manualLabel, target: Int(manualTarget) ?? 0))
            }
            let body = PlanRequest(
                locality: form["locality"]?.trimmingWhitespace ?? "", year: Int(form["year"] ?? "") ?? 0,
                decisionNumber: form["decision_number"] ?? "", title: form["title"], targets: targets)
            do {
                let operation = plans.create(try body.validated(), actor: identity.actor, at: clock.now())
                let answer = try await perform(operation, form: form, key: Self.key(in: form), request: request, identity: identity)
                guard let id = Self.id(in: answer) else { return notFound(request, context) }
                return ConsolePage.redirect(page(request, context).link("/console/office/plans/\(id)?created=1"))
            } catch let error as DomainError {
                return try await renderPlans(request, context, status: Problem(error).status, error: error.explanation, form: form)
            }
        } }
    }

    @Sendable func officePlan(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asOffice(request, context) { try await renderPlan(request, context, status: .ok) }
    }

    @Sendable func officeAddPlanEntry(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await asOffice(request, context) {
            guard let id = Int(try context.pathValue("id")), let target = Int(try context.pathValue("target")) else {
                return notFound(request, context)
            }
            let body = PlanEntryRequest(on: form["on"] ?? "", amount: Int(form["amount"] ?? "") ?? 0, note: form["note"])
            do {
                let (day, amount, note) = try body.validated()
                let operation = plans.addEntry(
                    plan: id, target: target, on: day, amount: amount, note: note, actor: identity.actor, at: clock.now())
                _ = try await perform(operation, form: form, key: Self.key(in: form), request: request, identity: identity)
                return ConsolePage.redirect(page(request, context).link("/console/office/plans/\(id)?entry=1"))
            } catch let error as DomainError {
                return try await renderPlan(request, context, status: Problem(error).status, error: error.explanation)
            }
        } }
    }

    private func renderPlans(
        _ request: Request, _ context: AppRequestContext, status: HTTPResponse.Status, error: String? = nil,
        form: FormBody? = nil
    ) async throws -> Response {
        let page = page(request, context)
        let language = page.language
        var values = page.officeContext(title: ConsoleWords.word("plans", language), path: "/console/office/plans", current: "/plans")
        let all = try await plans.list(year: nil)
        values["plans"] = all.map { plan -> [String: Any] in
            [
                "title": plan.title.isEmpty ? plan.decisionNumber : plan.title, "href": page.link("/console/office/plans/\(plan.id)"),
                "locality": plan.localityName, "year": plan.year, "decision": plan.decisionNumber,
                "targets": plan.targets.map { Self.targetValues($0, language) },
            ]
        }
        values["has_plans"] = !all.isEmpty
        values["create_action"] = page.link("/console/office/plans")
        values["idempotency_key"] = Self.newKey()
        values["kinds"] = PlanTargetKind.allCases.filter(\.isCounted).map { kind -> [String: Any] in
            ["name": "target_\(kind.rawValue)", "label": ConsoleWords.word("target_\(kind.rawValue)", language),
             "value": form?["target_\(kind.rawValue)"] ?? ""]
        }
        values["form_locality"] = form?["locality"] ?? ""
        values["form_year"] = form?["year"] ?? String(clock.todayInVietnam().year)
        values["form_decision"] = form?["decision_number"] ?? ""
        values["form_title"] = form?["title"] ?? ""
        values["form_manual_label"] = form?["manual_label"] ?? ""
        values["form_manual_target"] = form?["manual_target"] ?? ""
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-plans", values))
    }

    private func renderPlan(
        _ request: Request, _ context: AppRequestContext, status: HTTPResponse.Status, error: String? = nil
    ) async throws -> Response {
        guard let id = Int(try context.pathValue("id")), id > 0, let plan = try await plans.plan(id) else {
            return notFound(request, context)
        }
        let page = page(request, context)
        let language = page.language
        let title = plan.title.isEmpty ? plan.decisionNumber : plan.title
        var values = page.officeContext(title: title, path: "/console/office/plans/\(id)", current: "/plans")
        values["meta"] = "\(plan.localityName) · \(plan.year) · \(plan.decisionNumber)"
        values["targets"] = plan.targets.map { target -> [String: Any] in
            var row = Self.targetValues(target, language)
            row["counted"] = target.counted.map { record -> [String: Any] in
                ["name": record.name, "detail": record.detail ?? "",
                 "on": CalendarDate(iso: record.on).map { ShowroomFormat.date($0, language) } ?? record.on]
            }
            row["entries"] = target.entries.map { entry -> [String: Any] in
                ["amount": entry.amount, "note": entry.note, "on": ShowroomFormat.date(entry.on, language)]
            }
            row["nothing"] = target.counted.isEmpty && target.entries.isEmpty
            if target.kind == .manual {
                row["entry_action"] = page.link("/console/office/plans/\(id)/targets/\(target.id)/entries")
                row["idempotency_key"] = Self.newKey()
                row["today"] = clock.todayInVietnam().description
            }
            return row
        }
        if request.uri.queryParameters.get("created") != nil { values["done"] = ConsoleWords.word("plan_created", language) }
        if request.uri.queryParameters.get("entry") != nil { values["done"] = ConsoleWords.word("entry_added", language) }
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-plan", values))
    }

    /// A target as a bar: its name, the count against the target, and the share done.
    private static func targetValues(_ target: PlanTargetRecord, _ language: Language) -> [String: Any] {
        [
            "id": target.id, "kind": target.kind.rawValue,
            "label": target.label.isEmpty ? ConsoleWords.word("target_\(target.kind.rawValue)", language) : target.label,
            "done": target.done, "target": target.target, "percent": target.percent,
            // A bar shows at most a full bar; the words say when the target was passed.
            "bar_value": min(target.done, target.target),
            "progress": ConsoleWords.phrase("progress_of", language, ["done": String(target.done), "target": String(target.target)]),
        ]
    }
}
