import Hummingbird
import OCOPDomain
import OCOPStorage

/// The programme office's certificate work: issue, re-recognise, upgrade, revoke, correct, and the
/// list of certificates running out. Changes take effect in the public catalog at once.
struct CertificatesController: Sendable {
    let database: Database
    let clock: any WallClock
    let readModel: CatalogReadModel
    /// The three writes go through it: a retried request with the same `Idempotency-Key` is
    /// answered as the first was, and changes nothing twice.
    let pipeline: WritePipeline

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("products/:slug/certificates", use: history)
        group.post("products/:slug/certificates", use: add)
        group.post("products/:slug/certificates/revocations", use: revoke)
        group.post("products/:slug/certificates/corrections", use: correct)
        group.get("certificates/expiring", use: expiring)
    }

    private var store: CertificateStore { CertificateStore(database: database) }

    struct CertificateBody: Decodable {
        var kind: String?
        var number: String
        var decisionNumber: String
        var authority: String
        var stars: Int
        var score: Double
        var issuedOn: String
        var expiresOn: String?
        var potentialFiveStar: Bool?
        var legalBasis: String?

        func certificate() throws(DomainError) -> Certificate {
            var checks = FieldChecks()
            let stars = StarRating(self.stars)
            checks.require(stars != nil, "stars", "a whole number from 1 to 5")
            let issued = CalendarDate(iso: issuedOn)
            checks.require(issued != nil, "issued_on", "a date YYYY-MM-DD")
            let expires = expiresOn.flatMap(CalendarDate.init(iso:))
            checks.require(expiresOn == nil || expires != nil, "expires_on", "a date YYYY-MM-DD")
            checks.require(!number.isEmpty && number.utf8.count <= 100, "number", "1–100 bytes")
            try checks.throwIfAny()
            return Certificate(
                number: number, decisionNumber: decisionNumber, authority: authority, stars: stars!, score: score,
                issuedOn: issued!, expiresOn: expires, potentialFiveStar: potentialFiveStar ?? false,
                legalBasis: legalBasis ?? BundledData.classification.legalBasis)
        }
    }

    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Response {
        let product = try context.pathValue("slug")
        return try await pipeline.run(request, CertificateBody.self, authorise: { try context.requireAdmin() }) {
            body, identity, now in
            guard let kind = CertificationKind(rawValue: body.kind ?? "issue") else {
                throw Problem.badParameter("kind", "one of \(CertificationKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            try await requireProduct(product)
            let certificate = try body.certificate()
            return store.adding(certificate, kind: kind, to: product, actor: identity.actor, at: now)
                .map { Self.history(product, $0, now) }
        }
    }

    struct RevocationBody: Decodable {
        var number: String
        var reason: String
        var decisionNumber: String
        var revokedOn: String?
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let product = try context.pathValue("slug")
        return try await pipeline.run(request, RevocationBody.self, status: .ok, authorise: { try context.requireAdmin() }) {
            body, identity, now in
            var date = CalendarDate(inVietnamAt: now)
            if let text = body.revokedOn {
                guard let parsed = CalendarDate(iso: text) else { throw Problem.badParameter("revoked_on", "a date YYYY-MM-DD") }
                date = parsed
            }
            return store.revoking(
                product: product, number: body.number, on: date, reason: body.reason, decisionNumber: body.decisionNumber,
                actor: identity.actor, at: now
            ).map { Self.history(product, $0, now) }
        }
    }

    @Sendable func correct(_ request: Request, context: AppRequestContext) async throws -> Response {
        let product = try context.pathValue("slug")
        return try await pipeline.run(request, CertificateBody.self, status: .ok, authorise: { try context.requireAdmin() }) {
            body, identity, now in
            let certificate = try body.certificate()
            return store.correcting(certificate, of: product, actor: identity.actor, at: now).map { Self.history(product, $0, now) }
        }
    }

    /// The admin, or the producer that owns the product.
    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let product = try context.pathValue("slug")
        let owner = readModel.snapshot().contents.products.first { $0.slug == product }?.producerSlug
        guard identity.isAdmin || owner.map(identity.canActForProducer) == true else {
            throw Problem(.forbidden, "\(identity.username) may not see the certificates of '\(product)'")
        }
        return try await historyResponse(product, status: .ok)
    }

    struct HistoryAnswer: Encodable, Sendable {
        var product: String
        var publishedToday: Bool
        var certificates: [CertificateRecord]
    }

    private func historyResponse(_ product: String, status: HTTPResponse.Status) async throws -> Response {
        let now = clock.now()
        return try ResponseJSON.response(
            Self.history(product, try await store.history(of: product, on: CalendarDate(inVietnamAt: now)), now),
            status: status)
    }

    private static func history(_ product: String, _ records: [CertificateRecord], _ now: Moment) -> HistoryAnswer {
        let today = CalendarDate(inVietnamAt: now)
        return HistoryAnswer(
            product: product, publishedToday: PublicationRule.isPublishable(records.map(\.certificate), on: today),
            certificates: records)
    }

    private func requireProduct(_ slug: String) async throws {
        guard readModel.snapshot().contents.products.contains(where: { $0.slug == slug }) else {
            throw Problem.notFound("no product '\(slug)'")
        }
    }

    struct ExpiringAnswer: Encodable {
        struct Item: Encodable {
            var product: String
            var number: String
            var stars: Int
            var expiresOn: CalendarDate
            var daysLeft: Int
        }

        var withinDays: Int
        var items: [Item]
    }

    /// Certificates running out within 30, 60 or 90 days (admin).
    @Sendable func expiring(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let text = request.uri.queryParameters.get("within") ?? "30"
        guard let days = Int(text), [30, 60, 90].contains(days) else {
            throw Problem.badParameter("within", "30, 60 or 90")
        }
        let today = clock.todayInVietnam()
        let items = try await store.expiring(within: days, from: today).map {
            ExpiringAnswer.Item(
                product: $0.product, number: $0.certificate.number, stars: $0.certificate.stars.value,
                expiresOn: $0.certificate.expiresOn,
                daysLeft: $0.certificate.expiresOn.daysSince1970 - today.daysSince1970)
        }
        return try ResponseJSON.response(ExpiringAnswer(withinDays: days, items: items))
    }
}
