public import OCOPDomain
import SQLKit

/// How a certificate came to be: a first certification, a re-recognition after the 36 months,
/// or an upgrade to more stars filed at any time.
public enum CertificationKind: String, Sendable, CaseIterable, Codable {
    case issue
    case reRecognition = "re_recognition"
    case upgrade
}

/// One certificate in a product's history, with where it stands today.
public struct CertificateRecord: Sendable, Hashable, Codable {
    public var certificate: Certificate
    public var status: CertificateStatus
    /// "catalog" (from the YAML files) or "api".
    public var source: String
}

/// Certificate lifecycle by the programme office: issue, re-recognise, upgrade, revoke, correct.
/// Each change commits with its audit row, bumps the catalog revision (so every node's snapshot
/// follows) and queues `catalog.changed` notices.
public struct CertificateStore: Sendable {
    private let database: Database

    public init(database: Database) { self.database = database }

    /// Records a new certificate for a product.
    public func add(
        _ certificate: Certificate, kind: CertificationKind, to product: String, actor: String, at now: Moment
    ) async throws {
        try await database.transaction { sql in
            try await Self.add(certificate, kind: kind, to: product, actor: actor, at: now, sql)
        }
    }

    /// `add` inside a caller's transaction (an evaluation round's decision issues its certificate
    /// in the same commit as the dossier's new state).
    static func add(
        _ certificate: Certificate, kind: CertificationKind, to product: String, actor: String, at now: Moment,
        _ sql: any SQLDatabase
    ) async throws {
        var issues = certificate.problems()
        let existing = try await Self.certificates(of: product, sql)
        if existing.contains(where: { $0.certificate.number == certificate.number }) {
            issues.append(.init(field: "number", reason: "this product already has certificate \(certificate.number)"))
        }
        let today = CalendarDate(inVietnamAt: now)
        let current = PublicationRule.currentCertificate(among: existing.map(\.certificate), on: today)
        if kind == .upgrade, let current, certificate.stars <= current.stars {
            issues.append(.init(field: "stars", reason: "an upgrade must exceed the current \(current.stars)"))
        }
        if kind == .reRecognition, existing.isEmpty {
            issues.append(.init(field: "kind", reason: "nothing to re-recognise: the product has no certificate"))
        }
        guard issues.isEmpty else { throw DomainError(.invalid, "invalid certificate", issues: issues) }
        try await sql.raw(
            """
            INSERT INTO certificates (product_slug, number, decision_number, authority, stars, score, issued_on,
                expires_on, potential_five_star, revoked_on, revocation_reason, legal_basis, source)
            VALUES (\(bind: product), \(bind: certificate.number), \(bind: certificate.decisionNumber),
                \(bind: certificate.authority), \(bind: certificate.stars.value), \(bind: certificate.score),
                \(bind: certificate.issuedOn.description), \(bind: certificate.expiresOn.description),
                \(bind: certificate.potentialFiveStar ? 1 : 0), NULL, NULL, \(bind: certificate.legalBasis), 'api')
            """
        ).run()
        try await recordChange(
            sql, product: product, action: kind.rawValue, before: nil, after: try CanonicalJSON.encode(certificate),
            actor: actor, at: now)
    }

    /// Revokes a certificate from `date` (today by default): the product leaves the catalog at once.
    public func revoke(
        product: String, number: String, on date: CalendarDate, reason: String, decisionNumber: String,
        actor: String, at now: Moment
    ) async throws {
        try Self.checkRevocation(reason: reason, decisionNumber: decisionNumber)
        try await database.transaction { sql in
            try await Self.revoke(
                product: product, number: number, on: date, reason: reason, decisionNumber: decisionNumber, actor: actor,
                at: now, sql)
        }
    }

    private static func checkRevocation(reason: String, decisionNumber: String) throws(DomainError) {
        var issues: [DomainError.FieldIssue] = []
        if reason.isEmpty { issues.append(.init(field: "reason", reason: "a revocation needs its ground")) }
        if decisionNumber.isEmpty { issues.append(.init(field: "decision_number", reason: "required")) }
        guard issues.isEmpty else { throw DomainError(.invalid, "invalid revocation", issues: issues) }
    }

    /// `revoke` inside a caller's transaction (an inspection's proposal the office confirms).
    static func revoke(
        product: String, number: String, on date: CalendarDate, reason: String, decisionNumber: String,
        actor: String, at now: Moment, _ sql: any SQLDatabase
    ) async throws {
        guard let record = try await Self.certificates(of: product, sql).first(where: { $0.certificate.number == number })
        else { throw DomainError(.notFound, "product '\(product)' has no certificate '\(number)'") }
        guard record.certificate.revokedOn == nil else {
            throw DomainError(.conflict, "certificate \(number) was revoked on \(record.certificate.revokedOn!)")
        }
        guard date >= record.certificate.issuedOn else {
            throw DomainError.invalid(field: "revoked_on", "before the certificate was issued")
        }
        try await sql.raw(
            """
            UPDATE certificates SET revoked_on = \(bind: date.description), revocation_reason = \(bind: reason),
                revocation_decision = \(bind: decisionNumber)
            WHERE product_slug = \(bind: product) AND number = \(bind: number)
            """
        ).run()
        var after = record.certificate
        after.revokedOn = date
        after.revocationReason = reason
        try await recordChange(
            sql, product: product, action: "revoke", before: try CanonicalJSON.encode(record.certificate),
            after: try CanonicalJSON.encode(after), actor: actor, at: now)
        try await MarketplaceOutbox.certificatesChanged(product: product, in: sql, at: now)
    }

