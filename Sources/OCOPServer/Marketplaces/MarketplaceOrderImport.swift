import CurlHTTP
import Foundation
import Logging
import OCOPDomain
import OCOPMarketplaces
import OCOPStorage

/// Brings marketplace orders in and applies them to the point's stock. Two jobs: a fetch of the
/// orders a push named (`marketplace_order`) and an account's pull of every order changed since
/// its watermark (`marketplace_pull`). Either way, what the platform answers when asked is what
/// moves stock; `MarketplaceOrderStore.apply` makes a second arrival of the same state a no-op.
struct MarketplaceOrderImport: Sendable {
    static let fetchKind = MarketplaceOrderFetch.jobKind
    static let pullKind = MarketplaceOrderPulls.jobKind

    let database: Database
    let box: MarketplaceSecretBox?
    let transport: any HTTPTransport
    let clock: any WallClock
    let settings: MarketplaceSyncSettings
    let logger: Logger

    /// Marketplaces whose orders come back here.
    static let marketplaces: [Marketplace] = [.shopee, .lazada, .tiktokShop, .tiki]

    func run(_ job: Job) async -> JobOutcome {
        do {
            switch job.kind {
            case Self.pullKind:
                let payload = try decode(MarketplaceOrderPulls.Request.self, job)
                _ = try await pull(account: payload.account)
            default:
                let payload = try decode(MarketplaceOrderFetch.self, job)
                let shop = try await connect(payload.account)
                let fetched = try await shop.fetch(payload.orders)
                let failed = try await apply(fetched.orders, shop) + unreadable(fetched, shop)
                // Retried, then dead-lettered on the office's job page: seen, not lost.
                if !failed.isEmpty { return .failed("could not apply orders \(failed.joined(separator: ", "))", retryAfter: nil, permanent: false) }
            }
            return .done
        } catch let failure as Failure {
            return failure.outcome
        } catch {
            return .failed("\(error)", retryAfter: nil, permanent: false)
        }
    }

    /// Pulls every order of the account changed since its watermark (less an overlap), applies
    /// them, and moves the watermark to the time the pull began. Returns how many orders it saw.
    func pull(account id: Int) async throws -> Int {
        let shop = try await connect(id)
        let pulls = MarketplaceOrderPulls(database: database)
        let now = clock.now()
        let through = now.unixMilliseconds / 1000
        do {
            let from = try await pulls.start(account: id, at: now)
            // A queue that cannot be read (a wrong code, a queue Tiki dropped) leaves the list to do
            // the work, and says so on the account's pull schedule.
            var queueProblem: String?
            var queued: Set<String> = []
            do {
                queued = try await readQueue(shop, pulls)
            } catch {
                queueProblem = "the event queue could not be read: \(error)"
                logger.warning("marketplace event queue", metadata: ["account": "\(id)", "error": "\(error)"])
            }
            let listed = try await shop.call { (context) async throws(MarketplaceError) -> (ids: [String], through: Int64) in
                try await shop.source.changedOrders(from: from, to: through, account: context)
            }
            // The list is read too: it catches what a queue missed (or an account without one).
            let fetched = try await shop.fetch(listed.ids.filter { !queued.contains($0) })
            let failed = try await apply(fetched.orders, shop) + unreadable(fetched, shop)
            // An order that cannot be read or applied gets a fetch job of its own (retried, and
            // dead-lettered on the office's job page), so it does not hold back the account's others.
            if !failed.isEmpty {
                try await MarketplaceOrderFetch(account: id, orders: failed).enqueue(database, at: clock.now())
            }
            let seen = queued.union(listed.ids).count
            try await pulls.finish(account: id, through: listed.through, seen: seen, at: clock.now())
            if let queueProblem { try await pulls.failed(account: id, error: queueProblem, at: clock.now()) }
            return seen
        } catch {
            try? await pulls.failed(account: id, error: "\(error)", at: clock.now())
            throw error
        }
    }

    /// Batches one pull reads from an account's event queue at most; the next pull goes on.
    static let maxQueueBatches = 50

    /// Reads the account's event queue, if its platform and credentials have one (Tiki): each
    /// batch's orders are fetched and applied, then its ack id is stored, to be sent (and so
    /// acknowledge the batch) with the next pull. A pull that fails before storing it gets the
    /// same batch again, which changes nothing the second time. Returns the orders it named.
    private func readQueue(_ shop: Shop, _ pulls: MarketplaceOrderPulls) async throws -> Set<String> {
        guard let queue = shop.source as? any MarketplaceOrderQueue else { return [] }
        var ack = try await pulls.queueAck(account: shop.account.id)
        var named: Set<String> = []
        for _ in 0..<Self.maxQueueBatches {
            let asked = ack
            guard
                let batch = try await shop.call({ (context) async throws(MarketplaceError) -> QueuedOrders? in
                    try await queue.queuedOrders(ack: asked, account: context)
                })
            else { return named }
            let fetched = try await shop.fetch(batch.orderIDs)
            let failed = try await apply(fetched.orders, shop) + unreadable(fetched, shop)
            if !failed.isEmpty {
                try await MarketplaceOrderFetch(account: shop.account.id, orders: failed).enqueue(database, at: clock.now())
            }
            try await pulls.setQueueAck(account: shop.account.id, batch.ack)
            ack = batch.ack
            named.formUnion(batch.orderIDs)
            // Without an ack id, asking again would only answer the same batch.
            if batch.events == 0 || batch.ack == nil { break }
        }
        return named
    }

