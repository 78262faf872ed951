import Foundation
import OCOPDomain
import SQLKit
import Synchronization

// MARK: - Mapping rows to domain values

extension CatalogStore {
    static func producer(from row: any SQLRow) throws -> Producer {
        let typeText = try row.decode(column: "type", as: String.self)
        guard let type = ProducerType(rawValue: typeText) else {
            throw DomainError(.invalid, "stored producer has unknown type \(typeText)")
        }
        let storyVI = try row.decode(column: "story_vi", as: String?.self)
        return Producer(
            slug: try row.decode(column: "slug", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            type: type,
            registrationNumber: try row.decode(column: "registration_number", as: String.self),
            representative: try row.decode(column: "representative", as: String.self),
            phone: try row.decode(column: "phone", as: String.self),
            address: try row.decode(column: "address", as: String.self),
            provinceCode: try row.decode(column: "province_code", as: String.self),
            communeCode: try row.decode(column: "commune_code", as: String?.self),
            story: try storyVI.map { LocalizedText(vi: $0, en: try row.decode(column: "story_en", as: String?.self)) })
    }

    static func variant(from row: any SQLRow) throws -> Variant {
        Variant(
            sku: try row.decode(column: "sku", as: String.self),
            label: try row.decode(column: "label", as: String.self),
            price: try row.decode(column: "price", as: Int.self),
            weightGrams: try row.decode(column: "weight_grams", as: Int?.self),
            gtin: try row.decode(column: "gtin", as: String?.self).flatMap(GTIN.init))
    }

    static func media(from row: any SQLRow) throws -> MediaReference {
        MediaReference(
            path: try row.decode(column: "path", as: String.self),
            alt: LocalizedText(
                vi: try row.decode(column: "alt_vi", as: String.self),
                en: try row.decode(column: "alt_en", as: String?.self)),
            width: try row.decode(column: "width", as: Int.self),
            height: try row.decode(column: "height", as: Int.self))
    }

    static func certificate(from row: any SQLRow) throws -> Certificate {
        Certificate(
            number: try row.decode(column: "number", as: String.self),
            decisionNumber: try row.decode(column: "decision_number", as: String.self),
            authority: try row.decode(column: "authority", as: String.self),
            stars: try storedStars(row.decode(column: "stars", as: Int.self)),
            score: try row.decode(column: "score", as: Double.self),
            issuedOn: try date(row, "issued_on")!,
            expiresOn: try date(row, "expires_on"),
            potentialFiveStar: try row.decode(column: "potential_five_star", as: Int.self) != 0,
            revokedOn: try date(row, "revoked_on"),
            revocationReason: try row.decode(column: "revocation_reason", as: String?.self),
            legalBasis: try row.decode(column: "legal_basis", as: String.self))
    }

    static func product(
        from row: any SQLRow, variants: [Variant], media: [MediaReference], certificates: [Certificate],
        standards: StandardsDecoder = StandardsDecoder()
    ) throws -> Product {
        return Product(
            slug: try row.decode(column: "slug", as: String.self),
            name: LocalizedText(
                vi: try row.decode(column: "name_vi", as: String.self),
                en: try row.decode(column: "name_en", as: String?.self)),
            producerSlug: try row.decode(column: "producer_slug", as: String.self),
            group: try row.decode(column: "group_code", as: String.self),
            provinceCode: try row.decode(column: "province_code", as: String.self),
            communeCode: try row.decode(column: "commune_code", as: String?.self),
            listedOn: try date(row, "listed_on")!,
            standards: try standards.decode(row.decode(column: "standards", as: String.self)),
            description: LocalizedText(
                vi: try row.decode(column: "description_vi", as: String.self),
                en: try row.decode(column: "description_en", as: String?.self)),
            story: LocalizedText(
                vi: try row.decode(column: "story_vi", as: String.self),
                en: try row.decode(column: "story_en", as: String?.self)),
            variants: variants, media: media, certificates: certificates)
    }

    /// Decodes the stored `standards` JSON arrays, each distinct text once: a catalog has a few
    /// dozen combinations over thousands of products.
    final class StandardsDecoder: Sendable {
        private let decoded = Mutex<[String: [String]]>([:])

        func decode(_ json: String) throws -> [String] {
            if let known = decoded.withLock({ $0[json] }) { return known }
            let standards = try JSONDecoder().decode([String].self, from: Data(json.utf8))
            decoded.withLock { $0[json] = standards }
            return standards
        }
    }

    private static func storedStars(_ value: Int) throws -> StarRating {
        guard let stars = StarRating(value) else { throw DomainError(.invalid, "stored stars \(value) out of 1–5") }
        return stars
    }

    private static func date(_ row: any SQLRow, _ column: String) throws -> CalendarDate? {
        guard let text = try row.decode(column: column, as: String?.self) else { return nil }
        guard let date = CalendarDate(iso: text) else {
            throw DomainError(.invalid, "stored \(column) '\(text)' is not a date")
        }
        return date
    }
}
