import OCOPDomain

/// `/san-pham`: the API's list and search (same parameters, same folding, same cursor), with the
/// facets as links that narrow the list and a link to the next page.
enum ProductListPage {
    static func context(_ snapshot: CatalogSnapshot, _ sources: ShowroomSources, _ page: ShowroomPage) throws -> [String: Any] {
        let language = page.language
        var parameters: [String: String] = [:]
        for (name, value) in page.query {
            guard parameters[name] == nil else { throw Problem.badParameter(name, "given more than once") }
            parameters[name] = value
        }
        // A search form sent with an empty box is the whole list, not an error.
        if parameters["q"]?.trimmingWhitespace.isEmpty == true { parameters["q"] = nil }
        let query = try ProductQuery(
            parameters: parameters, classification: snapshot.classification, localities: snapshot.localities)
        let atPoint = query.point.map { Set(sources.stock.products(atPoint: $0).keys) }
        let result = snapshot.listProducts(query, productsAtPoint: atPoint)

        let kept = page.query.filter { $0.0 != "cursor" && !($0.0 == "q" && parameters["q"] == nil) }
        func with(_ name: String, _ value: String?) -> String {
            var items = kept.filter { $0.0 != name }
            if let value { items.append((name, value)) }
            return page.link("/san-pham", items)
        }

        let heading: String
        if let text = query.text {
            heading = language == .vi ? "Kết quả cho “\(text)”" : "Results for “\(text)”"
        } else if let group = query.group, let node = snapshot.classification.node(group) {
            heading = node.name.text(in: language)
        } else {
            heading = ShowroomWords.word("products_title", language)
        }
        var context = page.context(
            title: heading, description: "\(result.total) " + ShowroomWords.word("results", language) + " OCOP",
            searchText: query.text ?? "")
        context["heading"] = heading
        context["total"] = result.total
        context["items"] = result.items.map { ProductPages.card(snapshot.products[$0], page) }
        context["has_items"] = !result.items.isEmpty
        context["active"] = kept.contains { !["q", "sort"].contains($0.0) }
        context["clear_href"] = page.link("/san-pham")

        context["star_facets"] = result.starFacet.sorted { $0.key > $1.key }.map { stars, count -> [String: Any] in
            let selected = query.stars == stars
            return [
                "label": ShowroomFormat.stars(stars), "count": count, "selected": selected,
                "aria": "\(stars) " + ShowroomWords.word("stars_word", language) + " (\(count))",
                "href": with("stars", selected ? nil : String(stars)),
            ]
        }
        let shownGroups = result.groupFacet.filter { code, _ in
            if let chosen = query.group { return ClassificationTree.parentCode(of: code) == chosen || code == chosen }
            return ClassificationTree.parentCode(of: code) == nil
        }
        context["group_facets"] = shownGroups.sorted { $0.key < $1.key }.map { code, count -> [String: Any] in
            let selected = query.group == code
            return [
                "label": "\(code) · " + (snapshot.classification.node(code)?.name.text(in: language) ?? code),
                "count": count, "selected": selected,
                "href": with("group", selected ? ClassificationTree.parentCode(of: code) : code),
            ]
        }
        context["province_facets"] = result.provinceFacet.map { code, count in
            (code, snapshot.localities.province(code: code)?.name ?? code, count)
        }
        .sorted { VietnameseText.fold($0.1) < VietnameseText.fold($1.1) }
        .map { code, name, count -> [String: Any] in
            let selected = query.provinceCode == code
            return ["label": name, "count": count, "selected": selected, "href": with("province", selected ? nil : code)]
        }

        var sorts: [ProductSort] = [.name, .stars, .newest, .priceAscending, .priceDescending]
        if query.text != nil { sorts.insert(.relevance, at: 0) }
        context["sorts"] = sorts.map { sort -> [String: Any] in
            ["value": sort.rawValue, "label": ShowroomWords.word("sort_" + sort.rawValue, language), "selected": sort == query.sort]
        }
        var hidden = kept.filter { $0.0 != "sort" }
        if language == .en { hidden.append(("lang", "en")) }
        context["keep"] = hidden.map { ["name": $0.0, "value": $0.1] }
        if let next = result.nextCursor { context["next_href"] = with("cursor", next.encoded) }
        if page.query.contains(where: { $0.0 == "cursor" }) { context["first_href"] = with("cursor", nil) }
        return context
    }
}
