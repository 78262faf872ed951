import Foundation
import OCOPDomain
import OCOPStorage

/// The product list (`/san-pham`) and a product's page (`/san-pham/{slug}`) as template contexts.
enum ProductPages {
    /// A product as a card in a list.
    static func card(_ entry: PublishedProduct, _ page: ShowroomPage) -> [String: Any] {
        let language = page.language
        var card: [String: Any] = [
            "href": page.link("/san-pham/" + entry.product.slug),
            "name": entry.product.name.text(in: language),
            "stars": entry.certificate.stars.value,
            "stars_text": ShowroomFormat.stars(entry.certificate.stars.value),
            "price": ShowroomFormat.priceRange(entry.priceMin, entry.priceMax, language),
            "producer": entry.producer.name,
            "province": entry.province.name,
        ]
        if let cover = entry.product.media.first {
            card["image"] = "/media/" + cover.path
            card["image_alt"] = cover.alt.text(in: language)
            card["image_width"] = cover.width
            card["image_height"] = cover.height
        }
        return card
    }

    /// The product page's members.
    /// `availability` is the stock the page's key was made from (`StockReadModel`).
    static func detail(
        _ entry: PublishedProduct, availability: [(point: SalePoint, units: Int)], _ snapshot: CatalogSnapshot,
        _ sources: ShowroomSources, _ page: ShowroomPage
    ) -> [String: Any] {
        let language = page.language
        let product = entry.product
        let name = product.name.text(in: language)
        let description = product.description.text(in: language)
        let story = product.story.text(in: language)
        let origin = [entry.commune?.name, entry.province.name].compactMap { $0 }.joined(separator: ", ")
        let sector = snapshot.classification.node(entry.sector)

        let points = availability.filter { $0.units > 0 }.map { point, units in
            var item: [String: Any] = [
                "href": page.link("/diem-ban/" + point.slug), "name": point.name, "units": units,
                "address": point.address, "hours": point.openingHours,
            ]
            if let location = point.location { item["map"] = PlacePages.mapLink(location) }
            return item
        }
        let fairs = sources.fairs.fairs(ofProduct: product.slug)
            .filter { $0.listing.fair.status(on: snapshot.day) != .closed }
            .sorted { ($0.listing.fair.opensOn, $0.listing.fair.slug) < ($1.listing.fair.opensOn, $1.listing.fair.slug) }
            .map { listing, stalls -> [String: Any] in
                [
                    "href": page.link("/hoi-cho/" + listing.fair.slug), "name": listing.fair.name,
                    "venue": listing.fair.venue, "stalls": stalls.joined(separator: ", "),
                    "dates": PlacePages.dates(listing.fair, language),
                ]
            }
        var sessions: [[String: Any]] = []
        for session in sources.livestreams.sessions(at: sources.clock.now()) {
            for item in session.products where item.product == product.slug {
                sessions.append([
                    "href": page.link("/livestream") + "#" + session.slug, "title": session.title, "code": item.code,
                    "price": ShowroomFormat.price(item.livePrice, language),
                    "starts": ShowroomFormat.localTime(session.startsAt, language),
                ])
            }
        }
        let listings = sources.listings.links(forProduct: product.slug).map { link -> [String: Any] in
            ["marketplace": PlacePages.marketplaceName(link.marketplace), "url": link.url]
        }

        var context = page.context(
            title: name + " " + ShowroomFormat.stars(entry.certificate.stars.value),
            description: summaryText(entry, description, language))
        context["name"] = name
        context["description"] = summaryText(entry, description, language)
        context["stars"] = entry.certificate.stars.value
        context["stars_text"] = ShowroomFormat.stars(entry.certificate.stars.value)
        context["potential_five"] = entry.certificate.potentialFiveStar
        context["price"] = ShowroomFormat.priceRange(entry.priceMin, entry.priceMax, language)
        context["producer"] = entry.producer.name
        context["producer_href"] = page.link("/chu-the/" + entry.producer.slug)
        context["origin"] = origin
        context["sector_href"] = page.link("/san-pham", [("group", entry.sector)])
        context["sector_name"] = sector?.name.text(in: language) ?? entry.sector
        context["certificate_number"] = entry.certificate.number
        context["authority"] = entry.certificate.authority
        context["issued_on"] = ShowroomFormat.date(entry.certificate.issuedOn, language)
        context["expires_on"] = ShowroomFormat.date(entry.certificate.expiresOn, language)
        context["media"] = product.media.enumerated().map { index, media -> [String: Any] in
            [
                "url": "/media/" + media.path, "alt": media.alt.text(in: language), "width": media.width,
                "height": media.height, "first": index == 0,
            ]
        }
        context["variants"] = product.variants.map { variant -> [String: Any] in
            ["label": variant.label, "price": ShowroomFormat.price(variant.price, language)]
        }
        context["points"] = points
        context["has_points"] = !points.isEmpty
        context["fairs"] = fairs
        context["has_fairs"] = !fairs.isEmpty
        context["sessions"] = sessions
        context["has_sessions"] = !sessions.isEmpty
        context["listings"] = listings
        context["has_listings"] = !listings.isEmpty
        context["has_any_place"] = !(points.isEmpty && fairs.isEmpty && sessions.isEmpty && listings.isEmpty)
        if !story.isEmpty { context["story"] = ["paragraphs": paragraphs(story)] }
        context["has_description"] = !description.isEmpty
        context["description_paragraphs"] = paragraphs(description)
        context["has_standards"] = !product.standards.isEmpty
        context["standards"] = product.standards
        context["og_locale"] = language == .vi ? "vi_VN" : "en_US"
        if let cover = product.media.first { context["og_image"] = page.base + "/media/" + cover.path }
        context["json_ld"] = jsonLD(entry, name: name, description: context["description"] as! String, points: points, page)
        return context
    }

