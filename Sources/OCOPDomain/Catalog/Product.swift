/// A certified (or candidate) OCOP product with its variants, media and certificate history.
public struct Product: Hashable, Sendable, Codable {
    public var slug: String
    public var name: LocalizedText
    public var producerSlug: String
    /// The classification leaf code, e.g. "I.5.a".
    public var group: String
    public var provinceCode: String
    public var communeCode: String?
    public var listedOn: CalendarDate
    public var standards: [String]
    public var description: LocalizedText
    public var story: LocalizedText
    public var variants: [Variant]
    public var media: [MediaReference]
    public var certificates: [Certificate]

    public init(
        slug: String, name: LocalizedText, producerSlug: String, group: String, provinceCode: String,
        communeCode: String?, listedOn: CalendarDate, standards: [String], description: LocalizedText,
        story: LocalizedText, variants: [Variant], media: [MediaReference], certificates: [Certificate]
    ) {
        self.slug = slug
        self.name = name
        self.producerSlug = producerSlug
        self.group = group
        self.provinceCode = provinceCode
        self.communeCode = communeCode
        self.listedOn = listedOn
        self.standards = standards
        self.description = description
        self.story = story
        self.variants = variants
        self.media = media
        self.certificates = certificates
    }
}

/// A sellable packaging of a product, e.g. "hộp 5kg" at 250,000 đ.
public struct Variant: Hashable, Sendable, Codable {
    public var sku: String
    public var label: String
    /// Whole VND.
    public var price: Int
    public var weightGrams: Int?
    public var gtin: GTIN?

    public init(sku: String, label: String, price: Int, weightGrams: Int?, gtin: GTIN?) {
        self.sku = sku
        self.label = label
        self.price = price
        self.weightGrams = weightGrams
        self.gtin = gtin
    }

    /// Whether a SKU is well-formed: 2–40 of A–Z, 0–9 and hyphens.
    public static func isValidSKU(_ sku: String) -> Bool {
        (2...40).contains(sku.utf8.count)
            && sku.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

/// An image of a product, by its path under the media folder.
public struct MediaReference: Hashable, Sendable, Codable {
    public var path: String
    public var alt: LocalizedText
    public var width: Int
    public var height: Int

    public init(path: String, alt: LocalizedText, width: Int, height: Int) {
        self.path = path
        self.alt = alt
        self.width = width
        self.height = height
    }
}
