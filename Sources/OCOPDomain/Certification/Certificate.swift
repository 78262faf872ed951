/// An OCOP certificate (or recognition decision) for one product.
public struct Certificate: Hashable, Sendable, Codable {
    public var number: String
    public var decisionNumber: String
    public var authority: String
    public var stars: StarRating
    public var score: Double
    public var issuedOn: CalendarDate
    /// The day the certificate stops being valid; issued + 36 months unless the decision says otherwise.
    public var expiresOn: CalendarDate
    public var potentialFiveStar: Bool
    public var revokedOn: CalendarDate?
    public var revocationReason: String?
    public var legalBasis: String

    /// Certificates last 36 months and are not renewed automatically.
    public static let validityMonths = 36

    public init(
        number: String, decisionNumber: String, authority: String, stars: StarRating, score: Double,
        issuedOn: CalendarDate, expiresOn: CalendarDate? = nil, potentialFiveStar: Bool = false,
        revokedOn: CalendarDate? = nil, revocationReason: String? = nil, legalBasis: String = "148/QĐ-TTg"
    ) {
        self.number = number
        self.decisionNumber = decisionNumber
        self.authority = authority
        self.stars = stars
        self.score = score
        self.issuedOn = issuedOn
        // A date too late to add 36 months to keeps the last date there is; problems() refuses it.
        self.expiresOn = expiresOn ?? issuedOn.adding(months: Self.validityMonths) ?? CalendarDate.latest
        self.potentialFiveStar = potentialFiveStar
        self.revokedOn = revokedOn
        self.revocationReason = revocationReason
        self.legalBasis = legalBasis
    }

    /// The certificate's standing on a given day.
    public func status(on day: CalendarDate) -> CertificateStatus {
        if let revokedOn, revokedOn <= day { return .revoked }
        if day < issuedOn { return .notYetValid }
        if day >= expiresOn { return .expired }
        return .valid
    }

    /// Checks the rules a certificate must satisfy on its own; each problem names its field.
    public func problems() -> [DomainError.FieldIssue] {
        var issues: [DomainError.FieldIssue] = []
        if !stars.isConsistent(withScore: score, potentialFiveStar: potentialFiveStar) {
            let band = StarRating.band(forScore: score).map(\.description) ?? "none (0–100)"
            issues.append(.init(field: "score", reason: "score \(score) falls in band \(band), not \(stars)"))
        }
        if potentialFiveStar && stars.value != 4 {
            issues.append(.init(field: "potential_five_star", reason: "only a 4★ certificate can await the 5★ decision"))
        }
        if issuedOn.adding(months: Self.validityMonths) == nil {
            issues.append(.init(field: "issued_on", reason: "too late: 36 months of validity must end by 9999"))
        }
        if expiresOn <= issuedOn {
            issues.append(.init(field: "expires_on", reason: "must be after issued_on \(issuedOn)"))
        }
        if let revokedOn, revokedOn < issuedOn {
            issues.append(.init(field: "revoked_on", reason: "must not be before issued_on \(issuedOn)"))
        }
        if revokedOn != nil, (revocationReason ?? "").isEmpty {
            issues.append(.init(field: "revocation_reason", reason: "a revocation needs its ground"))
        }
        if number.isEmpty { issues.append(.init(field: "number", reason: "must not be empty")) }
        if authority.isEmpty { issues.append(.init(field: "authority", reason: "must not be empty")) }
        return issues
    }
}

/// Where a certificate stands on a day.
public enum CertificateStatus: String, Sendable, Codable {
    case valid
    case expired
    case revoked
    case notYetValid = "not_yet_valid"
}