    /// The first sentences of the description, else a line built from the facts: for meta tags.
    private static func summaryText(_ entry: PublishedProduct, _ description: String, _ language: Language) -> String {
        let text = description.isEmpty
            ? "\(entry.product.name.text(in: language)) — OCOP \(entry.certificate.stars.value)★, \(entry.producer.name), \(entry.province.name)"
            : description
        let flat = lines(text).joined(separator: " ")
        // At most 200 characters, found without counting every character of a long description.
        guard let cut = flat.index(flat.startIndex, offsetBy: 200, limitedBy: flat.endIndex), cut != flat.endIndex
        else { return flat }
        return String(flat.prefix(197)) + "…"
    }

    /// The text's non-empty lines, trimmed. (Foundation's `components(separatedBy:)` and
    /// `trimmingCharacters` were 13% of a page's rendering, and splitting by characters 9%.)
    static func paragraphs(_ text: String) -> [String] {
        lines(text).map(\.trimmingWhitespace).filter { !$0.isEmpty }
    }

    /// The text split at line feeds and carriage returns, on its UTF-8 bytes.
    private static func lines(_ text: String) -> [String] {
        text.utf8.split { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }.map { String(Substring($0)) }
    }

    /// schema.org `Product`, with an offer per variant in đồng; safe inside `<script>` (no `<`).
    private static func jsonLD(
        _ entry: PublishedProduct, name: String, description: String, points: [[String: Any]], _ page: ShowroomPage
    ) -> String {
        var json = JSONWriter(capacity: 1024)
        json.beginObject()
        json.key("@context")
        json.string("https://schema.org")
        json.key("@type")
        json.string("Product")
        json.key("name")
        json.string(name)
        json.key("description")
        json.string(description)
        json.key("sku")
        json.string(entry.product.variants.first?.sku)
        if let gtin = entry.product.variants.compactMap(\.gtin).first {
            json.key("gtin14")
            json.string(gtin.gtin14)
        }
        json.key("image")
        json.beginArray()
        for media in entry.product.media { json.string(page.base + "/media/" + media.path) }
        json.endArray()
        json.key("brand")
        json.beginObject()
        json.key("@type")
        json.string("Brand")
        json.key("name")
        json.string(entry.producer.name)
        json.endObject()
        json.key("url")
        json.string(page.base + page.link("/san-pham/" + entry.product.slug))
        json.key("offers")
        json.beginArray()
        for variant in entry.product.variants {
            json.beginObject()
            json.key("@type")
            json.string("Offer")
            json.key("sku")
            json.string(variant.sku)
            json.key("name")
            json.string(variant.label)
            json.key("priceCurrency")
            json.string("VND")
            json.key("price")
            json.int(variant.price)
            json.key("availability")
            json.string(points.isEmpty ? "https://schema.org/OutOfStock" : "https://schema.org/InStock")
            json.endObject()
        }
        json.endArray()
        json.endObject()
        // `<` written as \u003c, on the bytes (Foundation's replacingOccurrences was 7% of a page).
        var safe: [UInt8] = []
        safe.reserveCapacity(json.bytes.count + 16)
        for byte in json.bytes {
            if byte == UInt8(ascii: "<") { safe.append(contentsOf: #"\u003c"#.utf8) } else { safe.append(byte) }
        }
        return String(decoding: safe, as: UTF8.self)
    }
}
