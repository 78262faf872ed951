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

/// What one save changes: records to create or update, and slugs to withdraw.
public struct CatalogChanges: Sendable {
    public var producersToSave: [Producer] = []
    public var productsToSave: [Product] = []
    public var producersToWithdraw: [String] = []
    public var productsToWithdraw: [String] = []

    public init() {}

    public var isEmpty: Bool {
        producersToSave.isEmpty && productsToSave.isEmpty && producersToWithdraw.isEmpty
            && productsToWithdraw.isEmpty
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

    /// The live catalog.
    public func load() async throws -> CatalogContents {
        try await database.read { sql in
            // Named columns, not *: the stored documents would double what a start holds in memory.
            let producers = try await sql.raw(
                """
                SELECT slug, name, type, registration_number, representative, phone, address, province_code,
                    commune_code, story_vi, story_en
                FROM producers WHERE withdrawn_at IS NULL ORDER BY slug
                """
            ).all()
                .map(Self.producer(from:))
            let variantRows = try await sql.raw(
                "SELECT * FROM variants WHERE withdrawn_at IS NULL ORDER BY product_slug, position"
            ).all()
            let mediaRows = try await sql.raw("SELECT * FROM product_media ORDER BY product_slug, position").all()
            let certificateRows = try await sql.raw("SELECT * FROM certificates ORDER BY product_slug, issued_on").all()
            var variants: [String: [Variant]] = [:]
            for row in variantRows {
                variants[try row.decode(column: "product_slug", as: String.self), default: []].append(
                    try Self.variant(from: row))
            }
            var media: [String: [MediaReference]] = [:]
            for row in mediaRows {
                media[try row.decode(column: "product_slug", as: String.self), default: []].append(
                    try Self.media(from: row))
            }
            var certificates: [String: [Certificate]] = [:]
            for row in certificateRows {
                certificates[try row.decode(column: "product_slug", as: String.self), default: []].append(
                    try Self.certificate(from: row))
            }
            let products = try await sql.raw(
                """
                SELECT slug, name_vi, name_en, producer_slug, group_code, province_code, commune_code, listed_on,
                    standards, description_vi, description_en, story_vi, story_en
                FROM products WHERE withdrawn_at IS NULL ORDER BY slug
                """
            ).all()
                .map { row in
                    let slug = try row.decode(column: "slug", as: String.self)
                    return try Self.product(
                        from: row, variants: variants[slug] ?? [], media: media[slug] ?? [],
                        certificates: certificates[slug] ?? [])
                }
            return CatalogContents(producers: producers, products: products)
        }
    }

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

    /// Applies all changes and their audit rows in one transaction.
    public func apply(_ changes: CatalogChanges, actor: String, at now: Moment) async throws {
        let timestamp = ISOTimestamp.string(now)
        try await database.transaction { sql in
            let stored = try await Self.storedDocuments(sql)
            for producer in changes.producersToSave {
                let json = try CanonicalJSON.encode(producer)
                try await save(producer, document: json, sql)
                let before = stored.producers[producer.slug]
                try await AuditLog.append(
                    sql, actor: actor, action: before == nil ? "create" : "update", entity: "producer",
                    entityID: producer.slug, before: before?.json, after: json, at: timestamp)
            }
            for product in changes.productsToSave {
                let json = try CanonicalJSON.encode(product)
                let before = stored.products[product.slug]
                try await save(product, document: json, isNew: before == nil, sql)
                try await AuditLog.append(
                    sql, actor: actor, action: before == nil ? "create" : "update", entity: "product",
                    entityID: product.slug, before: before?.json, after: json, at: timestamp)
            }
            for slug in changes.productsToWithdraw {
                try await sql.raw("UPDATE products SET withdrawn_at = \(bind: timestamp) WHERE slug = \(bind: slug)").run()
                try await sql.raw("UPDATE variants SET withdrawn_at = \(bind: timestamp) WHERE product_slug = \(bind: slug)")
                    .run()
                try await AuditLog.append(
                    sql, actor: actor, action: "withdraw", entity: "product", entityID: slug,
                    before: stored.products[slug]?.json, after: nil, at: timestamp)
            }
            try await Self.markChanged(
                sql,
                summary: #"{"products_saved":\#(changes.productsToSave.count),"#
                    + #""products_withdrawn":\#(changes.productsToWithdraw.count)}"#, at: now)
            for slug in changes.producersToWithdraw {
                try await sql.raw("UPDATE producers SET withdrawn_at = \(bind: timestamp) WHERE slug = \(bind: slug)").run()
                try await AuditLog.append(
                    sql, actor: actor, action: "withdraw", entity: "producer", entityID: slug,
                    before: stored.producers[slug]?.json, after: nil, at: timestamp)
            }
            try await MarketplaceOutbox.catalogApplied(changes, before: stored, in: sql, at: now)
        }
    }

    /// After any committed catalog change: bump the revision (every node reloads), notify the
    /// other nodes, and queue `catalog.changed` for webhook subscribers. `summary` is a JSON object.
    static func markChanged(_ sql: any SQLDatabase, summary: String, at now: Moment) async throws {
        let revision = try await sql.raw(
            "UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision"
        ).first()?.decode(column: "revision", as: Int.self) ?? 0
        try await sql.announce(.catalog)
        let data = #"{"revision":\#(revision),"# + summary.dropFirst()
        try await WebhookStore.enqueue(event: "catalog.changed", data: data, in: sql, at: now)
    }

    private static func storedDocuments(_ sql: any SQLDatabase) async throws -> StoredDocuments {
        func documents(_ table: SQLQueryString) async throws -> [String: StoredDocument] {
            var result: [String: StoredDocument] = [:]
            for row in try await sql.raw("SELECT slug, document, withdrawn_at FROM \(table)").all() {
                result[try row.decode(column: "slug", as: String.self)] = StoredDocument(
                    json: try row.decode(column: "document", as: String.self),
                    isWithdrawn: try row.decode(column: "withdrawn_at", as: String?.self) != nil)
            }
            return result
        }
        return StoredDocuments(producers: try await documents("producers"), products: try await documents("products"))
    }

    private func save(_ producer: Producer, document: String, _ sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO producers (slug, name, type, registration_number, representative, phone, address,
                province_code, commune_code, story_vi, story_en, document, withdrawn_at)
            VALUES (\(bind: producer.slug), \(bind: producer.name), \(bind: producer.type.rawValue),
                \(bind: producer.registrationNumber), \(bind: producer.representative), \(bind: producer.phone),
                \(bind: producer.address), \(bind: producer.provinceCode), \(bind: producer.communeCode),
                \(bind: producer.story?.vi), \(bind: producer.story?.en), \(bind: document), NULL)
            ON CONFLICT (slug) DO UPDATE SET name = excluded.name, type = excluded.type,
                registration_number = excluded.registration_number, representative = excluded.representative,
                phone = excluded.phone, address = excluded.address, province_code = excluded.province_code,
                commune_code = excluded.commune_code, story_vi = excluded.story_vi, story_en = excluded.story_en,
                document = excluded.document, withdrawn_at = NULL
            """
        ).run()
    }

    /// Saves a product with its variants, media and catalog certificates. Rows of one kind go in one
    /// statement, and a product new to the database skips clearing what it cannot have yet: an import
    /// of 20,000 products runs a few statements per product instead of a dozen.
    private func save(_ product: Product, document: String, isNew: Bool, _ sql: any SQLDatabase) async throws {
        let standards = try CanonicalJSON.encode(product.standards)
        try await sql.raw(
            """
            INSERT INTO products (slug, producer_slug, name_vi, name_en, group_code, province_code, commune_code,
                listed_on, standards, description_vi, description_en, story_vi, story_en, document, withdrawn_at)
            VALUES (\(bind: product.slug), \(bind: product.producerSlug), \(bind: product.name.vi),
                \(bind: product.name.en), \(bind: product.group), \(bind: product.provinceCode),
                \(bind: product.communeCode), \(bind: product.listedOn.description), \(bind: standards),
                \(bind: product.description.vi), \(bind: product.description.en), \(bind: product.story.vi),
                \(bind: product.story.en), \(bind: document), NULL)
            ON CONFLICT (slug) DO UPDATE SET producer_slug = excluded.producer_slug, name_vi = excluded.name_vi,
                name_en = excluded.name_en, group_code = excluded.group_code,
                province_code = excluded.province_code, commune_code = excluded.commune_code,
                listed_on = excluded.listed_on, standards = excluded.standards,
                description_vi = excluded.description_vi, description_en = excluded.description_en,
                story_vi = excluded.story_vi, story_en = excluded.story_en, document = excluded.document,
                withdrawn_at = NULL
            """
        ).run()
        // Variants keep their rows (stock refers to SKUs); ones no longer listed are withdrawn.
        // (A SKU may still have a row from another product, withdrawn or not: the upsert takes it over.)
        if !isNew {
            try await sql.raw("UPDATE variants SET withdrawn_at = 'replaced' WHERE product_slug = \(bind: product.slug)")
                .run()
        }
        if !product.variants.isEmpty {
            let rows: [SQLQueryString] = product.variants.enumerated().map { position, variant in
                """
                (\(bind: variant.sku), \(bind: product.slug), \(bind: position), \(bind: variant.label),
                    \(bind: variant.price), \(bind: variant.weightGrams), \(bind: variant.gtin?.digits), NULL)
                """
            }
            try await sql.raw(
                """
                INSERT INTO variants (sku, product_slug, position, label, price, weight_grams, gtin, withdrawn_at)
                VALUES \(rows.joined(separator: ", "))
                ON CONFLICT (sku) DO UPDATE SET product_slug = excluded.product_slug, position = excluded.position,
                    label = excluded.label, price = excluded.price, weight_grams = excluded.weight_grams,
                    gtin = excluded.gtin, withdrawn_at = NULL
                """
            ).run()
        }
        if !isNew {
            try await sql.raw("DELETE FROM product_media WHERE product_slug = \(bind: product.slug)").run()
        }
        if !product.media.isEmpty {
            let rows: [SQLQueryString] = product.media.enumerated().map { position, media in
                """
                (\(bind: product.slug), \(bind: position), \(bind: media.path), \(bind: media.alt.vi),
                    \(bind: media.alt.en), \(bind: media.width), \(bind: media.height))
                """
            }
            try await sql.raw(
                """
                INSERT INTO product_media (product_slug, position, path, alt_vi, alt_en, width, height)
                VALUES \(rows.joined(separator: ", "))
                """
            ).run()
        }
        // Only the certificates the files hold: those issued over the API stay.
        if !isNew {
            try await sql.raw(
                "DELETE FROM certificates WHERE product_slug = \(bind: product.slug) AND source = 'catalog'"
            ).run()
        }
        if !product.certificates.isEmpty {
            let rows: [SQLQueryString] = product.certificates.map { certificate in
                """
                (\(bind: product.slug), \(bind: certificate.number), \(bind: certificate.decisionNumber),
                    \(bind: certificate.authority), \(bind: certificate.stars.value), \(bind: certificate.score),
                    \(bind: certificate.issuedOn.description), \(bind: certificate.expiresOn.description),
                    \(bind: certificate.potentialFiveStar ? 1 : 0), \(bind: certificate.revokedOn?.description),
                    \(bind: certificate.revocationReason), \(bind: certificate.legalBasis))
                """
            }
            try await sql.raw(
                """
                INSERT INTO certificates (product_slug, number, decision_number, authority, stars, score, issued_on,
                    expires_on, potential_five_star, revoked_on, revocation_reason, legal_basis)
                VALUES \(rows.joined(separator: ", "))
                """
            ).run()
        }
    }
}
