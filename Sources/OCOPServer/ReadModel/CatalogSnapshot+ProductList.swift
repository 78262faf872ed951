import OCOPDomain

/// One page of `GET /v1/products`, with the total and facets over every match.
struct ProductPage: Sendable {
    let items: [Int]
    let nextCursor: PageCursor?
    let total: Int
    let starFacet: [Int: Int]
    let groupFacet: [String: Int]
    let provinceFacet: [String: Int]
}

extension CatalogSnapshot {
    /// Runs a product query: filter, order, cut the page after the cursor, count facets.
    /// `productsAtPoint` holds the products in stock at the asked point, when a point was asked.
    ///
    /// Filters intersect the snapshot's precomputed sets; orderings are precomputed per sort, so a
    /// page is a walk from the cursor's position; facets are counted over the matches only.
    func listProducts(_ query: ProductQuery, productsAtPoint: Set<String>?) -> ProductPage {
        let filter = filterSet(query, productsAtPoint: productsAtPoint)
        var counter = filters.facetCounter()
        /// The page and one item past it, when there is one, with each item's relevance (0 without text).
        let ordered: [(index: Int32, primary: Int64)]
        let total: Int
        var start = 0

        if let text = query.text {
            // Every match with an integer key equivalent to its SortKey, then sorted by it.
            let ranks = query.sort == .relevance ? rank(.name) : rank(query.sort)
            var keyed: [(index: Int32, primary: Int64, rank: Int32)] = []
            for match in search.search(text) where filter?.contains(match.product) ?? true {
                let primary = query.sort == .relevance ? -Int64(match.nameHits * 100_000 + match.score) : 0
                keyed.append((Int32(match.product), primary, ranks[match.product]))
                filters.count(match.product, into: &counter)
            }
            keyed.sort { ($0.primary, $0.rank) < ($1.primary, $1.rank) }
            total = keyed.count
            if let after = query.after {
                start = firstAfter(after, count: keyed.count) { position in
                    let entry = keyed[position]
                    return Self.sortKey(products[Int(entry.index)], query.sort, relevance: entry.primary)
                }
            }
            let end = min(start + query.limit + 1, keyed.count)
            ordered = keyed[start..<end].map { ($0.index, $0.primary) }
        } else {
            let order = order(query.sort)
            if let filter {
                total = filter.count
                filter.forEach { filters.count($0, into: &counter) }
            } else {
                total = products.count
                counter = allFacets
            }
            if let filter, total * 32 < products.count {
                // Few matches: sort them by their place in the ordering rather than walk all of it.
                let ranks = rank(query.sort)
                var matches: [Int32] = []
                matches.reserveCapacity(total)
                filter.forEach { matches.append(Int32($0)) }
                matches.sort { ranks[Int($0)] < ranks[Int($1)] }
                if let after = query.after {
                    start = firstAfter(after, count: matches.count) {
                        Self.sortKey(products[Int(matches[$0])], query.sort)
                    }
                }
                ordered = matches[start..<min(start + query.limit + 1, matches.count)].map { ($0, 0) }
            } else {
                if let after = query.after {
                    start = firstAfter(after, count: order.count) { Self.sortKey(products[Int(order[$0])], query.sort) }
                }
                var page: [Int32] = []
                var position = start
                while position < order.count, page.count <= query.limit {
                    let index = order[position]
                    if filter?.contains(Int(index)) ?? true { page.append(index) }
                    position += 1
                }
                ordered = page.map { ($0, 0) }
            }
        }

        // One item past the page was taken when there is one: that is how the next cursor is known.
        let page = ordered.prefix(query.limit)
        let next = ordered.count > query.limit ? page.last.map { last in
            PageCursor(
                sort: query.sort, key: Self.sortKey(products[Int(last.index)], query.sort, relevance: last.primary))
        } : nil
        let facets = filters.facets(counter)
        return ProductPage(
            items: page.map { Int($0.index) }, nextCursor: next, total: total, starFacet: facets.stars, groupFacet: facets.groups,
            provinceFacet: facets.provinces)
    }

    /// The products passing every filter but the text, or nil when there is no such filter.
    private func filterSet(_ query: ProductQuery, productsAtPoint: Set<String>?) -> ProductSet? {
        var result: ProductSet?
        func keep(_ set: ProductSet) { result = result.map { $0.intersection(set) } ?? set }
        if let group = query.group { keep(filters.group(group)) }
        if let stars = query.stars { keep(filters.stars(exactly: stars)) }
        if let minStars = query.minStars { keep(filters.stars(atLeast: minStars)) }
        if let province = query.provinceCode { keep(filters.province(province)) }
        if let producer = query.producer {
            keep(ProductSet(universe: products.count, members: self.producer(slug: producer)?.productIndices ?? []))
        }
        if let productsAtPoint {
            keep(ProductSet(universe: products.count, members: productsAtPoint.compactMap { productIndexBySlug[$0] }))
        }
        return result
    }

    /// The first position in a key-sorted sequence whose key is after `cursor`.
    private func firstAfter(_ cursor: SortKey, count: Int, key: (Int) -> SortKey) -> Int {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if key(mid) <= cursor { low = mid + 1 } else { high = mid }
        }
        return low
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
