import OCOPDomain
import OCOPStorage

/// Producers, display/sale points, fairs and livestream sessions as template contexts.
enum PlacePages {
    /// An OpenStreetMap link centred on the point: works on any phone without an app or a key.
    static func mapLink(_ location: GeoPoint) -> String {
        let lat = String(format6(location.latitude)), lon = String(format6(location.longitude))
        return "https://www.openstreetmap.org/?mlat=\(lat)&mlon=\(lon)#map=17/\(lat)/\(lon)"
    }

    private static func format6(_ value: Double) -> String {
        let scaled = (value * 1_000_000).rounded()
        let sign = scaled < 0 ? "-" : ""
        let whole = Int(abs(scaled)) / 1_000_000, fraction = Int(abs(scaled)) % 1_000_000
        let digits = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: 6 - digits.count) + digits
    }

    static func dates(_ fair: Fair, _ language: Language) -> String {
        ShowroomFormat.date(fair.opensOn, language) + " – " + ShowroomFormat.date(fair.closesOn, language)
    }

    static func marketplaceName(_ code: String) -> String {
        switch code {
        case "shopee": "Shopee"
        case "lazada": "Lazada"
        case "tiki": "Tiki"
        case "tiktok_shop", "tiktok": "TikTok Shop"
        case "facebook": "Facebook"
        default: code
        }
    }

    // MARK: - Producer

    static func producer(_ published: PublishedProducer, _ snapshot: CatalogSnapshot, _ page: ShowroomPage) -> [String: Any] {
        let language = page.language
        let producer = published.producer
        let origin = [published.commune?.name, published.province.name].compactMap { $0 }.joined(separator: ", ")
        let story = producer.story?.text(in: language) ?? ""
        var context = page.context(
            title: producer.name, description: story.isEmpty ? "\(producer.name) — \(origin)" : String(story.prefix(200)))
        context["heading"] = producer.name
        context["origin"] = origin
        context["representative"] = producer.representative
        context["phone"] = producer.phone
        context["address"] = producer.address
        context["paragraphs"] = ProductPages.paragraphs(story)
        context["items"] = published.productIndices.map { ProductPages.card(snapshot.products[$0], page) }
        return context
    }

    // MARK: - Points

    static func points(_ all: [SalePoint], _ snapshot: CatalogSnapshot, _ page: ShowroomPage) -> [String: Any] {
        let sorted = all.sorted { (VietnameseText.fold($0.name), $0.slug) < (VietnameseText.fold($1.name), $1.slug) }
        var context = page.context(
            title: ShowroomWords.word("points_title", page.language),
            description: ShowroomWords.word("points_title", page.language))
        context["heading"] = ShowroomWords.word("points_title", page.language)
        context["points"] = sorted.map { point in pointSummary(point, snapshot, page) }
        context["has_points"] = !sorted.isEmpty
        return context
    }

    private static func pointSummary(_ point: SalePoint, _ snapshot: CatalogSnapshot, _ page: ShowroomPage) -> [String: Any] {
        var item: [String: Any] = [
            "href": page.link("/diem-ban/" + point.slug), "name": point.name, "address": point.address,
            "province": snapshot.localities.province(code: point.provinceCode)?.name ?? point.provinceCode,
            "hours": point.openingHours,
        ]
        if let location = point.location { item["map"] = mapLink(location) }
        if let phone = point.phone { item["phone"] = phone }
        return item
    }

    static func point(
        _ point: SalePoint, inStock: [String: Int], _ snapshot: CatalogSnapshot, _ page: ShowroomPage
    ) -> [String: Any] {
        var context = page.context(title: point.name, description: point.name + " — " + point.address)
        for (key, value) in pointSummary(point, snapshot, page) { context[key] = value }
        context["heading"] = point.name
        let products = inStock.compactMap { slug, units in snapshot.product(slug: slug).map { ($0, units) } }
            .filter { $0.1 > 0 }
            .sorted { ($0.0.foldedName, $0.0.product.slug) < ($1.0.foldedName, $1.0.product.slug) }
        context["items"] = products.map { entry, units -> [String: Any] in
            var card = ProductPages.card(entry, page)
            card["units"] = units
            return card
        }
        context["has_items"] = !products.isEmpty
        return context
    }

    // MARK: - Fairs

    static func fairs(_ listings: [FairListing], _ snapshot: CatalogSnapshot, _ page: ShowroomPage) -> [String: Any] {
        let title = ShowroomWords.word("fairs_title", page.language)
        var context = page.context(title: title, description: title)
        context["heading"] = title
        context["fairs"] = listings.map { fairSummary($0, snapshot, page) }
        context["has_fairs"] = !listings.isEmpty
        return context
    }

    static func fairSummary(_ listing: FairListing, _ snapshot: CatalogSnapshot, _ page: ShowroomPage) -> [String: Any] {
        let fair = listing.fair
        let status = fair.status(on: snapshot.day)
        return [
            "href": page.link("/hoi-cho/" + fair.slug), "name": fair.name, "venue": fair.venue,
            "dates": dates(fair, page.language), "hours": fair.dailyHours, "organiser": fair.organiser,
            "province": snapshot.localities.province(code: fair.provinceCode)?.name ?? fair.provinceCode,
            "state": ShowroomWords.word(status == .open ? "fair_open" : (status == .planned ? "fair_planned" : "fair_closed"), page.language),
            "is_open": status == .open,
        ]
    }

    /// The fair with its stall map: one grid per zone, each stall free, allocated (with its
    /// producer and the publishable products it brings) or closed.
    static func fair(_ listing: FairListing, _ snapshot: CatalogSnapshot, _ page: ShowroomPage) -> [String: Any] {
        let language = page.language
        var context = page.context(
            title: listing.fair.name,
            description: listing.fair.name + " — " + listing.fair.venue + ", " + dates(listing.fair, language))
        for (key, value) in fairSummary(listing, snapshot, page) { context[key] = value }
        context["heading"] = listing.fair.name
        let zones = Dictionary(grouping: listing.stalls, by: \.zone).sorted { $0.key < $1.key }
        context["zones"] = zones.map { zone, stalls -> [String: Any] in
            [
                "zone": zone,
                "stalls": stalls.map { stall in
                    stallCell(stall, listing, snapshot, page)
                },
            ]
        }
        context["has_zones"] = !zones.isEmpty
        return context
    }

    private static func stallCell(
        _ stall: FairStall, _ listing: FairListing, _ snapshot: CatalogSnapshot, _ page: ShowroomPage
    ) -> [String: Any] {
        var cell: [String: Any] = ["code": stall.code, "status": stall.status]
        switch stall.status {
        case "free": cell["label"] = ShowroomWords.word("stall_free", page.language)
        case "closed": cell["label"] = ShowroomWords.word("stall_closed", page.language)
        default: break
        }
        if stall.closedAt == nil, let slug = stall.producer, let producer = snapshot.producer(slug: slug) {
            cell["producer"] = producer.producer.name
            cell["producer_href"] = page.link("/chu-the/" + slug)
            let products = stall.applicationID.flatMap { listing.productsByApplication[$0] } ?? []
            cell["products"] = products.compactMap(snapshot.product(slug:)).map { entry -> [String: Any] in
                ["name": entry.product.name.text(in: page.language), "href": page.link("/san-pham/" + entry.product.slug)]
            }
        }
        return cell
    }

    // MARK: - Livestreams

    static func livestreams(
        _ sessions: [LivestreamRecord], _ snapshot: CatalogSnapshot, _ page: ShowroomPage
    ) -> [String: Any] {
        let language = page.language
        let title = ShowroomWords.word("live_title", language)
        var context = page.context(title: title, description: title)
        context["heading"] = title
        context["sessions"] = sessions.map { session -> [String: Any] in
            sessionSummary(session, language).merging([
                "page_url": session.pageUrl, "host": session.host,
                "platform": marketplaceName(session.platform),
                "ends": ShowroomFormat.localTime(session.endsAt, language),
                "products": session.products.compactMap { item -> [String: Any]? in
                    guard let entry = snapshot.product(slug: item.product) else { return nil }
                    let variant = entry.product.variants.first { $0.sku == item.sku }
                    return [
                        "name": entry.product.name.text(in: language), "href": page.link("/san-pham/" + item.product),
                        "variant": variant?.label ?? item.sku, "code": item.code,
                        "price": ShowroomFormat.price(item.livePrice, language),
                        "list_price": variant.map { ShowroomFormat.price($0.price, language) } ?? "",
                    ]
                },
            ]) { first, _ in first }
        }
        context["has_sessions"] = !sessions.isEmpty
        return context
    }

    static func sessionSummary(_ session: LivestreamRecord, _ language: Language) -> [String: Any] {
        [
            "slug": session.slug, "title": session.title,
            "state": ShowroomWords.word(session.status == "live" ? "on_air" : "scheduled", language),
            "is_live": session.status == "live",
            "starts": ShowroomFormat.localTime(session.startsAt, language),
        ]
    }
}
