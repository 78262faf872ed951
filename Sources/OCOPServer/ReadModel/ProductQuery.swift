import Foundation
import OCOPDomain

/// A validated `GET /v1/products` query. Building one is where bad parameters become 400s.
struct ProductQuery: Sendable {
    var text: String?
    var group: String?
    var stars: Int?
    var minStars: Int?
    var provinceCode: String?
    var producer: String?
    var point: String?
    var sort: ProductSort
    var limit: Int
    /// The key the page starts after, in `sort`.
    var after: SortKey?

    /// Reads the parameters; the first unusable one is named in the thrown problem.
    init(
        parameters values: [String: String], classification: ClassificationTree, localities: Localities
    ) throws(Problem) {
        let parameters = try QueryParameters(
            values, known: ["q", "group", "stars", "min_stars", "province", "producer", "point", "sort", "limit", "cursor", "lang"])
        let text = parameters["q"]?.trimmingWhitespace
        if let text, text.utf8.count > 200 { throw .badParameter("q", "at most 200 bytes") }
        self.text = (text?.isEmpty ?? true) ? nil : text

        if let group = parameters["group"] {
            guard classification.node(group) != nil else {
                throw .badParameter("group", "unknown classification code '\(group)' (e.g. I, I.5, I.5.a)")
            }
            self.group = group
        }
        stars = try Self.starValue(parameters["stars"], "stars")
        minStars = try Self.starValue(parameters["min_stars"], "min_stars")
        if let province = parameters["province"] {
            guard let found = localities.province(codeOrName: province) else {
                throw .badParameter("province", "unknown province '\(province)' (a 2-digit code or a name)")
            }
            provinceCode = found.code
        }
        for (name, value) in [("producer", parameters["producer"]), ("point", parameters["point"])] {
            if let value, !VietnameseText.isSlug(value) { throw .badParameter(name, "'\(value)' is not a slug") }
        }
        producer = parameters["producer"]
        point = parameters["point"]

        if let sortText = parameters["sort"] {
            guard let sort = ProductSort(rawValue: sortText) else {
                throw .badParameter("sort", "one of \(ProductSort.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if sort == .relevance && self.text == nil { throw .badParameter("sort", "relevance needs q") }
            self.sort = sort
        } else {
            sort = self.text == nil ? .name : .relevance
        }
        limit = try parameters.limit(.catalog)
        after = try parameters.cursor(order: sort.rawValue)
    }

    private static func starValue(_ text: String?, _ name: String) throws(Problem) -> Int? {
        guard let text else { return nil }
        guard let value = Int(text), (1...5).contains(value) else {
            throw .badParameter(name, "a whole number from 1 to 5")
        }
        return value
    }
}
