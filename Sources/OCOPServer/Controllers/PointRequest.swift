import OCOPDomain

/// The body of `POST /v1/points` and `PUT /v1/points/{slug}`.
struct PointRequest: Decodable {
    struct Criterion: Decodable {
        var key: String
        var met: Bool
        var note: String?
    }

    var slug: String?
    var name: String
    var locationType: String
    var address: String
    var province: String
    var commune: String?
    var latitude: Double?
    var longitude: Double?
    var openingHours: String
    var phone: String?
    var email: String?
    var criteria: [Criterion]?

    /// The point this body describes, or every problem with it, by field.
    func validated(slug pathSlug: String?, localities: Localities) throws(DomainError) -> SalePoint {
        var checks = FieldChecks()
        let slug = pathSlug ?? self.slug ?? ""
        checks.require(VietnameseText.isSlug(slug), "slug", "lowercase a–z, 0–9 and single hyphens")
        if let pathSlug, let bodySlug = self.slug {
            checks.require(bodySlug == pathSlug, "slug", "must match the path (slugs do not change)")
        }
        checks.require((1...200).contains(name.trimmingWhitespace.count), "name", "1–200 characters")
        checks.require((1...300).contains(address.trimmingWhitespace.count), "address", "1–300 characters")
        checks.require((1...200).contains(openingHours.trimmingWhitespace.count), "opening_hours", "e.g. 07:30–21:00 daily")
        let type = PointLocationType(rawValue: locationType)
        checks.require(
            type != nil, "location_type",
            "one of \(PointLocationType.allCases.map(\.rawValue).joined(separator: ", ")) (Decision 950)")
        for issue in localities.validate(provinceCode: province, communeCode: commune) {
            checks.require(false, issue.field, issue.reason)
        }
        var location: GeoPoint?
        switch (latitude, longitude) {
        case (nil, nil): break
        case let (lat?, lon?):
            location = GeoPoint(latitude: lat, longitude: lon)
            checks.require(location != nil, "latitude", "latitude −90…90 and longitude −180…180")
        default: checks.require(false, latitude == nil ? "latitude" : "longitude", "give both latitude and longitude")
        }
        if let phone {
            checks.require(
                VietnamesePhoneNumber(phone) != nil, "phone", "a Vietnamese phone number (mobile, 02… landline or 1800/1900)")
        }
        if let email { checks.require(email.contains("@") && !email.contains(" "), "email", "an e-mail address") }
        var criteria: [PointCriterion] = []
        var seen: Set<String> = []
        for (index, item) in (self.criteria ?? []).enumerated() {
            let key = PointCriterionKey(rawValue: item.key)
            checks.require(
                key != nil, "criteria[\(index)].key",
                "one of \(PointCriterionKey.allCases.map(\.rawValue).joined(separator: ", "))")
            checks.require(seen.insert(item.key).inserted, "criteria[\(index)].key", "given twice")
            if let key { criteria.append(PointCriterion(key: key, met: item.met, note: item.note)) }
        }
        try checks.throwIfAny()
        return SalePoint(
            slug: slug, name: name.trimmingWhitespace, locationType: type!, address: address.trimmingWhitespace,
            provinceCode: province, communeCode: commune, location: location,
            openingHours: openingHours.trimmingWhitespace, phone: phone, email: email, criteria: criteria)
    }
}

struct MinimumRequest: Decodable {
    var minimum: Int
}
