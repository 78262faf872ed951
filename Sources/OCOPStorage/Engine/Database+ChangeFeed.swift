import OCOPDomain
import PostgresNIO
public import SQLKit

/// What changed, as told to every node: the catalog, the list of points, or one point's stock.
public enum ChangeNotice: Sendable, Hashable {
    case catalog
    case points
    case stock(point: String)

    /// The channel every node listens on (PostgreSQL LISTEN/NOTIFY).
    static let channel = "ocop_changes"

    var payload: String {
        switch self {
        case .catalog: "catalog"
        case .points: "points"
        case .stock(let point): "stock:" + point
        }
    }

    init?(payload: String) {
        switch payload {
        case "catalog": self = .catalog
        case "points": self = .points
        default:
            guard payload.hasPrefix("stock:") else { return nil }
            self = .stock(point: String(payload.dropFirst("stock:".count)))
        }
    }
}

extension Database {
    /// Tells the other nodes about a change, delivered when the caller's transaction commits
    /// (PostgreSQL folds repeats of one notice within a transaction). SQLite runs one node: no-op.
    public func announce(_ notice: ChangeNotice, in sql: any SQLDatabase) async throws {
        try await sql.announce(notice)
    }

    /// Whether other processes can push change notices (PostgreSQL); otherwise callers poll.
    public var hasChangeFeed: Bool { engine == .postgres }

    /// Holds one connection listening for change notices and hands each to `handle`, until the
    /// task is cancelled or the connection drops (then it throws, and the caller reconnects).
    public func listenForChanges(_ handle: @Sendable (ChangeNotice) async -> Void) async throws {
        guard let client = postgresClient else {
            throw DomainError(.invalid, "only PostgreSQL pushes change notices")
        }
        try await client.withConnection { connection in
            try await connection.listen(on: ChangeNotice.channel) { notifications in
                for try await notification in notifications {
                    if let notice = ChangeNotice(payload: notification.payload) { await handle(notice) }
                }
            }
        }
    }
}

extension SQLDatabase {
    /// `Database.announce` for code that holds only the transaction's connection.
    func announce(_ notice: ChangeNotice) async throws {
        guard dialect.name == "postgresql" else { return }
        try await raw("SELECT pg_notify(\(bind: ChangeNotice.channel), \(bind: notice.payload))").run()
    }
}
