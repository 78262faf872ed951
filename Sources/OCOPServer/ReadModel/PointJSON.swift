import OCOPDomain

/// The public JSON form of a point.
enum PointJSON {
    static func write(_ point: SalePoint, _ json: inout JSONWriter, snapshot: CatalogSnapshot, distance: Double?) {
        json.beginObject()
        writeMembers(point, &json, snapshot: snapshot, distance: distance)
        json.endObject()
    }

    static func writeMembers(_ point: SalePoint, _ json: inout JSONWriter, snapshot: CatalogSnapshot, distance: Double?) {
        json.key("slug")
        json.string(point.slug)
        json.key("name")
        json.string(point.name)
        json.key("location_type")
        json.string(point.locationType.rawValue)
        json.key("address")
        json.string(point.address)
        json.key("province")
        json.codeAndName(point.provinceCode, snapshot.localities.province(code: point.provinceCode)?.name)
        json.key("commune")
        if let code = point.communeCode, let commune = snapshot.localities.commune(code: code) {
            json.codeAndName(commune.code, commune.name)
        } else {
            json.null()
        }
        json.key("latitude")
        if let location = point.location { json.double(location.latitude) } else { json.null() }
        json.key("longitude")
        if let location = point.location { json.double(location.longitude) } else { json.null() }
        json.key("opening_hours")
        json.string(point.openingHours)
        json.key("phone")
        json.string(point.phone)
        json.key("email")
        json.string(point.email)
        json.key("criteria")
        json.beginArray()
        for criterion in point.criteria {
            json.beginObject()
            json.key("key")
            json.string(criterion.key.rawValue)
            json.key("met")
            json.bool(criterion.met)
            json.key("note")
            json.string(criterion.note)
            json.endObject()
        }
        json.endArray()
        if let distance {
            json.key("distance_m")
            json.int(Int(distance.rounded()))
        }
    }
}
