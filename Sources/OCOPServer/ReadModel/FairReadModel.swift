public import OCOPDomain
public import OCOPStorage
import Synchronization

/// Fairs, their stalls and which products are found at them, in memory, so that `/v1/fairs` and
/// the product page's "fairs" section never query the database. Reloaded after each fair write
/// on this node, and by `FairRefreshService` when another node moved `fairs_revision`.
public final class FairReadModel: Sendable {
    struct State: Sendable {
        var bySlug: [String: FairListing] = [:]
        /// product slug → (fair slug, stall codes holding it); closed stalls excluded.
        var fairsByProduct: [String: [(fair: String, stalls: [String])]] = [:]
        var revision = -1
        var version = 0
    }

    private let state = Mutex(State())
    private let store: FairStore
    private let followRun = CoalescedRun()

    public init(database: Database) {
        store = FairStore(database: database)
    }

    /// Loads every fair.
    public func reload() async throws {
        let revision = try await store.revision()
        let listings = try await store.listings()
        var byProduct: [String: [String: [String]]] = [:]
        for listing in listings {
            for stall in listing.stalls where stall.closedAt == nil {
                guard let application = stall.applicationID else { continue }
                for product in listing.productsByApplication[application] ?? [] {
                    byProduct[product, default: [:]][listing.fair.slug, default: []].append(stall.code)
                }
            }
        }
        let index = byProduct.mapValues { fairs in
            fairs.map { (fair: $0.key, stalls: $0.value.sorted()) }.sorted { $0.fair < $1.fair }
        }
        state.withLock { state in
            // A slower reload that read an older revision must not overwrite a newer one.
            guard revision >= state.revision else { return }
            // The version moves only when fairs change, not on every reload; a first load that
            // finds none changes nothing either (pages read before it keep their ETags).
            let firstAndEmpty = state.revision == -1 && listings.isEmpty
            if revision != state.revision && !firstAndEmpty { state.version = ReadModelVersion.next() }
            state.bySlug = Dictionary(uniqueKeysWithValues: listings.map { ($0.fair.slug, $0) })
            state.fairsByProduct = index
            state.revision = revision
        }
    }

    /// Reloads after a committed fair change, sharing a reload with writes committed meanwhile.
    func follow() async throws { try await followRun.run { try await self.reload() } }

    /// Reloads when the stored revision moved (a write on another node). Returns whether it did.
    @discardableResult
    public func reloadIfChanged() async throws -> Bool {
        guard try await store.revision() != state.withLock({ $0.revision }) else { return false }
        try await reload()
        return true
    }

    var version: Int { state.withLock { $0.version } }

    func listing(_ slug: String) -> FairListing? { state.withLock { $0.bySlug[slug] } }

    var all: [FairListing] { state.withLock { Array($0.bySlug.values) } }

    /// The fairs (with the stalls) where a product can be found.
    func fairs(ofProduct product: String) -> [(listing: FairListing, stalls: [String])] {
        state.withLock { state in
            (state.fairsByProduct[product] ?? []).compactMap { entry in
                state.bySlug[entry.fair].map { ($0, entry.stalls) }
            }
        }
    }
}
