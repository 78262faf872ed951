import OCOPDomain

/// `/`: the search box, the six sectors with their counts, featured 4★–5★ products, and the fairs
/// and livestream sessions that are open or coming.
enum HomePage {
    static let featuredCount = 8

    static func context(_ snapshot: CatalogSnapshot, _ sources: ShowroomSources, _ page: ShowroomPage) -> [String: Any] {
        let language = page.language
        var context = page.context(
            title: ShowroomWords.word("site", language), description: ShowroomWords.word("tagline", language))
        let groupCounts = snapshot.filters.facets(snapshot.allFacets).groups
        context["sectors"] = snapshot.classification.nodes.filter { $0.parentCode == nil }.map { node -> [String: Any] in
            [
                "code": node.code, "name": node.name.text(in: language), "count": groupCounts[node.code] ?? 0,
                "href": page.link("/san-pham", [("group", node.code)]),
            ]
        }
        let featured = snapshot.products.filter { $0.certificate.stars.value >= 4 }
            .sorted { (-$0.certificate.stars.value, $0.foldedName) < (-$1.certificate.stars.value, $1.foldedName) }
            .prefix(featuredCount)
        context["featured"] = featured.map { ProductPages.card($0, page) }
        context["total"] = snapshot.products.count
        let fairs = sources.openOrComingFairs(on: snapshot.day).prefix(5).map { listing -> [String: Any] in
            PlacePages.fairSummary(listing, snapshot, page)
        }
        context["fairs"] = fairs
        context["has_fairs"] = !fairs.isEmpty
        let sessions = sources.livestreams.sessions(at: sources.clock.now()).prefix(5).map {
            PlacePages.sessionSummary($0, language)
        }
        context["sessions"] = sessions
        context["has_sessions"] = !sessions.isEmpty
        return context
    }
}
