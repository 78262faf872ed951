public import CurlHTTP
public import Foundation
public import Logging
public import OCOPDomain
import OCOPMarketplaces
public import OCOPStorage

/// Pushes the marketplace outbox: claims a row, builds the push from the committed catalog and
/// stock, speaks to the platform through its adapter (refreshing tokens before expiry and once
/// on `authExpired`), and records the outcome with the row in one transaction.
public struct MarketplaceSyncEngine: Sendable {
    let database: Database
    let box: MarketplaceSecretBox
    let clock: any WallClock
    let transport: any HTTPTransport
    let settings: MarketplaceSyncSettings
    let view: MarketplaceListingsView
    let builder: ListingContentBuilder
    let workerName: String
    let logger: Logger

    public init(
        database: Database, box: MarketplaceSecretBox, clock: any WallClock, transport: any HTTPTransport,
        settings: MarketplaceSyncSettings, view: MarketplaceListingsView, publicBaseURL: String, mediaDirectory: URL,
        workerName: String, logger: Logger
    ) {
        self.database = database
        self.box = box
        self.clock = clock
        self.transport = transport
        self.settings = settings
        self.view = view
        self.builder = ListingContentBuilder(publicBaseURL: publicBaseURL, mediaDirectory: mediaDirectory)
        self.workerName = workerName
        self.logger = logger
    }

    private var queue: MarketplaceSyncQueue { MarketplaceSyncQueue(database: database) }
    private var accounts: MarketplaceAccountStore { MarketplaceAccountStore(database: database, box: box) }
    private var tokens: FreshTokenCalls {
        FreshTokenCalls(accounts: accounts, clock: clock, refreshMargin: settings.refreshMargin, logger: logger)
    }

    /// One full cycle: the eligibility sweep, then every marketplace's due rows (each lane on its
    /// own task, so one platform that hangs only holds up itself), then the page view.
    public func runCycle() async {
        await sweep()
        await withTaskGroup(of: Void.self) { group in
            for marketplace in Marketplace.allCases {
                group.addTask { _ = await drain(marketplace) }
            }
        }
        await refreshView()
    }

    /// Delists listings of products no longer publishable today (certificates expire by the
    /// calendar), and queues stock pushes where holds changed what a listing may offer.
    func sweep() async {
        do {
            let delisted = try await queue.delistUnpublishable(at: clock.now())
            if delisted > 0 { logger.info("delisting listings of unpublishable products", metadata: ["listings": "\(delisted)"]) }
            try await queue.reconcileStock(at: clock.now())
            try await queue.retryFailedPublishes(at: clock.now())
        } catch {
            logger.warning("marketplace sweep failed", metadata: ["error": "\(error)"])
        }
    }

    func refreshView() async {
        do {
            try await view.refresh(from: MarketplaceListingStore(database: database))
        } catch {
            logger.warning("could not refresh the listings view", metadata: ["error": "\(error)"])
        }
    }

    /// Runs due rows of one marketplace until none is left (or the batch limit); returns how many ran.
    func drain(_ marketplace: Marketplace) async -> Int {
        var count = 0
        while count < settings.batchLimit, !Task.isCancelled {
            let task: SyncTask?
            do {
                task = try await queue.claim(
                    marketplace: marketplace.rawValue, worker: workerName, lease: settings.lease, at: clock.now())
            } catch {
                logger.warning("could not claim a marketplace push", metadata: ["error": "\(error)"])
                return count
            }
            guard let task else { return count }
            count += 1
            let outcome = await run(task, marketplace: marketplace)
            do {
                let held = try await queue.finish(task, worker: workerName, outcome: outcome, at: clock.now())
                if !held { logger.warning("lost the lease of a marketplace push", metadata: ["row": "\(task.id)"]) }
            } catch {
                // The lease runs out and the row is taken again: nothing is lost.
                logger.error("could not record a marketplace push", metadata: ["row": "\(task.id)", "error": "\(error)"])
            }
            // Only publishing and delisting change the product page's links; stock pushes do not.
            if case .pushed = outcome, task.kind != .stock { await refreshView() }
        }
        return count
    }

