import OCOPDomain
import OCOPStorage

/// The product page's "fairs": upcoming and open fairs where the product can be found, with the
/// stalls that bring it. Read from `FairReadModel`, never from the database.
struct FairsProductSection: ProductPageSection {
    let model: FairReadModel
    let readModel: CatalogReadModel

    var key: String { "fairs" }

    var version: Int { model.version }

    func json(forProduct slug: String, language: Language) -> [UInt8] {
        let snapshot = readModel.snapshot()
        var json = JSONWriter(capacity: 256)
        json.beginArray()
        let fairs = model.fairs(ofProduct: slug)
            .filter { $0.listing.fair.status(on: snapshot.day) != .closed }
            .sorted { ($0.listing.fair.opensOn, $0.listing.fair.slug) < ($1.listing.fair.opensOn, $1.listing.fair.slug) }
        for (listing, stalls) in fairs {
            json.beginObject()
            FairJSON.writeSummaryMembers(listing, &json, today: snapshot.day, localities: snapshot.localities)
            json.key("stalls")
            json.beginArray()
            for code in stalls { json.string(code) }
            json.endArray()
            json.endObject()
        }
        json.endArray()
        return json.bytes
    }
}