    /// Replaces a certificate's details to correct a mistake (same number).
    public func correct(_ certificate: Certificate, of product: String, actor: String, at now: Moment) async throws {
        try await database.transaction { sql in try await Self.correct(certificate, of: product, actor: actor, at: now, sql) }
    }

    private static func correct(
        _ certificate: Certificate, of product: String, actor: String, at now: Moment, _ sql: any SQLDatabase
    ) async throws {
        let issues = certificate.problems()
        guard issues.isEmpty else { throw DomainError(.invalid, "invalid certificate", issues: issues) }
        guard
            let record = try await Self.certificates(of: product, sql).first(where: {
                $0.certificate.number == certificate.number
            })
        else { throw DomainError(.notFound, "product '\(product)' has no certificate '\(certificate.number)'") }
        try await sql.raw(
            """
            UPDATE certificates SET decision_number = \(bind: certificate.decisionNumber),
                authority = \(bind: certificate.authority), stars = \(bind: certificate.stars.value),
                score = \(bind: certificate.score), issued_on = \(bind: certificate.issuedOn.description),
                expires_on = \(bind: certificate.expiresOn.description),
                potential_five_star = \(bind: certificate.potentialFiveStar ? 1 : 0),
                legal_basis = \(bind: certificate.legalBasis)
            WHERE product_slug = \(bind: product) AND number = \(bind: certificate.number)
            """
        ).run()
        try await Self.recordChange(
            sql, product: product, action: "correct", before: try CanonicalJSON.encode(record.certificate),
            after: try CanonicalJSON.encode(certificate), actor: actor, at: now)
    }

    /// Every certificate of a product, oldest first, with its status on `day`.
    public func history(of product: String, on day: CalendarDate) async throws -> [CertificateRecord] {
        try await database.read { sql in try await Self.history(of: product, on: day, sql) }
    }

    static func history(of product: String, on day: CalendarDate, _ sql: any SQLDatabase) async throws -> [CertificateRecord] {
        guard try await sql.raw("SELECT slug FROM products WHERE slug = \(bind: product)").first() != nil else {
            throw DomainError(.notFound, "no product '\(product)'")
        }
        return try await Self.certificates(of: product, sql).map { record in
            var dated = record
            dated.status = record.certificate.status(on: day)
            return dated
        }
    }

    // MARK: - As operations of the write pipeline (idempotent, answered with the history after)

    /// `add` as one operation, answering the product's certificates as of the day after it.
    public func adding(
        _ certificate: Certificate, kind: CertificationKind, to product: String, actor: String, at now: Moment
    ) -> StoreOperation<[CertificateRecord]> {
        StoreOperation { sql in
            try await Self.add(certificate, kind: kind, to: product, actor: actor, at: now, sql)
            return try await Self.history(of: product, on: CalendarDate(inVietnamAt: now), sql)
        }
    }

    /// `revoke` as one operation, answering the product's certificates after it.
    public func revoking(
        product: String, number: String, on date: CalendarDate, reason: String, decisionNumber: String,
        actor: String, at now: Moment
    ) -> StoreOperation<[CertificateRecord]> {
        StoreOperation { sql in
            try Self.checkRevocation(reason: reason, decisionNumber: decisionNumber)
            try await Self.revoke(
                product: product, number: number, on: date, reason: reason, decisionNumber: decisionNumber, actor: actor,
                at: now, sql)
            return try await Self.history(of: product, on: CalendarDate(inVietnamAt: now), sql)
        }
    }

    /// `correct` as one operation, answering the product's certificates after it.
    public func correcting(
        _ certificate: Certificate, of product: String, actor: String, at now: Moment
    ) -> StoreOperation<[CertificateRecord]> {
        StoreOperation { sql in
            try await Self.correct(certificate, of: product, actor: actor, at: now, sql)
            return try await Self.history(of: product, on: CalendarDate(inVietnamAt: now), sql)
        }
    }

    /// Live certificates expiring from `day` up to `day + days`, soonest first, with their product.
    public func expiring(within days: Int, from day: CalendarDate) async throws -> [(product: String, certificate: Certificate)] {
        let until = day.adding(days: days).description
        return try await database.read { sql in
            try await sql.raw(
                """
                SELECT c.* FROM certificates c JOIN products p ON p.slug = c.product_slug
                WHERE p.withdrawn_at IS NULL AND c.revoked_on IS NULL AND c.stars >= 3
                    AND c.expires_on > \(bind: day.description) AND c.expires_on <= \(bind: until)
                ORDER BY c.expires_on, c.product_slug
                """
            ).all().map { row in
                (try row.decode(column: "product_slug", as: String.self), try CatalogStore.certificate(from: row))
            }
        }
    }

    // MARK: - Inside a transaction

    static func certificates(of product: String, _ sql: any SQLDatabase) async throws -> [CertificateRecord] {
        try await sql.raw(
            "SELECT * FROM certificates WHERE product_slug = \(bind: product) ORDER BY issued_on, number"
        ).all().map { row in
            CertificateRecord(
                certificate: try CatalogStore.certificate(from: row), status: .valid,
                source: try row.decode(column: "source", as: String.self))
        }
    }

    private static func recordChange(
        _ sql: any SQLDatabase, product: String, action: String, before: String?, after: String?, actor: String,
        at now: Moment
    ) async throws {
        try await AuditLog.append(
            sql, actor: actor, action: action, entity: "certificate", entityID: product, before: before, after: after,
            at: ISOTimestamp.string(now))
        try await CatalogStore.markChanged(sql, CatalogChange(revision: 0, certificatesOf: product), at: now)
    }
}
