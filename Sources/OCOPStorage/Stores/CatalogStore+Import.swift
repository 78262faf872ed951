public import OCOPDomain
import SQLKit

extension CatalogStore {
    /// Runs an import in one transaction: everything `body` wrote commits together when it
    /// returns, and nothing does when it throws.
    public func importing<T: Sendable>(
        actor: String, at now: Moment, _ body: (CatalogImportWriter) async throws -> T
    ) async throws -> T {
        try await database.transaction { sql in try await body(CatalogImportWriter(sql: sql, actor: actor, now: now)) }
    }
}

/// A record to save with its canonical document (computed once, for the comparison and the audit).
public struct DocumentedRecord<Record: Sendable>: Sendable {
    public let record: Record
    public let document: String

    public init(_ record: Record, document: String) {
        self.record = record
        self.document = document
    }
}

/// The writes of one import, inside its transaction: saves batch by batch, then withdrawals, then
/// the one catalog change every node reloads on. Each change gets its audit row.
public struct CatalogImportWriter: Sendable {
    let sql: any SQLDatabase
    let actor: String
    let now: Moment
    private let timestamp: String

    init(sql: any SQLDatabase, actor: String, now: Moment) {
        self.sql = sql
        self.actor = actor
        self.now = now
        timestamp = ISOTimestamp.string(now)
    }

    /// The stored documents of these slugs (those the database has, withdrawn or not).
    public func storedDocuments(producers: [String], products: [String]) async throws -> StoredDocuments {
        try await CatalogStore.storedDocuments(sql, producers: producers, products: products)
    }

    /// The slugs the database holds that are not withdrawn.
    public func liveSlugs() async throws -> (producers: Set<String>, products: Set<String>) {
        func slugs(_ table: SQLQueryString) async throws -> Set<String> {
            Set(try await sql.raw("SELECT slug FROM \(table) WHERE withdrawn_at IS NULL").all()
                .map { try $0.decode(column: "slug", as: String.self) })
        }
        return (try await slugs("producers"), try await slugs("products"))
    }

    /// Creates or updates producers and products; `before` holds their stored documents, if any.
    public func save(
        producers: [DocumentedRecord<Producer>], products: [DocumentedRecord<Product>], before: StoredDocuments
    ) async throws {
        for producer in producers {
            try await insert(producer.record, document: producer.document)
            let previous = before.producers[producer.record.slug]
            try await AuditLog.append(
                sql, actor: actor, action: previous == nil ? "create" : "update", entity: "producer",
                entityID: producer.record.slug, before: previous?.json, after: producer.document, at: timestamp)
        }
        for product in products {
            let previous = before.products[product.record.slug]
            try await insert(product.record, document: product.document, isNew: previous == nil)
            try await AuditLog.append(
                sql, actor: actor, action: previous == nil ? "create" : "update", entity: "product",
                entityID: product.record.slug, before: previous?.json, after: product.document, at: timestamp)
        }
        try await MarketplaceOutbox.catalogApplied(saved: products, withdrawn: [], before: before, in: sql, at: now)
    }

    /// Withdraws what the files no longer hold (rows stay: ledgers and reports point at them).
    public func withdraw(producers: [String], products: [String]) async throws {
        let before = try await storedDocuments(producers: producers, products: products)
        for slug in products {
            try await sql.raw("UPDATE products SET withdrawn_at = \(bind: timestamp) WHERE slug = \(bind: slug)").run()
            try await sql.raw("UPDATE variants SET withdrawn_at = \(bind: timestamp) WHERE product_slug = \(bind: slug)")
                .run()
            try await AuditLog.append(
                sql, actor: actor, action: "withdraw", entity: "product", entityID: slug,
                before: before.products[slug]?.json, after: nil, at: timestamp)
        }
        for slug in producers {
            try await sql.raw("UPDATE producers SET withdrawn_at = \(bind: timestamp) WHERE slug = \(bind: slug)").run()
            try await AuditLog.append(
                sql, actor: actor, action: "withdraw", entity: "producer", entityID: slug,
                before: before.producers[slug]?.json, after: nil, at: timestamp)
        }
        try await MarketplaceOutbox.catalogApplied(saved: [], withdrawn: products, before: before, in: sql, at: now)
    }

    /// Marks the catalog changed, once, after the import's writes.
    public func markChanged(productsSaved: Int, productsWithdrawn: Int) async throws {
        try await CatalogStore.markChanged(
            sql, CatalogChange(revision: 0, productsSaved: productsSaved, productsWithdrawn: productsWithdrawn), at: now)
    }

    private func insert(_ producer: Producer, document: String) async throws {
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
    private func insert(_ product: Product, document: String, isNew: Bool) async throws {
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
