public import OCOPDomain
public import OCOPStorage
import Synchronization

/// Upcoming and live sessions in memory, for `GET /v1/livestreams` and the product page's
/// "livestreams" section: no database on those reads. Reloaded after each livestream write on this
/// node and every few seconds by `LivestreamHoldSweeper` (which also sees other nodes' writes).
public final class LivestreamReadModel: Sendable {
    struct State: Sendable {
        var sessions: [LivestreamRecord] = []
        var version = 0
        /// Reloads run concurrently (after a write, and from the sweeper): each takes a ticket before
        /// it reads, and only a read newer than the one applied may replace it, so a slow read that
        /// began before a write never overwrites the state loaded after it.
        var ticketsIssued = 0
        var ticketApplied = 0
    }

    private let state = Mutex(State())
    private let store: LivestreamStore
    private let clock: any WallClock

    public init(database: Database, clock: any WallClock) {
        store = LivestreamStore(database: database)
        self.clock = clock
    }

    /// Loads the sessions still to come or on air.
    public func reload() async throws {
        let ticket = state.withLock { state in
            state.ticketsIssued += 1
            return state.ticketsIssued
        }
        let sessions = try await store.upcoming(at: clock.now())
        state.withLock { state in
            guard ticket > state.ticketApplied else { return }
            state.ticketApplied = ticket
            guard state.sessions != sessions else { return }
            state.sessions = sessions
            state.version = ReadModelVersion.next()
        }
    }

    var version: Int { state.withLock { $0.version } }

    /// Sessions not yet over at `now`, soonest first (a session past its end drops out at once,
    /// before the next reload).
    func sessions(at now: Moment) -> [LivestreamRecord] {
        let sessions = state.withLock { $0.sessions }
        guard !sessions.isEmpty else { return [] }  // most of the time: no timestamp to format per page
        let cut = ISOTimestamp.string(now)
        return sessions.filter { $0.endsAt > cut }
    }
}

/// The product page's "livestreams": sessions to come or on air that sell the product, with its
/// live code and price.
struct LivestreamsProductSection: ProductPageSection {
    let model: LivestreamReadModel
    let clock: any WallClock

    var key: String { "livestreams" }

    var version: Int { model.version }

    func json(forProduct slug: String, language: Language) -> [UInt8] {
        var json = JSONWriter(capacity: 128)
        json.beginArray()
        for session in model.sessions(at: clock.now()) {
            for product in session.products where product.product == slug {
                json.beginObject()
                LivestreamJSON.writeHeader(session, &json)
                json.key("code")
                json.string(product.code)
                json.key("sku")
                json.string(product.sku)
                json.key("live_price")
                json.int(product.livePrice)
                json.endObject()
            }
        }
        json.endArray()
        return json.bytes
    }
}

/// Public JSON of a session: never the orders, buyers or comments.
enum LivestreamJSON {
    /// The session's slug (as "livestream") and what shoppers need to find it.
    static func writeHeader(_ session: LivestreamRecord, _ json: inout JSONWriter) {
        json.key("livestream")
        json.string(session.slug)
        writeMembers(session, &json)
    }

    private static func writeMembers(_ session: LivestreamRecord, _ json: inout JSONWriter) {
        json.key("title")
        json.string(session.title)
        json.key("platform")
        json.string(session.platform)
        json.key("page_url")
        json.string(session.pageUrl)
        json.key("status")
        json.string(session.status)
        json.key("starts_at")
        json.string(session.startsAt)
        json.key("ends_at")
        json.string(session.endsAt)
    }

    /// A whole session with the products that are publishable now (name in the asked language).
    static func write(
        _ session: LivestreamRecord, _ json: inout JSONWriter, snapshot: CatalogSnapshot, language: Language
    ) {
        json.beginObject()
        json.key("slug")
        json.string(session.slug)
        writeMembers(session, &json)
        json.key("host")
        json.string(session.host)
        json.key("point")
        json.string(session.point)
        json.key("producers")
        json.beginArray()
        for producer in session.producers { json.string(producer) }
        json.endArray()
        json.key("products")
        json.beginArray()
        for product in session.products {
            guard let entry = snapshot.product(slug: product.product) else { continue }
            json.beginObject()
            json.key("code")
            json.string(product.code)
            json.key("product")
            json.string(product.product)
            json.key("name")
            json.string(entry.product.name.text(in: language))
            json.key("sku")
            json.string(product.sku)
            json.key("stars")
            json.int(entry.certificate.stars.value)
            json.key("live_price")
            json.int(product.livePrice)
            json.key("quota")
            json.int(product.quota)
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }
}
