import OCOPDomain
import OCOPStorage

/// The in-memory views the pages read: the same ones the JSON API answers from, so a page and the
/// API never disagree. Nothing here touches the database.
struct ShowroomSources: Sendable {
    let catalog: CatalogReadModel
    let stock: StockReadModel
    let fairs: FairReadModel
    let livestreams: LivestreamReadModel
    let listings: MarketplaceListingsView
    let clock: any WallClock

    /// Changes whenever any page may change: part of every page's ETag and cache key.
    func version(_ snapshot: CatalogSnapshot) -> ETagDigest {
        var digest = ETagDigest()
        digest.add(snapshot.version)
        digest.add(stock.version)
        digest.add(fairs.version)
        digest.add(livestreams.version)
        digest.add(listings.version)
        return digest
    }

    /// Fairs not yet closed, soonest first.
    func openOrComingFairs(on day: CalendarDate) -> [FairListing] {
        fairs.all.filter { $0.fair.status(on: day) != .closed }
            .sorted { ($0.fair.opensOn, $0.fair.slug) < ($1.fair.opensOn, $1.fair.slug) }
    }
}
