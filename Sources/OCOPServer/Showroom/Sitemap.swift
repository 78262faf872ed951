import OCOPDomain
import OCOPStorage

/// `/sitemap.xml`: every published page, in Vietnamese with its English alternate. Built from the
/// same snapshot as the pages, so a product leaves the sitemap when it leaves the catalog.
enum Sitemap {
    static func xml(_ snapshot: CatalogSnapshot, _ sources: ShowroomSources, base: String) -> [UInt8] {
        var paths = ["/", "/san-pham", "/diem-ban", "/hoi-cho", "/livestream"]
        paths += snapshot.products.map { "/san-pham/" + $0.product.slug }
        paths += snapshot.producers.map { "/chu-the/" + $0.producer.slug }
        paths += sources.stock.allPoints.map { "/diem-ban/" + $0.slug }.sorted()
        paths += sources.openOrComingFairs(on: snapshot.day).map { "/hoi-cho/" + $0.fair.slug }
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">

            """
        xml.reserveCapacity(paths.count * 260)
        let escapedBase = escape(base)
        for path in paths {
            // Paths are slugs (checked on the way in): only the base needs escaping.
            let vi = escapedBase + path
            let en = vi + "?lang=en"
            xml += "<url><loc>\(vi)</loc>"
            xml += "<xhtml:link rel=\"alternate\" hreflang=\"vi\" href=\"\(vi)\"/>"
            xml += "<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"\(en)\"/></url>\n"
        }
        xml += "</urlset>\n"
        return Array(xml.utf8)
    }

    private static func escape(_ text: String) -> String {
        text.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;").replacingAll("\"", "&quot;")
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, _ replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}