    // MARK: - Steps

    /// A job that ended: how the queue should take it.
    struct Failure: Error {
        var outcome: JobOutcome
        static func permanent(_ reason: String) -> Failure { Failure(outcome: .failed(reason, retryAfter: nil, permanent: true)) }
    }

    /// An account ready to be asked: its settings, how its orders touch stock, and its adapter.
    struct Shop: Sendable {
        let account: MarketplaceAccount
        let orderAccount: OrderAccount
        let credentials: StoredCredentials
        let source: any MarketplaceOrderSource
        let adapter: any MarketplaceAdapter
        let tokens: FreshTokenCalls

        func call<T: Sendable>(_ operation: (MarketplaceAccountContext) async throws(MarketplaceError) -> T) async throws -> T {
            do {
                return try await tokens.call(account, credentials: credentials, adapter: adapter, operation)
            } catch {
                throw Failure(outcome: Self.outcome(error))
            }
        }

        func fetch(_ ids: [String]) async throws -> FetchedOrders {
            guard !ids.isEmpty else { return FetchedOrders() }
            return try await call { (context) async throws(MarketplaceError) -> FetchedOrders in
                try await source.orders(ids: ids, account: context)
            }
        }

        static func outcome(_ error: MarketplaceError) -> JobOutcome {
            switch error.kind {
            case .throttled(let seconds):
                .failed(error.description, retryAfter: seconds.map { .seconds(max(1, min($0, 3600))) }, permanent: false)
            case .transient: .failed(error.description, retryAfter: nil, permanent: false)
            case .authExpired, .badCredentials, .rejected: .failed(error.description, retryAfter: nil, permanent: true)
            }
        }
    }

    func connect(_ id: Int) async throws -> Shop {
        guard let box else { throw Failure.permanent("no secret key to open the account's credentials") }
        let accounts = MarketplaceAccountStore(database: database, box: box)
        guard let account = try await accounts.account(id),
            let orderAccount = try await MarketplaceOrderStore(database: database).account(id)
        else { throw Failure.permanent("marketplace account \(id) no longer exists") }
        guard let marketplace = Marketplace(rawValue: account.marketplace), Self.marketplaces.contains(marketplace),
            let adapter = MarketplaceAdapters.adapter(
                for: marketplace, transport: transport, clock: clock, timeout: settings.requestTimeout) as? any MarketplaceAdapter
                & MarketplaceOrderSource
        else { throw Failure.permanent("orders of \(account.marketplace) are not imported yet") }
        return Shop(
            account: account, orderAccount: orderAccount, credentials: try await accounts.credentials(account: id),
            source: adapter, adapter: adapter,
            tokens: FreshTokenCalls(accounts: accounts, clock: clock, refreshMargin: settings.refreshMargin, logger: logger))
    }

    /// Applies each order on its own; returns the ids of those that failed.
    private func apply(_ orders: [PlatformOrder], _ shop: Shop) async throws -> [String] {
        let store = MarketplaceOrderStore(database: database)
        var failed: [String] = []
        for order in orders {
            do {
                try await store.apply(order, account: shop.orderAccount, actor: "marketplace:\(shop.account.marketplace)", at: clock.now())
            } catch {
                logger.warning(
                    "could not apply a marketplace order",
                    metadata: ["account": "\(shop.account.id)", "order": "\(order.externalID)", "error": "\(error)"])
                failed.append(order.externalID)
            }
        }
        return failed
    }

    /// The ids of the orders the platform answered but that did not pass the checks, each logged
    /// with its reason (one without even a usable id can only be logged).
    private func unreadable(_ fetched: FetchedOrders, _ shop: Shop) -> [String] {
        for order in fetched.unreadable {
            logger.warning(
                "a marketplace order could not be read",
                metadata: ["account": "\(shop.account.id)", "order": "\(order.id)", "reason": "\(order.reason)"])
        }
        return fetched.unreadable.map(\.id).filter { !$0.isEmpty }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ job: Job) throws -> T {
        guard let payload = try? JSONDecoder().decode(T.self, from: Data(job.payload.utf8)) else {
            throw Failure.permanent("the job's payload is not a \(job.kind) job")
        }
        return payload
    }
}
