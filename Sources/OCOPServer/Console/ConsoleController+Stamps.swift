import Hummingbird
import OCOPDomain
import OCOPStorage

/// The office's stamp runs (admins): create a run for a product (and batch), download the
/// printer's CSV, and print an A4 sheet of QR labels, each code's QR carrying the same URL as the
/// CSV (`PrintedStampLinks`), 40 labels a sheet.
extension ConsoleController {
    static let labelsPerSheet = 40

    func addStampRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("office/stamps", use: stampRuns)
        group.post("office/stamps", use: createStampRun)
        group.get("office/stamps/:id", use: stampRun)
        group.get("office/stamps/:id/codes.csv", use: stampRunCSV)
        group.get("office/stamps/:id/sheet", use: stampSheet)
    }

    var stamps: StampStore { StampStore(database: database) }

    @Sendable func stampRuns(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asOffice(request, context) { try await renderStampRuns(request, context, status: .ok) }
    }

    @Sendable func createStampRun(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await asOffice(request, context) {
            let key = Self.key(in: form)
            let product = form["product"]?.trimmingWhitespace ?? ""
            let batch = form["batch"]?.trimmingWhitespace ?? ""
            do {
                var checks = FieldChecks()
                checks.require(catalog.snapshot().contents.products.contains { $0.slug == product }, "product", "a product of the catalog")
                checks.require(batch.isEmpty || StockRules.isValidBatch(batch), "batch", "1–40 printable characters")
                let count = Int(form["count"]?.trimmingWhitespace ?? "")
                checks.require(count.map { (1...StampStore.maxRun).contains($0) } == true, "count", "1 to \(StampStore.maxRun)")
                try checks.throwIfAny()
                // The form's key prints one run however often the form is sent (a double tap, a
                // resend after a dropped answer); the second send is led to the first run.
                let operation = try stamps.issuing(
                    product: product, batch: batch.isEmpty ? nil : batch, count: count!, actor: identity.actor,
                    at: clock.now())
                let answer = try await perform(operation, form: form, key: key, request: request, identity: identity)
                guard let id = Self.id(in: answer) else { return notFound(request, context) }
                return ConsolePage.redirect(page(request, context).link("/console/office/stamps/\(id)"))
            } catch let error as DomainError {
                return try await renderStampRuns(
                    request, context, status: Problem(error).status, error: error.explanation, key: key, form: form)
            }
        } }
    }

    @Sendable func stampRun(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withStampRun(request, context) { run in
            let page = page(request, context)
            let language = page.language
            let path = "/console/office/stamps/\(run.id)"
            var values = page.context(title: ConsoleWords.word("stamp_run", language) + " \(run.id)", path: path)
            values["heading"] = ConsoleWords.word("stamp_run", language) + " \(run.id)"
            values["stamps_href"] = page.link("/console/office/stamps")
            values["product"] = productName(run.product, language)
            if let batch = run.batch { values["batch"] = batch }
            values["count"] = run.codes.count
            values["csv_href"] = page.link(path + "/codes.csv")
            let sheets = (run.codes.count + Self.labelsPerSheet - 1) / Self.labelsPerSheet
            values["sheets"] = (1...max(1, sheets)).map { number -> [String: Any] in
                ["number": number, "href": page.link(path + "/sheet?page=\(number)")]
            }
            return html(request, .ok, templates.render("console-stamp-run", values))
        }
    }

    @Sendable func stampRunCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withStampRun(request, context) { run in
            let links = PrintedStampLinks.urls(run, base: ShowroomBase.address(publicBaseURL, request), catalog: catalog.snapshot().contents)
            return CSVTable(header: ["code", "url"], rows: links.map { [$0.code.description, $0.url] })
                .response(filename: "stamps-\(run.product)-\(run.id).csv")
        }
    }

    /// One A4 sheet of labels: the QR code, the code in letters, the product and batch.
    @Sendable func stampSheet(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withStampRun(request, context) { run in
            let page = page(request, context)
            let language = page.language
            let number = Int(request.uri.queryParameters.get("page") ?? "1") ?? 0
            let start = (number - 1).multipliedReportingOverflow(by: Self.labelsPerSheet)
            guard number >= 1, !start.overflow, start.partialValue < max(1, run.codes.count) else {
                return notFound(request, context)
            }
            let links = PrintedStampLinks.urls(run, base: ShowroomBase.address(publicBaseURL, request), catalog: catalog.snapshot().contents)
            let name = productName(run.product, language)
            let path = "/console/office/stamps/\(run.id)"
            var values = page.context(title: ConsoleWords.word("stamp_sheet", language) + " \(run.id)-\(number)", path: path + "/sheet")
            values["heading"] = ConsoleWords.word("stamp_sheet", language) + " \(number)"
            values["run_href"] = page.link(path)
            values["labels"] = links.dropFirst(start.partialValue).prefix(Self.labelsPerSheet).map { link -> [String: Any] in
                [
                    "qr": QRCode(link.url)?.svg(size: "26mm", label: link.url) ?? "", "code": link.code.description,
                    "url": link.url, "product": name, "batch": run.batch ?? "",
                ]
            }
            return html(request, .ok, templates.render("console-stamp-sheet", values))
        }
    }

    private func productName(_ slug: String, _ language: Language) -> String {
        catalog.snapshot().contents.products.first { $0.slug == slug }?.name.text(in: language) ?? slug
    }

    private func withStampRun(
        _ request: Request, _ context: AppRequestContext, _ body: (StampRun) async throws -> Response
    ) async throws -> Response {
        try await asOffice(request, context) {
            guard let id = Int(try context.pathValue("id")), id > 0, let run = try await stamps.run(id) else {
                return notFound(request, context)
            }
            return try await body(run)
        }
    }

    private func renderStampRuns(
        _ request: Request, _ context: AppRequestContext, status: HTTPResponse.Status, error: String? = nil,
        key: String = ConsoleController.newKey(), form: FormBody? = nil
    ) async throws -> Response {
        let page = page(request, context)
        let language = page.language
        var values = page.context(title: ConsoleWords.word("stamp_runs", language), path: "/console/office/stamps")
        values["heading"] = ConsoleWords.word("stamp_runs", language)
        values["office_href"] = page.link("/console/office")
        values["nav"] = page.officeNav(current: "/stamps")
        values["nav_label"] = ConsoleWords.word("office", language)
        values["action"] = page.link("/console/office/stamps")
        values["idempotency_key"] = key
        // A refused form keeps what was typed.
        for name in ["product", "batch", "count"] { if let text = form?[name] { values["form_" + name] = text } }
        values["runs"] = try await stamps.recentRuns(limit: 50).map { run -> [String: Any] in
            [
                "id": run.id, "href": page.link("/console/office/stamps/\(run.id)"),
                "product": productName(run.product, language), "batch": run.batch ?? "—", "count": run.count,
                "at": ShowroomFormat.localTime(run.createdAt, language),
            ]
        }
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-stamp-runs", values))
    }
}
