import Foundation
public import OCOPDomain
public import SQLKit

/// Writes marketplace pushes into the outbox inside the transaction of the change that calls for
/// them, so nothing is pushed for an uncommitted change and nothing committed is lost.
///
/// Rows coalesce: one row per listing and kind. A later change of the same kind bumps the row's
/// `revision` instead of adding a row; the worker reads the latest figures when it pushes, and a
/// row claimed before the bump runs again after its push (see `MarketplaceSyncQueue.finish`).
public enum MarketplaceOutbox {
    /// Queues `kind` for the listings with these ids (which must be live), coalescing with a row
    /// already there. `resetBackoff` (an explicit sync) makes a waiting row due now and clears its
    /// attempts; coalesced stock changes keep any backoff the platform asked for.
    static func enqueue(
        _ kind: SyncKind, listings ids: [Int], resetBackoff: Bool = false, in sql: any SQLDatabase, at now: Moment
    ) async throws {
        guard !ids.isEmpty else { return }
        let timestamp = ISOTimestamp.string(now)
        let reset: SQLQueryString =
            resetBackoff
            ? ", run_after = CASE WHEN marketplace_outbox.status = 'pending' THEN excluded.run_after ELSE marketplace_outbox.run_after END, attempts = CASE WHEN marketplace_outbox.status = 'pending' THEN 0 ELSE marketplace_outbox.attempts END"
            : ""
        try await sql.raw(
            """
            INSERT INTO marketplace_outbox (listing_id, marketplace, kind, revision, status, attempts, run_after,
                created_at, updated_at)
            SELECT id, marketplace, \(bind: kind.rawValue), 1, 'pending', 0, \(bind: timestamp), \(bind: timestamp),
                \(bind: timestamp)
            FROM listings WHERE id IN (\(SQLList(ids.map { SQLBind($0) })))
            ON CONFLICT (listing_id, kind) DO UPDATE SET revision = marketplace_outbox.revision + 1,
                updated_at = excluded.updated_at\(reset)
            """
        ).run()
    }

    // MARK: - Hooks called by other stores (one call each)

    /// Stock moved at a point: queue a stock push for the live listings selling the SKU there.
    /// One indexed statement (`listings_point_sku`), so counter sales stay fast.
    public static func stockMoved(point: String, sku: String, in sql: any SQLDatabase, at timestamp: String) async throws {
        try await sql.raw(
            """
            INSERT INTO marketplace_outbox (listing_id, marketplace, kind, revision, status, attempts, run_after,
                created_at, updated_at)
            SELECT id, marketplace, 'stock', 1, 'pending', 0, \(bind: timestamp), \(bind: timestamp), \(bind: timestamp)
            FROM listings WHERE point_slug = \(bind: point) AND sku = \(bind: sku) AND wanted = 'listed'
            ON CONFLICT (listing_id, kind) DO UPDATE SET revision = marketplace_outbox.revision + 1,
                updated_at = excluded.updated_at
            """
        ).run()
    }

    /// A catalog save committed: listings of products whose document changed get their content
    /// pushed again (text, price, certificate lines), or are delisted when the product is withdrawn
    /// or no longer publishable today.
    public static func catalogApplied(
        saved: [DocumentedRecord<Product>], withdrawn: [String], before: StoredDocuments, in sql: any SQLDatabase,
        at now: Moment
    ) async throws {
        let slugs = saved.map(\.record.slug) + withdrawn
        guard !slugs.isEmpty else { return }
        let listed = try await liveListings(ofProducts: slugs, sql)
        guard !listed.isEmpty else { return }
        let today = CalendarDate(inVietnamAt: now)
        for product in saved {
            guard let ids = listed[product.record.slug] else { continue }
            if !PublicationRule.isPublishable(product.record.certificates, on: today) {
                try await requestDelist(ids, reason: "the product is no longer publishable", in: sql, at: now)
            } else if before.products[product.record.slug]?.json != product.document {
                try await enqueue(.publish, listings: ids, in: sql, at: now)
            }
        }
        for slug in withdrawn {
            guard let ids = listed[slug] else { continue }
            try await requestDelist(ids, reason: "the product was withdrawn from the catalog", in: sql, at: now)
        }
    }

    /// A product's certificates changed (a revocation): when it is not publishable today, every
    /// listing of it is delisted.
    public static func certificatesChanged(product: String, in sql: any SQLDatabase, at now: Moment) async throws {
        guard let ids = try await liveListings(ofProducts: [product], sql)[product] else { return }
        let certificates = try await sql.raw("SELECT * FROM certificates WHERE product_slug = \(bind: product)").all()
            .map(CatalogStore.certificate(from:))
        if !PublicationRule.isPublishable(certificates, on: CalendarDate(inVietnamAt: now)) {
            try await requestDelist(ids, reason: "the OCOP certificate was revoked", in: sql, at: now)
        }
    }

    /// Marks the listings delisted-wanted and queues their delist; pushes of other kinds still
    /// waiting are dropped (a running one finishes, and the worker then skips what it would redo).
    static func requestDelist(_ ids: [Int], reason: String, in sql: any SQLDatabase, at now: Moment) async throws {
        guard !ids.isEmpty else { return }
        sql.announce(.listings)
        let timestamp = ISOTimestamp.string(now)
        let list = SQLList(ids.map { SQLBind($0) })
        try await sql.raw(
            """
            UPDATE listings SET wanted = 'delisted', delist_reason = \(bind: reason), updated_at = \(bind: timestamp)
            WHERE id IN (\(list)) AND wanted = 'listed'
            """
        ).run()
        try await sql.raw(
            """
            DELETE FROM marketplace_outbox WHERE listing_id IN (\(list)) AND kind <> 'delist' AND status = 'pending'
            """
        ).run()
        try await enqueue(.delist, listings: ids, in: sql, at: now)
    }

    /// Live listing ids by product, for the given products.
    static func liveListings(ofProducts slugs: [String], _ sql: any SQLDatabase) async throws -> [String: [Int]] {
        var result: [String: [Int]] = [:]
        for chunk in stride(from: 0, to: slugs.count, by: 500).map({ Array(slugs[$0..<min($0 + 500, slugs.count)]) }) {
            for row in try await sql.raw(
                """
                SELECT id, product_slug FROM listings
                WHERE wanted = 'listed' AND product_slug IN (\(SQLList(chunk.map { SQLBind($0) })))
                """
            ).all() {
                result[try row.decode(column: "product_slug", as: String.self), default: []].append(
                    try row.decode(column: "id", as: Int.self))
            }
        }
        return result
    }
}
