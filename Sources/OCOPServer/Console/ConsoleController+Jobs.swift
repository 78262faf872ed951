import Hummingbird
import OCOPDomain
import OCOPStorage

/// The office's view of the job queue (admins): how many jobs wait, run, are done and dead; the
/// dead letters with their last error, and a button that puts one back in the queue
/// (`JobQueue.retry`, audited). The same queue `GET /v1/jobs` counts and `POST /v1/jobs/{id}/retry`
/// retries.
extension ConsoleController {
    static let jobsPerPage = 100

    func addJobRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("office/jobs", use: officeJobs)
        group.post("office/jobs/:id/retry", use: officeRetryJob)
    }

    @Sendable func officeJobs(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asOffice(request, context) { try await renderJobs(request, context, status: .ok) }
    }

    @Sendable func officeRetryJob(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { _, identity in try await asOffice(request, context) {
            guard let id = Int(try context.pathValue("id")) else { return notFound(request, context) }
            do {
                try await JobQueue(database: database).retry(id: id, actor: identity.actor, at: clock.now())
                return ConsolePage.redirect(page(request, context).link("/console/office/jobs?retried=\(id)"))
            } catch let error as DomainError {
                return try await renderJobs(request, context, status: Problem(error).status, error: error.explanation)
            }
        } }
    }

    private func renderJobs(
        _ request: Request, _ context: AppRequestContext, status: HTTPResponse.Status, error: String? = nil
    ) async throws -> Response {
        let page = page(request, context)
        let language = page.language
        let queue = JobQueue(database: database)
        // Absent means the dead letters; a status that is not one is no such list.
        let shown = request.uri.queryParameters.get("status").map { String($0) } ?? "dead"
        guard JobQueue.statuses.contains(shown), shown != "done" else { return notFound(request, context) }
        let counts = try await queue.counts()
        let jobs = try await queue.jobs(status: shown, limit: Self.jobsPerPage)
        let targets = Dictionary(try await webhooks.list().map { ($0.id, $0.url) }, uniquingKeysWith: { a, _ in a })
        var values = page.context(title: ConsoleWords.word("job_queue", language), path: "/console/office/jobs")
        values["heading"] = ConsoleWords.word("job_queue", language)
        values["nav"] = page.officeNav(current: "/jobs")
        values["nav_label"] = ConsoleWords.word("office", language)
        values["counts"] = JobQueue.statuses.map { status -> [String: Any] in
            var tab: [String: Any] = [
                "label": ConsoleWords.word("jobs_" + status, language), "count": counts[status] ?? 0, "status": status,
                "current": status == shown,
            ]
            if status != "done" { tab["href"] = page.link("/console/office/jobs?status=\(status)") }
            return tab
        }
        values["jobs"] = jobs.map { job -> [String: Any] in
            var row: [String: Any] = [
                "id": job.id, "kind": job.event.map { ConsoleWords.word("event_" + $0, language) } ?? job.kind,
                "attempts": "\(job.attempts)/\(job.maxAttempts)",
                "created": ShowroomFormat.localTime(job.createdAt, language),
                "when": ShowroomFormat.localTime(job.finishedAt ?? job.runAfter, language),
            ]
            if let subscription = job.subscription {
                row["target"] = targets[subscription] ?? ConsoleWords.phrase("webhook_gone", language, ["id": String(subscription)])
            }
            if let error = job.lastError { row["error"] = error }
            if job.status == "dead" { row["retry_action"] = page.link("/console/office/jobs/\(job.id)/retry") }
            return row
        }
        values["has_jobs"] = !jobs.isEmpty
        values["when_label"] = ConsoleWords.word(shown == "dead" ? "dead_since" : "runs_at", language)
        values["list_label"] = ConsoleWords.word("jobs_" + shown, language)
        if let retried = request.uri.queryParameters.get("retried") {
            values["done"] = ConsoleWords.phrase("job_retried", language, ["id": String(retried)])
        }
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-jobs", values))
    }
}
