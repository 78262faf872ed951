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
    /// Sessions ended (a logout, a disabled account, a reset password): cached logins are dropped.
    case sessions

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
        case .sessions: "sessions"
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
        case ("sessions", 1): self = .sessions
        case ("stock", 2): self = .stock(point: String(parts[1]))
        case ("sku", 3): self = .stockOfSKU(point: String(parts[1]), sku: String(parts[2]))
        default: return nil
        }
    }
}

/// One commit's notices with the node that committed them, as a NOTIFY payload:
/// `<node>|<notice>\u{1E}<notice>…`. A node skips its own (it applied them at commit already). A
/// payload without a node is an older release's single notice ("catalog", "points", "stock:<slug>"),
/// still understood so that nodes can be upgraded one at a time.
struct NoticeEnvelope: Equatable {
    let node: String?
    let notices: [ChangeNotice]

    /// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
    static let maxPayloadBytes = 7900
    private static let separator: Character = "\u{1E}"

    /// The payloads that carry `notices`: one, unless they do not fit in one.
    static func payloads(node: String, notices: Set<ChangeNotice>) -> [String] {
        var payloads: [String] = []
        var current = ""
        for notice in notices.map(\.payload).sorted() {
            if !current.isEmpty, node.utf8.count + 1 + current.utf8.count + 1 + notice.utf8.count > maxPayloadBytes {
                payloads.append(node + "|" + current)
                current = ""
            }
            current += current.isEmpty ? notice : String(separator) + notice
        }
        if !current.isEmpty { payloads.append(node + "|" + current) }
        return payloads
    }

    init?(payload: String) {
        guard let bar = payload.firstIndex(of: "|") else {
            guard let legacy = Self.legacy(payload) else { return nil }
            node = nil
            notices = [legacy]
            return
        }
        node = String(payload[..<bar])
        notices = payload[payload.index(after: bar)...].split(separator: Self.separator).compactMap(ChangeNotice.init(payload:))
        if notices.isEmpty { return nil }
    }

    private static func legacy(_ payload: String) -> ChangeNotice? {
        switch payload {
        case "catalog": .catalog
        case "points": .points
        default: payload.hasPrefix("stock:") ? .stock(point: String(payload.dropFirst("stock:".count))) : nil
        }
    }
}
