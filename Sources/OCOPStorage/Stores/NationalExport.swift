public import OCOPDomain

/// One product as the national OCOP information system takes it.
public struct NationalExportRow: Sendable, Hashable, Codable {
    public var product: String
    public var name: String
    public var stars: Int
    public var story: String
    public var certificateNumber: String
    public var decisionNumber: String
    public var issuedOn: String
    public var expiresOn: String
    /// The certificate's status on the export day: valid, expired, revoked.
    public var status: String
    public var producer: String
    public var producerName: String
    public var representative: String
    public var address: String
    public var phone: String
    /// The catalog format holds no producer e-mail yet; always nil.
    public var email: String?

    /// Column names of the CSV, in order.
    public static let columns = [
        "product", "name", "stars", "story", "certificate_number", "decision_number", "issued_on", "expires_on", "status",
        "producer", "producer_name", "representative", "address", "phone", "email",
    ]

    public var fields: [String] {
        [
            product, name, String(stars), story, certificateNumber, decisionNumber, issuedOn, expiresOn, status, producer,
            producerName, representative, address, phone, email ?? "",
        ]
    }
}

extension ProgrammeReports {
    /// Every product that holds or held a 3★+ certificate, with its latest such certificate and its
    /// producer, by product slug.
    public func nationalExport(today: CalendarDate) async throws -> [NationalExportRow] {
        let catalog = try await CatalogStore(database: database).load()
        let producers = Dictionary(uniqueKeysWithValues: catalog.producers.map { ($0.slug, $0) })
        return catalog.products.compactMap { product -> NationalExportRow? in
            let certified = product.certificates.filter { $0.stars >= StarRating.certifiedMinimum }
            guard
                let certificate = PublicationRule.currentCertificate(among: certified, on: today)
                    ?? certified.max(by: { $0.issuedOn < $1.issuedOn }),
                let producer = producers[product.producerSlug]
            else { return nil }
            return NationalExportRow(
                product: product.slug, name: product.name.vi, stars: certificate.stars.value, story: product.story.vi,
                certificateNumber: certificate.number, decisionNumber: certificate.decisionNumber,
                issuedOn: certificate.issuedOn.description, expiresOn: certificate.expiresOn.description,
                status: certificate.status(on: today).rawValue, producer: producer.slug, producerName: producer.name,
                representative: producer.representative, address: producer.address, phone: producer.phone, email: nil)
        }.sorted { $0.product < $1.product }
    }
}
