import Foundation
import Hummingbird
import OCOPDomain
import OCOPStorage

/// The live desk of a livestream session, for its point's staff and the producers it features:
/// go live and end, paste a batch of comments (one "name: comment" a line) that become held orders,
/// watch each hold count down, confirm ("chốt đơn") with address and payment, or cancel, and the
/// session's report. Every write is the API's store operation (`LivestreamStore`), once per form.
extension ConsoleController {
    func addLiveDeskRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("producers/:slug/livestreams", use: producerLivestreams)
        group.post("producers/:slug/livestreams", use: createLivestream)
        group.get("livestreams/:slug", use: liveDesk)
        group.post("livestreams/:slug/status", use: liveStatus)
        group.post("livestreams/:slug/comments", use: liveComments)
        group.post("livestreams/:slug/orders/:id/confirm", use: liveConfirm)
        group.post("livestreams/:slug/orders/:id/cancel", use: liveCancel)
    }

    var livestreamStore: LivestreamStore { LivestreamStore(database: database) }

    /// The sessions featuring a producer, coming and live, each with its desk, and a form to plan one.
    @Sendable func producerLivestreams(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withProducer(request, context) { producer, identity in
            try await renderProducerLivestreams(request, context, producer: producer, identity: identity, status: .ok)
        }
    }

    /// A session planned from the form, by the API's rules (`LivestreamRequest.validated`) and scope.
    @Sendable func createLivestream(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await withProducer(request, context) { producer, _ in
            let text = { (name: String) in form[name]?.trimmingWhitespace ?? "" }
            do {
                var checks = FieldChecks()
                var products: [LivestreamRequest.Product] = []
                for row in 0..<Self.liveProductRows where !text("code_\(row)").isEmpty || !text("price_\(row)").isEmpty {
                    let price = Int(text("price_\(row)").filter(\.isNumber).prefix(12))
                    let quota = text("quota_\(row)").isEmpty ? nil : Int(text("quota_\(row)").prefix(9))
                    checks.require(price != nil, "products[\(row)].live_price", "whole VND above 0")
                    checks.require(text("quota_\(row)").isEmpty || quota != nil, "products[\(row)].quota", "a whole number")
                    products.append(.init(code: text("code_\(row)"), sku: text("sku_\(row)"), livePrice: price ?? 0, quota: quota))
                }
                let hold = Int(text("hold_minutes").prefix(4))
                checks.require(hold != nil, "hold_minutes", "whole minutes")
                try checks.throwIfAny()
                // The form's times are Vietnam's wall clock (datetime-local has no zone).
                let body = LivestreamRequest(
                    slug: text("slug"), title: text("title"), platform: text("platform"), pageUrl: text("page_url"),
                    host: text("host"), point: text("point"), producers: [producer.slug],
                    startsAt: text("starts_at") + ":00+07:00", endsAt: text("ends_at") + ":00+07:00", holdMinutes: hold,
                    products: products)
                let session = try body.validated()
                try await SellerScope(database: database).require(identity, sellFrom: session.point, for: [producer.slug])
                _ = try await perform(
                    livestreamStore.creation(session, actor: identity.actor, at: clock.now()), form: form,
                    key: Self.key(in: form), request: request, identity: identity)
                return ConsolePage.redirect(page(request, context).link("/console/livestreams/\(session.slug)"))
            } catch let error as DomainError {
                return try await renderProducerLivestreams(
                    request, context, producer: producer, identity: identity, status: Problem(error).status,
                    error: error.explanation)
            } catch let problem as Problem {
                return try await renderProducerLivestreams(
                    request, context, producer: producer, identity: identity, status: problem.status, error: problem.detail)
            }
        } }
    }

    static let liveProductRows = 4

    private func renderProducerLivestreams(
        _ request: Request, _ context: AppRequestContext, producer: Producer, identity: StaffIdentity,
        status: HTTPResponse.Status, error: String? = nil
    ) async throws -> Response {
        let page = page(request, context)
        let language = page.language
        var values = page.context(
            title: ConsoleWords.word("livestreams", language) + " · " + producer.name,
            path: "/console/producers/\(producer.slug)/livestreams")
        values["heading"] = ConsoleWords.word("livestreams", language)
        values["producer"] = producer.name
        values["nav"] = page.producerNav(producer.slug, current: "/livestreams")
        let sessions = try await livestreamStore.upcoming(at: clock.now()).filter { $0.producers.contains(producer.slug) }
        values["sessions"] = sessions.map { session -> [String: Any] in
            [
                "title": session.title, "href": page.link("/console/livestreams/\(session.slug)"),
                "starts": ShowroomFormat.localTime(session.startsAt, language),
                "status": ConsoleWords.word("live_" + session.status, language),
            ]
        }
        values["has_sessions"] = !sessions.isEmpty
        if let error { values["error"] = error }
        let variants = sellableVariants(of: producer.slug, language)
        values["product_rows"] = (0..<Self.liveProductRows).map { row -> [String: Any] in
            ["row": row, "number": row + 1, "variants": variants, "required": row == 0]
        }
        values["platforms"] = LivestreamPlatform.allCases.map { ["value": $0.rawValue] }
        values["points"] = try await pointsSellable(by: producer.slug, identity).map { ["slug": $0.slug, "name": $0.name] }
        values["create_action"] = page.link("/console/producers/\(producer.slug)/livestreams")
        values["create_key"] = Self.newKey()
        values["hold_default"] = LiveCodeRules.defaultHoldMinutes
        return html(request, status, templates.render("console-livestreams", values))
    }

    @Sendable func liveDesk(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withLivestream(request, context) { session, _ in
            try await renderLiveDesk(request, context, session: session, status: .ok)
        }
    }

    @Sendable func liveStatus(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await liveForm(request, context) { session, form, identity in
            guard let status = LivestreamStatus(rawValue: form["status"] ?? "") else {
                throw DomainError.invalid(field: "status", "live, ended or cancelled")
            }
            return livestreamStore.statusChange(session.slug, to: status, actor: identity.actor, at: clock.now()).map { _ in "" }
        }
    }

    @Sendable func liveComments(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await liveForm(request, context) { session, form, identity in
            let now = clock.now()
            let comments = try Self.pastedComments(form["comments"] ?? "", at: now)
            return livestreamStore.commentBatch(session.slug, comments: comments, actor: identity.actor, at: now).map {
                "read=\($0.received)&orders=\($0.ordersCreated + $0.ordersUpdated)"
            }
        }
    }

    @Sendable func liveConfirm(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await liveForm(request, context) { session, form, identity in
            let id = try Self.orderID(context)
            let text = { (name: String) in form[name]?.trimmingWhitespace ?? "" }
            var checks = FieldChecks()
            checks.require(text("buyer_name").count <= 200, "buyer_name", "up to 200 characters")
            checks.require((1...500).contains(text("address").count), "address", "the delivery address, 1–500 characters")
            let payment = PaymentMethod.recorded(text("payment_method"))
            checks.require(payment != nil, "payment_method", PaymentMethod.recordable.map(\.rawValue).joined(separator: ", "))
            try checks.throwIfAny()
            return livestreamStore.confirmation(
                session.slug, order: id, buyerName: text("buyer_name").isEmpty ? nil : text("buyer_name"),
                address: text("address"), payment: payment!, actor: identity.actor, at: clock.now()
            ).map { "confirmed=\($0.number)" }
        }
    }

    @Sendable func liveCancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await liveForm(request, context) { session, _, identity in
            livestreamStore.cancellation(session.slug, order: try Self.orderID(context), actor: identity.actor, at: clock.now())
                .map { "cancelled=\($0.number)" }
        }
    }

    /// "Chị Mai: CS01 x2 0912345678" lines as comments posted now; the name stands for the viewer.
    static func pastedComments(_ text: String, at now: Moment) throws(DomainError) -> [LiveComment] {
        let lines = text.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }
        guard (1...2_000).contains(lines.count) else { throw DomainError.invalid(field: "comments", "1 to 2,000 lines") }
        return try lines.enumerated().map { (index, line) throws(DomainError) in
            let parts = line.split(separator: ":", maxSplits: 1).map { String($0).trimmingWhitespace }
            let (name, comment) = parts.count == 2 && !parts[0].isEmpty && parts[0].count <= 60
                ? (parts[0], parts[1]) : ("", line)
            guard comment.count <= 2_000 else { throw DomainError.invalid(field: "comments", "line \(index + 1) is over 2,000 characters") }
            // Each pasted line with no name is its own viewer; a name groups that viewer's lines.
            let viewer = name.isEmpty ? "paste-line-\(index + 1)" : "paste-" + VietnameseText.fold(name)
            return LiveComment(viewerID: String(viewer.prefix(200)), viewerName: name, text: comment, postedAt: now)
        }
    }

    private static func orderID(_ context: AppRequestContext) throws -> Int {
        guard let id = Int(try context.pathValue("id")), id > 0 else { throw DomainError(.notFound, "no such order") }
        return id
    }

    /// A form on the desk: trusted and in scope, then the store operation, once per form; back to
    /// the desk with what happened, or the desk with the reason it did not.
    private func liveForm(
        _ request: Request, _ context: AppRequestContext,
        _ operation: (LivestreamRecord, FormBody, StaffIdentity) throws -> StoreOperation<String>
    ) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await withLivestream(request, context) { session, _ in
            do {
                let answer = try await perform(
                    try operation(session, form, identity), form: form, key: Self.key(in: form), request: request,
                    identity: identity)
                let outcome = (try? JSONDecoder().decode(String.self, from: Data(answer))) ?? ""
                let path = "/console/livestreams/\(session.slug)" + (outcome.isEmpty ? "" : "?" + outcome)
                return ConsolePage.redirect(page(request, context).link(path))
            } catch let error as DomainError {
                return try await renderLiveDesk(
                    request, context, session: try await livestreamStore.record(session.slug) ?? session,
                    status: Problem(error).status, error: error.explanation)
            }
        } }
    }

    /// Runs `body` with the page's session when the caller is its point's staff or a producer it features.
    func withLivestream(
        _ request: Request, _ context: AppRequestContext, _ body: (LivestreamRecord, StaffIdentity) async throws -> Response
    ) async throws -> Response {
        guard let identity = context.identity else { return signInFirst(request) }
        guard let session = try await livestreamStore.record(try context.pathValue("slug")) else {
            return notFound(request, context)
        }
        guard identity.canManagePoint(session.point) || session.producers.contains(where: identity.canActForProducer) else {
            return forbidden(request, context)
        }
        return try await body(session, identity)
    }
}
