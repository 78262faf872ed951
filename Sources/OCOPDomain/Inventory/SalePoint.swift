#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An OCOP display and sale point ("điểm giới thiệu và bán sản phẩm OCOP", Decision 950/QĐ-BCT).
public struct SalePoint: Hashable, Sendable, Codable {
    public var slug: String
    public var name: String
    public var locationType: PointLocationType
    public var address: String
    public var provinceCode: String
    public var communeCode: String?
    public var location: GeoPoint?
    public var openingHours: String
    public var phone: String?
    public var email: String?
    public var criteria: [PointCriterion]

    public init(
        slug: String, name: String, locationType: PointLocationType, address: String, provinceCode: String,
        communeCode: String?, location: GeoPoint?, openingHours: String, phone: String?, email: String?,
        criteria: [PointCriterion]
    ) {
        self.slug = slug
        self.name = name
        self.locationType = locationType
        self.address = address
        self.provinceCode = provinceCode
        self.communeCode = communeCode
        self.location = location
        self.openingHours = openingHours
        self.phone = phone
        self.email = email
        self.criteria = criteria
    }
}

/// The location types Decision 950 allows for a point.
public enum PointLocationType: String, Sendable, CaseIterable, Codable {
    /// Shop at a station, airport or port.
    case transportHub = "transport_hub"
    case highwayRestStop = "highway_rest_stop"
    /// Commercial centre, supermarket or market.
    case commercialCentre = "commercial_centre"
    /// Shop at a tourist site, restaurant or hotel.
    case touristSite = "tourist_site"
    case craftVillage = "craft_village"
    /// Commune commercial centre or industrial zone.
    case communeCentre = "commune_centre"
    /// Fair or exhibition centre.
    case fairCentre = "fair_centre"
    /// Post office, including commune cultural post offices.
    case postOffice = "post_office"
}

/// One item of the 950 checklist, with whether the point meets it and a note.
public struct PointCriterion: Hashable, Sendable, Codable {
    public var key: PointCriterionKey
    public var met: Bool
    public var note: String?

    public init(key: PointCriterionKey, met: Bool, note: String?) {
        self.key = key
        self.met = met
        self.note = note
    }
}

/// The checklist items. Area, OCOP share and staffing minimums are unverified in the sources, so
/// they are items to tick with a note rather than computed thresholds.
public enum PointCriterionKey: String, Sendable, CaseIterable, Codable {
    /// Signboard and logo to the standard design (3041/QĐ-BCT).
    case signboard
    /// OCOP 3★+ products (or key/typical local products) on display.
    case ocopProductsOnDisplay = "ocop_products_on_display"
    /// Origin and traceability of the goods on sale.
    case traceability
    case area
    case staffing
}

/// A place on the map, in degrees.
public struct GeoPoint: Hashable, Sendable, Codable {
    public var latitude: Double
    public var longitude: Double

    /// A point inside the valid ranges, or nil.
    public init?(latitude: Double, longitude: Double) {
        guard (-90...90).contains(latitude), (-180...180).contains(longitude) else { return nil }
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Great-circle distance in metres (haversine, mean Earth radius).
    public func distanceMetres(to other: GeoPoint) -> Double {
        let radius = 6_371_008.8
        let toRadians = Double.pi / 180
        let dLat = (other.latitude - latitude) * toRadians
        let dLon = (other.longitude - longitude) * toRadians
        let a = sin(dLat / 2) * sin(dLat / 2)
            + cos(latitude * toRadians) * cos(other.latitude * toRadians) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * radius * asin(min(1, a.squareRoot()))
    }
}
