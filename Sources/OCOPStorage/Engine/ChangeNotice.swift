/// What changed, as told to this node's read models after a commit and to every other node
/// through PostgreSQL's NOTIFY.
public enum ChangeNotice: Sendable, Hashable {
    /// Products, producers or certificates: the public catalog snapshot is rebuilt.
    case catalog
    /// The list of points (created, edited).
    case points
    /// Everything a point holds (a transfer, a hold, an import).
    case stock(point: String)
    /// One SKU at a point (a sale, a receipt): the read model reads that product only.
    case stockOfSKU(point: String, sku: String)
    /// Fairs, their stalls and applications.
    case fairs
    /// Livestream sessions.
    case livestreams
    /// Marketplace listings and their sync state.
    case listings

    /// The channel every node listens on (PostgreSQL LISTEN/NOTIFY).
    static let channel = "ocop_changes"

    /// The text sent over NOTIFY. Slugs and SKUs hold no newline (they are validated on the way
    /// in), so a newline separates the parts.
    var payload: String {
        switch self {
        case .catalog: "catalog"
        case .points: "points"
        case .stock(let point): "stock\n" + point
        case .stockOfSKU(let point, let sku): "sku\n" + point + "\n" + sku
        case .fairs: "fairs"
        case .livestreams: "livestreams"
        case .listings: "listings"
        }
    }

    init?(payload: Substring) {
        let parts = payload.split(separator: "\n", omittingEmptySubsequences: false)
        switch (parts.first, parts.count) {
        case ("catalog", 1): self = .catalog
        case ("points", 1): self = .points
        case ("fairs", 1): self = .fairs
        case ("livestreams", 1): self = .livestreams
        case ("listings", 1): self = .listings
        case ("stock", 2): self = .stock(point: String(parts[1]))
        case ("sku", 3): self = .stockOfSKU(point: String(parts[1]), sku: String(parts[2]))
        default: return nil
        }
    }
}

/// A batch of notices with the node that committed them: the NOTIFY payload is
/// `<node>|<notice>`, so a node skips its own notices (it applied them at commit already).
struct NoticeEnvelope: Equatable {
    let node: String
    let notice: ChangeNotice

    var payload: String { node + "|" + notice.payload }

    init(node: String, notice: ChangeNotice) {
        self.node = node
        self.notice = notice
    }

    init?(payload: String) {
        guard let bar = payload.firstIndex(of: "|"),
            let notice = ChangeNotice(payload: payload[payload.index(after: bar)...])
        else { return nil }
        node = String(payload[..<bar])
        self.notice = notice
    }
}
