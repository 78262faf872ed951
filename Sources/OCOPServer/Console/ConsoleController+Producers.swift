import Hummingbird
import OCOPDomain
import OCOPStorage

/// A producer's home in the console: every product with its star level, certificate and days to
/// its end, with what to do before it runs out (`RenewalOutlook`), and the producer's fair
/// applications with their state. A producer account sees its own producer only; the office sees all.
extension ConsoleController {
    func addProducerRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("producers/:slug", use: producerHome)
    }

    @Sendable func producerHome(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.pathValue("slug")
        guard let identity = context.identity else { return signInFirst(request) }
        guard identity.canActForProducer(slug) else { return forbidden(request, context) }
        let snapshot = catalog.snapshot()
        guard let producer = snapshot.contents.producers.first(where: { $0.slug == slug }) else {
            return notFound(request, context)
        }
        let page = page(request, context)
        let language = page.language
        let today = clock.todayInVietnam()
        let products = snapshot.contents.products.filter { $0.producerSlug == slug }
            .map { (product: $0, outlook: RenewalOutlook(certificates: $0.certificates, on: today)) }
            // What needs doing first: the window closing soonest, then what is off the catalog.
            .sorted { (Self.urgency($0.outlook), $0.product.name.vi) < (Self.urgency($1.outlook), $1.product.name.vi) }
        var values = page.context(title: producer.name, path: "/console/producers/\(slug)")
        values["heading"] = producer.name
        values["nav"] = page.producerNav(slug, current: "")
        values["products"] = products.map { entry -> [String: Any] in
            Self.productRow(entry.product, entry.outlook, published: snapshot.product(slug: entry.product.slug) != nil,
                            page: page)
        }
        values["has_products"] = !products.isEmpty
        // Set only when there are some: a Mustache section shows for 0 too.
        let due = products.filter { $0.outlook.state == .renewSoon }.count
        if due > 0 { values["due_count"] = due }
        let applications = try await producerApplications(slug)
        values["applications"] = applications.map { fair, application -> [String: Any] in
            [
                "fair": fair.name, "dates": ShowroomFormat.date(fair.opensOn, language) + " – "
                    + ShowroomFormat.date(fair.closesOn, language),
                "state": ConsoleWords.word("application_" + application.status.rawValue, language),
                "stalls": application.stalls.joined(separator: ", "), "has_stalls": !application.stalls.isEmpty,
            ]
        }
        values["has_applications"] = !applications.isEmpty
        return html(request, .ok, templates.render("console-producer", values))
    }

    /// The producer's applications to every fair, newest fair first.
    private func producerApplications(_ producer: String) async throws -> [(Fair, FairApplication)] {
        var found: [(Fair, FairApplication)] = []
        for listing in try await fairs.listings().sorted(by: { $0.fair.opensOn > $1.fair.opensOn }) {
            for application in try await fairs.applications(fair: listing.fair.slug) where application.producer == producer {
                found.append((listing.fair, application))
            }
        }
        return found
    }

    private static func urgency(_ outlook: RenewalOutlook) -> Int {
        switch outlook.state {
        case .renewSoon: outlook.daysLeft ?? 0
        case .expired, .revoked: 1_000
        case .belowThreeStars, .uncertified: 2_000
        case .valid: 3_000 + (outlook.daysLeft ?? 0)
        }
    }

    private static func productRow(
        _ product: Product, _ outlook: RenewalOutlook, published: Bool, page: ConsolePage
    ) -> [String: Any] {
        let language = page.language
        let word = { (key: String) in ConsoleWords.word(key, language) }
        var row: [String: Any] = [
            "name": product.name.text(in: language), "state": outlook.state.rawValue,
            "state_label": word("renewal_" + outlook.state.rawValue), "advice": word("advice_" + outlook.state.rawValue),
            "urgent": outlook.state == .renewSoon || outlook.state == .expired || outlook.state == .revoked,
        ]
        if published { row["showroom_href"] = page.link("/san-pham/\(product.slug)") }
        if let certificate = outlook.certificate {
            row["stars"] = ShowroomFormat.stars(certificate.stars.value)
            row["stars_count"] = certificate.stars.value
            row["number"] = certificate.number
            row["authority"] = certificate.authority
            row["ends"] = ShowroomFormat.date(certificate.expiresOn, language)
            if let days = outlook.daysLeft, days > 0, outlook.state == .valid || outlook.state == .renewSoon {
                row["days_left"] = "\(days) " + word(days == 1 ? "day" : "days")
            }
            if outlook.state == .revoked, let revoked = certificate.revokedOn {
                row["ends"] = ShowroomFormat.date(revoked, language)
                if let reason = certificate.revocationReason { row["reason"] = reason }
            }
        }
        return row
    }
}
