public import OCOPDomain

/// A dossier as its producer and the office read it: the checklist with files, the history, and,
/// once it is in a round, the council's scores and what they add up to.
public struct DossierRecord: Sendable, Encodable {
    public var id: Int
    public var product: String
    public var productName: String
    public var producer: String
    public var province: String
    public var commune: String?
    public var kind: DossierKind
    public var state: DossierState
    public var round: Int?
    public var reviewNote: String?
    public var items: [DossierItemRecord]
    public var scores: [DossierScoreRecord]
    public var result: CouncilSummary?
    public var certificateNumber: String?
    public var decisionNumber: String?
    public var decidedOn: CalendarDate?
    public var history: [DossierEventRecord]
    public var createdAt: String
    public var updatedAt: String
}

public struct DossierItemRecord: Sendable, Encodable {
    public var item: DossierItem
    public var state: DossierItemState
    public var note: String
    public var files: [DossierFileRecord]
}

public struct DossierFileRecord: Sendable, Encodable {
    public var id: Int
    public var item: DossierItem
    public var fileName: String
    public var contentType: String
    public var bytes: Int
    public var sha256: String
    public var uploadedBy: String
    public var uploadedAt: String
    /// Where the file lies under the media folder (never served as public media).
    let storedPath: String

    private enum CodingKeys: String, CodingKey {
        case id, item, fileName, contentType, bytes, sha256, uploadedBy, uploadedAt
    }
}

public struct DossierEventRecord: Sendable, Encodable {
    public var at: String
    public var actor: String
    public var state: DossierState
    public var note: String?
}

/// One council member's sheet, in points.
public struct DossierScoreRecord: Sendable, Encodable {
    public var member: String
    public var partA: Double
    public var partB: Double
    public var partC: Double
    public var total: Double
}

/// What the council's sheets add up to.
public struct CouncilSummary: Sendable, Encodable {
    public var members: Int
    public var average: Double
    public var band: Int
    public var stars: Int
    public var potentialFiveStar: Bool
    public var certifies: Bool

    init(_ result: CouncilResult) {
        members = result.members
        average = result.average
        band = result.band.value
        stars = result.stars.value
        potentialFiveStar = result.potentialFiveStar
        certifies = result.certifies
    }
}

/// A file checked and written by the caller, to record on a dossier item.
public struct DossierUpload: Sendable {
    public var fileName: String
    public var type: DossierFileType
    public var bytes: Int
    public var sha256: String
    public var storedPath: String

    public init(fileName: String, type: DossierFileType, bytes: Int, sha256: String, storedPath: String) {
        self.fileName = fileName
        self.type = type
        self.bytes = bytes
        self.sha256 = sha256
        self.storedPath = storedPath
    }
}

/// What the office filters the dossier board by; a producer's scope sets `producers`.
public struct DossierFilter: Sendable {
    public var producers: Set<String>?
    public var state: DossierState?
    public var round: Int?
    public var product: String?
    public init(producers: Set<String>? = nil, state: DossierState? = nil, round: Int? = nil, product: String? = nil) {
        self.producers = producers
        self.state = state
        self.round = round
        self.product = product
    }
}
