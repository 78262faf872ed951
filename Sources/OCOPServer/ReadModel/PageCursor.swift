import Foundation

/// The position after the last item of a page, the one cursor scheme of every list: the order it
/// belongs to (a product sort, "name", "id", "username"…) and that item's key in it. Keyset
/// positions (not offsets) keep "every item exactly once" even when the list changes between pages.
struct PageCursor: Sendable, Equatable {
    let order: String
    let key: SortKey

    /// Opaque text for clients: base64url of the fields, with a check so edited cursors are refused.
    var encoded: String {
        let body = ["c1", order, String(key.primary), key.name, key.slug].joined(separator: "\u{1F}")
        let text = body + "\u{1F}" + Self.check(body)
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes a cursor, or nil for anything this service did not write.
    init?(encoded: String) {
        guard encoded.utf8.count <= 1024 else { return nil }
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "c1", let primary = Int64(parts[2]),
            Self.check(parts[0..<5].joined(separator: "\u{1F}")) == parts[5]
        else { return nil }
        order = parts[1]
        key = SortKey(primary: primary, name: parts[3], slug: parts[4])
    }

    init(order: String, key: SortKey) {
        self.order = order
        self.key = key
    }

    /// A product list's position in `sort`.
    init(sort: ProductSort, key: SortKey) { self.init(order: sort.rawValue, key: key) }

    /// The position after a database row, for the list `order` names ("audit", "ledger",
    /// "listings": each its own, since they run in different directions).
    init(id: Int, of order: String) { self.init(order: order, key: SortKey(primary: Int64(id), name: "", slug: "")) }

    /// The position after an account, for the user list (ordered by username).
    init(username: String) { self.init(order: "username", key: SortKey(primary: 0, name: username, slug: "")) }

    /// FNV-1a over the body: not a secret, only a guard against hand-edited or truncated cursors.
    private static func check(_ body: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in body.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return String(hash, radix: 36)
    }
}

/// The ways a product list can be ordered.
enum ProductSort: String, Sendable, CaseIterable {
    case relevance, name, stars, newest
    case priceAscending = "price_asc"
    case priceDescending = "price_desc"
}

/// A product's place in one ordering: compared by primary, then folded name, then slug (unique).
struct SortKey: Sendable, Comparable, Hashable {
    let primary: Int64
    let name: String
    let slug: String

    static func < (lhs: SortKey, rhs: SortKey) -> Bool {
        if lhs.primary != rhs.primary { return lhs.primary < rhs.primary }
        if lhs.name != rhs.name { return lhs.name < rhs.name }
        return lhs.slug < rhs.slug
    }
}
