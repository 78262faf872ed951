public import OCOPDomain
import SQLKit

/// Livestream selling sessions: their schedule, featured producers and products with live codes.
/// Orders, comments and reports are in the extensions next to this file.
public struct LivestreamStore: Sendable {
    let database: Database
    let stock = StockStore()

    public init(database: Database) { self.database = database }

    /// Schedules a session. Every SKU must be in the catalog, every producer known, the point real.
    public func create(_ session: NewLivestream, actor: String, at now: Moment) async throws -> LivestreamRecord {
        try await database.perform(creation(session, actor: actor, at: now))
    }

    /// Schedules a session, as a store operation (`Database.perform`).
    public func creation(_ session: NewLivestream, actor: String, at now: Moment) -> StoreOperation<LivestreamRecord> {
        let timestamp = ISOTimestamp.string(now)
        return StoreOperation { sql in
            if try await sql.raw("SELECT slug FROM livestreams WHERE slug = \(bind: session.slug)").first() != nil {
                throw DomainError(
                    .conflict, "a livestream '\(session.slug)' exists", issues: [.init(field: "slug", reason: "taken")])
            }
            guard try await PointStore.exists(session.point, sql) else {
                throw DomainError.invalid(field: "point", "no point '\(session.point)'")
            }
            for (index, producer) in session.producers.enumerated()
            where try await sql.raw("SELECT slug FROM producers WHERE slug = \(bind: producer)").first() == nil {
                throw DomainError.invalid(field: "producers[\(index)]", "no producer '\(producer)'")
            }
            let variants = try await StockStore.variants(session.products.map(\.sku), sql)
            for (index, product) in session.products.enumerated() {
                guard let variant = variants[product.sku] else {
                    throw DomainError.invalid(field: "products[\(index)].sku", "no SKU '\(product.sku)' in the catalog")
                }
                // A session sells only its featured producers' goods, never another producer's stock.
                guard session.producers.contains(variant.producer) else {
                    throw DomainError(
                        .invalid, "'\(product.sku)' belongs to '\(variant.producer)', who is not featured",
                        issues: [.init(field: "products[\(index)].sku", reason: "not a featured producer's SKU")])
                }
            }
            try await sql.raw(
                """
                INSERT INTO livestreams (slug, title, platform, page_url, host, point_slug, starts_at, ends_at, status,
                    hold_minutes, created_by, created_at, updated_at)
                VALUES (\(bind: session.slug), \(bind: session.title), \(bind: session.platform.rawValue),
                    \(bind: session.pageUrl), \(bind: session.host), \(bind: session.point),
                    \(bind: ISOTimestamp.string(session.startsAt)), \(bind: ISOTimestamp.string(session.endsAt)),
                    'scheduled', \(bind: session.holdMinutes), \(bind: actor), \(bind: timestamp), \(bind: timestamp))
                """
            ).run()
            for producer in Set(session.producers) {
                try await sql.raw(
                    """
                    INSERT INTO livestream_producers (livestream_slug, producer_slug)
                    VALUES (\(bind: session.slug), \(bind: producer))
                    """
                ).run()
            }
            for (position, product) in session.products.enumerated() {
                try await sql.raw(
                    """
                    INSERT INTO livestream_products (livestream_slug, code, sku, product_slug, live_price, quota, position)
                    VALUES (\(bind: session.slug), \(bind: product.code), \(bind: product.sku),
                        \(bind: variants[product.sku]!.product), \(bind: product.livePrice), \(bind: product.quota),
                        \(bind: position))
                    """
                ).run()
            }
            let record = try await Self.record(session.slug, sql)!
            sql.announce(.livestreams)
            try await AuditLog.append(
                sql, actor: actor, action: "create", entity: "livestream", entityID: session.slug, before: nil,
                after: try CanonicalJSON.encode(record), at: timestamp)
            return record
        }
    }

    /// Moves a session along its life (live, ended, cancelled). Cancelling releases every open hold.
    public func setStatus(
        _ slug: String, to status: LivestreamStatus, actor: String, at now: Moment
    ) async throws -> LivestreamRecord {
        try await database.perform(statusChange(slug, to: status, actor: actor, at: now))
    }

