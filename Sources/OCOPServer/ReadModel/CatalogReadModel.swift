public import OCOPDomain
public import OCOPStorage
import Synchronization

/// Holds the current catalog snapshot and replaces it after each committed change or day change.
public final class CatalogReadModel: Sendable {
    private let current: Mutex<CatalogSnapshot>
    /// The catalog revision the current snapshot was loaded at.
    private let loadedRevision = Mutex<Int>(-1)
    /// Held while the snapshot is rebuilt for a new day, so it is rebuilt once.
    private let dayRebuild = Mutex<Void>(())
    /// Tomorrow's snapshot, built ahead off the event loops from the snapshot whose serial it
    /// names, so the first request after midnight swaps it in instead of rebuilding.
    private let tomorrow = Mutex<(snapshot: CatalogSnapshot, basis: UInt64)?>(nil)
    /// Reloads after commits, coalesced: a burst of catalog writes rebuilds once or twice.
    private let followRun = CoalescedRun()
    private let store: CatalogStore
    private let clock: any WallClock
    private let classification: ClassificationTree
    private let localities: Localities

    public init(
        store: CatalogStore, clock: any WallClock, classification: ClassificationTree = BundledData.classification,
        localities: Localities = BundledData.localities
    ) {
        self.store = store
        self.clock = clock
        self.classification = classification
        self.localities = localities
        current = Mutex(.empty(day: clock.todayInVietnam(), classification: classification, localities: localities))
    }

    /// Reloads the catalog from the database and swaps the snapshot in one step.
    public func reload() async throws {
        let revision = try await store.revision()
        let contents = try await store.load()
        let (day, classification, localities) = (clock.todayInVietnam(), classification, localities)
        let snapshot = try await offTheEventLoops {
            CatalogSnapshot(contents: contents, day: day, classification: classification, localities: localities)
        }
        current.withLock { $0 = snapshot }
        loadedRevision.withLock { $0 = revision }
        tomorrow.withLock { $0 = nil }  // built from the catalog just replaced
        _ = try? await offTheEventLoops { FreedMemory.returnToTheSystem() }  // a few ms for 200 MB
    }

    /// Reloads after a committed catalog change, sharing a reload with the writes committed
    /// while one runs (`CoalescedRun`).
    func follow() async throws {
        try await followRun.run { _ = try await self.reloadIfChanged() }
    }

    /// Reloads when another process (an `ocop import`, another node) committed a catalog change.
    /// Returns whether it reloaded.
    @discardableResult
    public func reloadIfChanged() async throws -> Bool {
        let revision = try await store.revision()
        guard revision != loadedRevision.withLock({ $0 }) else { return false }
        try await reload()
        return true
    }

    /// The snapshot for today. A snapshot built on an earlier day is rebuilt first, so a certificate
    /// that expired at midnight is gone from the very first request of the new day.
    ///
    /// The rebuild happens outside the snapshot's lock, so requests that still belong to the old day
    /// (and reloads) are not held up by it; requests of the new day wait for the one rebuild.
    func snapshot() -> CatalogSnapshot {
        let today = clock.todayInVietnam()
        let snapshot = current.withLock { $0 }
        if snapshot.day == today { return snapshot }
        return dayRebuild.withLock { _ in
            let latest = current.withLock { $0 }
            if latest.day == today { return latest }  // another request rebuilt it meanwhile
            let ahead = tomorrow.withLock { ahead in
                defer { ahead = nil }
                return ahead.flatMap { $0.basis == latest.serial && $0.snapshot.day == today ? $0.snapshot : nil }
            }
            let rebuilt = ahead ?? CatalogSnapshot(
                contents: latest.contents, day: today, classification: classification, localities: localities)
            return current.withLock { current in
                if current === latest {
                    current = rebuilt
                } else if current.day != today {
                    // A reload of the old day swapped in a newer catalog meanwhile (rare): rebuild that one.
                    current = CatalogSnapshot(
                        contents: current.contents, day: today, classification: classification, localities: localities)
                }
                return current
            }
        }
    }

    /// Builds tomorrow's snapshot from the current one, off the event loops, for the first request
    /// after midnight to swap in. A reload before midnight makes it stale (its basis no longer
    /// matches) and that request rebuilds as before.
    @discardableResult
    func prepareNextDay() async throws -> CatalogSnapshot {
        let basis = current.withLock { $0 }
        let day = basis.day.adding(days: 1)
        if let ready = tomorrow.withLock({ $0?.basis == basis.serial ? $0?.snapshot : nil }) { return ready }
        let (classification, localities) = (classification, localities)
        let snapshot = try await offTheEventLoops {
            CatalogSnapshot(contents: basis.contents, day: day, classification: classification, localities: localities)
        }
        // Kept only while it can still be used: its basis is current and its day still ahead.
        if current.withLock({ $0.serial }) == basis.serial, clock.todayInVietnam() < day {
            tomorrow.withLock { $0 = (snapshot, basis.serial) }
        }
        return snapshot
    }

    /// The next midnight in Vietnam, when certificates start and expire.
    public func nextMidnight() -> Moment {
        snapshot().day.adding(days: 1).startInVietnam
    }

    /// Counts for readiness and metrics.
    public var publishedProductCount: Int { snapshot().products.count }
}
