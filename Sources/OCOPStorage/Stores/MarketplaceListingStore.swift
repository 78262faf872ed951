import Foundation
public import OCOPDomain
public import SQLKit

/// Listings of catalog products on marketplace accounts. Writes take the caller's transaction and
/// queue their push in it.
public struct MarketplaceListingStore: Sendable {
    private let database: Database

    public init(database: Database) { self.database = database }

    /// Creates a listing of a product publishable today and queues its first push.
    /// Admins list anything; a producer lists its own products on accounts it owns.
    public func create(
        _ new: NewListing, by identity: StaffIdentity, at now: Moment, in sql: any SQLDatabase
    ) async throws -> Listing {
        guard let account = try await MarketplaceAccountStore.account(id: new.account, sql) else {
            throw DomainError.invalid(field: "account", "no marketplace account \(new.account)")
        }
        guard
            let productRow = try await sql.raw(
                "SELECT producer_slug, group_code FROM products WHERE slug = \(bind: new.product) AND withdrawn_at IS NULL"
            ).first()
        else { throw DomainError.invalid(field: "product", "no product '\(new.product)' in the catalog") }
        let producer = try productRow.decode(column: "producer_slug", as: String.self)
        guard identity.canActForProducer(producer) else {
            throw DomainError(.forbidden, "\(identity.username) may not list '\(new.product)' of \(producer)")
        }
        guard identity.isAdmin || identity.canActForProducer(account.owner) else {
            throw DomainError(.forbidden, "\(identity.username) may not use marketplace account \(account.id)")
        }
        let certificates = try await sql.raw("SELECT * FROM certificates WHERE product_slug = \(bind: new.product)")
            .all().map(CatalogStore.certificate(from:))
        guard PublicationRule.isPublishable(certificates, on: CalendarDate(inVietnamAt: now)) else {
            throw DomainError.invalid(
                field: "product", "'\(new.product)' is not publishable today: it needs a valid certificate of 3★ or more")
        }
        let skus = try await sql.raw(
            """
            SELECT sku FROM variants WHERE product_slug = \(bind: new.product) AND withdrawn_at IS NULL ORDER BY position
            """
        ).all().map { try $0.decode(column: "sku", as: String.self) }
        guard let sku = new.sku ?? skus.first, skus.contains(sku) else {
            throw DomainError.invalid(field: "sku", "not a variant of '\(new.product)'")
        }
        let group = try productRow.decode(column: "group_code", as: String.self)
        guard let category = new.categoryID ?? account.categoryMap[group], !category.isEmpty else {
            throw DomainError.invalid(
                field: "category_id", "required: account \(account.id) maps no category for group \(group)")
        }
        if try await sql.raw(
            "SELECT id FROM listings WHERE account_id = \(bind: account.id) AND sku = \(bind: sku) AND wanted = 'listed'"
        ).first() != nil {
            throw DomainError(.conflict, "\(sku) is already listed on account \(account.id)")
        }
        let timestamp = ISOTimestamp.string(now)
        let row = try await sql.raw(
            """
            INSERT INTO listings (account_id, marketplace, point_slug, product_slug, sku, category_id, attributes, wanted,
                status, attempts, created_by, created_at, updated_at)
            VALUES (\(bind: account.id), \(bind: account.marketplace), \(bind: account.point), \(bind: new.product),
                \(bind: sku), \(bind: category), \(bind: try CanonicalJSON.encode(new.attributes)), 'listed', 'pending', 0,
                \(bind: identity.actor), \(bind: timestamp), \(bind: timestamp))
            RETURNING id
            """
        ).first()
        guard let id = try row?.decode(column: "id", as: Int.self) else {
            throw DomainError(.invalid, "the listing was not stored")
        }
        try await MarketplaceOutbox.enqueue(.publish, listings: [id], in: sql, at: now)
        let listing = try await Self.listing(id: id, sql)!
        try await AuditLog.append(
            sql, actor: identity.actor, action: "create", entity: "listing", entityID: String(id), before: nil,
            after: try CanonicalJSON.encode(listing), at: timestamp)
        return listing
    }

    /// Queues a full push of the listing again (after a failure, or to force the figures).
    public func requestSync(_ id: Int, by identity: StaffIdentity, at now: Moment, in sql: any SQLDatabase) async throws
        -> Listing
    {
        let listing = try await authorized(id, identity, sql)
        guard listing.wanted == "listed" else {
            throw DomainError(.conflict, "listing \(id) is delisted: create a new listing to sell it again")
        }
        try await sql.raw(
            """
            UPDATE listings SET status = CASE WHEN status = 'failed' THEN 'pending' ELSE status END,
                updated_at = \(bind: ISOTimestamp.string(now))
            WHERE id = \(bind: id)
            """
        ).run()
        try await MarketplaceOutbox.enqueue(.publish, listings: [id], resetBackoff: true, in: sql, at: now)
        try await MarketplaceOutbox.enqueue(.stock, listings: [id], resetBackoff: true, in: sql, at: now)
        try await AuditLog.append(
            sql, actor: identity.actor, action: "sync", entity: "listing", entityID: String(id), before: nil, after: nil,
            at: ISOTimestamp.string(now))
        return try await Self.listing(id: id, sql)!
    }

