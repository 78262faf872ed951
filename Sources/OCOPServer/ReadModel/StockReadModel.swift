import OCOPDomain
public import OCOPStorage
import Synchronization

/// The points and which products they hold, kept in memory so that public reads (product pages,
/// `?point=` filters, point pages) never query the database. Refreshed after each committed
/// stock movement, for the points it touched.
public final class StockReadModel: Sendable {
    struct State: Sendable {
        var points: [String: SalePoint] = [:]
        /// point → product → units in stock
        var unitsByPoint: [String: [String: Int]] = [:]
        /// The same, the other way round: product → point → units, so a product page reads only
        /// the points holding that product. Kept in step with `unitsByPoint` by `setUnits`.
        var unitsByProduct: [String: [String: Int]] = [:]
        /// Bumped on every change, so ETags of pages that show stock change with it.
        var version = 0
        /// Bumped when the points themselves (names, addresses, hours) may have changed, not
        /// when units move: a product's page is keyed by this and its own units only, so a sale
        /// renders again the pages of what was sold, not all 20,000.
        var pointsVersion = 0
    }

    private let state = Mutex(State())
    private let pending = Mutex(Pending())
    private let refreshRun = CoalescedRun()
    private let database: Database
    private let points: PointStore
    private let stock = StockStore()

    public init(database: Database) {
        self.database = database
        points = PointStore(database: database)
    }

    /// Loads every point and all availability.
    public func reload() async throws {
        let allPoints = try await points.all()
        let availability = try await stock.availability(point: nil, database)
        var units: [String: [String: Int]] = [:]
        for row in availability { units[row.point, default: [:]][row.product] = row.units }
        state.withLock { state in
            state.points = Dictionary(uniqueKeysWithValues: allPoints.map { ($0.slug, $0) })
            state.unitsByPoint = [:]
            state.unitsByProduct = [:]
            for (slug, products) in units { state.setUnits(products, atPoint: slug) }
            state.version = ReadModelVersion.next()
            state.pointsVersion = state.version
        }
    }

    /// Reloads the availability of the points a committed movement touched.
    func refresh(points slugs: Set<String>) async throws {
        pending.withLock { $0.wholePoints.formUnion(slugs) }
        try await refreshRun.run { try await self.refreshPending() }
    }

    /// Reloads the availability at one point of the products holding `skus`, after a movement of
    /// them committed: a sale reads a product or two, not everything the point holds.
    func refresh(point slug: String, skus: [String]) async throws {
        pending.withLock { $0.skusByPoint[slug, default: []].formUnion(skus) }
        try await refreshRun.run { try await self.refreshPending() }
    }

    /// What commits asked to re-read and no refresh has taken yet.
    private struct Pending {
        var wholePoints: Set<String> = []
        var skusByPoint: [String: Set<String>] = [:]
    }

    /// Refreshes run one at a time (`CoalescedRun`), each taking everything asked for so far: a
    /// refresh that read before a commit can never be applied after one that read after it, and
    /// under load one read serves many sales.
    private func refreshPending() async throws {
        let asked = pending.withLock { pending in
            defer { pending = Pending() }
            return pending
        }
        // One point after another: a refresh holds one pooled connection at a time (at once, a busy
        // node's refreshes took every PostgreSQL connection the cluster allows).
        var fresh: [String: [String: Int]] = [:]
        for slug in asked.wholePoints {
            fresh[slug] = [:]
            for row in try await stock.availability(point: slug, database) { fresh[slug]![row.product] = row.units }
        }
        var partial: [String: [String: Int]] = [:]
        for (slug, skus) in asked.skusByPoint where !asked.wholePoints.contains(slug) {
            partial[slug] = try await stock.availability(point: slug, ofProductsWithSKUs: skus.sorted(), database)
        }
        state.withLock { state in
            for (slug, units) in fresh { state.setUnits(units, atPoint: slug) }
            for (slug, units) in partial {
                for (product, count) in units { state.setUnits(count, ofProduct: product, atPoint: slug) }
            }
            state.version = ReadModelVersion.next()
        }
    }

    /// Reloads the point list after a point was created or edited.
    func refreshPoints() async throws {
        let allPoints = try await points.all()
        state.withLock { state in
            state.points = Dictionary(uniqueKeysWithValues: allPoints.map { ($0.slug, $0) })
            state.version = ReadModelVersion.next()
            state.pointsVersion = state.version
        }
    }

    var version: Int { state.withLock { $0.version } }

    /// The points holding a product with their units, and the points' version, read together:
    /// what a product's page shows of stock, and so what its cache key holds.
    func availabilityAndPointsVersion(ofProduct product: String) -> (availability: [(point: SalePoint, units: Int)], pointsVersion: Int) {
        state.withLock { state in (Self.availability(ofProduct: product, in: state), state.pointsVersion) }
    }

    func point(_ slug: String) -> SalePoint? { state.withLock { $0.points[slug] } }

    var allPoints: [SalePoint] { state.withLock { Array($0.points.values) } }

    /// The products in stock at a point (empty for an unknown point or a fair stall, which is not listed).
    func products(atPoint slug: String) -> [String: Int] {
        state.withLock { $0.points[slug] == nil ? [:] : $0.unitsByPoint[slug] ?? [:] }
    }

    /// The points holding a product, with units, by point name.
    func availability(ofProduct product: String) -> [(point: SalePoint, units: Int)] {
        state.withLock { Self.availability(ofProduct: product, in: $0) }
    }

    private static func availability(ofProduct product: String, in state: State) -> [(point: SalePoint, units: Int)] {
        (state.unitsByProduct[product] ?? [:]).compactMap { slug, units in
            guard units > 0, let point = state.points[slug] else { return nil }
            return (point, units)
        }
        .sorted { ($0.point.name, $0.point.slug) < ($1.point.name, $1.point.slug) }
    }
}

extension StockReadModel.State {
    /// Sets one product's units at one point (0 removes it), in both directions.
    mutating func setUnits(_ count: Int, ofProduct product: String, atPoint slug: String) {
        if count > 0 {
            unitsByPoint[slug, default: [:]][product] = count
            unitsByProduct[product, default: [:]][slug] = count
        } else {
            unitsByPoint[slug]?[product] = nil
            unitsByProduct[product]?[slug] = nil
            if unitsByProduct[product]?.isEmpty == true { unitsByProduct[product] = nil }
        }
    }

    /// Replaces what one point holds, in both directions.
    mutating func setUnits(_ units: [String: Int], atPoint slug: String) {
        for product in (unitsByPoint[slug] ?? [:]).keys {
            unitsByProduct[product]?[slug] = nil
            if unitsByProduct[product]?.isEmpty == true { unitsByProduct[product] = nil }
        }
        unitsByPoint[slug] = units
        for (product, count) in units { unitsByProduct[product, default: [:]][slug] = count }
    }
}
