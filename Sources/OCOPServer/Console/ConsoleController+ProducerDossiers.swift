import Hummingbird
import OCOPDomain
import OCOPStorage

/// A producer's dossiers: open one for a product, fill in each checklist item (text, and files
/// sent from the phone's camera or a PDF scan), send it to the commune office, and follow it
/// through the council's scores to the decision. The same `DossierStore` operations as the API.
extension ConsoleController {
    func addProducerDossierRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("producers/:slug/dossiers", use: producerDossiers)
        group.post("producers/:slug/dossiers", use: producerOpenDossier)
        group.get("producers/:slug/dossiers/:id", use: producerDossier)
        group.post("producers/:slug/dossiers/:id/items/:item", use: producerFillItem)
        group.post("producers/:slug/dossiers/:id/items/:item/files", use: producerAttachFile)
        group.post("producers/:slug/dossiers/:id/submit", use: producerSubmitDossier)
        group.get("producers/:slug/dossiers/:id/files/:file", use: producerDossierFile)
    }

    @Sendable func producerDossierFile(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asProducer(request, context) { slug in
            guard let id = Int(try context.pathValue("id")), let fileID = Int(try context.pathValue("file")),
                let dossier = try await dossiers.dossier(id), dossier.producer == slug, let files = dossierFiles
            else { return notFound(request, context) }
            return try await files.download(fileID, of: id, store: dossiers)
        }
    }

    @Sendable func producerDossiers(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asProducer(request, context) { slug in try await renderProducerDossiers(request, context, slug, status: .ok) }
    }

    @Sendable func producerOpenDossier(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await asProducer(request, context) { slug in
            let product = form["product"] ?? ""
            guard catalog.snapshot().contents.products.contains(where: { $0.slug == product && $0.producerSlug == slug }) else {
                return try await renderProducerDossiers(
                    request, context, slug, status: .unprocessableContent, error: "product: " + product)
            }
            do {
                let kind = try DossierRequest(product: product, kind: form["kind"]).kindValue()
                let answer = try await perform(
                    dossiers.open(product: product, kind: kind, actor: identity.actor, at: clock.now()), form: form,
                    key: Self.key(in: form), request: request, identity: identity)
                guard let id = Self.id(in: answer) else { return notFound(request, context) }
                return ConsolePage.redirect(page(request, context).link("/console/producers/\(slug)/dossiers/\(id)"))
            } catch let error as DomainError {
                return try await renderProducerDossiers(request, context, slug, status: Problem(error).status, error: error.explanation)
            }
        } }
    }

    @Sendable func producerDossier(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asProducer(request, context) { slug in try await renderProducerDossier(request, context, slug, status: .ok) }
    }

    @Sendable func producerFillItem(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in
            try await producerWrite(request, context, form: form, identity: identity) { id in
                guard let item = DossierItem(rawValue: try context.pathValue("item")) else {
                    throw DomainError(.notFound, "no such checklist item")
                }
                let note = try DossierItemRequest(note: form["note"] ?? "").validated()
                return dossiers.fill(id, item: item, note: note, actor: identity.actor, at: clock.now())
            }
        }
    }

    @Sendable func producerAttachFile(_ request: Request, context: AppRequestContext) async throws -> Response {
        // Who is asking comes first: nobody signed in makes the server read 10 MB.
        guard let identity = context.identity, let token = ConsoleSession.token(in: request) else { return signInFirst(request) }
        guard identity.canActForProducer(try context.pathValue("slug")) else { return forbidden(request, context) }
        if let id = Int(try context.pathValue("id")), let files = dossierFiles {
            do {
                try await files.requireRoom(in: id, store: dossiers)
            } catch let problem as Problem {
                return try await renderProducerDossier(request, context, try context.pathValue("slug"), status: problem.status, error: problem.detail)
            }
        }
        let multipart = try await MultipartForm.read(request, maxFileBytes: DossierFileType.maxBytes)
        guard ConsoleSession.isTrusted(multipart.fields, request, sessionToken: token) else { return forbidden(request, context) }
        return try await producerWrite(request, context, form: multipart.fields, identity: identity) { id in
            guard let item = DossierItem(rawValue: try context.pathValue("item")) else {
                throw DomainError(.notFound, "no such checklist item")
            }
            guard let file = multipart.file, let files = dossierFiles else {
                throw DomainError.invalid(field: "file", "choose a file")
            }
            do {
                let upload = try await files.store(file.bytes, name: file.fileName, dossier: id)
                return dossiers.attach(id, item: item, upload, actor: identity.actor, at: clock.now())
            } catch let problem as Problem {
                throw DomainError.invalid(field: "file", problem.detail)
            }
        }
    }

    @Sendable func producerSubmitDossier(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in
            try await producerWrite(request, context, form: form, identity: identity) { id in
                dossiers.submit(id, actor: identity.actor, at: clock.now())
            }
        }
    }

    /// `body` with the producer's slug, for a signed-in account that may act for it.
    private func asProducer(
        _ request: Request, _ context: AppRequestContext, _ body: (String) async throws -> Response
    ) async throws -> Response {
        let slug = try context.pathValue("slug")
        guard let identity = context.identity else { return signInFirst(request) }
        guard identity.canActForProducer(slug) else { return forbidden(request, context) }
        return try await body(slug)
    }

    /// A write on one of the producer's dossiers (another producer's reads as absent), then its page.
    private func producerWrite(
        _ request: Request, _ context: AppRequestContext, form: FormBody, identity: StaffIdentity,
        _ make: (Int) async throws -> StoreOperation<DossierRecord>
    ) async throws -> Response {
        try await asProducer(request, context) { slug in
            guard let id = Int(try context.pathValue("id")), let dossier = try await dossiers.dossier(id), dossier.producer == slug
            else { return notFound(request, context) }
            do {
                _ = try await perform(try await make(id), form: form, key: Self.key(in: form), request: request, identity: identity)
                return ConsolePage.redirect(page(request, context).link("/console/producers/\(slug)/dossiers/\(id)?saved=1"))
            } catch let error as DomainError {
                return try await renderProducerDossier(request, context, slug, status: Problem(error).status, error: error.explanation)
            }
        }
    }

    private func renderProducerDossiers(
        _ request: Request, _ context: AppRequestContext, _ slug: String, status: HTTPResponse.Status, error: String? = nil
    ) async throws -> Response {
        let page = page(request, context)
        let language = page.language
        let word = { (key: String) in ConsoleWords.word(key, language) }
        var values = page.context(title: word("dossiers"), path: "/console/producers/\(slug)/dossiers")
        values["heading"] = word("dossiers")
        values["nav"] = page.producerNav(slug, current: "/dossiers")
        values["nav_label"] = word("producer_home")
        let mine = try await dossiers.list(DossierFilter(producers: [slug]))
        values["dossiers"] = mine.map { dossier -> [String: Any] in
            ["name": dossier.productName, "href": page.link("/console/producers/\(slug)/dossiers/\(dossier.id)"),
             "kind": word("dossier_kind_\(dossier.kind.rawValue)"), "state": dossier.state.rawValue,
             "state_label": word("dossier_state_\(dossier.state.rawValue)")]
        }
        values["has_dossiers"] = !mine.isEmpty
        let products = catalog.snapshot().contents.products.filter { $0.producerSlug == slug }
        values["products"] = products.map { ["slug": $0.slug, "name": $0.name.text(in: language)] }
        values["kinds"] = DossierKind.allCases.map { ["value": $0.rawValue, "label": word("dossier_kind_\($0.rawValue)")] }
        values["open_action"] = page.link("/console/producers/\(slug)/dossiers")
        values["idempotency_key"] = Self.newKey()
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-producer-dossiers", values))
    }

    private func renderProducerDossier(
        _ request: Request, _ context: AppRequestContext, _ slug: String, status: HTTPResponse.Status, error: String? = nil
    ) async throws -> Response {
        guard let id = Int(try context.pathValue("id")), let dossier = try await dossiers.dossier(id), dossier.producer == slug
        else { return notFound(request, context) }
        let page = page(request, context)
        let language = page.language
        let word = { (key: String) in ConsoleWords.word(key, language) }
        var values = page.context(title: dossier.productName, path: "/console/producers/\(slug)/dossiers/\(id)")
        values["heading"] = dossier.productName
        values["nav"] = page.producerNav(slug, current: "/dossiers")
        values["nav_label"] = word("producer_home")
        values["meta"] = "#\(id) · " + word("dossier_kind_\(dossier.kind.rawValue)")
        values["state"] = word("dossier_state_\(dossier.state.rawValue)")
        values["state_code"] = dossier.state.rawValue
        let editable = dossier.state.isEditableByProducer
        let base = "/console/producers/\(slug)/dossiers/\(id)"
        values["items"] = dossier.items.map { item -> [String: Any] in
            var row: [String: Any] = [
                "item": item.item.rawValue, "label": word("item_\(item.item.rawValue)"), "state": item.state.rawValue,
                "state_label": word("item_state_\(item.state.rawValue)"),
                "note": item.note,
                "files": item.files.map { ["name": $0.fileName, "href": page.link("\(base)/files/\($0.id)")] },
            ]
            if editable {
                row["fill_action"] = page.link("\(base)/items/\(item.item.rawValue)")
                row["file_action"] = page.link("\(base)/items/\(item.item.rawValue)/files")
                row["idempotency_key"] = Self.newKey()
                row["file_key"] = Self.newKey()
            }
            return row
        }
        if editable {
            values["submit_action"] = page.link("\(base)/submit")
            values["idempotency_key"] = Self.newKey()
        }
        if let note = dossier.reviewNote, !note.isEmpty { values["review_note"] = note }
        if let result = dossier.result, dossier.state.isClosed {
            values["result"] = ConsoleWords.word("average", language) + " "
                + String((result.average * 100).rounded(.down) / 100) + " · " + ShowroomFormat.stars(result.band)
        }
        if let number = dossier.certificateNumber { values["certificate"] = number }
        values["history"] = dossier.history.map { event -> [String: Any] in
            ["at": ShowroomFormat.localTime(event.at, language), "state": word("dossier_state_\(event.state.rawValue)"),
             "note": event.note ?? ""]
        }
        if request.uri.queryParameters.get("saved") != nil { values["done"] = word("dossier_saved") }
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-producer-dossier", values))
    }
}