    /// Takes the listing off sale (asked by a person); repeating it changes nothing.
    public func delist(_ id: Int, by identity: StaffIdentity, at now: Moment, in sql: any SQLDatabase) async throws
        -> Listing
    {
        let listing = try await authorized(id, identity, sql)
        if listing.wanted == "listed" {
            try await MarketplaceOutbox.requestDelist([id], reason: "delisted by \(identity.actor)", in: sql, at: now)
            try await AuditLog.append(
                sql, actor: identity.actor, action: "delist", entity: "listing", entityID: String(id), before: nil,
                after: nil, at: ISOTimestamp.string(now))
        }
        return try await Self.listing(id: id, sql)!
    }

    /// One listing the caller may see.
    public func listing(_ id: Int, by identity: StaffIdentity) async throws -> Listing {
        try await database.read { sql in try await authorized(id, identity, sql) }
    }

    /// A page of listings, by id; producers see only those of their own products.
    public func list(_ query: ListingQuery, by identity: StaffIdentity) async throws -> [Listing] {
        try await database.read { sql in
            var conditions: [SQLQueryString] = ["l.id > \(bind: query.afterID)"]
            if let product = query.product { conditions.append("l.product_slug = \(bind: product)") }
            if let account = query.account { conditions.append("l.account_id = \(bind: account)") }
            if let status = query.status { conditions.append("l.status = \(bind: status.rawValue)") }
            if !identity.isAdmin {
                let scopes = identity.role == .producer ? Array(identity.scopes) : []
                guard !scopes.isEmpty else { return [] }
                conditions.append("p.producer_slug IN (\(SQLList(scopes.map { SQLBind($0) })))")
            }
            let rows = try await sql.raw(
                """
                SELECT l.* FROM listings l JOIN products p ON p.slug = l.product_slug
                WHERE \(SQLList(conditions, separator: SQLRaw(" AND ")))
                ORDER BY l.id LIMIT \(bind: query.limit)
                """
            ).all()
            return try await Self.withPendingPushes(rows.map(Self.listing(from:)), sql)
        }
    }

    /// The units each listing's SKU has at its point now, before the account's ratio and buffer:
    /// what the sync worker would count for a push (keyed by listing id).
    public func availableUnits(_ listings: [Listing], at now: Moment) async throws -> [Int: Int] {
        let timestamp = ISOTimestamp.string(now)
        return try await database.read { sql in
            var units: [Int: Int] = [:]
            for listing in listings {
                units[listing.id] = try await MarketplaceStock.available(
                    point: listing.point, sku: listing.sku, at: timestamp, sql)
            }
            return units
        }
    }

