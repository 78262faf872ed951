public import OCOPDomain
import SQLKit

/// Everything the public catalog is built from: the live (not withdrawn) producers and products.
public struct CatalogContents: Sendable {
    public var producers: [Producer]
    public var products: [Product]

    public init(producers: [Producer], products: [Product]) {
        self.producers = producers
        self.products = products
    }
}

/// The canonical document last saved for each slug, and whether it is withdrawn.
public struct StoredDocument: Sendable, Hashable {
    public var json: String
    public var isWithdrawn: Bool
}

/// The stored documents by slug, for producers and for products.
public struct StoredDocuments: Sendable {
    public var producers: [String: StoredDocument]
    public var products: [String: StoredDocument]
}

/// Producers and products with their variants, media and certificates.
///
/// Records removed from the catalog are withdrawn, not deleted: stock ledgers and reports keep
/// pointing at them, and re-adding one brings it back.
public struct CatalogStore: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    // MARK: - Reads

    /// The count of committed catalog changes: when it moves, snapshots are stale.
    public func revision() async throws -> Int {
        try await database.read { sql in
            try await sql.raw("SELECT revision FROM catalog_revision WHERE id = 1").first()?
                .decode(column: "revision", as: Int.self) ?? 0
        }
    }

    /// Whether the catalog holds no producer at all (a fresh install).
    public func isEmpty() async throws -> Bool {
        try await database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM producers").first()?.decode(column: "n", as: Int.self) == 0
        }
    }

    /// The stored documents of every producer and product, withdrawn ones included.
    public func storedDocuments() async throws -> StoredDocuments {
        try await database.read { sql in try await Self.storedDocuments(sql) }
    }

    // MARK: - Writes

    /// After any committed catalog change: bump the revision (every node reloads), notify the
    /// other nodes, and queue `catalog.changed` for webhook subscribers with what `change` says
    /// (its revision is filled in here).
    static func markChanged(_ sql: any SQLDatabase, _ change: CatalogChange, at now: Moment) async throws {
        var change = change
        change.revision = try await sql.raw(
            "UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision"
        ).first()?.decode(column: "revision", as: Int.self) ?? 0
        sql.announce(.catalog)
        try await WebhookStore.enqueue(event: "catalog.changed", data: change, in: sql, at: now)
    }

    /// The stored documents of every producer and product, or only of the slugs given.
    static func storedDocuments(
        _ sql: any SQLDatabase, producers: [String]? = nil, products: [String]? = nil
    ) async throws -> StoredDocuments {
        func documents(_ table: SQLQueryString, _ slugs: [String]?) async throws -> [String: StoredDocument] {
            // All rows, or the slugs asked for 500 at a time (bind lists stay small on both engines).
            let filters: [SQLQueryString] = slugs.map { slugs in
                stride(from: 0, to: slugs.count, by: 500).map { start in
                    let chunk = slugs[start..<min(start + 500, slugs.count)]
                    return " WHERE slug IN (\(SQLList(chunk.map { SQLBind($0) })))"
                }
            } ?? [""]
            var result: [String: StoredDocument] = [:]
            for filter in filters {
                for row in try await sql.raw("SELECT slug, document, withdrawn_at FROM \(table)\(filter)").all() {
                    result[try row.decode(column: "slug", as: String.self)] = StoredDocument(
                        json: try row.decode(column: "document", as: String.self),
                        isWithdrawn: try row.decode(column: "withdrawn_at", as: String?.self) != nil)
                }
            }
            return result
        }
        return StoredDocuments(
            producers: try await documents("producers", producers), products: try await documents("products", products))
    }
}
