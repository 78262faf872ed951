import Hummingbird
import OCOPDomain
import OCOPStorage

/// The office's webhooks (admins): partner endpoints told of catalog changes and producers'
/// endpoints told of expiring certificates. Add one (its secret signs every delivery and is never
/// shown again) or remove one; the same `WebhookStore` rules as `/v1/webhooks`, including where
/// the server may connect.
extension ConsoleController {
    func addWebhookRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("office/webhooks", use: officeWebhooks)
        group.post("office/webhooks", use: officeCreateWebhook)
        group.post("office/webhooks/:id/delete", use: officeDeleteWebhook)
    }

    var webhooks: WebhookStore { WebhookStore(database: database) }

    @Sendable func officeWebhooks(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asOffice(request, context) { try await renderWebhooks(request, context, status: .ok) }
    }

    @Sendable func officeCreateWebhook(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await asOffice(request, context) {
            let text = { (name: String) in form[name]?.trimmingWhitespace ?? "" }
            do {
                let event = text("event")
                let subscription = try await webhooks.create(
                    event: event, url: text("url"), secret: form["secret"] ?? "",
                    producer: event == CertificateNotices.event && !text("producer").isEmpty ? text("producer") : nil,
                    actor: identity.actor, at: clock.now(), destinationProblem: outbound.webhookURLProblem)
                return ConsolePage.redirect(page(request, context).link("/console/office/webhooks?created=\(subscription.id)"))
            } catch let error as DomainError {
                return try await renderWebhooks(request, context, status: Problem(error).status, error: error.explanation, form: form)
            }
        } }
    }

    @Sendable func officeDeleteWebhook(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { _, identity in try await asOffice(request, context) {
            guard let id = Int(try context.pathValue("id")) else { return notFound(request, context) }
            do {
                try await webhooks.delete(id: id, actor: identity.actor, at: clock.now())
            } catch let error as DomainError where error.code == .notFound {
                // Removed already (a second tap, or another admin): the page shows it gone either way.
            }
            return ConsolePage.redirect(page(request, context).link("/console/office/webhooks?deleted=\(id)"))
        } }
    }

    private func renderWebhooks(
        _ request: Request, _ context: AppRequestContext, status: HTTPResponse.Status, error: String? = nil,
        form: FormBody? = nil
    ) async throws -> Response {
        let page = page(request, context)
        let language = page.language
        var values = page.context(title: ConsoleWords.word("webhooks", language), path: "/console/office/webhooks")
        values["heading"] = ConsoleWords.word("webhooks", language)
        values["nav"] = page.officeNav(current: "/webhooks")
        values["nav_label"] = ConsoleWords.word("office", language)
        let subscriptions = try await webhooks.list()
        values["hooks"] = subscriptions.map { hook -> [String: Any] in
            var row: [String: Any] = [
                "id": hook.id, "event": ConsoleWords.word("event_" + hook.event, language), "url": hook.url,
                "created": ShowroomFormat.localTime(hook.createdAt, language), "by": hook.createdBy,
                "delete_action": page.link("/console/office/webhooks/\(hook.id)/delete"),
            ]
            if let producer = hook.producer { row["producer"] = producer }
            return row
        }
        values["has_hooks"] = !subscriptions.isEmpty
        values["action"] = page.link("/console/office/webhooks")
        values["events"] = WebhookStore.events.sorted().map { event -> [String: Any] in
            ["value": event, "label": ConsoleWords.word("event_" + event, language), "selected": form?["event"] == event]
        }
        // A refused form keeps what was typed, except the secret.
        for name in ["url", "producer"] { if let text = form?[name] { values["form_" + name] = text } }
        if let created = request.uri.queryParameters.get("created") {
            values["done"] = ConsoleWords.phrase("webhook_created", language, ["id": String(created)])
        } else if request.uri.queryParameters.get("deleted") != nil {
            values["done"] = ConsoleWords.word("webhook_deleted", language)
        }
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-webhooks", values))
    }
}
