/// How the marketplace sync worker paces itself. Tests shorten the intervals or switch the
/// background loops off and run cycles directly.
public struct MarketplaceSyncSettings: Sendable {
    /// Whether `buildApplication` starts the background worker.
    public var runsInBackground = true
    /// Sleep of a marketplace's lane when it found nothing due.
    public var pollInterval: Duration = .seconds(1)
    /// How often the eligibility sweep (expired certificates) and the page view refresh run.
    public var sweepInterval: Duration = .seconds(30)
    /// A claimed row is the worker's for this long; a node that dies mid-push loses it after.
    public var lease: Duration = .seconds(120)
    /// Bound on each HTTP exchange with a platform (kept well under the lease).
    public var requestTimeout: Duration = .seconds(20)
    /// Tries of one change before the listing shows `failed` (throttled tries do not count).
    public var maxAttempts = 6
    /// Tokens expiring within this margin are refreshed before a push.
    public var refreshMargin: Duration = .seconds(300)
    /// Rows one lane takes in a row before the others get a turn in a test cycle.
    public var batchLimit = 100

    public init() {}
}
