import Foundation
import Hummingbird
import OCOPDomain
import OCOPStorage

/// The office records a council's decision on a product's page: a new certificate, a
/// re-recognition after expiry, or an upgrade, checked by the API's own rules
/// (`CertificatesController.CertificateBody`, then `CertificateStore.add`). A certificate number
/// is unique per product, so a form sent twice records one certificate and says so. A mistake in
/// a recorded certificate (a typo in the decision, the wrong date) is corrected in place, keeping
/// its number (`CertificateStore.correct`), with the before and after in the audit log.
extension ConsoleController {
    func addCertifyRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("office/products/:slug/certificates", use: officeCertify)
        group.post("office/products/:slug/corrections", use: officeCorrect)
    }

    @Sendable func officeCertify(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await withOfficeProduct(request, context) { product in
            do {
                let kind = CertificationKind(rawValue: form["kind"]?.trimmingWhitespace ?? "")
                let certificate = try Self.certificate(from: form, kindProblem: kind == nil)
                try await certificates.add(certificate, kind: kind!, to: product.slug, actor: identity.actor, at: clock.now())
                return ConsolePage.redirect(page(request, context).link("/console/office/products/\(product.slug)?done=1"))
            } catch let error as DomainError {
                return try await renderOfficeProduct(
                    request, context, product: product, status: Problem(error).status, error: error.explanation)
            }
        } }
    }

    @Sendable func officeCorrect(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await withTrustedForm(request, context) { form, identity in try await withOfficeProduct(request, context) { product in
            do {
                var certificate = try Self.certificate(from: form, kindProblem: false)
                // The form does not show the legal basis; a correction keeps the one recorded.
                let recorded = try await certificates.history(of: product.slug, on: clock.todayInVietnam())
                if let current = recorded.first(where: { $0.certificate.number == certificate.number }) {
                    certificate.legalBasis = current.certificate.legalBasis
                }
                try await certificates.correct(certificate, of: product.slug, actor: identity.actor, at: clock.now())
                return ConsolePage.redirect(page(request, context).link("/console/office/products/\(product.slug)?corrected=1"))
            } catch let error as DomainError {
                return try await renderOfficeProduct(
                    request, context, product: product, status: Problem(error).status, error: error.explanation)
            }
        } }
    }

    /// The certificate a decision form describes, through the API's checks; every wrong field is
    /// named at once (with `kind` when the caller found it wrong).
    static func certificate(from form: FormBody, kindProblem: Bool) throws(DomainError) -> Certificate {
        let text = { (name: String) in form[name]?.trimmingWhitespace ?? "" }
        var checks = FieldChecks()
        checks.require(!kindProblem, "kind", CertificationKind.allCases.map(\.rawValue).joined(separator: ", "))
        let stars = Int(text("stars")), score = Double(text("score").replacingOccurrences(of: ",", with: "."))
        checks.require(stars != nil, "stars", "a whole number from 1 to 5")
        checks.require(score.map { $0.isFinite && (0...100).contains($0) } == true, "score", "points from 0 to 100")
        for (name, limit) in [("decision_number", 100), ("authority", 200)] {
            checks.require(!text(name).isEmpty && text(name).utf8.count <= limit, name, "1–\(limit) bytes")
        }
        try checks.throwIfAny()
        let body = CertificatesController.CertificateBody(
            kind: nil, number: text("number"), decisionNumber: text("decision_number"), authority: text("authority"),
            stars: stars!, score: score!, issuedOn: text("issued_on"),
            expiresOn: text("expires_on").isEmpty ? nil : text("expires_on"),
            potentialFiveStar: form["potential_five_star"] == "on", legalBasis: nil)
        return try body.certificate()
    }
}
