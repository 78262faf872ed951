/// Why a product enters evaluation.
public enum DossierKind: String, Sendable, CaseIterable, Codable {
    /// A product never certified.
    case new
    /// A product whose certificate expired (or runs out): evaluated again, possibly at another level.
    case reEvaluation = "re_evaluation"
    /// A certified product asking for more stars.
    case upgrade
}

/// Where a dossier ("hồ sơ") stands, from the producer's draft to the council's decision.
public enum DossierState: String, Sendable, CaseIterable, Codable {
    /// The producer fills in the checklist.
    case draft
    /// Sent to the commune office for review.
    case submitted
    /// The commune office sent it back with a note; the producer edits it and sends it again.
    case returned
    /// The commune office passed it on to the province.
    case reviewed
    /// In an evaluation round: the provincial council scores it.
    case inEvaluation = "in_evaluation"
    /// The decision issued its certificate.
    case certified
    /// The council's average fell below 3★, or the round decided against it.
    case notCertified = "not_certified"

    /// Whether the producer may still change the checklist.
    public var isEditableByProducer: Bool { self == .draft || self == .returned }

    /// Whether the dossier's story has ended.
    public var isClosed: Bool { self == .certified || self == .notCertified }
}

/// The checklist of a dossier, as the local plans list it.
public enum DossierItem: String, Sendable, CaseIterable, Codable {
    case legalPapers = "legal_papers"
    case productionProcess = "production_process"
    case qualityStandards = "quality_standards"
    case packagingLabel = "packaging_label"
    case productStory = "product_story"
    case businessPlan = "business_plan"
}

/// Where one checklist item stands.
public enum DossierItemState: String, Sendable, CaseIterable, Codable {
    /// Nothing provided yet.
    case missing
    /// The producer provided it (a note, files).
    case provided
    /// The commune office accepted it.
    case accepted
    /// The commune office asks for more.
    case needsWork = "needs_work"
}

/// The files a dossier item may carry: PDF scans and photos, recognised by their first bytes.
public enum DossierFileType: String, Sendable, CaseIterable {
    case pdf = "application/pdf"
    case jpeg = "image/jpeg"
    case png = "image/png"

    /// 10 MB: a scanned certificate or test report; larger scans should be split.
    public static let maxBytes = 10 * 1024 * 1024

    /// The type the bytes are, whatever the client called them; nil for anything else.
    public static func sniff(_ bytes: some Collection<UInt8>) -> DossierFileType? {
        let head = Array(bytes.prefix(8))
        if head.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        return nil
    }

    public var fileExtension: String {
        switch self {
        case .pdf: "pdf"
        case .jpeg: "jpg"
        case .png: "png"
        }
    }
}
