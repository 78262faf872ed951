import Hummingbird
import OCOPDomain
import OCOPStorage

/// The office's dossier board (admins): dossiers by state, and one dossier's checklist with the
/// commune's review, the round it joins, the council's scoring sheet and the decision that issues
/// the certificate. The same `DossierStore` and `EvaluationRoundStore` operations as the API.
extension ConsoleController {
    func addDossierRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("office/dossiers", use: officeDossiers)
        group.post("office/rounds", use: officeCreateRound)
        group.get("office/dossiers/:id", use: officeDossier)
        group.post("office/dossiers/:id/review", use: officeReviewDossier)
        group.post("office/dossiers/:id/round", use: officeDossierToRound)
        group.post("office/dossiers/:id/scores", use: officeScoreDossier)
        group.post("office/dossiers/:id/decision", use: officeDecideDossier)
        group.get("office/dossiers/:id/files/:file", use: officeDossierFile)
    }

    @Sendable func officeDossierFile(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asOffice(request, context) {
            guard let id = Int(try context.pathValue("id")), let fileID = Int(try context.pathValue("file")),
                let files = dossierFiles
            else { return notFound(request, context) }
            return try await files.download(fileID, of: id, store: dossiers)
        }
    }

    var dossiers: DossierStore { DossierStore(database: database) }
    var rounds: EvaluationRoundStore { EvaluationRoundStore(database: database) }

    @Sendable func officeDossiers(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asOffice(request, context) { try await renderDossiers(request, context, status: .ok) }
    }

    @Sendable func officeCreateRound(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await asOffice(request, context) {
            let body = RoundRequest(
                name: form["name"] ?? "", province: form["province"]?.trimmingWhitespace ?? "",
                authority: form["authority"] ?? "", meetsOn: form["meets_on"] ?? "")
            do {
                let round = try body.validated()
                let operation = rounds.create(
                    name: round.name, province: round.province, authority: round.authority, meetsOn: round.meetsOn,
                    actor: identity.actor, at: clock.now())
                _ = try await perform(operation, form: form, key: Self.key(in: form), request: request, identity: identity)
                return ConsolePage.redirect(page(request, context).link("/console/office/dossiers?round=1"))
            } catch let error as DomainError {
                return try await renderDossiers(request, context, status: Problem(error).status, error: error.explanation)
            }
        } }
    }

    @Sendable func officeDossier(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asOffice(request, context) { try await renderDossier(request, context, status: .ok) }
    }

    @Sendable func officeReviewDossier(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await dossierForm(request, context) { form, identity, id in
            let body = DossierReviewRequest(verdict: form["verdict"] ?? "", note: form["note"], needsWork: form.all("needs_work"))
            let (pass, note, needsWork) = try body.validated()
            return dossiers.review(id, pass: pass, note: note, needsWork: needsWork, actor: identity.actor, at: clock.now())
        }
    }

    @Sendable func officeDossierToRound(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await dossierForm(request, context) { form, identity, id in
            guard let round = Int(form["round"] ?? "") else { throw DomainError.invalid(field: "round", "choose a round") }
            return rounds.add(dossier: id, to: round, actor: identity.actor, at: clock.now()).map { _ in id }
        }
    }

    @Sendable func officeScoreDossier(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await dossierForm(request, context) { form, identity, id in
            let dossier = try await requireDossier(id)
            let sheet = try MemberScore(
                member: form["member"] ?? "", partA: Self.points(form["part_a"]), partB: Self.points(form["part_b"]),
                partC: Self.points(form["part_c"]))
            return rounds.score(sheet, dossier: id, in: dossier.round ?? 0, actor: identity.actor, at: clock.now())
        }
    }

    @Sendable func officeDecideDossier(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await dossierForm(request, context) { form, identity, id in
            let dossier = try await requireDossier(id)
            let body = DecisionRequest(
                dossier: id, decisionNumber: form["decision_number"], decidedOn: form["decided_on"],
                certificateNumber: form["certificate_number"].flatMap { $0.trimmingWhitespace.isEmpty ? nil : $0 })
            return rounds.decide(try body.validated(), dossier: id, in: dossier.round ?? 0, actor: identity.actor, at: clock.now())
        }
    }

    /// A form on one dossier's page: the operation `make` builds runs once, then the page again.
    private func dossierForm<Answer: Encodable & Sendable>(
        _ request: Request, _ context: AppRequestContext,
        _ make: (FormBody, StaffIdentity, Int) async throws -> StoreOperation<Answer>
    ) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await asOffice(request, context) {
            guard let id = Int(try context.pathValue("id")), id > 0 else { return notFound(request, context) }
            do {
                let operation = try await make(form, identity, id)
                _ = try await perform(operation, form: form, key: Self.key(in: form), request: request, identity: identity)
                return ConsolePage.redirect(page(request, context).link("/console/office/dossiers/\(id)?saved=1"))
            } catch let error as DomainError {
                return try await renderDossier(request, context, status: Problem(error).status, error: error.explanation)
            }
        } }
    }

    private func requireDossier(_ id: Int) async throws -> DossierRecord {
        guard let dossier = try await dossiers.dossier(id) else { throw DomainError(.notFound, "no dossier \(id)") }
        return dossier
    }

    /// Points as typed, with a comma or a point for the decimal ("29,5"); anything else is -1,
    /// which the sheet refuses by field.
    private static func points(_ text: String?) -> Double {
        let typed = (text ?? "").trimmingWhitespace.replacing(",", with: ".")
        guard typed.utf8.count <= 6, let value = Double(typed) else { return -1 }
        return value
    }

    private func renderDossiers(
        _ request: Request, _ context: AppRequestContext, status: HTTPResponse.Status, error: String? = nil
    ) async throws -> Response {
        let page = page(request, context)
        let language = page.language
        var values = page.officeContext(title: ConsoleWords.word("dossiers", language), path: "/console/office/dossiers", current: "/dossiers")
        let all = try await dossiers.list(DossierFilter())
        let producers = producerNames()
        values["columns"] = DossierState.allCases.map { state -> [String: Any] in
            let here = all.filter { $0.state == state }
            return [
                "state": state.rawValue, "label": ConsoleWords.word("dossier_state_\(state.rawValue)", language),
                "count": here.count, "empty": here.isEmpty,
                "cards": here.map { dossier -> [String: Any] in
                    [
                        "href": page.link("/console/office/dossiers/\(dossier.id)"), "name": dossier.productName,
                        "kind": ConsoleWords.word("dossier_kind_\(dossier.kind.rawValue)", language), "id": dossier.id,
                        "producer": producers[dossier.producer] ?? dossier.producer,
                    ]
                },
            ]
        }
        let roundList = try await rounds.list()
        values["rounds"] = roundList.map { round -> [String: Any] in
            ["name": round.name, "meets": ShowroomFormat.date(round.meetsOn, language), "province": round.province,
             "count": round.dossiers.count]
        }
        values["has_rounds"] = !roundList.isEmpty
        values["round_action"] = page.link("/console/office/rounds")
        values["idempotency_key"] = Self.newKey()
        if request.uri.queryParameters.get("round") != nil { values["done"] = ConsoleWords.word("dossier_saved", language) }
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-dossiers", values))
    }

    private func renderDossier(
        _ request: Request, _ context: AppRequestContext, status: HTTPResponse.Status, error: String? = nil
    ) async throws -> Response {
        guard let id = Int(try context.pathValue("id")), id > 0, let dossier = try await dossiers.dossier(id) else {
            return notFound(request, context)
        }
        let page = page(request, context)
        let language = page.language
        let word = { (key: String) in ConsoleWords.word(key, language) }
        var values = page.officeContext(title: dossier.productName, path: "/console/office/dossiers/\(id)", current: "/dossiers")
        let producer = producerNames()[dossier.producer] ?? dossier.producer
        values["meta"] = "#\(id) · \(word("dossier_kind_\(dossier.kind.rawValue)")) · \(producer)"
        values["state"] = word("dossier_state_\(dossier.state.rawValue)")
        values["state_code"] = dossier.state.rawValue
        values["items"] = dossier.items.map { item -> [String: Any] in
            [
                "item": item.item.rawValue, "label": word("item_\(item.item.rawValue)"), "state": item.state.rawValue,
                "state_label": word("item_state_\(item.state.rawValue)"), "note": item.note,
                "files": item.files.map {
                    ["name": $0.fileName, "href": page.link("/console/office/dossiers/\(id)/files/\($0.id)"), "bytes": $0.bytes]
                },
            ]
        }
        if let note = dossier.reviewNote, !note.isEmpty { values["review_note"] = note }
        let key = Self.newKey()
        values["idempotency_key"] = key
        if dossier.state == .submitted { values["review_action"] = page.link("/console/office/dossiers/\(id)/review") }
        if dossier.state == .reviewed {
            let open = try await rounds.list().filter { $0.province == dossier.province }
            values["round_action"] = page.link("/console/office/dossiers/\(id)/round")
            values["round_choices"] = open.map { ["id": $0.id, "label": "\($0.name) · \(ShowroomFormat.date($0.meetsOn, language))"] }
            values["no_rounds"] = open.isEmpty
        }
        values["scores"] = dossier.scores.map { score -> [String: Any] in
            ["member": score.member, "a": Self.points(score.partA, language), "b": Self.points(score.partB, language),
             "c": Self.points(score.partC, language), "total": Self.points(score.total, language)]
        }
        values["has_scores"] = !dossier.scores.isEmpty
        values["show_sheet"] = dossier.round != nil
        if let result = dossier.result {
            values["average"] = Self.points((result.average * 100).rounded(.down) / 100, language)
            values["band"] = ShowroomFormat.stars(result.band)
            values["potential"] = result.potentialFiveStar
        }
        if dossier.state == .inEvaluation {
            values["score_action"] = page.link("/console/office/dossiers/\(id)/scores")
            values["decision_action"] = page.link("/console/office/dossiers/\(id)/decision")
            values["today"] = clock.todayInVietnam().description
        }
        if let number = dossier.certificateNumber { values["certificate"] = number }
        if let decision = dossier.decisionNumber {
            values["decision"] = decision + (dossier.decidedOn.map { " · " + ShowroomFormat.date($0, language) } ?? "")
        }
        values["history"] = dossier.history.map { event -> [String: Any] in
            ["at": ShowroomFormat.localTime(event.at, language), "state": word("dossier_state_\(event.state.rawValue)"),
             "actor": event.actor, "note": event.note ?? ""]
        }
        if request.uri.queryParameters.get("saved") != nil { values["done"] = word("dossier_saved") }
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-dossier", values))
    }

    /// Producers' names by slug, from the catalog snapshot.
    private func producerNames() -> [String: String] {
        Dictionary(catalog.snapshot().contents.producers.map { ($0.slug, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    private static func points(_ value: Double, _ language: Language) -> String {
        let text = value == value.rounded() ? String(Int(value)) : String(value)
        return language == .vi ? text.replacing(".", with: ",") : text
    }
}