    /// Moves a session along its life, as a store operation (`Database.perform`).
    public func statusChange(
        _ slug: String, to status: LivestreamStatus, actor: String, at now: Moment
    ) -> StoreOperation<LivestreamRecord> {
        let timestamp = ISOTimestamp.string(now)
        return StoreOperation { [self] sql in
            guard let before = try await Self.record(slug, sql) else {
                throw DomainError(.notFound, "no livestream '\(slug)'")
            }
            let current = LivestreamStatus(rawValue: before.status) ?? .scheduled
            guard current.canBecome(status) else {
                throw DomainError(
                    .conflict, "a \(current.rawValue) livestream cannot become \(status.rawValue)",
                    issues: [.init(field: "status", reason: "not allowed after \(current.rawValue)")])
            }
            try await sql.raw(
                """
                UPDATE livestreams SET status = \(bind: status.rawValue), updated_at = \(bind: timestamp)
                WHERE slug = \(bind: slug)
                """
            ).run()
            if status == .cancelled { try await releaseOpenOrders(slug, point: before.point, actor: actor, at: timestamp, sql) }
            let after = try await Self.record(slug, sql)!
            sql.announce(.livestreams)
            try await AuditLog.append(
                sql, actor: actor, action: "status", entity: "livestream", entityID: slug,
                before: try CanonicalJSON.encode(before), after: try CanonicalJSON.encode(after), at: timestamp)
            return after
        }
    }

    /// One session, or nil.
    public func record(_ slug: String) async throws -> LivestreamRecord? {
        try await database.read { sql in try await Self.record(slug, sql) }
    }

    /// Sessions still to come or on air (scheduled or live, not yet past their end), soonest first:
    /// what the public list and the product pages show.
    public func upcoming(at now: Moment) async throws -> [LivestreamRecord] {
        try await database.read { sql in
            let slugs = try await sql.raw(
                """
                SELECT slug FROM livestreams
                WHERE status IN ('scheduled', 'live') AND ends_at > \(bind: ISOTimestamp.string(now))
                ORDER BY starts_at, slug
                """
            ).all().map { try $0.decode(column: "slug", as: String.self) }
            var records: [LivestreamRecord] = []
            for slug in slugs { if let record = try await Self.record(slug, sql) { records.append(record) } }
            return records
        }
    }

    static func record(_ slug: String, _ sql: any SQLDatabase) async throws -> LivestreamRecord? {
        guard
            let row = try await sql.raw(
                """
                SELECT slug, title, platform, page_url, host, point_slug, starts_at, ends_at, status, hold_minutes
                FROM livestreams WHERE slug = \(bind: slug)
                """
            ).first()
        else { return nil }
        let producers = try await sql.raw(
            "SELECT producer_slug FROM livestream_producers WHERE livestream_slug = \(bind: slug) ORDER BY producer_slug"
        ).all().map { try $0.decode(column: "producer_slug", as: String.self) }
        let products = try await sql.raw(
            """
            SELECT code, sku, product_slug, live_price, quota FROM livestream_products
            WHERE livestream_slug = \(bind: slug) ORDER BY position
            """
        ).all().map { row in
            LiveProduct(
                code: try row.decode(column: "code", as: String.self), sku: try row.decode(column: "sku", as: String.self),
                product: try row.decode(column: "product_slug", as: String.self),
                livePrice: try row.decode(column: "live_price", as: Int.self),
                quota: try row.decode(column: "quota", as: Int?.self))
        }
        return LivestreamRecord(
            slug: slug, title: try row.decode(column: "title", as: String.self),
            platform: try row.decode(column: "platform", as: String.self),
            pageUrl: try row.decode(column: "page_url", as: String.self),
            host: try row.decode(column: "host", as: String.self),
            point: try row.decode(column: "point_slug", as: String.self), producers: producers,
            startsAt: try row.decode(column: "starts_at", as: String.self),
            endsAt: try row.decode(column: "ends_at", as: String.self),
            status: try row.decode(column: "status", as: String.self),
            holdMinutes: try row.decode(column: "hold_minutes", as: Int.self), products: products)
    }
}