    /// Every live, published listing with a shopper URL: the product page's `listings` section.
    public func publishedLinks() async throws -> [(product: String, marketplace: String, url: String)] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT product_slug, marketplace, external_url FROM listings
                WHERE wanted = 'listed' AND status = 'published' AND external_url IS NOT NULL
                ORDER BY product_slug, marketplace, id
                """
            ).all().map { row in
                (
                    try row.decode(column: "product_slug", as: String.self),
                    try row.decode(column: "marketplace", as: String.self),
                    try row.decode(column: "external_url", as: String.self)
                )
            }
        }
    }

    /// What the worker needs for one push, read in one transaction.
    public func source(listing id: Int, secrets: MarketplaceAccountStore, at now: Moment) async throws -> ListingSource? {
        try await database.read { sql in
            guard let listing = try await Self.listing(id: id, sql),
                let account = try await MarketplaceAccountStore.account(id: listing.account, sql),
                let sealed = try await sql.raw(
                    "SELECT credentials FROM marketplace_accounts WHERE id = \(bind: account.id)"
                ).first()?.decode(column: "credentials", as: String.self)
            else { return nil }
            let product = try await Self.product(listing.product, sql)
            let producerName =
                try await sql.raw(
                    "SELECT name FROM producers WHERE slug = \(bind: product?.producerSlug ?? "")"
                ).first()?.decode(column: "name", as: String.self) ?? ""
            return ListingSource(
                listing: listing, account: account, credentials: try secrets.open(sealed), product: product,
                producerName: producerName,
                available: try await MarketplaceStock.available(
                    point: listing.point, sku: listing.sku, at: ISOTimestamp.string(now), sql))
        }
    }

    // MARK: - Rows

    private func authorized(_ id: Int, _ identity: StaffIdentity, _ sql: any SQLDatabase) async throws -> Listing {
        guard let listing = try await Self.listing(id: id, sql) else { throw DomainError(.notFound, "no listing \(id)") }
        let producer = try await sql.raw("SELECT producer_slug FROM products WHERE slug = \(bind: listing.product)")
            .first()?.decode(column: "producer_slug", as: String.self)
        guard identity.isAdmin || producer.map(identity.canActForProducer) == true else {
            throw DomainError(.forbidden, "\(identity.username) may not act on listing \(id)")
        }
        return listing
    }

    static func listing(id: Int, _ sql: any SQLDatabase) async throws -> Listing? {
        guard let row = try await sql.raw("SELECT * FROM listings WHERE id = \(bind: id)").first() else { return nil }
        return try await withPendingPushes([try listing(from: row)], sql).first
    }

    private static func withPendingPushes(_ listings: [Listing], _ sql: any SQLDatabase) async throws -> [Listing] {
        guard !listings.isEmpty else { return [] }
        var kinds: [Int: [String]] = [:]
        var due: [Int: String] = [:]
        for row in try await sql.raw(
            """
            SELECT listing_id, kind, run_after FROM marketplace_outbox
            WHERE listing_id IN (\(SQLList(listings.map { SQLBind($0.id) }))) ORDER BY kind
            """
        ).all() {
            let id = try row.decode(column: "listing_id", as: Int.self)
            kinds[id, default: []].append(try row.decode(column: "kind", as: String.self))
            // Timestamps are fixed-width UTC text, so the smallest string is the earliest time.
            let runAfter = try row.decode(column: "run_after", as: String.self)
            if due[id].map({ runAfter < $0 }) ?? true { due[id] = runAfter }
        }
        return listings.map { listing in
            var result = listing
            result.pendingPushes = kinds[listing.id] ?? []
            result.nextPushAt = due[listing.id]
            return result
        }
    }

    private static func listing(from row: any SQLRow) throws -> Listing {
        let statusText = try row.decode(column: "status", as: String.self)
        guard let status = ListingStatus(rawValue: statusText) else {
            throw DomainError(.invalid, "stored listing status \(statusText) is unknown")
        }
        return Listing(
            id: try row.decode(column: "id", as: Int.self), account: try row.decode(column: "account_id", as: Int.self),
            marketplace: try row.decode(column: "marketplace", as: String.self),
            point: try row.decode(column: "point_slug", as: String.self),
            product: try row.decode(column: "product_slug", as: String.self),
            sku: try row.decode(column: "sku", as: String.self),
            categoryID: try row.decode(column: "category_id", as: String.self),
            attributes: try JSONDecoder().decode(
                [String: String].self, from: Data(try row.decode(column: "attributes", as: String.self).utf8)),
            wanted: try row.decode(column: "wanted", as: String.self), status: status,
            externalID: try row.decode(column: "external_id", as: String?.self),
            externalURL: try row.decode(column: "external_url", as: String?.self),
            lastError: try row.decode(column: "last_error", as: String?.self),
            attempts: try row.decode(column: "attempts", as: Int.self),
            pushedPrice: try row.decode(column: "pushed_price", as: Int?.self),
            pushedStock: try row.decode(column: "pushed_stock", as: Int?.self),
            delistReason: try row.decode(column: "delist_reason", as: String?.self), pendingPushes: [], nextPushAt: nil,
            createdBy: try row.decode(column: "created_by", as: String.self),
            createdAt: try row.decode(column: "created_at", as: String.self),
            updatedAt: try row.decode(column: "updated_at", as: String.self),
            publishedAt: try row.decode(column: "published_at", as: String?.self),
            delistedAt: try row.decode(column: "delisted_at", as: String?.self))
    }

    /// The product with its live variants, media and certificates; nil when withdrawn.
    private static func product(_ slug: String, _ sql: any SQLDatabase) async throws -> Product? {
        guard
            let row = try await sql.raw("SELECT * FROM products WHERE slug = \(bind: slug) AND withdrawn_at IS NULL")
                .first()
        else { return nil }
        let variants = try await sql.raw(
            "SELECT * FROM variants WHERE product_slug = \(bind: slug) AND withdrawn_at IS NULL ORDER BY position"
        ).all().map(CatalogStore.variant(from:))
        let media = try await sql.raw("SELECT * FROM product_media WHERE product_slug = \(bind: slug) ORDER BY position")
            .all().map(CatalogStore.media(from:))
        let certificates = try await sql.raw(
            "SELECT * FROM certificates WHERE product_slug = \(bind: slug) ORDER BY issued_on"
        ).all().map(CatalogStore.certificate(from:))
        return try CatalogStore.product(from: row, variants: variants, media: media, certificates: certificates)
    }
}
