import OCOPDomain

/// A validated `GET /v1/points` query: filters, an optional "near" point, and paging.
struct PointQuery {
    var provinceCode: String?
    var type: PointLocationType?
    var near: GeoPoint?
    var radiusMetres: Double?
    var limit: Int
    var after: SortKey?

    init(parameters values: [String: String], localities: Localities) throws(Problem) {
        let parameters = try QueryParameters(values, known: ["province", "type", "near", "radius_km", "limit", "cursor", "lang"])
        if let province = parameters["province"] {
            guard let found = localities.province(codeOrName: province) else {
                throw .badParameter("province", "unknown province '\(province)'")
            }
            provinceCode = found.code
        }
        if let text = parameters["type"] {
            guard let type = PointLocationType(rawValue: text) else {
                throw .badParameter("type", "one of \(PointLocationType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.type = type
        }
        if let text = parameters["near"] {
            let parts = text.split(separator: ",").compactMap { Double($0) }
            guard parts.count == 2, let point = GeoPoint(latitude: parts[0], longitude: parts[1]) else {
                throw .badParameter("near", "latitude,longitude in degrees, e.g. 21.0285,105.8542")
            }
            near = point
        }
        if let text = parameters["radius_km"] {
            guard near != nil else { throw .badParameter("radius_km", "needs near") }
            guard let km = Double(text), km > 0, km <= 2000 else {
                throw .badParameter("radius_km", "a distance in km, above 0 and at most 2000")
            }
            radiusMetres = km * 1000
        }
        limit = try parameters.limit(.catalog)
        after = try parameters.cursor(order: cursorOrder)
    }

    /// Points are ordered by distance when `near` is given, else by name; the cursor records which.
    private var cursorOrder: String { near == nil ? "name" : "distance" }

    struct Page {
        var items: [(point: SalePoint, distanceMetres: Double?)]
        var nextCursor: String?
        var total: Int
    }

    func page(of points: [SalePoint]) -> Page {
        var matches: [(point: SalePoint, distance: Double?, key: SortKey)] = []
        for point in points {
            if let provinceCode, point.provinceCode != provinceCode { continue }
            if let type, point.locationType != type { continue }
            var distance: Double?
            if let near {
                guard let location = point.location else { continue }  // unplaced points cannot be "near"
                distance = near.distanceMetres(to: location)
                if let radiusMetres, distance! > radiusMetres { continue }
            }
            let key = SortKey(
                primary: Int64((distance ?? 0).rounded()), name: VietnameseText.fold(point.name), slug: point.slug)
            matches.append((point, distance, key))
        }
        matches.sort { $0.key < $1.key }
        let start = after.map { key in matches.firstIndex { $0.key > key } ?? matches.count } ?? 0
        let end = min(start + limit, matches.count)
        let slice = matches[start..<end]
        let next = end < matches.count ? slice.last.map { PageCursor(order: cursorOrder, key: $0.key).encoded } : nil
        return Page(items: slice.map { ($0.point, $0.distance) }, nextCursor: next, total: matches.count)
    }
}
