public import OCOPDomain
import SQLKit

extension FairStore {
    /// Every fair with its stalls and the products their applications list: what the public view
    /// is built from. A few hundred fairs with a few hundred stalls each is three queries.
    public func listings() async throws -> [FairListing] {
        try await database.read { sql in
            let fairs = try await sql.raw("SELECT * FROM fairs ORDER BY opens_on, slug").all().map(Self.fair(from:))
            var stalls: [String: [FairStall]] = [:]
            for row in try await sql.raw("SELECT * FROM fair_stalls ORDER BY fair_slug, code").all() {
                let stall = try Self.stall(from: row)
                stalls[stall.fair, default: []].append(stall)
            }
            var products: [Int: [String]] = [:]
            for row in try await sql.raw(
                """
                SELECT p.application_id, p.product_slug FROM fair_application_products p
                JOIN fair_applications a ON a.id = p.application_id
                WHERE a.status = 'allocated' ORDER BY p.application_id, p.product_slug
                """
            ).all() {
                products[try row.decode(column: "application_id", as: Int.self), default: []].append(
                    try row.decode(column: "product_slug", as: String.self))
            }
            return fairs.map { FairListing(fair: $0, stalls: stalls[$0.slug] ?? [], productsByApplication: products) }
        }
    }

    /// One fair with its stalls and their products, read in the caller's transaction (the answer
    /// of a write, before the public view has followed it).
    static func listing(_ slug: String, _ sql: any SQLDatabase) async throws -> FairListing? {
        guard let fair = try await Self.fair(slug, sql) else { return nil }
        var products: [Int: [String]] = [:]
        for row in try await sql.raw(
            """
            SELECT p.application_id, p.product_slug FROM fair_application_products p
            JOIN fair_applications a ON a.id = p.application_id
            WHERE a.fair_slug = \(bind: slug) AND a.status = 'allocated' ORDER BY p.application_id, p.product_slug
            """
        ).all() {
            products[try row.decode(column: "application_id", as: Int.self), default: []].append(
                try row.decode(column: "product_slug", as: String.self))
        }
        return FairListing(fair: fair, stalls: try await Self.stalls(fair: slug, sql), productsByApplication: products)
    }

    /// A stall's stock by SKU and batch, for its manager and producer.
    public func stallLevels(fair: String, code: String) async throws -> (FairStall, [StockLevel]) {
        guard let stall = try await database.read({ sql in try await Self.stall(fair: fair, code: code, sql) }) else {
            throw DomainError(.notFound, "fair '\(fair)' has no stall \(code)")
        }
        return (stall, try await StockStore().levels(point: stall.pointSlug, database).filter { $0.quantity > 0 })
    }
}
