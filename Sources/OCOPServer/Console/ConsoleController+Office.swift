import Hummingbird
import OCOPDomain
import OCOPStorage

/// The programme office's certificate desk (admins only): the certificates running out within
/// 30, 60 or 90 days, a product's certificate history, and revocation with its ground and
/// decision number, through the same `CertificateStore` operation as the API (audit row, catalog
/// revision, the snapshot and every node following at once).
extension ConsoleController {
    func addOfficeRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("office", use: officeHome)
        group.get("office/products/:slug", use: officeProduct)
        group.post("office/products/:slug/revoke", use: officeRevoke)
        group.post("office/notices", use: officeSendNotices)
    }

    var certificates: CertificateStore { CertificateStore(database: database) }

    @Sendable func officeHome(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let identity = context.identity else { return signInFirst(request) }
        guard identity.isAdmin else { return forbidden(request, context) }
        let page = page(request, context)
        let language = page.language
        // Absent means 30; anything but 30, 60 or 90 is no such list (not silently the default).
        let within = request.uri.queryParameters.get("within").map { Int($0) ?? 0 } ?? 30
        guard [30, 60, 90].contains(within) else { return notFound(request, context) }
        let today = clock.todayInVietnam()
        let snapshot = catalog.snapshot()
        let names = Dictionary(snapshot.contents.products.map { ($0.slug, $0.name) }, uniquingKeysWith: { a, _ in a })
        var values = page.context(title: ConsoleWords.word("office", language), path: "/console/office")
        values["heading"] = ConsoleWords.word("office", language)
        values["nav"] = page.officeNav(current: "")
        values["nav_label"] = ConsoleWords.word("office", language)
        values["windows"] = [30, 60, 90].map { days -> [String: Any] in
            ["label": "\(days) " + ConsoleWords.word("days", language), "href": page.link("/console/office?within=\(days)"),
             "current": days == within]
        }
        let expiring = try await certificates.expiring(within: within, from: today)
        let notices = Dictionary(
            try await CertificateNotices(database: database).list(producer: nil).map { ("\($0.product)\n\($0.certificateNumber)", $0) },
            uniquingKeysWith: { newest, _ in newest })
        values["expiring"] = expiring.map { entry -> [String: Any] in
            let daysLeft = entry.certificate.expiresOn.daysSince1970 - today.daysSince1970
            return [
                "name": names[entry.product]?.text(in: language) ?? entry.product,
                "href": page.link("/console/office/products/\(entry.product)"), "number": entry.certificate.number,
                "stars": ShowroomFormat.stars(entry.certificate.stars.value),
                "ends": ShowroomFormat.date(entry.certificate.expiresOn, language),
                "days_left": daysLeft,
                "notice": Self.noticeText(notices["\(entry.product)\n\(entry.certificate.number)"], daysLeft: daysLeft, language),
            ]
        }
        values["notices_action"] = page.link("/console/office/notices")
        if let sent = request.uri.queryParameters.get("notices").flatMap({ Int($0) }) {
            values["notices_sent"] = ConsoleWords.phrase("notices_sent_now", language, ["n": String(sent)])
        }
        values["has_expiring"] = !expiring.isEmpty
        values["within"] = within
        // Finding a product by words of its name, typed with or without diacritics.
        // As a browser's form sends it: `+` is a space.
        let query = (ShowroomBase.queryItems(request).first { $0.0 == "q" }?.1 ?? "").trimmingWhitespace
        values["q"] = query
        let words = VietnameseText.fold(String(query.prefix(100))).split(separator: " ")
        if !words.isEmpty {
            let found = Array(
                snapshot.contents.products.lazy
                    .filter { product in words.allSatisfy { VietnameseText.fold(product.name.vi).contains($0) } }
                    .prefix(30))
            values["found"] = found.map { product -> [String: Any] in
                ["name": product.name.text(in: language), "href": page.link("/console/office/products/\(product.slug)")]
            }
            values["searched"] = true
            values["none_found"] = found.isEmpty
        }
        values["search_action"] = page.link("/console/office")
        return html(request, .ok, templates.render("console-office", values))
    }

    /// What the producer was told about this certificate's expiry, in a few words.
    static func noticeText(_ notice: CertificateNotice?, daysLeft: Int, _ language: Language) -> String {
        guard let notice else {
            return ConsoleWords.word(daysLeft <= CertificateNotices.leadDays ? "notice_due" : "notice_later", language)
        }
        let day = ShowroomFormat.localTime(notice.createdAt, language)
        return notice.deliveries > 0
            ? ConsoleWords.phrase("notice_sent", language, ["day": day, "n": String(notice.deliveries)])
            : ConsoleWords.phrase("notice_kept", language, ["day": day])
    }

    /// Issues the notices due today now, rather than at the next scan: the office presses it after
    /// recording a producer's webhook. Each notice is still issued once (`CertificateNotices`).
    @Sendable func officeSendNotices(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { _, identity in
            guard identity.isAdmin else { return forbidden(request, context) }
            let issued = try await CertificateNotices(database: database).issueDue(on: clock.todayInVietnam(), at: clock.now())
            let within = request.uri.queryParameters.get("within").flatMap { Int($0) } ?? 30
            return ConsolePage.redirect(page(request, context).link("/console/office?within=\(within)&notices=\(issued.count)"))
        }
    }

    @Sendable func officeProduct(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withOfficeProduct(request, context) { product in
            try await renderOfficeProduct(request, context, product: product, status: .ok)
        }
    }

    @Sendable func officeRevoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await withOfficeProduct(request, context) { product in
            let number = form["number"]?.trimmingWhitespace ?? ""
            let reason = form["reason"]?.trimmingWhitespace ?? ""
            let decision = form["decision_number"]?.trimmingWhitespace ?? ""
            let dayText = form["revoked_on"]?.trimmingWhitespace ?? ""
            do {
                var checks = FieldChecks()
                checks.require(reason.utf8.count <= 1000, "reason", "at most 1,000 bytes")
                checks.require(decision.utf8.count <= 100, "decision_number", "at most 100 bytes")
                let day = dayText.isEmpty ? clock.todayInVietnam() : CalendarDate(iso: dayText)
                checks.require(day != nil, "revoked_on", "a date YYYY-MM-DD")
                try checks.throwIfAny()
                try await certificates.revoke(
                    product: product.slug, number: number, on: day!, reason: reason, decisionNumber: decision,
                    actor: identity.actor, at: clock.now())
                return ConsolePage.redirect(page(request, context).link("/console/office/products/\(product.slug)?done=1"))
            } catch let error as DomainError {
                return try await renderOfficeProduct(
                    request, context, product: product, status: Problem(error).status, error: error.explanation)
            }
        } }
    }

    /// The product (`:slug`) for an admin; otherwise the sign-in, 403 or 404 page.
    func withOfficeProduct(
        _ request: Request, _ context: AppRequestContext, _ body: (Product) async throws -> Response
    ) async throws -> Response {
        guard let identity = context.identity else { return signInFirst(request) }
        guard identity.isAdmin else { return forbidden(request, context) }
        let slug = try context.pathValue("slug")
        guard let product = catalog.snapshot().contents.products.first(where: { $0.slug == slug }) else {
            return notFound(request, context)
        }
        return try await body(product)
    }

    func renderOfficeProduct(
        _ request: Request, _ context: AppRequestContext, product: Product, status: HTTPResponse.Status,
        error: String? = nil
    ) async throws -> Response {
        let page = page(request, context)
        let language = page.language
        let today = clock.todayInVietnam()
        let history = try await certificates.history(of: product.slug, on: today)
        let path = "/console/office/products/\(product.slug)"
        var values = page.context(title: product.name.text(in: language), path: path)
        values["heading"] = product.name.text(in: language)
        values["office_href"] = page.link("/console/office")
        values["published"] = PublicationRule.isPublishable(history.map(\.certificate), on: today)
        values["showroom_href"] = page.link("/san-pham/\(product.slug)")
        values["certificates"] = history.map { record -> [String: Any] in
            let certificate = record.certificate
            var row: [String: Any] = [
                "number": certificate.number, "stars": ShowroomFormat.stars(certificate.stars.value),
                "authority": certificate.authority, "decision": certificate.decisionNumber,
                "issued": ShowroomFormat.date(certificate.issuedOn, language),
                "ends": ShowroomFormat.date(certificate.expiresOn, language),
                "status": ConsoleWords.word("certificate_" + record.status.rawValue, language),
                "revocable": certificate.revokedOn == nil,
            ]
            if certificate.revokedOn == nil {
                // The correction form, filled with what is recorded.
                row["correction"] = [
                    "number": certificate.number, "decision": certificate.decisionNumber,
                    "authority": certificate.authority, "score": Self.scoreText(certificate.score),
                    "issued_on": certificate.issuedOn.description, "expires_on": certificate.expiresOn.description,
                    "potential": certificate.potentialFiveStar,
                    "star_options": (1...5).reversed().map { ["value": $0, "selected": $0 == certificate.stars.value] },
                ] as [String: Any]
            }
            if let revoked = certificate.revokedOn {
                row["revoked"] = ShowroomFormat.date(revoked, language)
                if let reason = certificate.revocationReason { row["reason"] = reason }
            }
            return row
        }
        values["revocable"] = history.filter { $0.certificate.revokedOn == nil }.map { ["number": $0.certificate.number] }
        values["has_revocable"] = history.contains { $0.certificate.revokedOn == nil }
        values["revoke_action"] = page.link(path + "/revoke")
        values["certify_action"] = page.link(path + "/certificates")
        values["kinds"] = CertificationKind.allCases.map { kind -> [String: Any] in
            ["value": kind.rawValue, "label": ConsoleWords.word("kind_" + kind.rawValue, language)]
        }
        values["today"] = today.description
        values["recorded"] = request.uri.queryParameters.get("done") != nil
        values["corrected"] = request.uri.queryParameters.get("corrected") != nil
        values["correct_action"] = page.link(path + "/corrections")
        if let error { values["error"] = error }
        return html(request, status, templates.render("console-office-product", values))
    }

    /// A score as typed in the form: "82" or "82.5".
    static func scoreText(_ score: Double) -> String {
        score == score.rounded() && abs(score) < 1e9 ? String(Int(score)) : String(score)
    }
}
