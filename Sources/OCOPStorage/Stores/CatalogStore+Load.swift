public import OCOPDomain
import SQLKit

extension CatalogStore {
    /// The live catalog: producers and products in slug order, each product's variants and media in
    /// position order and its certificates in the order they were issued.
    ///
    /// Loading is most of a cold start. Rows are fetched in storage order (an `ORDER BY` on these
    /// tables walked an index and looked up every row) and sorted here. They become domain values
    /// on other threads, on all cores: the variants, media, certificates and producers while the
    /// products are still being fetched, then the products once the database is free again.
    public func load() async throws -> CatalogContents {
        let (producers, parts, productRows) = try await database.read { sql in
            // The parts first: they are mapped on other threads while the producers and then the
            // products are fetched, so that the one connection is never the only thing at work.
            let variantRows = try await sql.raw(
                """
                SELECT product_slug, position, sku, label, price, weight_grams, gtin
                FROM variants WHERE withdrawn_at IS NULL
                """
            ).all()
            let mediaRows = try await sql.raw(
                "SELECT product_slug, position, path, alt_vi, alt_en, width, height FROM product_media"
            ).all()
            let certificateRows = try await sql.raw(
                """
                SELECT product_slug, number, decision_number, authority, stars, score, issued_on, expires_on,
                    potential_five_star, revoked_on, revocation_reason, legal_basis
                FROM certificates
                """
            ).all()
            async let parts = offTheEventLoops {
                try ProductParts(variants: variantRows, media: mediaRows, certificates: certificateRows)
            }
            // Named columns, not *: the stored documents would double what a start holds in memory.
            let producerRows = try await sql.raw(
                """
                SELECT slug, name, type, registration_number, representative, phone, address, province_code,
                    commune_code, story_vi, story_en
                FROM producers WHERE withdrawn_at IS NULL
                """
            ).all()
            async let producers = offTheEventLoops {
                try producerRows.mappedOnAllCores(Self.producer(from:)).sorted { $0.slug < $1.slug }
            }
            let productRows = try await sql.raw(
                """
                SELECT slug, name_vi, name_en, producer_slug, group_code, province_code, commune_code, listed_on,
                    standards, description_vi, description_en, story_vi, story_en
                FROM products WHERE withdrawn_at IS NULL
                """
            ).all()
            return (try await producers, try await parts, productRows)
        }
        return try await offTheEventLoops {
            let standards = StandardsDecoder()
            let products = try productRows.mappedOnAllCores { row in
                let slug = try row.decode(column: "slug", as: String.self)
                return try Self.product(
                    from: row, variants: parts.variants[slug] ?? [], media: parts.media[slug] ?? [],
                    certificates: parts.certificates[slug] ?? [], standards: standards)
            }
            return CatalogContents(producers: producers, products: products.sorted { $0.slug < $1.slug })
        }
    }
}

/// Each product's variants, media and certificates, by product slug, in order.
private struct ProductParts: Sendable {
    let variants: [String: [Variant]]
    let media: [String: [MediaReference]]
    let certificates: [String: [Certificate]]

    init(variants: [any SQLRow], media: [any SQLRow], certificates: [any SQLRow]) throws {
        self.variants = try Self.grouped(variants) { row in
            (try row.decode(column: "position", as: Int.self), try CatalogStore.variant(from: row))
        }
        self.media = try Self.grouped(media) { row in
            (try row.decode(column: "position", as: Int.self), try CatalogStore.media(from: row))
        }
        // Issue day first, then the number: two certificates issued on one day keep one order.
        self.certificates = try Self.grouped(certificates) { row in
            let certificate = try CatalogStore.certificate(from: row)
            return ("\(certificate.issuedOn) \(certificate.number)", certificate)
        }
    }

    /// Maps each row to (its product, its place among that product's values, the value) on all
    /// cores, then groups the values by product in place order.
    private static func grouped<Place: Comparable & Sendable, Value: Sendable>(
        _ rows: [any SQLRow], _ transform: @Sendable (any SQLRow) throws -> (Place, Value)
    ) throws -> [String: [Value]] {
        let mapped = try rows.mappedOnAllCores { row in
            (product: try row.decode(column: "product_slug", as: String.self), entry: try transform(row))
        }
        var byProduct: [String: [(place: Place, value: Value)]] = [:]
        for row in mapped { byProduct[row.product, default: []].append(row.entry) }
        return byProduct.mapValues { entries in entries.sorted { $0.place < $1.place }.map(\.value) }
    }
}

extension Array where Element == any SQLRow {
    /// `map` in chunks on all cores; the first error thrown is rethrown.
    func mappedOnAllCores<T: Sendable>(_ transform: @Sendable (any SQLRow) throws -> T) throws -> [T] {
        let chunk = 1_000
        let chunks = Swift.stride(from: 0, to: count, by: chunk).map { $0..<Swift.min($0 + chunk, count) }
        let results = chunks.concurrentMap { range in Result { try self[range].map(transform) } }
        return try results.flatMap { try $0.get() }
    }
}