    /// Decides and performs the push a row calls for, with the latest committed figures.
    func run(_ task: SyncTask, marketplace: Marketplace) async -> SyncOutcome {
        let now = clock.now()
        let source: ListingSource
        do {
            guard
                let found = try await MarketplaceListingStore(database: database).source(
                    listing: task.listingID, secrets: accounts, at: now)
            else { return .gaveUp(error: "the listing or its account no longer exists") }
            source = found
        } catch {
            return retry(task, "could not read the listing: \(error)")
        }
        let listing = source.listing
        let operation: ListingOperation
        var pushedPrice: Int?
        var pushedStock: Int?
        switch task.kind {
        case .publish:
            guard listing.wanted == "listed" else { return .skipped }
            let content: ListingContent
            do {
                content = try builder.content(source, today: CalendarDate(inVietnamAt: now))
            } catch {
                return .gaveUp(error: error.description)
            }
            operation = listing.externalID.map { .update(externalID: $0, content) } ?? .create(content)
            pushedPrice = content.priceVND
            pushedStock = content.stock
        case .stock:
            // Before the first publish the create carries the stock; the same figure is not sent twice.
            guard listing.wanted == "listed", let externalID = listing.externalID else { return .skipped }
            let stock = source.account.offeredStock(available: source.available)
            guard stock != listing.pushedStock else { return .skipped }
            operation = .updateStock(externalID: externalID, sku: listing.sku, stock: stock)
            pushedStock = stock
        case .delist:
            guard let externalID = listing.externalID else { return .skipped }
            operation = .delist(externalID: externalID, sku: listing.sku)
        }
        let adapter = MarketplaceAdapters.adapter(
            for: marketplace, transport: transport, clock: clock, timeout: settings.requestTimeout)
        do {
            // A create tried before may have been accepted with its answer lost (a timeout, a node
            // that died): the platform is asked for the SKU first, so no item is created twice.
            if case .create(let content) = operation, task.attempt > 1,
                let found = try await tokens.call(source.account, credentials: source.credentials, adapter: adapter, {
                    (account) async throws(MarketplaceError) -> PushResult? in try await adapter.existingItem(sku: listing.sku, account: account)
                })
            {
                // Meta answers without asking (the item's id is the SKU): the update upserts.
                logger.notice(
                    "a retried create is sent as an update of the SKU's item on the platform",
                    metadata: ["listing": "\(listing.id)", "item": "\(found.externalID)"])
                let result = try await push(.update(externalID: found.externalID, content), source: source, adapter: adapter)
                return .pushed(
                    externalID: result.externalID, externalURL: result.externalURL ?? found.externalURL, price: pushedPrice,
                    stock: pushedStock)
            }
            let result = try await push(operation, source: source, adapter: adapter)
            return .pushed(
                externalID: result.externalID, externalURL: result.externalURL, price: pushedPrice, stock: pushedStock)
        } catch {
            logger.notice(
                "marketplace push failed",
                metadata: [
                    "listing": "\(listing.id)", "marketplace": "\(marketplace.rawValue)", "kind": "\(task.kind.rawValue)",
                    "attempt": "\(task.attempt)", "code": "\(error.code)",
                ])
            switch error.kind {
            case .throttled(let seconds):
                // A platform's wait is its own number: held between a second and an hour.
                let wait = seconds.map { Int64(max(1, min($0, OutboundResponse.longestRetryAfterSeconds))) }
                return .retry(
                    error: error.description, afterSeconds: wait ?? Self.backoffSeconds(attempt: task.attempt),
                    countsAsAttempt: false)
            case .transient:
                return retry(task, error.description)
            case .authExpired, .badCredentials, .rejected:
                return .gaveUp(error: error.description)
            }
        }
    }

    /// A failure worth another try, unless the attempts are spent.
    private func retry(_ task: SyncTask, _ error: String) -> SyncOutcome {
        task.attempt >= settings.maxAttempts
            ? .gaveUp(error: "\(error) (gave up after \(task.attempt) attempts)")
            : .retry(error: error, afterSeconds: Self.backoffSeconds(attempt: task.attempt), countsAsAttempt: true)
    }

    /// Pushes with fresh tokens (see `FreshTokenCalls`).
    private func push(_ operation: ListingOperation, source: ListingSource, adapter: any MarketplaceAdapter)
        async throws(MarketplaceError) -> PushResult
    {
        try await tokens.call(source.account, credentials: source.credentials, adapter: adapter) {
            (account) async throws(MarketplaceError) -> PushResult in try await adapter.push(operation, account: account)
        }
    }

    /// 2, 4, 8 … seconds, at most an hour, with ±20% jitter so that retries do not march in step.
    static func backoffSeconds(attempt: Int) -> Int64 {
        let base = min(3600, 1 << min(max(attempt, 1), 12))
        return Int64((Double(base) * Double.random(in: 0.8...1.2)).rounded())
    }
}

/// The engine `buildApplication` runs, or nil (with a notice) when no secret key is configured.
public func marketplaceSyncEngine(
    _ configuration: ServerConfiguration, _ dependencies: ServerDependencies, _ logger: Logger
) -> MarketplaceSyncEngine? {
    guard let box = dependencies.marketplaceSecrets else {
        logger.notice("marketplace sync is off: no secret key (OCOP_SECRET_KEY or --secret-key-file)")
        return nil
    }
    return MarketplaceSyncEngine(
        database: dependencies.database, box: box, clock: dependencies.clock, transport: dependencies.transport,
        settings: dependencies.marketplaceSync, view: dependencies.marketplaceListings,
        publicBaseURL: configuration.publicBaseURL, mediaDirectory: configuration.mediaDirectory,
        workerName: dependencies.workerName, logger: logger)
}
