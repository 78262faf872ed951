/// The legal owner of OCOP products and their certificates ("chủ thể OCOP").
public struct Producer: Hashable, Sendable, Codable {
    public var slug: String
    public var name: String
    public var type: ProducerType
    public var registrationNumber: String
    public var representative: String
    public var phone: String
    public var address: String
    public var provinceCode: String
    public var communeCode: String?
    public var story: LocalizedText?

    public init(
        slug: String, name: String, type: ProducerType, registrationNumber: String, representative: String,
        phone: String, address: String, provinceCode: String, communeCode: String?, story: LocalizedText?
    ) {
        self.slug = slug
        self.name = name
        self.type = type
        self.registrationNumber = registrationNumber
        self.representative = representative
        self.phone = phone
        self.address = address
        self.provinceCode = provinceCode
        self.communeCode = communeCode
        self.story = story
    }
}

/// The four kinds of OCOP producer.
public enum ProducerType: String, Sendable, CaseIterable, Codable {
    case enterprise
    case cooperative
    case cooperativeGroup = "cooperative_group"
    case householdBusiness = "household_business"
}
