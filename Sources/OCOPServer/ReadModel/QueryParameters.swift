import Hummingbird

/// How long a page of one kind of list may be: one default and one maximum per kind.
struct PageSize: Sendable {
    let standard: Int
    let maximum: Int

    /// The public catalog's lists (products, producers, points, fairs, livestreams), from memory.
    static let catalog = PageSize(standard: 24, maximum: 100)
    /// Staff lists read from the database (listings, users, the audit log).
    static let records = PageSize(standard: 50, maximum: 200)
    /// A point's ledger and stock movements, which reports page through in long runs.
    static let ledger = PageSize(standard: 50, maximum: 500)
}

/// A request's query parameters, read the one way every route reads them: unknown names and
/// repeated names are refused (naming the parameter), `limit` is range-checked against the list's
/// kind, and `cursor` must be a `PageCursor` of the list's own order.
struct QueryParameters {
    private let values: [String: String]

    init(_ values: [String: String], known: Set<String>) throws(Problem) {
        if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
            throw .badParameter(unknown, "unknown parameter")
        }
        self.values = values
    }

    init(_ request: Request, known: Set<String>) throws(Problem) {
        try self.init(HTTPHelpers.parameters(request), known: known)
    }

    subscript(_ name: String) -> String? { values[name] }

    /// `limit`, or the kind's default.
    func limit(_ size: PageSize) throws(Problem) -> Int {
        guard let text = values["limit"] else { return size.standard }
        guard text.utf8.count <= 6, let value = Int(text), (1...size.maximum).contains(value) else {
            throw .badParameter("limit", "a whole number from 1 to \(size.maximum)")
        }
        return value
    }

    /// The key the page starts after, when `cursor` is given; it must belong to `order`.
    func cursor(order: String) throws(Problem) -> SortKey? {
        guard let text = values["cursor"] else { return nil }
        guard let cursor = PageCursor(encoded: text) else {
            throw .badParameter("cursor", "not a cursor from this API; use next_cursor as given")
        }
        guard cursor.order == order else {
            throw .badParameter("cursor", "belongs to the order '\(cursor.order)', not '\(order)'")
        }
        return cursor.key
    }

    /// The row id a page of the database list `order` starts after (`PageCursor(id:of:)`).
    func idCursor(of order: String) throws(Problem) -> Int? {
        guard let key = try cursor(order: order) else { return nil }
        guard key.primary > 0, key.primary <= Int64(Int32.max) * 1024 else {
            throw .badParameter("cursor", "not a cursor from this API; use next_cursor as given")
        }
        return Int(key.primary)
    }
}

/// `limit` and `cursor` of a list kept in memory and ordered by a `SortKey` (start time or first
/// day, then slug): the page size and the key the page starts after.
struct PageRequest {
    var limit: Int
    var after: SortKey?
    /// The order the cursor names.
    static let order = "newest"

    init(_ parameters: QueryParameters) throws(Problem) {
        limit = try parameters.limit(.catalog)
        after = try parameters.cursor(order: Self.order)
    }

    /// The cursor of the page after one that ended with `key`.
    static func cursor(after key: SortKey) -> String { PageCursor(order: order, key: key).encoded }
}
