public import OCOPDomain
import SQLKit

/// How one push ended, for the listing's record.
public enum SyncOutcome: Sendable, Equatable {
    /// Pushed (or nothing needed pushing). The fields set what the listing now shows.
    case pushed(externalID: String?, externalURL: String?, price: Int?, stock: Int?)
    /// Nothing to push: the listing was delisted, or the figure is already there.
    case skipped
    /// Try again after `retryAfterSeconds`; `countsAsAttempt` is false for throttling.
    case retry(error: String, afterSeconds: Int64, countsAsAttempt: Bool)
    /// Give up: the listing shows `failed` with the error.
    case gaveUp(error: String)
}

/// The worker's side of the marketplace outbox: leases like `JobQueue` (SKIP LOCKED on
/// PostgreSQL), one lane per marketplace so that a platform that hangs never holds up the others.
public struct MarketplaceSyncQueue: Sendable {
    private let database: Database

    public init(database: Database) { self.database = database }

    /// Takes the oldest due row of `marketplace` (or one whose lease ran out) for `worker`.
    public func claim(marketplace: String, worker: String, lease: Duration, at now: Moment) async throws -> SyncTask? {
        let timestamp = ISOTimestamp.string(now)
        let until = ISOTimestamp.string(now.adding(seconds: lease.components.seconds))
        let locking: SQLQueryString = database.engine == .postgres ? "FOR UPDATE SKIP LOCKED" : ""
        return try await database.transaction { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT id FROM marketplace_outbox
                    WHERE marketplace = \(bind: marketplace) AND ((status = 'pending' AND run_after <= \(bind: timestamp))
                        OR (status = 'running' AND locked_until < \(bind: timestamp)))
                    ORDER BY id LIMIT 1 \(locking)
                    """
                ).first()
            else { return nil }
            let id = try row.decode(column: "id", as: Int.self)
            guard
                let claimed = try await sql.raw(
                    """
                    UPDATE marketplace_outbox SET status = 'running', attempts = attempts + 1, locked_by = \(bind: worker),
                        locked_until = \(bind: until)
                    WHERE id = \(bind: id)
                    RETURNING id, listing_id, marketplace, kind, revision, attempts
                    """
                ).first()
            else { return nil }
            let kindText = try claimed.decode(column: "kind", as: String.self)
            guard let kind = SyncKind(rawValue: kindText) else {
                throw DomainError(.invalid, "outbox row \(id) has unknown kind \(kindText)")
            }
            let task = SyncTask(
                id: id, listingID: try claimed.decode(column: "listing_id", as: Int.self),
                marketplace: try claimed.decode(column: "marketplace", as: String.self), kind: kind,
                revision: try claimed.decode(column: "revision", as: Int.self),
                attempt: try claimed.decode(column: "attempts", as: Int.self))
            try await sql.raw(
                "UPDATE listings SET attempts = \(bind: task.attempt) WHERE id = \(bind: task.listingID)"
            ).run()
            return task
        }
    }

    /// Records a push's outcome and settles the outbox row in one transaction, if `worker` still
    /// holds the lease. Returns false when it does not (another worker took the row over).
    @discardableResult
    public func finish(_ task: SyncTask, worker: String, outcome: SyncOutcome, at now: Moment) async throws -> Bool {
        let timestamp = ISOTimestamp.string(now)
        return try await database.transaction { sql in
            let held = try await sql.raw(
                """
                SELECT revision FROM marketplace_outbox
                WHERE id = \(bind: task.id) AND locked_by = \(bind: worker) AND status = 'running'
                """
            ).first()
            guard let revision = try held?.decode(column: "revision", as: Int.self) else { return false }
            let changedSince = revision != task.revision
            switch outcome {
            case .pushed, .skipped, .gaveUp:
                if changedSince {
                    // A newer change coalesced in while we pushed: run again, now, with fresh attempts.
                    try await sql.raw(
                        """
                        UPDATE marketplace_outbox SET status = 'pending', attempts = 0, run_after = \(bind: timestamp),
                            locked_by = NULL, locked_until = NULL, updated_at = \(bind: timestamp)
                        WHERE id = \(bind: task.id)
                        """
                    ).run()
                } else {
                    try await sql.raw("DELETE FROM marketplace_outbox WHERE id = \(bind: task.id)").run()
                }
            case .retry(let error, let seconds, let counts):
                try await sql.raw(
                    """
                    UPDATE marketplace_outbox SET status = 'pending', last_error = \(bind: String(error.prefix(1000))),
                        attempts = attempts - \(bind: counts ? 0 : 1),
                        run_after = \(bind: ISOTimestamp.string(now.adding(seconds: seconds))),
                        locked_by = NULL, locked_until = NULL, updated_at = \(bind: timestamp)
                    WHERE id = \(bind: task.id)
                    """
                ).run()
            }
            try await record(outcome, of: task, in: sql, at: timestamp)
            return true
        }
    }

    private func record(_ outcome: SyncOutcome, of task: SyncTask, in sql: any SQLDatabase, at timestamp: String) async throws {
        // The product page's links change when a listing goes up or comes down, not on stock pushes.
        if task.kind != .stock { sql.announce(.listings) }
        switch outcome {
        case .pushed(let externalID, let externalURL, let price, let stock):
            let status = task.kind == .delist ? "delisted" : "published"
            // In sync only when no other kind of push is still failing: a stock push after a failed
            // price change leaves the listing failed, with that error, until the price goes through.
            let settles: SQLQueryString =
                "(failed_kind IS NULL OR failed_kind = \(bind: task.kind.rawValue) OR \(bind: task.kind.rawValue) <> 'stock')"
            try await sql.raw(
                """
                UPDATE listings SET status = CASE WHEN \(settles) THEN \(bind: status) ELSE status END,
                    last_error = CASE WHEN \(settles) THEN NULL ELSE last_error END,
                    failed_kind = CASE WHEN \(settles) THEN NULL ELSE failed_kind END,
                    external_id = COALESCE(\(bind: externalID), external_id),
                    external_url = COALESCE(\(bind: externalURL), external_url),
                    pushed_price = COALESCE(\(bind: price), pushed_price), pushed_stock = COALESCE(\(bind: stock), pushed_stock),
                    published_at = CASE WHEN \(bind: status) = 'published' THEN COALESCE(published_at, \(bind: timestamp)) ELSE published_at END,
                    delisted_at = CASE WHEN \(bind: status) = 'delisted' THEN \(bind: timestamp) ELSE delisted_at END,
                    updated_at = \(bind: timestamp)
                WHERE id = \(bind: task.listingID)
                """
            ).run()
            if task.kind == .publish {
                // A delist asked for while the create was on its way: the new item must come off too.
                try await sql.raw(
                    """
                    INSERT INTO marketplace_outbox (listing_id, marketplace, kind, revision, status, attempts, run_after,
                        created_at, updated_at)
                    SELECT id, marketplace, 'delist', 1, 'pending', 0, \(bind: timestamp), \(bind: timestamp), \(bind: timestamp)
                    FROM listings WHERE id = \(bind: task.listingID) AND wanted = 'delisted'
                    ON CONFLICT (listing_id, kind) DO NOTHING
                    """
                ).run()
            }
        case .skipped:
            if task.kind == .delist {
                // Never reached the platform: nothing to take down.
                try await sql.raw(
                    """
                    UPDATE listings SET status = 'delisted', delisted_at = \(bind: timestamp), updated_at = \(bind: timestamp)
                    WHERE id = \(bind: task.listingID)
                    """
                ).run()
            }
        case .retry(let error, _, _):
            try await sql.raw(
                """
                UPDATE listings SET last_error = \(bind: String(error.prefix(1000))), updated_at = \(bind: timestamp)
                WHERE id = \(bind: task.listingID)
                """
            ).run()
        case .gaveUp(let error):
            try await sql.raw(
                """
                UPDATE listings SET status = 'failed', last_error = \(bind: String(error.prefix(1000))),
                    failed_kind = \(bind: task.kind.rawValue), updated_at = \(bind: timestamp)
                WHERE id = \(bind: task.listingID)
                """
            ).run()
        }
    }

    /// Certificates expire by the calendar: listings of products not publishable on `today` (or
    /// withdrawn) are delisted. Returns how many listings it delisted.
    @discardableResult
    public func delistUnpublishable(at now: Moment) async throws -> Int {
        let today = CalendarDate(inVietnamAt: now)
        return try await database.transaction { sql in
            let rows = try await sql.raw(
                """
                SELECT l.id, l.product_slug, p.withdrawn_at FROM listings l
                LEFT JOIN products p ON p.slug = l.product_slug
                WHERE l.wanted = 'listed'
                """
            ).all()
            guard !rows.isEmpty else { return 0 }
            var listingsByProduct: [String: [Int]] = [:]
            var withdrawn: Set<String> = []
            for row in rows {
                let slug = try row.decode(column: "product_slug", as: String.self)
                listingsByProduct[slug, default: []].append(try row.decode(column: "id", as: Int.self))
                if try row.decode(column: "withdrawn_at", as: String?.self) != nil { withdrawn.insert(slug) }
            }
            var certificates: [String: [Certificate]] = [:]
            let slugs = Array(listingsByProduct.keys)
            for chunk in stride(from: 0, to: slugs.count, by: 500).map({ Array(slugs[$0..<min($0 + 500, slugs.count)]) }) {
                for row in try await sql.raw(
                    "SELECT * FROM certificates WHERE product_slug IN (\(SQLList(chunk.map { SQLBind($0) })))"
                ).all() {
                    certificates[try row.decode(column: "product_slug", as: String.self), default: []].append(
                        try CatalogStore.certificate(from: row))
                }
            }
            var delisted = 0
            for (slug, ids) in listingsByProduct {
                if withdrawn.contains(slug) {
                    try await MarketplaceOutbox.requestDelist(
                        ids, reason: "the product was withdrawn from the catalog", in: sql, at: now)
                } else if !PublicationRule.isPublishable(certificates[slug] ?? [], on: today) {
                    try await MarketplaceOutbox.requestDelist(
                        ids, reason: "the OCOP certificate is no longer valid", in: sql, at: now)
                } else {
                    continue
                }
                delisted += ids.count
            }
            return delisted
        }
    }

    /// Queues a stock push for every published listing whose offered stock no longer matches what
    /// was last pushed. Stock moves queue their own push; this catches what changes availability
    /// without a movement (holds placed, released or running out) in one query per sweep.
    @discardableResult
    public func reconcileStock(at now: Moment) async throws -> Int {
        let timestamp = ISOTimestamp.string(now)
        return try await database.transaction { sql in
            let rows = try await sql.raw(
                """
                SELECT l.id, l.pushed_stock, a.stock_ratio_bp, a.stock_buffer,
                    CAST(COALESCE((SELECT SUM(s.quantity) FROM stock_levels s
                        WHERE s.point_slug = l.point_slug AND s.sku = l.sku AND s.quantity > 0), 0) AS BIGINT) AS units,
                    CAST(COALESCE((SELECT SUM(h.quantity) FROM stock_holds h
                        WHERE h.point_slug = l.point_slug AND h.sku = l.sku AND h.status = 'held'
                            AND h.expires_at > \(bind: timestamp)), 0) AS BIGINT) AS held
                FROM listings l JOIN marketplace_accounts a ON a.id = l.account_id
                WHERE l.wanted = 'listed' AND l.external_id IS NOT NULL
                """
            ).all()
            var stale: [Int] = []
            for row in rows {
                let offered = MarketplaceAccount.offeredStock(
                    available: try row.decode(column: "units", as: Int.self) - row.decode(column: "held", as: Int.self),
                    ratioBasisPoints: try row.decode(column: "stock_ratio_bp", as: Int.self),
                    buffer: try row.decode(column: "stock_buffer", as: Int.self))
                if offered != (try row.decode(column: "pushed_stock", as: Int?.self)) {
                    stale.append(try row.decode(column: "id", as: Int.self))
                }
            }
            // A row already waiting is left as it is (no revision bump: nothing new to coalesce).
            if !stale.isEmpty {
                try await sql.raw(
                    """
                    INSERT INTO marketplace_outbox (listing_id, marketplace, kind, revision, status, attempts, run_after,
                        created_at, updated_at)
                    SELECT id, marketplace, 'stock', 1, 'pending', 0, \(bind: timestamp), \(bind: timestamp), \(bind: timestamp)
                    FROM listings WHERE id IN (\(SQLList(stale.map { SQLBind($0) })))
                    ON CONFLICT (listing_id, kind) DO NOTHING
                    """
                ).run()
            }
            return stale.count
        }
    }

    /// How long a failed publish waits before the sweep tries it again by itself.
    public static let failedPublishRetrySeconds: Int64 = 3600

    /// Queues a publish again for listings whose content push gave up an hour or more ago: a field
    /// that failed is retried until the platform has it, not only when a person asks.
    @discardableResult
    public func retryFailedPublishes(at now: Moment) async throws -> Int {
        let timestamp = ISOTimestamp.string(now)
        let before = ISOTimestamp.string(now.adding(seconds: -Self.failedPublishRetrySeconds))
        return try await database.transaction { sql in
            let rows = try await sql.raw(
                """
                INSERT INTO marketplace_outbox (listing_id, marketplace, kind, revision, status, attempts, run_after,
                    created_at, updated_at)
                SELECT id, marketplace, 'publish', 1, 'pending', 0, \(bind: timestamp), \(bind: timestamp), \(bind: timestamp)
                FROM listings WHERE wanted = 'listed' AND status = 'failed' AND failed_kind = 'publish'
                    AND updated_at <= \(bind: before)
                ON CONFLICT (listing_id, kind) DO NOTHING
                RETURNING listing_id
                """
            ).all()
            return rows.count
        }
    }

    /// Rows waiting or running, by marketplace and kind, for operations and tests.
    public func counts() async throws -> [String: Int] {
        try await database.read { sql in
            var result: [String: Int] = [:]
            for row in try await sql.raw(
                "SELECT marketplace, kind, status, COUNT(*) AS n FROM marketplace_outbox GROUP BY marketplace, kind, status"
            ).all() {
                let key = [
                    try row.decode(column: "marketplace", as: String.self), try row.decode(column: "kind", as: String.self),
                    try row.decode(column: "status", as: String.self),
                ].joined(separator: ".")
                result[key] = try row.decode(column: "n", as: Int.self)
            }
            return result
        }
    }
}
