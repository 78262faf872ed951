import OCOPDomain

/// One page of `GET /v1/products`, with the total and facets over every match.
struct ProductPage: Sendable {
    let items: [Int]
    let nextCursor: CatalogCursor?
    let total: Int
    let starFacet: [Int: Int]
    let groupFacet: [String: Int]
    let provinceFacet: [String: Int]
}

extension CatalogSnapshot {
    /// Runs a product query: filter, order, cut the page after the cursor, count facets.
    /// `productsAtPoint` holds the products in stock at the asked point, when a point was asked.
    func listProducts(_ query: ProductQuery, productsAtPoint: Set<String>?) -> ProductPage {
        func passes(_ entry: PublishedProduct) -> Bool {
            if let group = query.group, !ClassificationTree.code(entry.product.group, isWithin: group) { return false }
            if let stars = query.stars, entry.certificate.stars.value != stars { return false }
            if let minStars = query.minStars, entry.certificate.stars.value < minStars { return false }
            if let province = query.provinceCode, entry.province.code != province { return false }
            if let producer = query.producer, entry.producer.slug != producer { return false }
            if let productsAtPoint, !productsAtPoint.contains(entry.product.slug) { return false }
            return true
        }

        // Every match with its key, in order.
        var ordered: [(index: Int, key: SortKey)] = []
        if let text = query.text {
            for match in search.search(text) where passes(products[match.product]) {
                let relevance = -Int64(match.nameHits * 100_000 + match.score)
                let key = Self.sortKey(products[match.product], query.sort, relevance: relevance)
                ordered.append((match.product, key))
            }
            ordered.sort { $0.key < $1.key }
        } else {
            for index in order(query.sort) where passes(products[index]) {
                ordered.append((index, Self.sortKey(products[index], query.sort)))
            }
        }

        var stars: [Int: Int] = [:]
        var groups: [String: Int] = [:]
        var provinces: [String: Int] = [:]
        for (index, _) in ordered {
            let entry = products[index]
            stars[entry.certificate.stars.value, default: 0] += 1
            for code in entry.groupPath { groups[code, default: 0] += 1 }
            provinces[entry.province.code, default: 0] += 1
        }

        // The page starts after the cursor's key: binary search, since `ordered` is sorted by key.
        var start = 0
        if let cursor = query.cursor {
            var high = ordered.count
            while start < high {
                let mid = (start + high) / 2
                if ordered[mid].key <= cursor.key { start = mid + 1 } else { high = mid }
            }
        }
        let end = min(start + query.limit, ordered.count)
        let page = ordered[start..<end]
        let next = end < ordered.count ? page.last.map { CatalogCursor(sort: query.sort, key: $0.key) } : nil
        return ProductPage(
            items: page.map(\.index), nextCursor: next, total: ordered.count, starFacet: stars, groupFacet: groups,
            provinceFacet: provinces)
    }

    /// The JSON body of a product page.
    func encode(_ page: ProductPage, language: Language) -> [UInt8] {
        var json = JSONWriter(capacity: 1024 + page.items.count * 600)
        json.beginObject()
        json.key("items")
        json.beginArray()
        for index in page.items { json.raw(products[index].summaryJSON[language]!) }
        json.endArray()
        json.key("next_cursor")
        json.string(page.nextCursor?.encoded)
        json.key("total")
        json.int(page.total)
        json.key("facets")
        json.beginObject()
        json.key("stars")
        json.beginObject()
        for (stars, count) in page.starFacet.sorted(by: { $0.key < $1.key }) {
            json.key(dynamic: String(stars))
            json.int(count)
        }
        json.endObject()
        json.key("group")
        json.beginObject()
        for (code, count) in page.groupFacet.sorted(by: { $0.key < $1.key }) {
            json.key(dynamic: code)
            json.int(count)
        }
        json.endObject()
        json.key("province")
        json.beginObject()
        for (code, count) in page.provinceFacet.sorted(by: { $0.key < $1.key }) {
            json.key(dynamic: code)
            json.int(count)
        }
        json.endObject()
        json.endObject()
        json.endObject()
        return json.bytes
    }
}
