/// What a post-inspection ("hậu kiểm") looks at in a certified product.
public enum InspectionArea: String, Sendable, CaseIterable, Codable {
    case qualitySafety = "quality_safety"
    case labels
    case ocopMark = "ocop_mark"
    case stamps
}

/// What the inspection team concluded.
public enum InspectionOutcome: String, Sendable, CaseIterable, Codable {
    /// The product still deserves its stars.
    case compliant
    /// The producer must correct what was found by a deadline.
    case corrective
    /// The team proposes that the certificate be revoked; the office decides.
    case revocationProposed = "revocation_proposed"
}

/// Where an inspection's follow-up stands.
public enum InspectionStatus: String, Sendable, CaseIterable, Codable {
    /// Nothing left to do (compliant), or the corrections were confirmed.
    case closed
    /// Corrections are due by the deadline.
    case correctionsDue = "corrections_due"
    /// A revocation awaits the office's decision.
    case revocationPending = "revocation_pending"
    /// The office revoked the certificate.
    case revoked
    /// The office decided against the proposed revocation.
    case revocationRefused = "revocation_refused"
}
