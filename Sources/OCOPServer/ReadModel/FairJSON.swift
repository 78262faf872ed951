import OCOPDomain
import OCOPStorage

/// The public JSON of fairs: summaries for lists and the product page, the detail with its stalls.
enum FairJSON {
    /// The members every fair answer starts with.
    static func writeSummaryMembers(_ listing: FairListing, _ json: inout JSONWriter, today: CalendarDate, localities: Localities) {
        let fair = listing.fair
        json.key("slug")
        json.string(fair.slug)
        json.key("kind")
        json.string(fair.kind.rawValue)
        json.key("name")
        json.string(fair.name)
        json.key("venue")
        json.string(fair.venue)
        json.key("province")
        json.codeAndName(fair.provinceCode, localities.province(code: fair.provinceCode)?.name)
        json.key("opens_on")
        json.string(fair.opensOn.description)
        json.key("closes_on")
        json.string(fair.closesOn.description)
        json.key("daily_hours")
        json.string(fair.dailyHours)
        json.key("organiser")
        json.string(fair.organiser)
        json.key("status")
        json.string(fair.status(on: today).rawValue)
        json.key("stall_count")
        json.int(listing.stalls.count)
        json.key("producer_count")
        json.int(Set(listing.stalls.compactMap(\.producer)).count)
    }

    /// The detail: the summary plus every stall, its producer and the publishable products it brings.
    /// Producers and products that are not publishable today are left out, so the OCOP mark is
    /// never shown beside them.
    static func detail(_ listing: FairListing, snapshot: CatalogSnapshot, language: Language) -> [UInt8] {
        var json = JSONWriter(capacity: 1024 + 512 * listing.stalls.count)
        json.beginObject()
        writeSummaryMembers(listing, &json, today: snapshot.day, localities: snapshot.localities)
        json.key("stalls")
        json.beginArray()
        for stall in listing.stalls {
            json.beginObject()
            json.key("code")
            json.string(stall.code)
            json.key("zone")
            json.string(stall.zone)
            json.key("size")
            json.string(stall.size.rawValue)
            json.key("status")
            json.string(stall.status)
            json.key("producer")
            if let slug = stall.producer, let producer = snapshot.producer(slug: slug) {
                json.beginObject()
                json.key("slug")
                json.string(slug)
                json.key("name")
                json.string(producer.producer.name)
                json.endObject()
            } else {
                json.null()
            }
            json.key("products")
            json.beginArray()
            if stall.producer != nil, let application = stall.applicationID {
                for slug in listing.productsByApplication[application] ?? [] {
                    if let product = snapshot.product(slug: slug) { json.raw(product.summaryJSON[language]!) }
                }
            }
            json.endArray()
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.bytes
    }
}
