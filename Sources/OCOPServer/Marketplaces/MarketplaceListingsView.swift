import OCOPDomain
import OCOPStorage
import Synchronization

/// The product page's `listings` section: `[{marketplace, url}]` of each product's live,
/// published listings. Held in memory and refreshed after listing writes and by the sync worker,
/// so the page never touches the database.
public final class MarketplaceListingsView: ProductPageSection, Sendable {
    private struct State {
        var linksByProduct: [String: [UInt8]] = [:]
        var linksOfProduct: [String: [MarketplaceLink]] = [:]
        var version = 0
    }

    private let state = Mutex(State())

    public init() {}

    var key: String { "listings" }

    var version: Int { state.withLock { $0.version } }

    func json(forProduct slug: String, language: Language) -> [UInt8] {
        state.withLock { $0.linksByProduct[slug] } ?? Array("[]".utf8)
    }

    /// The product's live, published listings, for the showroom's "where to buy".
    func links(forProduct slug: String) -> [MarketplaceLink] {
        state.withLock { $0.linksOfProduct[slug] } ?? []
    }

    /// Reloads the links; the version moves only when an answer changed.
    func refresh(from store: MarketplaceListingStore) async throws {
        var grouped: [String: [(marketplace: String, url: String)]] = [:]
        for link in try await store.publishedLinks() {
            grouped[link.product, default: []].append((link.marketplace, link.url))
        }
        var encoded: [String: [UInt8]] = [:]
        for (product, links) in grouped {
            var json = JSONWriter(capacity: 128)
            json.beginArray()
            for link in links {
                json.beginObject()
                json.key("marketplace")
                json.string(link.marketplace)
                json.key("url")
                json.string(link.url)
                json.endObject()
            }
            json.endArray()
            encoded[product] = json.bytes
        }
        state.withLock { state in
            if state.linksByProduct != encoded {
                state.linksByProduct = encoded
                state.linksOfProduct = grouped.mapValues { $0.map { MarketplaceLink(marketplace: $0.marketplace, url: $0.url) } }
                state.version = ReadModelVersion.next()
            }
        }
    }
}

/// A product's listing on a marketplace, as shoppers follow it.
struct MarketplaceLink: Sendable, Hashable {
    let marketplace: String
    let url: String
}
