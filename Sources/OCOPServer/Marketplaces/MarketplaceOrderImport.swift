import CurlHTTP
import Foundation
import Logging
import OCOPDomain
import OCOPMarketplaces
import OCOPStorage

/// Fetches marketplace orders that a push named and applies them to the point's stock: the job
/// (`marketplace_order`) the push receivers queue. The push only says an order changed; what the
/// platform answers when asked is what moves stock.
struct MarketplaceOrderImport: Sendable {
    static let jobKind = MarketplaceOrderFetch.jobKind

    let database: Database
    let box: MarketplaceSecretBox?
    let transport: any HTTPTransport
    let clock: any WallClock
    let settings: MarketplaceSyncSettings
    let logger: Logger

    func run(_ job: Job) async -> JobOutcome {
        guard let box else { return .failed("no secret key to open the account's credentials", retryAfter: nil, permanent: true) }
        guard let payload = try? JSONDecoder().decode(MarketplaceOrderFetch.self, from: Data(job.payload.utf8)) else {
            return .failed("the job's payload is not an order fetch", retryAfter: nil, permanent: true)
        }
        let accounts = MarketplaceAccountStore(database: database, box: box)
        let orders = MarketplaceOrderStore(database: database)
        let account: MarketplaceAccount
        let orderAccount: OrderAccount
        let credentials: StoredCredentials
        do {
            guard let found = try await accounts.account(payload.account), let scoped = try await orders.account(payload.account)
            else { return .failed("marketplace account \(payload.account) no longer exists", retryAfter: nil, permanent: true) }
            account = found
            orderAccount = scoped
            credentials = try await accounts.credentials(account: payload.account)
        } catch {
            return .failed("could not read the account: \(error)", retryAfter: nil, permanent: false)
        }
        guard let marketplace = Marketplace(rawValue: account.marketplace),
            let source = MarketplaceAdapters.adapter(
                for: marketplace, transport: transport, clock: clock, timeout: settings.requestTimeout) as? any MarketplaceOrderSource,
            let adapter = source as? any MarketplaceAdapter
        else { return .failed("\(account.marketplace) has no order API here", retryAfter: nil, permanent: true) }
        let tokens = FreshTokenCalls(accounts: accounts, clock: clock, refreshMargin: settings.refreshMargin, logger: logger)
        let fetched: [PlatformOrder]
        do {
            fetched = try await tokens.call(account, credentials: credentials, adapter: adapter) {
                (context) async throws(MarketplaceError) -> [PlatformOrder] in
                try await source.orders(ids: payload.orders, account: context)
            }
        } catch {
            switch error.kind {
            case .throttled(let seconds):
                return .failed(error.description, retryAfter: seconds.map { .seconds(max(1, min($0, 3600))) }, permanent: false)
            case .transient: return .failed(error.description, retryAfter: nil, permanent: false)
            case .authExpired, .badCredentials, .rejected: return .failed(error.description, retryAfter: nil, permanent: true)
            }
        }
        do {
            for order in fetched {
                try await orders.apply(order, account: orderAccount, actor: "marketplace:\(marketplace.rawValue)", at: clock.now())
            }
        } catch {
            return .failed("could not apply the orders: \(error)", retryAfter: nil, permanent: false)
        }
        return .done
    }
}
