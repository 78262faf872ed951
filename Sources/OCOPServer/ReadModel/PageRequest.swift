import OCOPDomain

/// `limit` and `cursor` of a list that is ordered by a `SortKey` (start time or first day, then
/// slug): the page size and the key the page starts after.
struct PageRequest {
    var limit = ProductQuery.defaultLimit
    var after: SortKey?

    init(_ parameters: [String: String]) throws(Problem) {
        if let text = parameters["limit"] {
            guard let value = Int(text), (1...ProductQuery.maxLimit).contains(value) else {
                throw .badParameter("limit", "a whole number from 1 to \(ProductQuery.maxLimit)")
            }
            limit = value
        }
        if let text = parameters["cursor"] {
            guard let cursor = CatalogCursor(encoded: text), cursor.sort == .newest else {
                throw .badParameter("cursor", "not a cursor from this list; use next_cursor as given")
            }
            after = cursor.key
        }
    }

    /// The cursor of the page after one that ended with `key`.
    static func cursor(after key: SortKey) -> String { CatalogCursor(sort: .newest, key: key).encoded }
}
