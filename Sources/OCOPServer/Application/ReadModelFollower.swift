import Logging
import OCOPDomain
import OCOPStorage
import Synchronization

/// Keeps every in-memory read model in step with the database, from the change notices the
/// database publishes after each commit (`ChangeBus`): this node's own writes at commit, other
/// nodes' through the change feed. No controller refreshes anything.
///
/// A refresh that fails is logged and remembered; `catchUp()` (run by `ChangeFeedService` every
/// poll) reloads what fell behind. The write that caused it has committed and is answered as such.
final class ReadModelFollower: Sendable {
    let catalog: CatalogReadModel
    let stock: StockReadModel
    let fairs: FairReadModel
    let livestreams: LivestreamReadModel
    let listings: MarketplaceListingsView
    let listingStore: MarketplaceListingStore
    let sessions: SessionCache
    let logger: Logger
    private let behind = Mutex<Set<Part>>([])

    enum Part: Hashable, CaseIterable { case catalog, stock, fairs, livestreams, listings }

    init(dependencies: ServerDependencies, logger: Logger) {
        catalog = dependencies.readModel
        stock = dependencies.stockReadModel
        fairs = dependencies.fairReadModel
        livestreams = dependencies.livestreamReadModel
        listings = dependencies.marketplaceListings
        listingStore = MarketplaceListingStore(database: dependencies.database)
        sessions = dependencies.sessions
        self.logger = logger
    }

    /// Subscribes to the database's change bus.
    func subscribe(to bus: ChangeBus) {
        bus.subscribe { notices in await self.apply(notices) }
    }

    /// Applies one commit's notices; each read model is refreshed at most once per batch.
    func apply(_ notices: Set<ChangeNotice>) async {
        var wholePoints: Set<String> = []
        var skusByPoint: [String: [String]] = [:]
        var parts: Set<Part> = []
        var pointList = false
        for notice in notices {
            switch notice {
            case .catalog: parts.insert(.catalog)
            case .points: pointList = true
            case .stock(let point): wholePoints.insert(point)
            case .stockOfSKU(let point, let sku): skusByPoint[point, default: []].append(sku)
            case .fairs: parts.insert(.fairs)
            case .livestreams: parts.insert(.livestreams)
            case .listings: parts.insert(.listings)
            case .sessions: sessions.removeAll()  // before anything else: a revoked token stops now
            }
        }
        if pointList || !wholePoints.isEmpty || !skusByPoint.isEmpty {
            await attempt(.stock) {
                if pointList { try await stock.refreshPoints() }
                if !wholePoints.isEmpty { try await stock.refresh(points: wholePoints) }
                for (point, skus) in skusByPoint where !wholePoints.contains(point) {
                    try await stock.refresh(point: point, skus: skus)
                }
            }
        }
        for part in Part.allCases where parts.contains(part) {
            await attempt(part) { try await refresh(part) }
        }
    }

    /// Reloads whatever a failed refresh left behind; returns whether anything was behind.
    @discardableResult
    func catchUp() async -> Bool {
        let parts = behind.withLock { behind in
            defer { behind = [] }
            return behind
        }
        for part in Part.allCases where parts.contains(part) {
            await attempt(part) { try await reloadWhole(part) }
        }
        return !parts.isEmpty
    }

    var isBehind: Bool { behind.withLock { !$0.isEmpty } }

    private func refresh(_ part: Part) async throws {
        switch part {
        case .catalog: try await catalog.follow()
        case .fairs: try await fairs.follow()
        case .livestreams: try await livestreams.reload()
        case .listings: try await listings.refresh(from: listingStore)
        case .stock: try await stock.reload()
        }
    }

    private func reloadWhole(_ part: Part) async throws {
        switch part {
        case .stock: try await stock.reload()
        default: try await refresh(part)
        }
    }

    private func attempt(_ part: Part, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch {
            behind.withLock { _ = $0.insert(part) }
            logger.warning(
                "a read model could not follow a commit; serving the previous state until the next poll",
                metadata: ["part": "\(part)", "error": "\(error)"])
        }
    }
}
